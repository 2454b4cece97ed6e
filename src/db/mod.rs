//! Server-only data access.
//!
//! - [`global`]: entities of the one global database.
//! - [`tenant`]: tenant-scoped entities, living on shards, reached only through [`TenantDb`].
//! - [`registry`]: the shard registry — one lazily opened pool per shard, reloaded from the
//!   `shards` table.
pub mod config_generation;
pub mod debug_log;
pub mod global;
pub mod registry;
pub mod tenant;
mod tenant_scope;

pub use registry::{ShardError, ShardRegistry};
// Re-exported so tests and tools use exactly the versions the app is built with.
pub use sea_orm;
pub use tenant_scope::{Scoped, TenantDb, TenantScope, TenantTx};
pub use uuid;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, SqlErr};
use std::time::Duration;

/// Pool settings shared by the global database and every shard.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// How long a request waits for a connection before its shard counts as unavailable.
    /// Short, so a dead shard answers 503 quickly instead of hanging the request.
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

/// Opens a pool. SQLite files are created when missing (`mode=rwc`).
pub async fn connect(url: &str, settings: PoolSettings) -> Result<DatabaseConnection, DbErr> {
    let mut conn = open(url, settings).await?;
    let counter = statement_counter(url);
    conn.set_metric_callback(move |info| {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // Every statement, for per-tenant debug logging (written only when asked for).
        debug_log::log_statement(info);
    });
    Ok(conn)
}

type Counters = std::collections::HashMap<String, std::sync::Arc<std::sync::atomic::AtomicU64>>;

/// Statements issued per database URL by this process (one counter per database, shared
/// by its pools), so a test can count what a page costs on its own databases.
static STATEMENTS: std::sync::LazyLock<std::sync::Mutex<Counters>> =
    std::sync::LazyLock::new(Default::default);

fn statement_counter(url: &str) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
    STATEMENTS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(url.to_string())
        .or_default()
        .clone()
}

/// How many SQL statements this process has sent to the database at `url` (as given to
/// [`connect`]).
pub fn statements_sent(url: &str) -> u64 {
    statement_counter(url).load(std::sync::atomic::Ordering::Relaxed)
}

async fn open(url: &str, settings: PoolSettings) -> Result<DatabaseConnection, DbErr> {
    let url = sqlite_create_if_missing(url);
    let mut opts = ConnectOptions::new(url);
    opts.max_connections(settings.max_connections)
        .min_connections(0)
        .connect_timeout(settings.acquire_timeout)
        .acquire_timeout(settings.acquire_timeout)
        // Idle connections are dropped so a restarted database is reconnected cleanly.
        .idle_timeout(Duration::from_secs(60))
        .sqlx_logging(false)
        // SQLite: write-ahead logging, so readers never wait for the writer and the writer
        // never waits for readers. sqlx already sets foreign keys on and a 5 s busy timeout
        // (a writer waits for another instead of failing with "database is locked").
        .map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.journal_mode(SqliteJournalMode::Wal)
                // With WAL, NORMAL is durable against application crashes; a power loss
                // may lose the last commits, never corrupt the file.
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
        })
        .map_sqlx_sqlite_pool_opts(|o| {
            o.after_connect(|conn, _| Box::pin(async move { sqlite_planner_stable(conn).await }))
        });
    Database::connect(opts).await
}

/// Turns on SQLite's query planner stability guarantee for a new connection.
///
/// Without it, SQLite 3.51 (the one sqlx bundles) marks a statement whose `LIMIT` is a
/// bound parameter as depending on that parameter's value, and every new binding expires
/// the prepared statement: SeaORM's `.one()` binds `LIMIT ?`, so the session lookup, the
/// member's totals and the job poller's claim were parsed and planned again on every
/// execution despite sqlx's statement cache (about a tenth of a dashboard request's
/// instructions). With the guarantee a statement keeps its plan whatever its parameters
/// (Rally runs no `ANALYZE`, so SQLite has no statistics that a value could change a plan
/// by). sqlx has no option for `sqlite3_db_config`, hence the raw handle.
async fn sqlite_planner_stable(
    conn: &mut sea_orm::sqlx::SqliteConnection,
) -> Result<(), sea_orm::sqlx::Error> {
    use libsqlite3_sys::{sqlite3_db_config, SQLITE_DBCONFIG_ENABLE_QPSG, SQLITE_OK};
    let mut handle = conn.lock_handle().await?;
    let mut now_on: std::ffi::c_int = 0;
    // SAFETY: the handle is a live connection, held exclusively by the lock for the call;
    // ENABLE_QPSG takes an int (1: on) and a pointer to an int for the resulting setting.
    let rc = unsafe {
        sqlite3_db_config(
            handle.as_raw_handle().as_ptr(),
            SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::ffi::c_int,
            &mut now_on as *mut std::ffi::c_int,
        )
    };
    if rc != SQLITE_OK || now_on != 1 {
        return Err(sea_orm::sqlx::Error::Configuration(
            format!("SQLite refused the query planner stability guarantee (code {rc})").into(),
        ));
    }
    Ok(())
}

fn sqlite_create_if_missing(url: &str) -> String {
    if url.starts_with("sqlite:") && !url.contains("mode=") && !url.contains(":memory:") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}mode=rwc")
    } else {
        url.to_string()
    }
}

/// Is this error a unique-index violation? Uniqueness is the database's job: callers turn
/// this into a field error instead of checking with a SELECT first.
/// What a write through a [`TenantDb`] answers while its shard is marked read-only.
pub const READ_ONLY: &str = "the tenant's shard is read-only";

/// Was this write refused because the shard is read-only?
pub fn is_read_only(err: &DbErr) -> bool {
    matches!(err, DbErr::Custom(m) if m == READ_ONLY)
}

/// What a write of a hub fails with while the hub is being moved to another shard and its
/// writes are paused, or after it left this shard (raised by the shard's fence trigger;
/// see the tenant migration `totals_and_fences` and `platform::moves`).
pub const TENANT_MOVING: &str = "rally: tenant is moving";

/// Was this write refused because the hub is moving (or has moved away)?
pub fn is_tenant_moving(err: &DbErr) -> bool {
    // The trigger's message is the one thing both backends carry through to here.
    err.to_string().contains(TENANT_MOVING)
}

pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// A fresh UUIDv7: time-ordered, so ids are index-friendly and rows can move between
/// shards without renumbering.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pooled SQLite connection has the planner stability guarantee on (read back
    /// from SQLite itself: a `db_config` call with -1 only reports the setting).
    #[tokio::test]
    async fn sqlite_connections_keep_their_plans_whatever_the_parameters() {
        use libsqlite3_sys::{sqlite3_db_config, SQLITE_DBCONFIG_ENABLE_QPSG};
        let db = connect("sqlite::memory:", PoolSettings::default())
            .await
            .unwrap();
        let mut conn = db.get_sqlite_connection_pool().acquire().await.unwrap();
        let mut handle = conn.lock_handle().await.unwrap();
        let mut on: std::ffi::c_int = -1;
        // SAFETY: a live connection, held by the lock; -1 asks without changing.
        unsafe {
            sqlite3_db_config(
                handle.as_raw_handle().as_ptr(),
                SQLITE_DBCONFIG_ENABLE_QPSG,
                -1 as std::ffi::c_int,
                &mut on as *mut std::ffi::c_int,
            )
        };
        assert_eq!(on, 1);
    }
}
