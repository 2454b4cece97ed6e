//! Host routing over real HTTP: subdomains, custom domains, case and port, reserved and
//! unknown hosts, the accounts and API hosts, request ids, and the host cache.
use crate::helpers::{eventually, spawn_demo, TestEnv};
use rally::platform::{domains, tenants};
use std::time::Duration;

#[tokio::test]
async fn hosts_are_classified_before_any_page_runs() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;

    let acme = app.get(&app.host("acme.localhost"), "/").await;
    assert_eq!(acme.status, 200);
    assert!(acme.body.contains("Acme Advocates"), "acme name");
    assert!(acme.body.contains("--brand: #e11d48"), "acme colour");
    assert!(!acme.body.contains("Globex"), "no other tenant on acme");

    // Upper case and port are normalised.
    let upper = app.get(&app.host("ACME.LocalHost"), "/").await;
    assert_eq!(upper.status, 200);
    assert!(upper.body.contains("Acme Advocates"));

    let globex = app.get(&app.host("globex.localhost"), "/").await;
    assert_eq!(globex.status, 200);
    assert!(globex.body.contains("Globex Insiders"));
    assert!(globex.body.contains("--brand: #0d9488"));

    // The seeded custom domain serves globex.
    let custom = app.get(&app.host("hub.globex.test"), "/").await;
    assert_eq!(custom.status, 200);
    assert!(custom.body.contains("Globex Insiders"));

    // Never a default tenant.
    for host in [
        "nowhere.test",
        "zzz.localhost",
        "admin.localhost",
        "status.localhost",
        "a.acme.localhost",
        "127.0.0.1",
        "bad_host.test",
    ] {
        let r = app.get(&app.host(host), "/").await;
        assert_eq!(r.status, 404, "{host}");
        assert!(!r.body.contains("Acme"), "{host}");
    }

    let accounts = app.get(&app.host("accounts.localhost"), "/").await;
    assert_eq!(accounts.status, 200);
    assert!(accounts.body.contains("One account for every advocate hub"));

    let apex = app.get(&app.host("localhost"), "/").await;
    assert_eq!(apex.status, 308);
    assert!(apex.headers["location"].starts_with("http://accounts.localhost"));

    let api = app.get(&app.host("api.localhost"), "/v1/health").await;
    assert_eq!(api.status, 200);
    assert!(api.body.contains(r#""status":"ok""#));
    let api_missing = app.get(&app.host("api.localhost"), "/").await;
    assert_eq!(api_missing.status, 404);
    // The API's errors are problem documents (RFC 9457), JSON of their own media type.
    assert_eq!(
        api_missing.headers["content-type"],
        "application/problem+json"
    );

    // Unknown path on a hub: the app's own 404 page.
    let missing = app.get(&app.host("acme.localhost"), "/no/such/page").await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn request_ids_are_kept_when_acceptable_and_replaced_otherwise() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let good = "client-supplied-id-0123456789+/=";
    let r = app
        .request(&app.host("acme.localhost"), "/", &[("X-Request-Id", good)])
        .await;
    assert_eq!(r.headers["x-request-id"], good);
    let r = app
        .request(
            &app.host("acme.localhost"),
            "/",
            &[("X-Request-Id", "short")],
        )
        .await;
    assert_ne!(r.headers["x-request-id"], "short");
    assert_eq!(r.headers["x-request-id"].len(), 36, "a fresh UUID");
    // Even a 404 for an unknown host carries one.
    let r = app.get(&app.host("nowhere.test"), "/").await;
    assert!(r.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn a_warm_request_does_not_query_the_global_database() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    // Seeding bumped the configuration generation after the server started: let its
    // watcher hear of it (and drop the caches) before they are warmed, or a loaded machine
    // has it happen in the middle of the count.
    tokio::time::sleep(rally::web::hot_config::POLL_EVERY * 4).await;
    let host = app.host("acme.localhost");
    assert_eq!(app.get(&host, "/").await.status, 200);
    let before = app.state.tenants.global_lookups();
    for _ in 0..5 {
        assert_eq!(app.get(&host, "/").await.status, 200);
    }
    assert_eq!(
        app.state.tenants.global_lookups(),
        before,
        "answered from the cache"
    );

    // Misses are remembered too: a flood of one unknown host costs one lookup.
    let unknown = app.host("ghost.localhost");
    assert_eq!(app.get(&unknown, "/").await.status, 404);
    let before = app.state.tenants.global_lookups();
    for _ in 0..5 {
        assert_eq!(app.get(&unknown, "/").await.status, 404);
    }
    assert_eq!(app.state.tenants.global_lookups(), before);
}

#[tokio::test]
async fn a_domain_or_tenant_added_elsewhere_is_seen_within_seconds() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let registry = &app.state.registry;
    let new_host = app.host("advocates.initech.test");
    let new_sub = app.host("initech.localhost");
    // Looked up (and the miss cached) before they exist.
    assert_eq!(app.get(&new_host, "/").await.status, 404);
    assert_eq!(app.get(&new_sub, "/").await.status, 404);

    tenants::create(
        registry,
        "initech",
        "Initech Crew",
        None,
        Default::default(),
    )
    .await
    .unwrap();
    domains::add_custom(
        registry,
        "localhost",
        "initech",
        "advocates.initech.test",
        true,
    )
    .await
    .unwrap();
    // The host cache TTL is 1 s in tests (RALLY_HOST_CACHE_SECONDS).
    for host in [&new_host, &new_sub] {
        let seen = eventually(Duration::from_secs(5), || async {
            let r = app.get(host, "/").await;
            r.status == 200 && r.body.contains("Initech Crew")
        })
        .await;
        assert!(seen, "{host} served within seconds");
    }
}

#[tokio::test]
async fn cross_origin_state_changing_requests_are_refused() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let host = app.host("acme.localhost");
    let post = |origin: String| {
        let host = host.clone();
        let app = &app;
        async move {
            app.send(
                "POST",
                &host,
                "/api/anything",
                &[("Origin", origin.as_str())],
            )
            .await
            .status
        }
    };
    assert_eq!(post("http://evil.test".into()).await, 403);
    assert_eq!(
        post(format!("http://{}", app.host("globex.localhost"))).await,
        403
    );
    // Same origin gets past the check (to whatever the route answers).
    assert_ne!(post(format!("http://{host}")).await, 403);
    // Reading is never refused.
    assert_eq!(
        app.request(&host, "/", &[("Origin", "http://evil.test")])
            .await
            .status,
        200
    );
}

/// Accepted connections have TCP_NODELAY: a small response on a kept-alive connection is
/// not held back waiting for the client's delayed ACK.
#[tokio::test]
async fn accepted_connections_have_tcp_nodelay() {
    use axum::serve::Listener;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut listener = rally::startup::nodelay(listener);
    let _client = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (server_side, _) = listener.accept().await;
    assert!(server_side.nodelay().unwrap());
}
