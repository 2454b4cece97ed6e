//! The operators' console at `accounts.<root>/platform`: 403 for everyone else, page and
//! actions alike; every operator action done and audited with its request id; suspended
//! and resting hubs answer their own clear pages.
use crate::helpers::*;
use rally::platform::seed::DEMO_PASSWORD;

#[tokio::test]
async fn the_console_is_for_operators_only_and_audits_every_action() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let actions: [(&str, Vec<(&str, &str)>); 10] = [
        (
            "/platform/tenants",
            vec![("slug", "sneaky"), ("name", "Sneaky")],
        ),
        (
            "/platform/tenants/acme/status",
            vec![("status", "suspended")],
        ),
        ("/platform/tenants/acme/debug", vec![("minutes", "5")]),
        ("/platform/tenants/acme/mail", vec![("spam_score", "99")]),
        ("/platform/tenants/acme/move", vec![("to", "shard2")]),
        (
            "/platform/shards",
            vec![("name", "x"), ("url", "sqlite::memory:")],
        ),
        (
            "/platform/shards/shard1/status",
            vec![("status", "offline")],
        ),
        (
            "/platform/people/promote",
            vec![("email", "alice@example.com")],
        ),
        (
            "/platform/people/sign-out",
            vec![("email", "ops@example.com")],
        ),
        (
            "/platform/jobs/01a20b7a-d898-77e1-ade3-aad1ae8c1a03/retry",
            vec![],
        ),
    ];

    // Signed out, and signed in without the role: 403, page and every action.
    let mut nobody = Browser::new(&app);
    assert_eq!(nobody.get(&accounts, "/platform").await.status, 403);
    let mut alice = Browser::new(&app);
    alice.sign_in("alice@example.com", DEMO_PASSWORD).await;
    assert_eq!(alice.get(&accounts, "/platform").await.status, 403);
    for (path, form) in &actions {
        assert_eq!(
            nobody.post_form(&accounts, path, form).await.status,
            403,
            "{path}"
        );
        assert_eq!(
            alice.post_form(&accounts, path, form).await.status,
            403,
            "{path}"
        );
    }
    // Not on a hub's host at all.
    assert_eq!(
        alice
            .get(&app.host("acme.localhost"), "/platform")
            .await
            .status,
        404
    );
    // Nothing was done.
    let acme = rally::platform::tenants::find_by_slug(&app.state.registry, "acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(acme.status.as_str(), "active");
    assert_eq!(acme.spam_score, 0);
    assert!(
        rally::platform::audit::recent(app.state.registry.global(), 10)
            .await
            .unwrap()
            .is_empty()
    );

    // The operator sees the platform…
    let mut ops = Browser::new(&app);
    ops.sign_in("ops@example.com", DEMO_PASSWORD).await;
    let page = ops.get(&accounts, "/platform").await;
    assert_eq!(page.status, 200);
    for needle in [
        "data-slug=\"acme\"",
        "data-slug=\"globex\"",
        "shard1",
        " ms<",
        "alice@example.com",
    ] {
        assert!(page.body.contains(needle), "{needle}");
    }
    let found = ops.get(&accounts, "/platform?q=glob").await;
    assert!(
        found.body.contains("data-slug=\"globex\"") && !found.body.contains("data-slug=\"acme\"")
    );

    // …and acts: each action done, each audited with who and the request.
    let post = |path: &'static str, form: Vec<(&'static str, &'static str)>, rid: &'static str| {
        (path, form, rid)
    };
    for (path, form, rid) in [
        post(
            "/platform/tenants",
            vec![
                ("slug", "console-made"),
                ("name", "Console Made"),
                ("shard", ""),
            ],
            "req-console-create-0001",
        ),
        post(
            "/platform/tenants/console-made/status",
            vec![("status", "suspended")],
            "req-console-status-0002",
        ),
    ] {
        let r = ops
            .post_form_with_request_id(&accounts, path, &form, rid)
            .await;
        assert_eq!(r.status, 303, "{path}: {}", r.body);
    }
    let made = app.host("console-made.localhost");
    let suspended = app.get(&made, "/").await;
    assert_eq!(suspended.status, 403);
    assert!(suspended.body.contains("This hub is suspended"));
    let r = ops
        .post_form(
            &accounts,
            "/platform/tenants/console-made/status",
            &[("status", "maintenance")],
        )
        .await;
    assert_eq!(r.status, 303);
    let resting = app.get(&made, "/").await;
    assert_eq!(resting.status, 503);
    assert_eq!(resting.headers["retry-after"], "300");
    ops.post_form(
        &accounts,
        "/platform/tenants/console-made/status",
        &[("status", "active")],
    )
    .await;
    assert_eq!(app.get(&made, "/").await.status, 200);
    ops.post_form(
        &accounts,
        "/platform/tenants/acme/debug",
        &[("minutes", "5")],
    )
    .await;
    ops.post_form(
        &accounts,
        "/platform/tenants/acme/mail",
        &[("spam_score", "70"), ("suppressed", "on")],
    )
    .await;
    let acme = rally::platform::tenants::find_by_slug(&app.state.registry, "acme")
        .await
        .unwrap()
        .unwrap();
    assert!(acme
        .debug_logging_until
        .is_some_and(|u| u > chrono::Utc::now()));
    assert_eq!((acme.spam_score, acme.mail_suppressed), (70, true));
    ops.post_form(
        &accounts,
        "/platform/shards/shard2/status",
        &[("status", "draining")],
    )
    .await;
    assert!(ops
        .get(&accounts, "/platform")
        .await
        .body
        .contains(">draining<"));
    ops.post_form(
        &accounts,
        "/platform/shards/shard2/status",
        &[("status", "active")],
    )
    .await;
    // Sign out everywhere: alice's session ends.
    ops.post_form(
        &accounts,
        "/platform/people/sign-out",
        &[("email", "alice@example.com")],
    )
    .await;
    assert_eq!(alice.get(&accounts, "/platform").await.status, 403);
    let home = alice.get(&accounts, "/").await;
    assert!(
        !home.body.contains("data-testid=\"signed-in-as\""),
        "alice is signed out"
    );
    // Refused input is a clear form error, not a 500, and is not audited.
    let before = rally::platform::audit::recent(app.state.registry.global(), 100)
        .await
        .unwrap()
        .len();
    for (path, form) in [
        ("/platform/tenants", vec![("slug", "X"), ("name", "")]),
        ("/platform/tenants/acme/status", vec![("status", "asleep")]),
        ("/platform/tenants/acme/debug", vec![("minutes", "lots")]),
        ("/platform/tenants/nobody/mail", vec![("spam_score", "5")]),
        ("/platform/shards/nope/status", vec![("status", "active")]),
        (
            "/platform/jobs/01a20b7a-d898-77e1-ade3-aad1ae8c1a03/retry",
            vec![],
        ),
    ] {
        let r = ops.post_form(&accounts, path, &form).await;
        assert_eq!(r.status, 303, "{path}: {}", r.body);
        let page = ops.get(&accounts, "/platform").await;
        assert!(
            testid_text(&page.body, "form-error").is_some_and(|e| !e.is_empty()),
            "{path}"
        );
    }
    let audit = rally::platform::audit::recent(app.state.registry.global(), 100)
        .await
        .unwrap();
    assert_eq!(audit.len(), before, "refusals are not actions");
    let by_action = |a: &str| audit.iter().find(|e| e.action == a).cloned();
    let created = by_action("tenant.create").expect("tenant.create audited");
    assert_eq!(created.actor, "ops@example.com");
    assert_eq!(created.target, "console-made");
    assert_eq!(
        created.request_id.as_deref(),
        Some("req-console-create-0001")
    );
    for a in [
        "tenant.status",
        "tenant.debug",
        "tenant.mail",
        "shard.status",
        "user.sign_out_everywhere",
    ] {
        assert!(by_action(a).is_some(), "{a} audited");
    }
    // The console lists them too.
    let page = ops.get(&accounts, "/platform").await;
    assert!(page.body.contains("req-console-create-0001") && page.body.contains("tenant.create"));
}

