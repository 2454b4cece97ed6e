//! Shard states the registry honours: a read-only shard serves its hubs' pages and refuses
//! their writes with a clear page; a draining shard takes no new tenants.
use crate::helpers::*;
use rally::domain::ShardStatus;
use rally::platform::{shards, tenants};

#[tokio::test]
async fn a_read_only_shard_serves_reads_and_refuses_writes_and_a_draining_one_takes_no_tenants() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let registry = &app.state.registry;
    let acme = app.host("acme.localhost");
    let shard_of = |slug: &'static str| async move {
        let t = tenants::find_by_slug(registry, slug)
            .await
            .unwrap()
            .unwrap();
        registry
            .shards()
            .into_iter()
            .find(|s| s.id == t.shard_id)
            .unwrap()
            .name
    };
    let (acme_shard, globex_shard) = (shard_of("acme").await, shard_of("globex").await);
    assert_ne!(acme_shard, globex_shard);
    let mut owner = signed_in(&app, "owner@example.com", &acme).await;
    let save = [
        ("name", "Acme Advocates"),
        ("tagline", "t"),
        ("welcome_text", ""),
        ("brand_color", "#e11d48"),
        ("accent_color", ""),
        ("signin_text", ""),
        ("intent", "save"),
    ];

    shards::set_status(registry, &acme_shard, ShardStatus::ReadOnly)
        .await
        .unwrap();
    // Reads work: pages render.
    for path in ["/", "/challenges", "/leaderboard", "/admin/branding"] {
        assert_eq!(owner.get(&acme, path).await.status, 200, "{path}");
    }
    // A write is refused with a page that says why, and when to come back.
    let r = owner.post_form(&acme, "/admin/branding", &save).await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.body.contains("read-only for maintenance"), "{}", r.body);
    assert_eq!(r.headers["retry-after"], "60");
    // Another shard's hubs write as usual.
    let globex = hub_db(&app, "globex").await;
    rally::jobs::enqueue(&globex, "test.nothing", &(), None)
        .await
        .expect("globex's shard takes writes");
    let acme_db = hub_db(&app, "acme").await;
    let refused = rally::jobs::enqueue(&acme_db, "test.nothing", &(), None)
        .await
        .unwrap_err();
    assert!(rally::db::is_read_only(&refused), "{refused}");

    // Writable again: the same form saves.
    shards::set_status(registry, &acme_shard, ShardStatus::Active)
        .await
        .unwrap();
    let r = owner.post_form(&acme, "/admin/branding", &save).await;
    assert_eq!(r.status, 303, "{}", r.body);

    // Draining: no new tenant goes there, chosen or named.
    shards::set_status(registry, &globex_shard, ShardStatus::Draining)
        .await
        .unwrap();
    for n in 0..3 {
        let t = tenants::create(
            registry,
            &format!("fresh-{n}"),
            "Fresh",
            None,
            Default::default(),
        )
        .await
        .unwrap();
        let placed = registry
            .shards()
            .into_iter()
            .find(|s| s.id == t.shard_id)
            .unwrap();
        assert_eq!(placed.name, acme_shard, "never the draining shard");
    }
    let named = tenants::create(
        registry,
        "fresh-named",
        "Fresh",
        Some(&globex_shard),
        Default::default(),
    )
    .await;
    let err = named.unwrap_err().to_string();
    assert!(
        err.contains("draining") && err.contains("no new tenants"),
        "{err}"
    );
    // Its existing hubs are still served.
    assert_eq!(
        app.get(&app.host("globex.localhost"), "/").await.status,
        200
    );
}
