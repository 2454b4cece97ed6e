//! Hot configuration across app servers: with host answers cached for a minute, a change
//! made on one server (or by the CLI) — a domain, a shard's status, a hub's branding — is
//! followed by another server within a second, through the generation counter it polls.
use crate::helpers::*;
use rally::domain::ShardStatus;
use std::time::Duration;

const WITHIN: Duration = Duration::from_millis(1000);

#[tokio::test]
async fn every_server_follows_a_change_within_a_second() {
    let env = TestEnv::sqlite_with(&[("RALLY_HOST_CACHE_SECONDS", "60")]).await;
    let a = spawn_demo(&env).await;
    let b = spawn_app(&env).await;
    let shop_b = b.host("shop.acme.test");
    // B remembers "no hub here" for a minute…
    assert_eq!(b.get(&shop_b, "/").await.status, 404);
    // …until the domain is added elsewhere (here A's registry, as the CLI would).
    rally::platform::domains::add_custom(
        &a.state.registry,
        "localhost",
        "acme",
        "shop.acme.test",
        true,
    )
    .await
    .unwrap();
    let routed = eventually(WITHIN, || async { b.get(&shop_b, "/").await.status == 200 }).await;
    assert!(routed, "B routes the new domain within a second");
    rally::platform::domains::remove(&a.state.registry, "shop.acme.test")
        .await
        .unwrap();
    let gone = eventually(WITHIN, || async { b.get(&shop_b, "/").await.status == 404 }).await;
    assert!(gone, "and stops within a second when it is removed");

    // A shard marked read-only on A: B refuses that shard's writes within a second.
    let acme_b = b.host("acme.localhost");
    let mut owner = signed_in(&b, "owner@example.com", &acme_b).await;
    let save = [
        ("name", "Acme Everywhere"),
        ("tagline", "t"),
        ("welcome_text", ""),
        ("brand_color", "#e11d48"),
        ("accent_color", ""),
        ("signin_text", ""),
        ("intent", "save"),
    ];
    let shard = shard_row(&a, tenant(&a, "acme").await.shard_id).name;
    rally::platform::shards::set_status(&a.state.registry, &shard, ShardStatus::ReadOnly)
        .await
        .unwrap();
    let mut refused = false;
    let started = std::time::Instant::now();
    while started.elapsed() < WITHIN {
        let r = owner.post_form(&acme_b, "/admin/branding", &save).await;
        if r.status == 503 {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        refused,
        "B refuses writes on the read-only shard within a second"
    );
    rally::platform::shards::set_status(&a.state.registry, &shard, ShardStatus::Active)
        .await
        .unwrap();
    let mut writable = false;
    let started = std::time::Instant::now();
    while started.elapsed() < WITHIN {
        if owner
            .post_form(&acme_b, "/admin/branding", &save)
            .await
            .status
            == 303
        {
            writable = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(writable, "and takes them again within a second");

    // Branding saved through B: A shows it within a second (its memo lives 3 s).
    let acme_a = a.host("acme.localhost");
    let shown = eventually(WITHIN, || async {
        a.get(&acme_a, "/").await.body.contains("Acme Everywhere")
    })
    .await;
    assert!(shown, "A shows B's new branding within a second");
}
