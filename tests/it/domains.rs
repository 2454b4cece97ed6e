//! Custom domains, self-service, against a real DNS server the test starts (Debian's
//! dnsmasq on a high port, with `--txt-record`): the right token verifies, a wrong or
//! missing one does not; a verified domain routes, is the primary address when chosen,
//! passes the TLS ask; a record that disappears stops routing after the grace period.
use crate::helpers::*;
use rally::domains::service;
use std::net::SocketAddr;
use std::time::Duration;

/// dnsmasq answering only the given TXT records, stopped when dropped.
pub(crate) struct Dns {
    _peer: Peer,
    pub(crate) addr: SocketAddr,
}

/// A port free for both UDP and TCP on 127.0.0.1: dnsmasq listens on both, and a test
/// server holding the TCP side would stop it from starting.
pub(crate) fn free_udp_port() -> u16 {
    loop {
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = udp.local_addr().unwrap().port();
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Starts dnsmasq on `port` with `records` (name, value); `None` (skip) when dnsmasq is
/// not installed, except under CI.
fn start_dns(port: u16, records: &[(&str, &str)]) -> Option<Dns> {
    start_dns_answering(port, records, &[])
}

/// [`start_dns`] that also answers A records: (name, address).
pub(crate) fn start_dns_answering(
    port: u16,
    records: &[(&str, &str)],
    addresses: &[(&str, &str)],
) -> Option<Dns> {
    let mut cmd = std::process::Command::new("dnsmasq");
    cmd.args([
        "--keep-in-foreground",
        &format!("--port={port}"),
        "--listen-address=127.0.0.1",
        "--bind-interfaces",
        "--no-resolv",
        "--no-hosts",
        "--conf-file=/dev/null",
        "--pid-file=",
        // Authoritative for .test: a name without a record is "no such name", as a real
        // DNS answers, not "refused" (dnsmasq has no upstream here).
        "--local=/test/",
    ]);
    for (name, value) in records {
        cmd.arg(format!("--txt-record={name},{value}"));
    }
    for (name, address) in addresses {
        cmd.arg(format!("--address=/{name}/{address}"));
    }
    let peer = start_peer(cmd, "dnsmasq")?;
    Some(Dns {
        _peer: peer,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    })
}

/// Waits until the DNS server answers (an empty answer counts).
async fn until_answering(addr: SocketAddr) {
    let up = eventually(Duration::from_secs(10), || async move {
        rally::web::dns::txt_records(Some(addr), "_probe.example.test")
            .await
            .is_ok()
    })
    .await;
    assert!(up, "dnsmasq did not answer");
}

/// The value Rally asks to publish for `host`, as the admin page shows it.
fn token_on_page(page: &str, host: &str) -> String {
    let at = page
        .find(&format!("data-host=\"{host}\""))
        .unwrap_or_else(|| panic!("{host} is not listed"));
    testid_text(&page[at..], "record-value").expect("the record's value is shown")
}

#[tokio::test]
async fn domains_verify_through_dns_route_and_lapse_after_the_grace_period() {
    let port = free_udp_port();
    let dns_addr = format!("127.0.0.1:{port}");
    let env = TestEnv::sqlite_with(&[
        ("RALLY_DNS_RESOLVER", dns_addr.as_str()),
        ("RALLY_DOMAIN_GRACE_HOURS", "72"),
    ])
    .await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let mut owner = signed_in(&app, "owner@example.com", &acme).await;

    // Three domains: one whose record will be right, one wrong, one with none.
    for host in ["hub.acme.test", "wrong.acme.test", "none.acme.test"] {
        let r = owner
            .post_form(&acme, "/admin/domains", &[("host", host)])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    // Bad input is a field error that keeps what was typed.
    for (bad, says) in [
        ("acme.localhost", "already reached"),
        ("127.0.0.1", "address"),
        ("not a domain", ""),
        ("hub.acme.test", "already in use"),
    ] {
        owner
            .post_form(&acme, "/admin/domains", &[("host", bad)])
            .await;
        let page = owner.get(&acme, "/admin/domains").await;
        let error = testid_text(&page.body, "error-host").unwrap_or_default();
        assert!(
            !error.is_empty() && error.contains(says),
            "{bad}: {error:?}"
        );
    }
    let page = owner.get(&acme, "/admin/domains").await;
    let token = token_on_page(&page.body, "hub.acme.test");
    assert!(token.starts_with("rally-"), "{token}");
    assert!(page.body.contains("_rally.hub.acme.test"));

    let Some(dns) = start_dns(
        port,
        &[
            ("_rally.hub.acme.test", token.as_str()),
            ("_rally.wrong.acme.test", "rally-not-the-token"),
        ],
    ) else {
        return;
    };
    until_answering(dns.addr).await;

    // Unverified domains never route, nor get a certificate.
    let hub_host = app.host("hub.acme.test");
    assert_eq!(app.get(&hub_host, "/").await.status, 404);
    let app_ref = &app;
    let ask = move |domain: &str| {
        let path = format!("/internal/tls/ask?domain={domain}");
        async move { app_ref.get("127.0.0.1", &path).await }
    };
    assert_eq!(ask("hub.acme.test").await.status, 404);

    let ids: Vec<(String, uuid::Uuid)> = service::list(
        app.state.registry.global(),
        hub_db(&app, "acme").await.tenant_id(),
    )
    .await
    .unwrap()
    .into_iter()
    .map(|d| (d.host, d.id))
    .collect();
    let id = |host: &str| ids.iter().find(|(h, _)| h == host).unwrap().1;

    // A wrong or missing record does not verify; the page says what was found.
    for (host, says) in [
        ("wrong.acme.test", "rally-not-the-token"),
        ("none.acme.test", "no TXT record was found"),
    ] {
        let r = owner
            .post_form(&acme, &format!("/admin/domains/{}/verify", id(host)), &[])
            .await;
        assert_eq!(r.status, 303);
        let page = owner.get(&acme, "/admin/domains").await;
        let error = testid_text(&page.body, "form-error").unwrap_or_default();
        assert!(error.contains(says), "{host}: {error}");
        assert_eq!(app.get(&app.host(host), "/").await.status, 404, "{host}");
    }
    // A domain cannot be primary before it is verified.
    owner
        .post_form(
            &acme,
            &format!("/admin/domains/{}/primary", id("wrong.acme.test")),
            &[],
        )
        .await;
    let page = owner.get(&acme, "/admin/domains").await;
    assert!(testid_text(&page.body, "form-error")
        .unwrap_or_default()
        .contains("verify"));

    // The right record verifies; the domain routes at once on this server.
    let r = owner
        .post_form(
            &acme,
            &format!("/admin/domains/{}/verify", id("hub.acme.test")),
            &[],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = owner.get(&acme, "/admin/domains").await;
    assert!(
        testid_text(&page.body, "notice")
            .unwrap_or_default()
            .contains("verified"),
        "{}",
        page.body
    );
    let home = app.get(&hub_host, "/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Acme"), "the custom domain serves acme");
    assert_eq!(ask("hub.acme.test").await.status, 200);
    assert_eq!(ask("wrong.acme.test").await.status, 404);
    assert_eq!(ask("acme.localhost").await.status, 200);
    assert_eq!(ask("accounts.localhost").await.status, 200);
    assert_eq!(ask("nobody.localhost").await.status, 404);
    assert_eq!(ask("").await.status, 404);
    // Only the proxy may ask: a request it relays for someone else is not answered.
    let relayed = app
        .request(
            "127.0.0.1",
            "/internal/tls/ask?domain=acme.localhost",
            &[("x-forwarded-for", "203.0.113.9")],
        )
        .await;
    assert_eq!(relayed.status, 404);

    // Made primary: the subdomain answers 301 to it (reads only; posts still work).
    owner
        .post_form(
            &acme,
            &format!("/admin/domains/{}/primary", id("hub.acme.test")),
            &[],
        )
        .await;
    let moved = app.get(&acme, "/challenges?tab=open").await;
    assert_eq!(moved.status, 301);
    assert_eq!(
        moved.location(),
        format!(
            "http://hub.acme.test:{}/challenges?tab=open",
            app.addr.port()
        )
    );
    assert_eq!(
        moved.headers["cache-control"], "no-store",
        "the primary may change"
    );
    assert_eq!(
        app.get(&hub_host, "/").await.status,
        200,
        "no loop on the primary"
    );
    // An invitation's token never travels to another host.
    assert_ne!(app.get(&acme, "/invite?token=abc").await.status, 301);
    // Back to the subdomain (the admin's pages are there); made primary again below.
    owner
        .post_form(&acme, "/admin/domains/subdomain/primary", &[])
        .await;
    assert_eq!(app.get(&acme, "/").await.status, 200);
    owner
        .post_form(
            &acme,
            &format!("/admin/domains/{}/primary", id("hub.acme.test")),
            &[],
        )
        .await;
    assert_eq!(app.get(&acme, "/").await.status, 301);
    owner
        .post_form(&acme, "/admin/domains/subdomain/primary", &[])
        .await;

    // The record disappears: the daily re-check notices, the domain keeps routing through
    // the grace period, then stops (and is no longer primary), and the admins are mailed.
    drop(dns);
    let Some(dns) = start_dns(port, &[]) else {
        return;
    };
    until_answering(dns.addr).await;
    // "Check again" says the record is missing and shows it again, but cannot restart
    // the grace period: it began at this first failed look-up.
    owner
        .post_form(
            &acme,
            &format!("/admin/domains/{}/verify", id("hub.acme.test")),
            &[],
        )
        .await;
    let page = owner.get(&acme, "/admin/domains").await;
    let error = testid_text(&page.body, "form-error").unwrap_or_default();
    assert!(
        error.contains("is missing") && error.contains("grace"),
        "{error}"
    );
    assert_eq!(
        token_on_page(&page.body, "hub.acme.test"),
        token,
        "the record to publish again"
    );
    // Primary while it lapses: it stops being primary with it.
    owner
        .post_form(
            &acme,
            &format!("/admin/domains/{}/primary", id("hub.acme.test")),
            &[],
        )
        .await;
    assert_eq!(app.get(&acme, "/").await.status, 301);
    let registry = &app.state.registry;
    let resolver = Some(dns.addr);
    let grace = chrono::Duration::hours(72);
    let day_later = chrono::Utc::now() + chrono::Duration::hours(25);
    let r = service::recheck_due(registry, resolver, grace, day_later)
        .await
        .unwrap();
    assert_eq!(r.failing, vec!["hub.acme.test".to_string()]);
    assert!(r.unverified.is_empty());
    app.state.tenants.invalidate_all();
    assert_eq!(
        app.get(&hub_host, "/").await.status,
        200,
        "still within the grace period"
    );
    let after_grace = day_later + chrono::Duration::hours(73);
    let r = service::recheck_due(registry, resolver, grace, after_grace)
        .await
        .unwrap();
    assert_eq!(r.unverified, vec!["hub.acme.test".to_string()]);
    // Within a second every server's host cache follows (its TTL is 1 s here).
    let gone = eventually(Duration::from_secs(3), || async {
        app.get(&hub_host, "/").await.status == 404
    })
    .await;
    assert!(gone, "the lapsed domain stops routing");
    assert_eq!(
        app.get(&acme, "/").await.status,
        200,
        "the subdomain is primary again"
    );
    assert_eq!(ask("hub.acme.test").await.status, 404);
    let mailed = rally::mail::outbox::recent(registry, 20).await.unwrap();
    assert!(
        mailed
            .iter()
            .any(|m| m.to_address == "owner@example.com" && m.subject.contains("hub.acme.test")),
        "the hub's admin is told"
    );

    // Another hub cannot take a name acme claimed (not yet verified) today; a claim that
    // was never verified lapses after a day.
    let global = app.state.registry.global();
    let globex = hub_db(&app, "globex").await.tenant_id();
    let taken = service::add(global, "localhost", globex, "wrong.acme.test", false).await;
    assert!(
        matches!(taken, Err(service::DomainError::Taken(_))),
        "{taken:?}"
    );
    {
        use sea_orm::{ActiveModelTrait, Set};
        let claim = service::find_host(global, "wrong.acme.test")
            .await
            .unwrap()
            .unwrap();
        let mut old: rally::db::global::domains::ActiveModel = claim.into();
        old.created_at = Set(chrono::Utc::now() - chrono::Duration::hours(25));
        old.update(global).await.unwrap();
    }
    let moved_over = service::add(global, "localhost", globex, "wrong.acme.test", false)
        .await
        .expect("a stale unverified claim lapses");
    assert_eq!(moved_over.tenant_id, globex);

    // Removing a domain: gone from the page, and another hub's admin cannot touch it.
    let r = owner
        .post_form(
            &acme,
            &format!("/admin/domains/{}/remove", id("none.acme.test")),
            &[],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = owner.get(&acme, "/admin/domains").await;
    assert!(!page.body.contains("data-host=\"none.acme.test\""));
    assert!(testid_text(&page.body, "notice")
        .unwrap_or_default()
        .contains("Removed none.acme.test"));
    let mut alice = signed_in(&app, "alice@example.com", &acme).await;
    let r = alice
        .post_form(
            &acme,
            &format!("/admin/domains/{}/remove", id("hub.acme.test")),
            &[],
        )
        .await;
    assert_eq!(r.status, 403, "an advocate cannot");
    // Nor can acme's admin remove what is now globex's: it is not found on acme.
    let r = owner
        .post_form(
            &acme,
            &format!("/admin/domains/{}/remove", moved_over.id),
            &[],
        )
        .await;
    assert_eq!(r.status, 404);
}
