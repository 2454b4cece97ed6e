//! The web kernel: one error type and one guard for pages and form posts alike.
//! Signed out → sign in and back; not a member → join and back; a shard that cannot answer
//! → the same 503 page for a page and a form; too large → 413 on every route; unknown
//! ids → 404. Also the referrals table and its server-side paging.
use crate::helpers::{
    assert_unavailable, hub_db, shard_row, signed_in, spawn_demo, tenant, testid_text, Browser,
    TestApp, TestEnv,
};
use rally::challenges::{service, ChallengeForm, STATUS_PUBLISHED};
use rally::db::sea_orm::{ActiveValue::Set, ConnectionTrait};
use rally::db::tenant::referrals;
use rally::db::{new_id, now, TenantDb};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn published_challenge(db: &TenantDb, title: &str) -> uuid::Uuid {
    let form = ChallengeForm {
        title: title.into(),
        kind: "question".into(),
        points: "10".into(),
        max_per_advocate: "1".into(),
        ..Default::default()
    };
    let input = form.validate().expect("valid challenge");
    let c = service::create(db, &input).await.unwrap();
    service::set_status(db, c.id, STATUS_PUBLISHED)
        .await
        .unwrap();
    c.id
}

/// The raw connection of the shard a hub lives on (to break it, or migrate it).
async fn shard_of(app: &TestApp, slug: &str) -> rally::db::sea_orm::DatabaseConnection {
    let tenant = tenant(app, slug).await;
    app.state
        .registry
        .shard_connection(tenant.shard_id)
        .await
        .unwrap()
}

fn query_value(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn a_signed_out_visitor_signs_in_and_comes_back_to_the_page_asked_for() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let id = published_challenge(&hub_db(&app, "acme").await, "Mailed challenge").await;
    let page = format!("/challenges/{id}");

    let mut visitor = Browser::new(&app);
    let r = visitor.get(&acme, &page).await;
    assert_eq!(
        r.status, 303,
        "a member page sends a signed-out visitor to sign in"
    );
    assert_eq!(
        r.location(),
        format!("/sso/start?return_to={}", query_value(&page))
    );
    // The same for every member page, and for a form post (back to the page it came from).
    for path in ["/challenges", "/me", "/leaderboard", "/rewards"] {
        let r = visitor.get(&acme, path).await;
        assert_eq!(r.status, 303, "GET {path}");
        assert!(r.location().starts_with("/sso/start?return_to="), "{path}");
    }

    // The join page itself needs an account: sign in first, then back to it.
    let join = "/join?return_to=%2Fme";
    let r = visitor.get(&acme, join).await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.location(),
        format!("/sso/start?return_to={}", query_value(join))
    );
    // A form posted while signed out: through sign-in, back to the page it was sent from.
    let r = app
        .send_body(
            "POST",
            &acme,
            &page,
            &[
                ("referer", &format!("http://{acme}{page}")),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            "text=hello",
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.location(),
        format!("/sso/start?return_to={}", query_value(&page))
    );
    // A Referer from elsewhere: refused before any handler (same-origin check).
    let r = app
        .send_body(
            "POST",
            &acme,
            &page,
            &[
                ("referer", "http://globex.localhost/me"),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            "text=hello",
        )
        .await;
    assert_eq!(r.status, 403);

    visitor
        .sign_in("alice@example.com", rally::platform::seed::DEMO_PASSWORD)
        .await;
    let back = visitor.sso_sign_in(&acme, &page).await;
    assert_eq!(back.status, 303);
    assert_eq!(
        back.location(),
        page,
        "the callback returns to the challenge"
    );
    let r = visitor.get(&acme, &page).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Mailed challenge"));
}

#[tokio::test]
async fn a_signed_in_non_member_joins_and_lands_on_the_page() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let globex = app.host("globex.localhost");
    let id = published_challenge(&hub_db(&app, "globex").await, "Globex task").await;
    let page = format!("/challenges/{id}");
    // mia is a marketer of acme, not a member of globex.
    let mut mia = signed_in(&app, "mia@example.com", &globex).await;

    let r = mia.get(&globex, &page).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let join = r.location().to_string();
    assert_eq!(join, format!("/join?return_to={}", query_value(&page)));
    let r = mia.get(&globex, &join).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Join Globex"), "{}", r.body);
    assert!(
        r.body
            .contains(&format!("name=\"return_to\" value=\"{page}\"")),
        "the join form carries the page on"
    );

    let r = mia
        .post_form(&globex, "/join", &[("return_to", &page)])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), page, "joining leads to the page asked for");
    let r = mia.get(&globex, &page).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Globex task"));
    assert_eq!(
        testid_text(&r.body, "notice").as_deref(),
        Some("Welcome to Globex Insiders!"),
        "the hub frame says so on the page joining led to"
    );

    // A return_to that leaves the hub is not followed.
    let r = mia
        .post_form(&globex, "/join", &[("return_to", "https://evil.test/")])
        .await;
    assert_eq!(r.location(), "/");
}

