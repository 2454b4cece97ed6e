//! The embedded SQLite databases run in WAL mode with foreign keys and a busy timeout, so
//! concurrent writers wait for each other instead of failing with "database is locked".
use crate::helpers::TempDir;
use rally::db::sea_orm::{ConnectionTrait, Statement};

async fn pragma(db: &rally::db::sea_orm::DatabaseConnection, name: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("PRAGMA {name}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0)
        .map(|v| v.to_string())
        .or_else(|_| row.try_get_by_index::<String>(0))
        .unwrap()
}

#[tokio::test]
async fn sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout() {
    let dir = TempDir::new();
    let url = format!("sqlite://{}/wal.db", dir.path().display());
    let db = rally::db::connect(&url, Default::default()).await.unwrap();
    assert_eq!(pragma(&db, "journal_mode").await, "wal");
    assert_eq!(pragma(&db, "foreign_keys").await, "1");
    assert_eq!(pragma(&db, "busy_timeout").await, "5000");
    assert_eq!(pragma(&db, "synchronous").await, "1", "NORMAL");

    // Many writers at once: each waits its turn, none is refused.
    db.execute_unprepared("CREATE TABLE t (n INTEGER NOT NULL)")
        .await
        .unwrap();
    let writes = (0..40).map(|n| {
        let db = db.clone();
        tokio::spawn(async move {
            db.execute_unprepared(&format!("INSERT INTO t (n) VALUES ({n})"))
                .await
        })
    });
    for w in futures::future::join_all(writes).await {
        w.unwrap().expect("no 'database is locked'");
    }
    let count = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM t".to_string(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(count, 40);
}