#[tokio::test]
async fn an_operator_moves_a_hub_from_the_console_and_follows_it() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let mut ops = Browser::new(&app);
    ops.sign_in("ops@example.com", DEMO_PASSWORD).await;
    let registry = &app.state.registry;
    let acme = rally::platform::tenants::find_by_slug(registry, "acme")
        .await
        .unwrap()
        .unwrap();
    let other = registry
        .shards()
        .into_iter()
        .find(|s| s.id != acme.shard_id)
        .unwrap();

    // A shard that does not exist, and the one it is on: the form says why.
    for to in ["nowhere".to_string(), {
        registry
            .shards()
            .into_iter()
            .find(|s| s.id == acme.shard_id)
            .unwrap()
            .name
    }] {
        let r = ops
            .post_form(
                &accounts,
                "/platform/tenants/acme/move",
                &[("to", to.as_str())],
            )
            .await;
        assert_eq!(r.status, 303);
        let page = ops.get(&accounts, "/platform").await;
        assert!(
            page.body.contains("no shard named") || page.body.contains("already on shard"),
            "{}",
            page.body
        );
    }

    // The move is queued as a job; a server's worker runs it; the console shows it done.
    let r = ops
        .post_form(
            &accounts,
            "/platform/tenants/acme/move",
            &[("to", other.name.as_str())],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = ops.get(&accounts, "/platform").await;
    assert!(
        page.body.contains("data-testid=\"move-row\""),
        "{}",
        page.body
    );
    let moved = eventually(std::time::Duration::from_secs(60), || async {
        rally::platform::tenants::find_by_slug(registry, "acme")
            .await
            .unwrap()
            .unwrap()
            .shard_id
            == other.id
            && rally::platform::moves::open_move(registry.global(), acme.id)
                .await
                .unwrap()
                .is_none()
    })
    .await;
    assert!(moved, "the worker moved acme");
    let page = ops.get(&accounts, "/platform").await;
    assert_eq!(
        testid_text(&page.body, "move-phase").as_deref(),
        Some("done")
    );
    let audit = ops.get(&accounts, "/platform").await.body;
    assert!(audit.contains("tenant.move"));
    // The hub answers from its new shard.
    let mut alice = signed_in(&app, "alice@example.com", &app.host("acme.localhost")).await;
    assert_eq!(
        alice.get(&app.host("acme.localhost"), "/").await.status,
        200
    );
}