#[tokio::test]
async fn the_wrong_role_is_403_and_an_unknown_id_404_for_pages_and_posts() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let mut alice = signed_in(&app, "alice@example.com", &acme).await;
    let mut owner = signed_in(&app, "owner@example.com", &acme).await;
    let unknown = new_id();

    assert_eq!(alice.get(&acme, "/admin/challenges").await.status, 403);
    let r = alice.post_form(&acme, "/admin/challenges", &[]).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("Not allowed"));

    let r = alice.get(&acme, &format!("/challenges/{unknown}")).await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("There is nothing at this address."));
    let r = alice.get(&acme, "/challenges/not-a-uuid").await;
    assert_eq!(r.status, 404);
    let r = owner
        .post_form(&acme, &format!("/admin/challenges/{unknown}/publish"), &[])
        .await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("There is nothing at this address."));
    let r = owner
        .post_form(&acme, &format!("/admin/completions/{unknown}/approve"), &[])
        .await;
    assert_eq!(r.status, 404);
}

/// A shard that cannot answer (here: its tables are gone) is a 503 with the same plain
/// page for a page load and for a form post; the other shard's hub is untouched.
#[tokio::test]
async fn a_failing_shard_is_the_same_503_for_a_page_and_a_form_post() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let globex = app.host("globex.localhost");
    let acme = app.host("acme.localhost");
    let db = hub_db(&app, "globex").await;
    let id = published_challenge(&db, "Soon gone").await;
    let mut alice = signed_in(&app, "alice@example.com", &globex).await;
    assert_eq!(alice.get(&globex, "/challenges").await.status, 200);

    let shard = shard_of(&app, "globex").await;
    shard
        .execute_unprepared("DROP TABLE completions; DROP TABLE challenges;")
        .await
        .unwrap();

    let page = alice.get(&globex, "/challenges").await;
    let post = alice
        .post_form(&globex, &format!("/challenges/{id}"), &[("text", "hi")])
        .await;
    for (what, r) in [("page", &page), ("form post", &post)] {
        assert_unavailable(what, r, "no such table");
    }
    let mut alice_acme = signed_in(&app, "alice@example.com", &acme).await;
    assert_eq!(alice_acme.get(&acme, "/challenges").await.status, 200);
}

/// A hub whose settings load but whose contacts cannot be read: who is visiting cannot be
/// told, so a member's pages (the home with its dashboard, `/me`) are the same 503 as any
/// page whose data fails, with no cause in the page; a visitor's home needs no contact and
/// still shows.
#[tokio::test]
async fn a_hub_whose_contacts_cannot_be_read_is_a_503_for_its_members() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let globex = app.host("globex.localhost");
    let mut alice = signed_in(&app, "alice@example.com", &globex).await;
    let home = alice.get(&globex, "/").await;
    assert_eq!(home.status, 200);
    assert!(
        testid_text(&home.body, "balance").is_some(),
        "the dashboard shows"
    );

    let shard = shard_of(&app, "globex").await;
    shard
        .execute_unprepared("ALTER TABLE contacts RENAME TO contacts_gone")
        .await
        .unwrap();
    // What this server remembers of the hub (alice's contact among it) is dropped, as a
    // write to the hub would drop it.
    let tenant = tenant(&app, "globex").await;
    app.state.hub_cache.invalidate_hub(tenant.id);

    for path in ["/", "/me"] {
        let r = alice.get(&globex, path).await;
        assert_unavailable(path, &r, "no such table");
        assert!(testid_text(&r.body, "balance").is_none(), "{path}");
    }
    // The layout and the page both ask for the visitor's contact: a failed read is kept for
    // the request, so the shard is asked (and the fault logged) once, not once each. The
    // least of several, as the job worker polls the shard too.
    let shard_url = shard_row(&app, tenant.shard_id).writer_url;
    let mut least = u64::MAX;
    for _ in 0..7 {
        let before = rally::db::statements_sent(&shard_url);
        assert_eq!(alice.get(&globex, "/").await.status, 503);
        least = least.min(rally::db::statements_sent(&shard_url) - before);
    }
    assert_eq!(least, 1, "statements sent to the shard for one page");
    let visitor = Browser::new(&app).get(&globex, "/").await;
    assert_eq!(visitor.status, 200, "{}", visitor.body);
    assert!(visitor.body.contains("How it works"));
}

