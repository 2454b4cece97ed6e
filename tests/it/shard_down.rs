//! A shard that goes away takes down only its own tenants (503), and they come back by
//! themselves once it returns, in the same process.
use crate::helpers::{eventually, spawn_demo, PgDatabases, TestApp, TestEnv};
use rally::db::global::shards;
use rally::db::sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use std::time::Duration;

async fn status(app: &TestApp, host: &str) -> u16 {
    app.get(&app.host(host), "/").await.status
}

async fn becomes(app: &TestApp, host: &str, want: u16) -> bool {
    eventually(Duration::from_secs(20), || async {
        status(app, host).await == want
    })
    .await
}

#[tokio::test]
async fn postgres_shard_outage_fails_only_its_tenants_and_recovers() {
    let Some(env) = TestEnv::postgres().await else {
        return;
    };
    let app = spawn_demo(&env).await;
    let pg = env.pg.as_ref().unwrap();
    let globex_db = pg.db_name("s2");
    assert_eq!(status(&app, "acme.localhost").await, 200);
    assert_eq!(status(&app, "globex.localhost").await, 200);

    // The shard's database stops accepting connections, and its open ones are cut.
    PgDatabases::admin(&format!(
        "ALTER DATABASE {globex_db} ALLOW_CONNECTIONS false"
    ))
    .await;
    PgDatabases::admin(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{globex_db}'"
    ))
    .await;

    assert!(
        becomes(&app, "globex.localhost", 503).await,
        "globex answers 503"
    );
    let page = app.get(&app.host("globex.localhost"), "/").await;
    assert_eq!(
        page.headers.get("retry-after").map(String::as_str),
        Some("5")
    );
    // A form post to the same hub: the same 503 page, through the same error type.
    let form = app
        .send_body(
            "POST",
            &app.host("globex.localhost"),
            "/join",
            &[("content-type", "application/x-www-form-urlencoded")],
            "return_to=%2F",
        )
        .await;
    assert_eq!(form.status, 503);
    assert_eq!(
        form.headers.get("retry-after"),
        page.headers.get("retry-after")
    );
    assert_eq!(
        form.body, page.body,
        "the same page for a page load and a form post"
    );
    assert!(page.body.contains("Temporarily unavailable"));
    assert_eq!(
        status(&app, "acme.localhost").await,
        200,
        "acme is unaffected"
    );

    PgDatabases::admin(&format!(
        "ALTER DATABASE {globex_db} ALLOW_CONNECTIONS true"
    ))
    .await;
    assert!(
        becomes(&app, "globex.localhost", 200).await,
        "globex recovers"
    );
    assert_eq!(status(&app, "acme.localhost").await, 200);
}

#[tokio::test]
async fn sqlite_shard_that_cannot_be_opened_fails_only_its_tenants_and_recovers() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let registry = &app.state.registry;
    assert_eq!(status(&app, "globex.localhost").await, 200);

    // The shard's file is moved away and its URL now points where nothing can be opened
    // (a missing directory): the registry drops the old pool on reload.
    let shard2 = registry
        .shards()
        .into_iter()
        .find(|s| s.name == "shard2")
        .unwrap();
    let good_url = shard2.writer_url.clone();
    let missing = env.dir.path().join("gone").join("shard2.db");
    let mut row: shards::ActiveModel = shard2.into();
    row.writer_url = Set(format!("sqlite://{}", missing.display()));
    row.update(registry.global()).await.unwrap();
    registry.reload().await.unwrap();

    assert!(
        becomes(&app, "globex.localhost", 503).await,
        "globex answers 503"
    );
    assert_eq!(
        status(&app, "acme.localhost").await,
        200,
        "acme is unaffected"
    );

    // Restored: the next request opens the pool again, no restart.
    let row = shards::Entity::find().all(registry.global()).await.unwrap();
    let mut row: shards::ActiveModel = row.into_iter().find(|s| s.name == "shard2").unwrap().into();
    row.writer_url = Set(good_url);
    row.update(registry.global()).await.unwrap();
    registry.reload().await.unwrap();
    assert!(
        becomes(&app, "globex.localhost", 200).await,
        "globex recovers"
    );
}
