//! Production hardening: sessions are written only when there is something to keep, what a
//! failed form keeps is bounded, and any body over the limit is refused everywhere.
use crate::helpers::{spawn_demo, Browser, TestEnv};
use rally::db::global::sessions;
use rally::db::sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};

async fn session_rows(app: &crate::helpers::TestApp) -> u64 {
    sessions::Entity::find()
        .count(app.state.registry.global())
        .await
        .unwrap()
}

/// Unknown, expired or forged session cookies are dropped: no session row is written for
/// them, on any host, and the reply tells the browser to forget the cookie.
#[tokio::test]
async fn a_thousand_random_session_cookies_leave_the_sessions_table_as_it_was() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    // A real session exists beforehand; it must be untouched too.
    Browser::new(&app)
        .sign_in("alice@example.com", rally::platform::seed::DEMO_PASSWORD)
        .await;
    let before = session_rows(&app).await;
    assert_eq!(before, 1);
    let hosts = [
        app.host("acme.localhost"),
        app.host("accounts.localhost"),
        app.host("hub.globex.test"),
    ];
    let app = &app;
    for batch in 0..20 {
        let requests = (0..50).map(|i| {
            let host = &hosts[(batch + i) % hosts.len()];
            let cookie = format!("rally_session={}", rand_token(batch * 50 + i));
            async move {
                let path = if i % 2 == 0 { "/" } else { "/leaderboard" };
                let r = app.request(host, path, &[("cookie", &cookie)]).await;
                (format!("GET {host}{path}"), r)
            }
        });
        for (what, r) in futures::future::join_all(requests).await {
            assert!(r.status < 500, "{what}: {}", r.status);
            // No new session cookie is handed out for a garbage one.
            assert!(
                !r.set_cookies
                    .iter()
                    .any(|c| c.starts_with("rally_session=") && !c.contains("Max-Age=0")),
                "{what} ({}): {:?}",
                r.status,
                r.set_cookies
            );
        }
    }
    assert_eq!(session_rows(app).await, before);
}

/// A different 22-character token per request (the shape of a session id, but unknown).
fn rand_token(n: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let mut x = (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    while s.len() < 22 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let _ = write!(s, "{}", (b'a' + (x % 26) as u8) as char);
    }
    s
}

/// A signed-out visitor's failed form keeps what was typed in a session, but only a few
/// kilobytes of it, however much was posted.
#[tokio::test]
async fn a_failed_form_keeps_only_a_few_kilobytes() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let mut b = Browser::new(&app);
    let name = "n".repeat(200_000);
    let r = b
        .post_form(
            &accounts,
            "/signup",
            &[("display_name", &name), ("email", "bad"), ("password", "x")],
        )
        .await;
    assert_eq!(r.status, 303);
    let row = sessions::Entity::find()
        .order_by_desc(sessions::Column::ExpiresAt)
        .one(app.state.registry.global())
        .await
        .unwrap()
        .expect("the flash's session");
    let size = row.data.len();
    assert!(size < 12 * 1024, "a session row of {size} bytes");
    // The form still comes back with its errors.
    let page = b.get(&accounts, "/signup").await;
    assert!(
        page.body.contains("data-testid=\"error-email\""),
        "{}",
        page.body
    );
}

/// 3 MB is refused with 413 on every kind of route: pages, form posts, the API host,
/// static files, hosts that do not exist.
#[tokio::test]
async fn a_three_megabyte_body_is_413_everywhere() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let body = "x".repeat(3 * 1024 * 1024);
    let form = [("content-type", "application/x-www-form-urlencoded")];
    for (method, host, path) in [
        ("POST", app.host("acme.localhost"), "/admin/challenges"),
        ("POST", app.host("acme.localhost"), "/"),
        ("PUT", app.host("acme.localhost"), "/leaderboard"),
        ("POST", app.host("accounts.localhost"), "/signup"),
        ("POST", app.host("accounts.localhost"), "/password/reset"),
        ("POST", app.host("api.localhost"), "/v1/contacts"),
        ("POST", app.host("acme.localhost"), "/pkg/rally.css"),
        ("POST", app.host("nobody.localhost"), "/join"),
    ] {
        let r = app.send_body(method, &host, path, &form, &body).await;
        assert_eq!(r.status, 413, "{method} {host}{path}: {}", r.body);
    }
}