/// A raw request, optionally with a chunked body (no Content-Length).
async fn raw(app: &TestApp, head: &str, chunks: &[usize]) -> u16 {
    let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    for n in chunks {
        let chunk = "x".repeat(*n);
        if s.write_all(format!("{n:x}\r\n{chunk}\r\n").as_bytes())
            .await
            .is_err()
        {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status line")
}

#[tokio::test]
async fn an_oversized_body_is_413_on_every_route() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let big = "x".repeat(rally::web::limits::MAX_BODY_BYTES + 1);
    let form = [("content-type", "application/x-www-form-urlencoded")];
    for (host, path) in [
        (&acme, "/admin/challenges"),
        (&acme, "/join"),
        (&acme, "/api/load_dashboard"),
        (&acme, "/challenges"),
        (&app.host("accounts.localhost"), "/login"),
        (&app.host("accounts.localhost"), "/api/anything"),
    ] {
        let r = app.send_body("POST", host, path, &form, &big).await;
        assert_eq!(r.status, 413, "POST {path}");
        assert!(r.body.contains("Too large"), "POST {path}: {}", r.body);
    }
    // A chunked body declares no length: it is cut off at the limit all the same.
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.host("accounts.localhost")
    );
    assert_eq!(raw(&app, &head, &[100_000; 4]).await, 413);
    // Under the limit, the same chunked post is an ordinary failed sign-in.
    assert_eq!(raw(&app, &head, &[100]).await, 303);

    // A body that breaks off (less than it declared, then the client stops sending) is a
    // bad request, not "too large".
    let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\nConnection: close\r\n\r\nemail=x",
        app.host("accounts.localhost")
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.shutdown().await.unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
}

/// Server functions are gone with islands: pages load their data on the server, so there
/// is no data endpoint to call around a page's role check.
#[tokio::test]
async fn there_are_no_server_function_endpoints() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let mut alice = signed_in(&app, "alice@example.com", &acme).await;
    for path in [
        "/api/hub_members",
        "/api/admin_levels",
        "/api/load_dashboard",
    ] {
        let r = alice.post_form(&acme, path, &[]).await;
        assert_eq!(r.status, 404, "POST {path}");
    }
}

#[tokio::test]
async fn admin_referrals_lists_all_600_across_its_pages() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let db = hub_db(&app, "acme").await;
    let owner_contact = db
        .select::<rally::db::tenant::contacts::Entity>()
        .one()
        .await
        .unwrap()
        .unwrap();
    let base = now();
    for i in 0..600 {
        db.insert(referrals::ActiveModel {
            id: Set(new_id()),
            tenant_id: rally::db::sea_orm::ActiveValue::NotSet,
            completion_id: Set(new_id()),
            contact_id: Set(owner_contact.id),
            lead_name: Set(format!("Lead {i:03}")),
            lead_email: Set(format!("lead{i}@example.com")),
            lead_company: Set("Initech".into()),
            created_at: Set(base - chrono::Duration::seconds(i)),
        })
        .await
        .unwrap();
    }
    // Another hub's referral is not listed here.
    let globex = hub_db(&app, "globex").await;
    globex
        .insert(referrals::ActiveModel {
            id: Set(new_id()),
            tenant_id: rally::db::sea_orm::ActiveValue::NotSet,
            completion_id: Set(new_id()),
            contact_id: Set(new_id()),
            lead_name: Set("Lead of globex".into()),
            lead_email: Set("g@example.com".into()),
            lead_company: Set("Globex".into()),
            created_at: Set(base),
        })
        .await
        .unwrap();

    let mut owner = signed_in(&app, "owner@example.com", &acme).await;
    let mut seen = std::collections::BTreeSet::new();
    let mut path = "/admin/referrals".to_string();
    let mut pages = 0;
    loop {
        let r = owner.get(&acme, &path).await;
        assert_eq!(r.status, 200, "{path}");
        pages += 1;
        let mut rest = r.body.as_str();
        while let Some(at) = rest.find(">Lead ") {
            let name: String = rest[at + 1..].chars().take_while(|c| *c != '<').collect();
            assert!(seen.insert(name.clone()), "{name} listed twice");
            rest = &rest[at + 1..];
        }
        assert!(!r.body.contains("Lead of globex"));
        match r.body.split_once("rel=\"next\"") {
            Some(_) => {
                let next = r
                    .body
                    .split("href=\"/admin/referrals?page=")
                    .filter_map(|s| s.split('"').next())
                    .filter_map(|n| n.parse::<u64>().ok())
                    .max()
                    .unwrap();
                path = format!("/admin/referrals?page={next}");
            }
            None => break,
        }
        assert!(pages < 20, "paging does not end");
    }
    assert_eq!(seen.len(), 600);
    assert_eq!(pages, 12);
    let first = owner.get(&acme, "/admin/referrals").await;
    assert_eq!(
        testid_text(&first.body, "referrals-count").as_deref(),
        Some("600 referred · page 1 of 12")
    );
    // A page past the end shows the last one; garbage is the first.
    assert!(owner
        .get(&acme, "/admin/referrals?page=999")
        .await
        .body
        .contains("page 12 of 12"));
    assert!(owner
        .get(&acme, "/admin/referrals?page=abc")
        .await
        .body
        .contains("page 1 of 12"));
}

