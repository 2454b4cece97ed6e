//! Health endpoints for load balancers and orchestrators, answered on any host before host
//! classification (a probe usually names the server by address):
//!
//! - `GET /healthz` — the process is up (no database touched);
//! - `GET /readyz` — the global database and every shard answer, as JSON; 503 when one
//!   does not, naming it, so an operator sees which.
use super::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// How long one database may take to answer a readiness probe.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// The answer to a health path, or `None` for any other path.
pub async fn answer(state: &AppState, path: &str) -> Option<Response> {
    match path {
        "/healthz" => Some(Json(Health { status: "ok" }).into_response()),
        "/readyz" => Some(readiness(state).await),
        _ => None,
    }
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

#[derive(Serialize)]
struct Readiness {
    ready: bool,
    global: String,
    /// Shard name → `ok`, or why not.
    shards: BTreeMap<String, String>,
}

async fn ping(conn: &sea_orm::DatabaseConnection) -> String {
    match tokio::time::timeout(PING_TIMEOUT, conn.ping()).await {
        Ok(Ok(())) => "ok".into(),
        Ok(Err(e)) => format!("unavailable: {e}"),
        Err(_) => "unavailable: no answer in time".into(),
    }
}

async fn readiness(state: &AppState) -> Response {
    let registry = &state.registry;
    let global = ping(registry.global()).await;
    let checks = registry.shards().into_iter().map(|shard| async move {
        let status = match registry.shard_connection(shard.id).await {
            Ok(conn) => ping(&conn).await,
            Err(e) => format!("unavailable: {e}"),
        };
        (shard.name, status)
    });
    let shards: BTreeMap<String, String> = futures::future::join_all(checks)
        .await
        .into_iter()
        .collect();
    let ready = global == "ok" && shards.values().all(|s| s == "ok");
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            ready,
            global,
            shards,
        }),
    )
        .into_response()
}
