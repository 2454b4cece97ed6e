//! `/healthz` and `/readyz` answer on any host (a probe names the server by address), and
//! readiness names a shard that does not answer.
use crate::helpers::{spawn_demo, TestEnv};
use rally::db::global::shards;
use rally::db::sea_orm::{ActiveModelTrait, ActiveValue::Set};

#[tokio::test]
async fn health_and_readiness_answer_on_any_host_and_name_a_missing_shard() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let by_address = app.addr.to_string();
    for host in [by_address.as_str(), &app.host("acme.localhost")] {
        let r = app.get(host, "/healthz").await;
        assert_eq!(r.status, 200, "{host}");
        assert_eq!(r.body, r#"{"status":"ok"}"#);
        let r = app.get(host, "/readyz").await;
        assert_eq!(r.status, 200, "{host}: {}", r.body);
        let ready: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(ready["ready"], true);
        assert_eq!(ready["global"], "ok");
        assert_eq!(ready["shards"]["shard1"], "ok");
        assert_eq!(ready["shards"]["shard2"], "ok");
    }

    // A registered shard whose database cannot be opened: not ready, and it says which.
    let missing = env.dir.path().join("no-such-dir").join("shard3.db");
    shards::ActiveModel {
        id: Set(rally::db::new_id()),
        name: Set("shard3".into()),
        writer_url: Set(format!("sqlite://{}?mode=rw", missing.display())),
        reader_url: Set(None),
        status: Set(shards::ShardStatus::Active),
        created_at: Set(rally::db::now()),
        updated_at: Set(rally::db::now()),
    }
    .insert(app.state.registry.global())
    .await
    .unwrap();
    app.state.registry.reload().await.unwrap();
    let r = app.get(&by_address, "/readyz").await;
    assert_eq!(r.status, 503, "{}", r.body);
    let ready: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(ready["ready"], false);
    assert_eq!(ready["shards"]["shard1"], "ok");
    assert!(
        ready["shards"]["shard3"]
            .as_str()
            .unwrap()
            .starts_with("unavailable"),
        "{}",
        r.body
    );
    // The process itself is still up.
    assert_eq!(app.get(&by_address, "/healthz").await.status, 200);
}