/// A referral submitted through a challenge lands in the referrals table with its
/// completion, in one transaction; migrating an older shard copies the answers across.
#[tokio::test]
async fn referral_answers_become_referral_rows_and_old_ones_are_migrated() {
    use rally::db::sea_orm::EntityTrait;
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let db = hub_db(&app, "acme").await;
    let form = ChallengeForm {
        title: "Refer a friend".into(),
        kind: "referral".into(),
        points: "50".into(),
        ..Default::default()
    };
    let c = service::create(&db, &form.validate().unwrap())
        .await
        .unwrap();
    service::set_status(&db, c.id, STATUS_PUBLISHED)
        .await
        .unwrap();
    let mut alice = signed_in(&app, "alice@example.com", &acme).await;
    let r = alice
        .post_form(
            &acme,
            &format!("/challenges/{}", c.id),
            &[
                ("name", "Dana Scully 🛸"),
                ("email", "dana@fbi.example"),
                ("company", "FBI"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let rows = db.select::<referrals::Entity>().all().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].lead_name, "Dana Scully 🛸");

    // An older shard: the table is dropped and the migration run again from the answers.
    let shard = shard_of(&app, "acme").await;
    use migrations::MigratorTrait;
    migrations::TenantMigrator::down(&shard, Some(1))
        .await
        .unwrap();
    migrations::TenantMigrator::up(&shard, None).await.unwrap();
    let rows = referrals::Entity::find().all(&shard).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].lead_name.as_str(),
            rows[0].lead_email.as_str(),
            rows[0].lead_company.as_str()
        ),
        ("Dana Scully 🛸", "dana@fbi.example", "FBI")
    );
    let owner_page = signed_in(&app, "owner@example.com", &acme)
        .await
        .get(&acme, "/admin/referrals")
        .await;
    assert!(owner_page.body.contains("Dana Scully 🛸"));
}

/// A form's fields are written once: what the handler parsed travels back whole in the
/// flash and the page shows it again (typed values and errors), on create and on edit.
#[tokio::test]
async fn a_failed_challenge_form_comes_back_with_what_was_typed() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let id = published_challenge(&hub_db(&app, "acme").await, "Stored title").await;
    let mut mia = signed_in(&app, "mia@example.com", &acme).await;
    for path in [
        "/admin/challenges".to_string(),
        format!("/admin/challenges/{id}"),
    ] {
        let r = mia
            .post_form(
                &acme,
                &path,
                &[
                    ("title", "Typed title 🚀"),
                    ("kind", "review"),
                    ("points", "0"),
                    ("ends_on", "not a date"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "POST {path}");
        assert_eq!(r.location(), path);
        let page = mia.get(&acme, &path).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("value=\"Typed title 🚀\""),
            "{path} shows the typed title"
        );
        assert!(page.body.contains("value=\"not a date\""), "{path}");
        assert!(
            page.body.contains("data-testid=\"error-points\""),
            "{path} shows the field error"
        );
        // Shown once: the next visit shows the stored challenge (or an empty form).
        let again = mia.get(&acme, &path).await;
        assert!(!again.body.contains("Typed title"), "{path}");
    }
    let stored = hub_db(&app, "acme")
        .await
        .find_by_id::<rally::db::tenant::challenges::Entity>(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.title, "Stored title");
}
