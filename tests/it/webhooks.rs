//! Webhooks against a real HTTP receiver the test starts (axum on a loopback port), found
//! through a real DNS server (dnsmasq, `hooks.test` → 127.0.0.1): messages are signed the
//! documented Standard Webhooks way, a 500 is retried with backoff until it succeeds, a
//! receiver that never answers ends failed, the approving request's `X-Request-Id` and a
//! `traceparent` arrive with the message, and a URL that resolves to 127.0.0.1 is refused
//! unless development allows it — at subscription and again at delivery.
use crate::domains::{free_udp_port, start_dns_answering};
use crate::helpers::*;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rally::db::tenant::{contacts, webhook_deliveries};
use sea_orm::ColumnTrait;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: String,
    at: Instant,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn at(&self, path: &str) -> Vec<Received> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

/// `/ok` answers 200; `/flaky` 500 twice, then 200; `/never` never answers.
async fn receive(
    State(r): State<Receiver>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let path = uri.path().to_string();
    let seen = {
        let mut got = r.got.lock().unwrap();
        got.push(Received {
            path: path.clone(),
            headers,
            body,
            at: Instant::now(),
        });
        got.iter().filter(|g| g.path == path).count()
    };
    match path.as_str() {
        "/flaky" if seen <= 2 => (StatusCode::INTERNAL_SERVER_ERROR, "try again later".into()),
        "/never" => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            (StatusCode::OK, String::new())
        }
        _ => (StatusCode::OK, "thanks".into()),
    }
}

async fn start_receiver() -> (Receiver, u16) {
    let receiver = Receiver::default();
    let app = axum::Router::new()
        .fallback(receive)
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (receiver, port)
}