/// Mail left in an outbox without a delivery job — queued by a Rally from before the job
/// queue, or left `sending` by its old sender that died (its lease over) — gets a job from
/// the next server that starts and is sent, accounts mail and hub mail alike; one whose
/// lease is still running, or whose backoff has not passed, is left alone.
#[tokio::test]
async fn a_stuck_outbox_row_is_sent_after_restart() {
    use rally::db::global::mail_outbox;
    use rally::db::sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Set};
    use rally::db::tenant::outbound_mail;
    let env = TestEnv::sqlite().await;
    let first = spawn_demo(&env).await;
    let global = first.state.registry.global().clone();
    let acme = crate::helpers::hub_db(&first, "acme").await;
    let past = rally::db::now() - chrono::TimeDelta::minutes(5);
    let future = rally::db::now() + chrono::TimeDelta::minutes(30);
    let row = |to: &str, status, next| mail_outbox::ActiveModel {
        id: Set(rally::db::new_id()),
        tenant_id: Set(None),
        to_address: Set(to.to_string()),
        subject: Set("Stuck".into()),
        body_text: Set("body".into()),
        status: Set(status),
        attempts: Set(0),
        message_id: Set(None),
        request_id: Set(None),
        last_error: Set(None),
        created_at: Set(rally::db::now()),
        sent_at: Set(None),
        next_attempt_at: Set(next),
    };
    // Inserted straight into the databases, as a crashed sender would have left them.
    let crashed = row(
        "crashed@example.com",
        mail_outbox::STATUS_SENDING,
        Some(past),
    )
    .insert(&global)
    .await
    .unwrap();
    let legacy = row("legacy@example.com", mail_outbox::STATUS_SENDING, None)
        .insert(&global)
        .await
        .unwrap();
    let leased = row(
        "leased@example.com",
        mail_outbox::STATUS_SENDING,
        Some(future),
    )
    .insert(&global)
    .await
    .unwrap();
    let backing_off = row(
        "later@example.com",
        mail_outbox::STATUS_QUEUED,
        Some(future),
    )
    .insert(&global)
    .await
    .unwrap();
    let hub_mail = acme
        .insert(outbound_mail::ActiveModel {
            id: Set(rally::db::new_id()),
            tenant_id: Set(acme.tenant_id()),
            to_address: Set("hub-crashed@example.com".into()),
            subject: Set("Stuck hub mail".into()),
            body_text: Set("body".into()),
            status: Set(mail_outbox::STATUS_SENDING),
            attempts: Set(0),
            message_id: Set(None),
            request_id: Set(None),
            last_error: Set(None),
            created_at: Set(rally::db::now()),
            sent_at: Set(None),
            next_attempt_at: Set(Some(past)),
        })
        .await
        .unwrap();

    // A second server over the same databases (the first one's sender runs too: either
    // may take them, exactly one does).
    let _second = crate::helpers::spawn_app(&env).await;
    let status_of = |id| {
        let global = global.clone();
        async move {
            mail_outbox::Entity::find_by_id(id)
                .one(&global)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let delivered = crate::helpers::eventually(std::time::Duration::from_secs(10), || async {
        let hub = acme
            .find_by_id::<outbound_mail::Entity>(hub_mail.id)
            .await
            .unwrap()
            .unwrap();
        status_of(crashed.id).await.status == mail_outbox::STATUS_KEPT
            && status_of(legacy.id).await.status == mail_outbox::STATUS_KEPT
            && hub.status == mail_outbox::STATUS_KEPT
    })
    .await;
    assert!(delivered, "stuck mail was not sent");
    let crashed = status_of(crashed.id).await;
    assert_eq!(crashed.attempts, 1, "sent once, by one sender");
    assert_eq!(crashed.next_attempt_at, None);
    assert_eq!(
        status_of(leased.id).await.status,
        mail_outbox::STATUS_SENDING
    );
    assert_eq!(
        status_of(backing_off.id).await.status,
        mail_outbox::STATUS_QUEUED
    );
    let untouched = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.is_in(["leased@example.com", "later@example.com"]))
        .filter(mail_outbox::Column::Attempts.eq(0))
        .count(&global)
        .await
        .unwrap();
    assert_eq!(untouched, 2);
}
