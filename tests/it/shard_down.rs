//! A shard that goes away takes down only its own tenants (503), and they come back by
//! themselves once it returns, in the same process.
use crate::helpers::{
    assert_unavailable, eventually, signed_in, spawn_demo, testid_text, PgDatabases, TestApp,
    TestEnv,
};
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

/// Alice's session cookie on `host` (she is a member of both demo hubs).
async fn alice_cookie(app: &TestApp, host: &str) -> String {
    let alice = signed_in(app, "alice@example.com", host).await;
    format!("rally_session={}", alice.session(host).unwrap())
}

/// A member's home page: its status, and whether it shows her balance (read from the
/// shard on every request).
async fn member_home(app: &TestApp, host: &str, cookie: &str) -> (u16, bool) {
    let r = app.request(host, "/", &[("cookie", cookie)]).await;
    (r.status, testid_text(&r.body, "balance").is_some())
}

/// [`becomes`] for a member's home page (their session cookie), which reads their own data
/// from the shard: a signed-out home needs only the hub's settings, which a server keeps
/// for a minute and may well serve through a short outage.
async fn member_home_becomes(app: &TestApp, host: &str, cookie: &str, want: u16) -> bool {
    eventually(Duration::from_secs(20), || async {
        app.request(host, "/", &[("cookie", cookie)]).await.status == want
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
    let globex = app.host("globex.localhost");
    // A member, signed in before the outage: a form post of theirs must reach the shard
    // (a signed-out one is sent to sign in from the hub's cached settings alone).
    let mut alice = signed_in(&app, "alice@example.com", &globex).await;
    let cookie = format!("rally_session={}", alice.session(&globex).unwrap());
    // She is a member of acme too (on the other shard), whose pages must go on.
    let acme = app.host("acme.localhost");
    let acme_cookie = alice_cookie(&app, &acme).await;
    assert_eq!(member_home(&app, &acme, &acme_cookie).await, (200, true));
    assert_eq!(status(&app, "acme.localhost").await, 200);
    assert_eq!(status(&app, "globex.localhost").await, 200);
    assert_eq!(
        app.request(&globex, "/", &[("cookie", &cookie)])
            .await
            .status,
        200
    );

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
        member_home_becomes(&app, &globex, &cookie, 503).await,
        "globex answers 503"
    );
    let page = alice.get(&globex, "/").await;
    // A form post to the same hub: the same 503 answer, through the same error type. (The
    // page around it may differ: while the hub's settings are still held, a page is drawn
    // in the hub's layout.)
    let form = alice
        .post_form(&globex, "/join", &[("return_to", "/")])
        .await;
    for (what, r) in [("page", &page), ("form post", &form)] {
        assert_unavailable(what, r, &globex_db);
        assert!(
            !r.body.to_lowercase().contains("connection"),
            "{what}: the cause stays in the log"
        );
    }
    assert_eq!(
        member_home(&app, &acme, &acme_cookie).await,
        (200, true),
        "acme is unaffected"
    );

    PgDatabases::admin(&format!(
        "ALTER DATABASE {globex_db} ALLOW_CONNECTIONS true"
    ))
    .await;
    assert!(
        member_home_becomes(&app, &globex, &cookie, 200).await,
        "globex recovers"
    );
    assert_eq!(member_home(&app, &acme, &acme_cookie).await, (200, true));
}

#[tokio::test]
async fn sqlite_shard_that_cannot_be_opened_fails_only_its_tenants_and_recovers() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let registry = &app.state.registry;
    let acme = app.host("acme.localhost");
    let acme_cookie = alice_cookie(&app, &acme).await;
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
        member_home(&app, &acme, &acme_cookie).await,
        (200, true),
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