/// The signature check a receiver does, written from the Standard Webhooks document:
/// base64(HMAC-SHA256(base64-decoded secret after `whsec_`, "id.timestamp.body")).
fn signature_verifies(secret: &str, r: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let header = |n: &str| {
        r.headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let signed = format!(
        "{}.{}.{}",
        header("webhook-id"),
        header("webhook-timestamp"),
        r.body
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(signed.as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
}

async fn pending_completion(db: &rally::db::TenantDb, title: &str) -> uuid::Uuid {
    use rally::challenges::{service, Answer, ChallengeForm};
    let form = ChallengeForm {
        title: title.into(),
        kind: "question".into(),
        points: "40".into(),
        requires_approval: Some("on".into()),
        ..Default::default()
    };
    let c = service::create(db, &form.validate().unwrap())
        .await
        .unwrap();
    service::set_status(db, c.id, rally::challenges::STATUS_PUBLISHED)
        .await
        .unwrap();
    let alice = db
        .select::<contacts::Entity>()
        .filter(contacts::Column::Email.eq("alice@example.com"))
        .one()
        .await
        .unwrap()
        .unwrap();
    service::submit(
        db,
        c.id,
        &alice,
        &Answer::Question {
            text: "because".into(),
        },
    )
    .await
    .unwrap()
    .id
}

async fn delivery_to(
    db: &rally::db::TenantDb,
    url_part: &str,
) -> Option<webhook_deliveries::Model> {
    let hooks = rally::webhooks::service::list(db).await.unwrap();
    let hook = hooks.iter().find(|h| h.url.contains(url_part))?;
    rally::webhooks::service::deliveries(db, hook.id, 10)
        .await
        .unwrap()
        .into_iter()
        .next()
}

#[tokio::test]
async fn webhooks_are_signed_retried_given_up_traced_and_kept_off_private_addresses() {
    let (receiver, port) = start_receiver().await;
    // A port taken between choosing and binding it stops dnsmasq: then another port.
    let mut started = None;
    for _ in 0..3 {
        let dns_port = free_udp_port();
        let Some(peer) = start_dns_answering(dns_port, &[], &[("hooks.test", "127.0.0.1")]) else {
            return;
        };
        let dns = format!("127.0.0.1:{dns_port}");
        let up = eventually(Duration::from_secs(10), || {
            let dns = dns.clone();
            async move {
                rally::web::dns::addresses(Some(dns.parse().unwrap()), "hooks.test")
                    .await
                    .is_ok_and(|a| !a.is_empty())
            }
        })
        .await;
        if up {
            started = Some((peer, dns));
            break;
        }
    }
    let (_dns, dns) = started.expect("dnsmasq answers");

    // Development: private targets allowed; three attempts, each given a second.
    let env = TestEnv::sqlite_with(&[
        ("RALLY_DNS_RESOLVER", dns.as_str()),
        ("RALLY_WEBHOOK_ALLOW_PRIVATE", "on"),
        ("RALLY_WEBHOOK_ATTEMPTS", "3"),
        ("RALLY_WEBHOOK_TIMEOUT_SECONDS", "1"),
        ("RALLY_JOB_BACKOFF_SECONDS", "1"),
    ])
    .await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let db = hub_db(&app, "acme").await;
    let mut owner = signed_in(&app, "owner@example.com", &acme).await;
    let base = format!("http://hooks.test:{port}");
    let mut secrets = std::collections::HashMap::new();
    for (path, events) in [
        ("/ok", vec!["completion.approved", "points.awarded"]),
        ("/flaky", vec!["completion.approved"]),
        ("/never", vec!["completion.approved"]),
    ] {
        let url = format!("{base}{path}");
        let mut fields = vec![("url", url.as_str())];
        fields.extend(events.iter().map(|e| ("event", *e)));
        let r = owner.post_form(&acme, "/admin/webhooks", &fields).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = owner.get(&acme, "/admin/webhooks").await;
        let secret = testid_text(&page.body, "webhook-secret").expect("the secret is shown once");
        assert!(secret.starts_with("whsec_"));
        secrets.insert(path, secret);
    }
    // Bad input: a field error that keeps what was typed.
    for (url, says) in [
        ("not a url", "full URL"),
        ("ftp://hooks.test/x", "https://"),
    ] {
        owner
            .post_form(
                &acme,
                "/admin/webhooks",
                &[("url", url), ("event", "member.joined")],
            )
            .await;
        let page = owner.get(&acme, "/admin/webhooks").await;
        let error = testid_text(&page.body, "error-url").unwrap_or_default();
        assert!(error.contains(says), "{url}: {error}");
    }
    owner
        .post_form(
            &acme,
            "/admin/webhooks",
            &[("url", "https://example.com/hook")],
        )
        .await;
    let page = owner.get(&acme, "/admin/webhooks").await;
    assert!(testid_text(&page.body, "error-url").is_some_and(|e| e.contains("event")));

    // A marketer approves a completion; the request's id travels with the webhooks.
    let completion = pending_completion(&db, "Tell us why").await;
    let mut mia = signed_in(&app, "mia@example.com", &acme).await;
    let request_id = "approval-request-0123456789abcdef";
    let r = mia
        .post_form_with_request_id(
            &acme,
            &format!("/admin/completions/{completion}/approve"),
            &[],
            request_id,
        )
        .await;
    assert!(r.status == 303 || r.status == 200, "{}", r.body);

    let arrived = eventually(Duration::from_secs(20), || async {
        receiver.at("/ok").len() >= 2
    })
    .await;
    assert!(
        arrived,
        "the /ok receiver got both messages: {:?}",
        receiver.at("/ok")
    );
    let ok = receiver.at("/ok");
    let types: Vec<String> = ok
        .iter()
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        types.contains(&"completion.approved".into()) && types.contains(&"points.awarded".into()),
        "{types:?}"
    );
    for r in &ok {
        assert!(
            signature_verifies(&secrets["/ok"], r),
            "the signature verifies: {r:?}"
        );
        assert!(
            !signature_verifies(&secrets["/flaky"], r),
            "with its own secret only"
        );
        assert_eq!(r.headers["x-request-id"], request_id);
        let traceparent = r.headers["traceparent"].to_str().unwrap();
        assert_eq!(
            rally::web::trace_context::trace_id_of(traceparent),
            Some(rally::web::trace_context::trace_id(request_id).as_str()),
            "{traceparent}"
        );
        assert_eq!(r.headers["content-type"], "application/json");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert!(body["data"]["contact_id"].is_string(), "{}", r.body);
    }
    let approved = ok
        .iter()
        .find(|r| r.body.contains("completion.approved"))
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&approved.body).unwrap();
    assert_eq!(body["data"]["completion_id"], completion.to_string());

    // The flaky receiver: 500, 500, then 200 — the same message each time, with backoff.
    let delivered = eventually(Duration::from_secs(30), || async {
        delivery_to(&db, "/flaky")
            .await
            .is_some_and(|d| d.status == "delivered")
    })
    .await;
    assert!(delivered, "{:?}", delivery_to(&db, "/flaky").await);
    let flaky = receiver.at("/flaky");
    assert_eq!(flaky.len(), 3);
    let ids: std::collections::HashSet<_> = flaky
        .iter()
        .map(|r| r.headers["webhook-id"].clone())
        .collect();
    assert_eq!(ids.len(), 1, "one message id across retries");
    let (gap1, gap2) = (flaky[1].at - flaky[0].at, flaky[2].at - flaky[1].at);
    assert!(
        gap1 >= Duration::from_millis(900),
        "first retry after the backoff: {gap1:?}"
    );
    assert!(
        gap2 >= Duration::from_millis(1900),
        "the backoff doubles: {gap2:?}"
    );
    let d = delivery_to(&db, "/flaky").await.unwrap();
    assert_eq!((d.attempts, d.response_status), (3, Some(200)));
    assert_eq!(d.request_id.as_deref(), Some(request_id));

    // The receiver that never answers: every attempt times out; the delivery fails.
    let failed = eventually(Duration::from_secs(40), || async {
        delivery_to(&db, "/never")
            .await
            .is_some_and(|d| d.status == "failed")
    })
    .await;
    let d = delivery_to(&db, "/never").await.unwrap();
    assert!(failed, "{d:?}");
    assert_eq!(d.attempts, 3);
    assert!(
        d.last_error.as_deref().unwrap_or("").contains("timed out"),
        "{:?}",
        d.last_error
    );

    // The delivery log shows it all, and "Redeliver" queues the failed one again.
    let page = owner.get(&acme, "/admin/webhooks").await;
    assert!(
        page.body.contains("data-status=\"failed\"")
            && page.body.contains("data-status=\"delivered\"")
    );
    assert!(page.body.contains("HTTP 200 in"));
    let hook = rally::webhooks::service::list(&db)
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.url.ends_with("/never"))
        .unwrap();
    let r = owner
        .post_form(
            &acme,
            &format!("/admin/webhooks/{}/deliveries/{}/redeliver", hook.id, d.id),
            &[],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(delivery_to(&db, "/never").await.unwrap().status, "pending");
    let r = owner
        .post_form(
            &acme,
            &format!(
                "/admin/webhooks/{}/deliveries/{}/redeliver",
                hook.id,
                uuid::Uuid::now_v7()
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, 404);
    // Removing the webhook stops its queued delivery.
    let r = owner
        .post_form(&acme, &format!("/admin/webhooks/{}/remove", hook.id), &[])
        .await;
    assert_eq!(r.status, 303);
    assert!(delivery_to(&db, "/never").await.is_none());

    // Production-like: private targets refused when subscribed...
    let strict = TestEnv::sqlite_with(&[
        ("RALLY_DNS_RESOLVER", dns.as_str()),
        ("RALLY_WEBHOOK_ATTEMPTS", "1"),
    ])
    .await;
    let app2 = spawn_demo(&strict).await;
    let acme2 = app2.host("acme.localhost");
    let mut owner2 = signed_in(&app2, "owner@example.com", &acme2).await;
    for url in [
        format!("{base}/ok"),
        format!("http://127.0.0.1:{port}/ok"),
        "http://[::1]/ok".to_string(),
        "http://169.254.169.254/latest".to_string(),
    ] {
        owner2
            .post_form(
                &acme2,
                "/admin/webhooks",
                &[("url", url.as_str()), ("event", "completion.approved")],
            )
            .await;
        let page = owner2.get(&acme2, "/admin/webhooks").await;
        let error = testid_text(&page.body, "error-url").unwrap_or_default();
        assert!(error.contains("private"), "{url}: {error:?}");
    }
    let db2 = hub_db(&app2, "acme").await;
    assert!(rally::webhooks::service::list(&db2)
        .await
        .unwrap()
        .is_empty());
    // ...and at delivery: a name that turned inward after it was checked (DNS rebinding)
    // is refused by the client's own resolver. Written past the check, as if it had been
    // public then.
    let id = rally::db::new_id();
    db2.insert(rally::db::tenant::webhooks::ActiveModel {
        id: sea_orm::Set(id),
        tenant_id: sea_orm::NotSet,
        url: sea_orm::Set(format!("{base}/rebound")),
        events: sea_orm::Set("completion.approved".into()),
        sealed_secret: sea_orm::Set(
            app2.state
                .sealer
                .seal(b"whsec_AAAA", &format!("webhook:{id}")),
        ),
        active: sea_orm::Set(true),
        created_at: sea_orm::Set(rally::db::now()),
    })
    .await
    .unwrap();
    let completion2 = pending_completion(&db2, "Tell us again").await;
    let mut mia2 = signed_in(&app2, "mia@example.com", &acme2).await;
    mia2.post_form(
        &acme2,
        &format!("/admin/completions/{completion2}/approve"),
        &[],
    )
    .await;
    let refused = eventually(Duration::from_secs(20), || async {
        delivery_to(&db2, "/rebound")
            .await
            .is_some_and(|d| d.status == "failed")
    })
    .await;
    let d = delivery_to(&db2, "/rebound").await.unwrap();
    assert!(refused, "{d:?}");
    assert!(
        d.last_error.as_deref().unwrap_or("").contains("private"),
        "{:?}",
        d.last_error
    );
    assert!(
        receiver.at("/rebound").is_empty(),
        "nothing reached the private address"
    );
}
