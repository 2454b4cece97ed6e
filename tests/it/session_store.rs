//! The SeaORM session store keeps, replaces, expires and deletes sessions, on both backends.
use crate::helpers::backends;
use rally::web::session_store::SeaOrmSessionStore;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

fn record(expires_in: Duration) -> Record {
    let mut data = std::collections::HashMap::new();
    data.insert("user".to_string(), serde_json::json!("Ada 🚀"));
    Record {
        id: Id::default(),
        data,
        expiry_date: OffsetDateTime::now_utc() + expires_in,
    }
}

#[tokio::test]
async fn sessions_round_trip_expire_and_delete() {
    for env in backends().await {
        let registry = env.registry().await;
        let store = SeaOrmSessionStore::new(registry.global().clone());

        let mut live = record(Duration::hours(1));
        store.create(&mut live).await.unwrap();
        let loaded = store.load(&live.id).await.unwrap().expect("stored");
        assert_eq!(loaded.data, live.data, "4-byte characters round-trip");
        assert_eq!(
            loaded.expiry_date.unix_timestamp(),
            live.expiry_date.unix_timestamp()
        );

        // Save replaces the data of an existing session.
        live.data.insert("epoch".into(), serde_json::json!(3));
        store.save(&live).await.unwrap();
        assert_eq!(
            store.load(&live.id).await.unwrap().unwrap().data["epoch"],
            3
        );

        // Creating with an id that is taken draws a fresh one instead of overwriting.
        let mut clash = record(Duration::hours(1));
        clash.id = live.id;
        store.create(&mut clash).await.unwrap();
        assert_ne!(clash.id, live.id);
        assert_eq!(
            store.load(&live.id).await.unwrap().unwrap().data["epoch"],
            3
        );

        // Expired sessions do not load, and are swept.
        let mut old = record(Duration::seconds(-5));
        store.create(&mut old).await.unwrap();
        assert!(store.load(&old.id).await.unwrap().is_none());
        store.delete_expired().await.unwrap();
        assert!(
            store.load(&live.id).await.unwrap().is_some(),
            "live ones survive the sweep"
        );

        store.delete(&live.id).await.unwrap();
        assert!(store.load(&live.id).await.unwrap().is_none());
        assert!(
            store.load(&Id::default()).await.unwrap().is_none(),
            "unknown id"
        );
    }
}

const REDIS_URL: &str = "redis://127.0.0.1:6379";

/// Redis, when reachable; under CI its absence is a failure, not a skip.
async fn redis_available() -> bool {
    match rally::web::sessions::redis_pool(REDIS_URL)
        .await
        .map(rally::web::sessions::AnyStore::redis)
    {
        Ok(_) => true,
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("Redis is required under CI=true but is not reachable: {e}");
            }
            eprintln!("skipping Redis part: {e}");
            false
        }
    }
}

#[tokio::test]
async fn two_app_servers_share_sessions_through_redis() {
    use crate::helpers::{spawn_app, spawn_demo, Browser, TestEnv};
    if !redis_available().await {
        return;
    }
    let env = TestEnv::sqlite_with(&[("RALLY_REDIS_URL", REDIS_URL)]).await;
    let first = spawn_demo(&env).await;
    let second = spawn_app(&env).await;

    let mut on_first = Browser::new(&first);
    on_first
        .sign_in("alice@example.com", rally::platform::seed::DEMO_PASSWORD)
        .await;
    let cookie = on_first
        .session(&first.host("accounts.localhost"))
        .expect("session cookie");

    // The same cookie, presented to the other server: the same session.
    let mut on_second = Browser::new(&second);
    on_second.set_session(&second.host("accounts.localhost"), &cookie);
    let page = on_second.get(&second.host("accounts.localhost"), "/").await;
    assert!(page.body.contains("My hubs"), "{}", page.body);

    // It lives in Redis, not in the database.
    let store = rally::web::sessions::redis_pool(REDIS_URL)
        .await
        .map(rally::web::sessions::AnyStore::redis)
        .unwrap();
    let id: Id = cookie.parse().expect("a session id");
    assert!(store.load(&id).await.unwrap().is_some());
    let db_store = SeaOrmSessionStore::new(first.state.registry.global().clone());
    assert!(db_store.load(&id).await.unwrap().is_none());

    // Signing out on the second server ends it for the first.
    on_second
        .post_form(&second.host("accounts.localhost"), "/logout", &[])
        .await;
    let page = on_first.get(&first.host("accounts.localhost"), "/").await;
    assert!(!page.body.contains("My hubs"));
}

/// Two app servers over the same PostgreSQL databases and Redis behave as one site: a
/// session, a sign-out, a rate limit and a domain change made through one are seen by the
/// other within a second.
#[tokio::test]
async fn two_servers_on_postgres_and_redis_behave_as_one_site() {
    use crate::helpers::{eventually, spawn_app, spawn_demo, Browser, TestEnv};
    use std::time::Duration;
    if !redis_available().await {
        return;
    }
    let Some(env) = TestEnv::postgres_with(&[
        ("RALLY_REDIS_URL", REDIS_URL),
        ("RALLY_LOGIN_ATTEMPTS_PER_ACCOUNT", "3"),
        ("RALLY_HOST_CACHE_SECONDS", "1"),
    ])
    .await
    else {
        return;
    };
    let first = spawn_demo(&env).await;
    let second = spawn_app(&env).await;
    let (acc1, acc2) = (
        first.host("accounts.localhost"),
        second.host("accounts.localhost"),
    );

    // A session made on one is a session on the other.
    let mut on_first = Browser::new(&first);
    on_first
        .sign_in("alice@example.com", rally::platform::seed::DEMO_PASSWORD)
        .await;
    let cookie = on_first.session(&acc1).expect("session cookie");
    let mut on_second = Browser::new(&second);
    on_second.set_session(&acc2, &cookie);
    assert!(on_second.get(&acc2, "/").await.body.contains("My hubs"));

    // Signed out through the second: signed out on the first.
    on_second.post_form(&acc2, "/logout", &[]).await;
    assert!(!on_first.get(&acc1, "/").await.body.contains("My hubs"));

    // One rate-limit budget: failures on either server add up.
    let email = format!("nobody-{}@example.com", rally::db::new_id().simple());
    let wrong = [("email", email.as_str()), ("password", "wrong-password")];
    assert_eq!(
        Browser::new(&first)
            .post_form(&acc1, "/login", &wrong)
            .await
            .status,
        303
    );
    assert_eq!(
        Browser::new(&second)
            .post_form(&acc2, "/login", &wrong)
            .await
            .status,
        303
    );
    assert_eq!(
        Browser::new(&first)
            .post_form(&acc1, "/login", &wrong)
            .await
            .status,
        303
    );
    assert_eq!(
        Browser::new(&second)
            .post_form(&acc2, "/login", &wrong)
            .await
            .status,
        429
    );

    // A custom domain added through the first is served by the second within a second
    // (after its cached "no such host" runs out).
    let promo = format!("promo-{}.test", rally::db::new_id().simple());
    let promo_on_second = second.host(&promo);
    assert_eq!(second.get(&promo_on_second, "/").await.status, 404);
    rally::platform::domains::add_custom(
        &first.state.registry,
        &first.state.config.root_domain,
        "acme",
        &promo,
        true,
    )
    .await
    .unwrap();
    let served = eventually(Duration::from_millis(1500), || async {
        let r = second.get(&promo_on_second, "/").await;
        r.status == 200 && r.body.contains("Acme Advocates")
    })
    .await;
    assert!(
        served,
        "the new domain was not served by the other server in time"
    );
}
