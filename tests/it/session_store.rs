//! The SeaORM session store keeps, replaces, expires and deletes sessions, on both backends.
use crate::helpers::backends;
use rally::server::session_store::SeaOrmSessionStore;
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
