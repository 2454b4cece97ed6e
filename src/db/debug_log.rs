//! Which hubs have debug logging switched on (`tenants.debug_logging_until`), as this
//! process knows it, and the SQL statement log the switch lets through. The filter that
//! uses them is set up in `web::telemetry`.
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::RwLock;
use uuid::Uuid;

/// The name of the span field that marks a debug-logged request or job.
pub const DEBUG_FIELD: &str = "debug";

/// Hubs with debug logging on, and until when (this process's copy of the directory).
static DEBUG_TENANTS: RwLock<Option<HashMap<Uuid, DateTime<Utc>>>> = RwLock::new(None);

/// Is debug logging on for this hub now?
pub fn debug_on(tenant: Uuid) -> bool {
    DEBUG_TENANTS
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .and_then(|m| m.get(&tenant).copied())
        .is_some_and(|until| until > Utc::now())
}

/// Re-reads which hubs have debug logging on (a failed read keeps what was known).
pub async fn refresh(global: &sea_orm::DatabaseConnection) {
    use crate::db::global::tenants;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let found = tenants::Entity::find()
        .filter(tenants::Column::DebugLoggingUntil.gt(Utc::now()))
        .all(global)
        .await;
    match found {
        Ok(rows) => {
            let map = rows
                .into_iter()
                .filter_map(|t| t.debug_logging_until.map(|u| (t.id, u)))
                .collect();
            *DEBUG_TENANTS.write().unwrap_or_else(|e| e.into_inner()) = Some(map);
        }
        Err(e) => tracing::warn!(error = %e, "reading the debug-logging switches failed"),
    }
}

/// Reads the switches now and then every second (a change made through the hot
/// configuration counter is read at once, see `web::hot_config`).
pub fn spawn_debug_refresh(global: sea_orm::DatabaseConnection) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            tick.tick().await;
            refresh(&global).await;
        }
    });
}

/// Logs one SQL statement at debug level (target `rally::sql`): written only inside a
/// request or job of a hub being debugged, unless `RALLY_LOG` asks for it everywhere.
pub fn log_statement(info: &sea_orm::metric::Info<'_>) {
    tracing::debug!(
        target: "rally::sql",
        // The statement without its values: those hold session ids, tokens and members'
        // text, which have no place in a log.
        sql = %info.statement.sql,
        elapsed_ms = info.elapsed.as_secs_f64() * 1000.0,
        failed = info.failed,
        "sql"
    );
}
