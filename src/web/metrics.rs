//! Prometheus metrics, served as text at `/metrics` on their own listen address
//! (`RALLY_METRICS_LISTEN`), never on the public one.
//!
//! Counted as they happen (the `metrics` facade, recorded by the Prometheus exporter's
//! recorder): requests by route, method and status with a latency histogram; logins and
//! rate-limit refusals; mail sent and suppressed; job failures; webhook deliveries. Read
//! when scraped: each database pool's connections, and the job queue's depth per
//! database.
//!
//! The route label is the route's pattern (`/challenges/{id}`), never the raw path, so an
//! attacker cannot grow the series without bound: a request no route matched is counted
//! as `unmatched`.
use super::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

pub const REQUESTS: &str = "rally_http_requests_total";
pub const REQUEST_SECONDS: &str = "rally_http_request_duration_seconds";
pub const LOGINS: &str = "rally_logins_total";
pub const RATE_LIMITED: &str = "rally_rate_limited_total";
pub const MAIL_SENT: &str = "rally_mail_sent_total";
pub const MAIL_SUPPRESSED: &str = "rally_mail_suppressed_total";
pub const WEBHOOKS: &str = "rally_webhook_attempts_total";
const POOL: &str = "rally_db_pool_connections";
const QUEUE: &str = "rally_jobs_waiting";

/// The process's recorder (one per process: tests run many servers in one).
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let buckets = [
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ];
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), &buckets)
                .expect("non-empty buckets")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed; /metrics stays empty");
            }
            handle
        })
        .clone()
}

/// Where the inner router writes the matched route for [`count_requests`].
#[derive(Clone, Default)]
struct RouteSlot(Arc<OnceLock<String>>);

/// Outermost: counts and times every request, under the route the inner router matched.
pub async fn count_requests(mut req: Request, next: Next) -> Response {
    let slot = RouteSlot::default();
    req.extensions_mut().insert(slot.clone());
    // Any token is a method to HTTP: only the known ones are labels.
    let method = match *req.method() {
        http::Method::GET => "GET",
        http::Method::HEAD => "HEAD",
        http::Method::POST => "POST",
        http::Method::PUT => "PUT",
        http::Method::PATCH => "PATCH",
        http::Method::DELETE => "DELETE",
        http::Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let started = Instant::now();
    let res = next.run(req).await;
    let route = slot.0.get().cloned().unwrap_or_else(|| "unmatched".into());
    let status = res.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(REQUEST_SECONDS, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    res
}

/// A route layer of the pages' and the API's routers: names the matched route.
pub async fn note_route(req: Request, next: Next) -> Response {
    if let (Some(slot), Some(path)) = (
        req.extensions().get::<RouteSlot>(),
        req.extensions().get::<MatchedPath>(),
    ) {
        let _ = slot.0.set(path.as_str().to_string());
    }
    next.run(req).await
}

/// Pool use and queue depth, read now (a scrape is rare; these are cheap).
async fn read_gauges(state: &AppState) {
    let registry = &state.registry;
    let mut databases = vec![("global".to_string(), Some(registry.global().clone()))];
    for shard in registry.shards() {
        databases.push((
            shard.name.clone(),
            registry.shard_connection(shard.id).await.ok(),
        ));
    }
    for (name, conn) in databases {
        let Some(conn) = conn else {
            metrics::gauge!(POOL, "database" => name.clone(), "state" => "in_use").set(0.0);
            continue;
        };
        let (size, idle) = match conn.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let pool = conn.get_postgres_connection_pool();
                (pool.size() as f64, pool.num_idle() as f64)
            }
            _ => {
                let pool = conn.get_sqlite_connection_pool();
                (pool.size() as f64, pool.num_idle() as f64)
            }
        };
        metrics::gauge!(POOL, "database" => name.clone(), "state" => "idle").set(idle);
        metrics::gauge!(POOL, "database" => name.clone(), "state" => "in_use").set(size - idle);
        match crate::jobs::waiting(&conn).await {
            Ok(n) => metrics::gauge!(QUEUE, "database" => name).set(n as f64),
            Err(e) => tracing::warn!(database = %name, error = %e, "job queue depth not read"),
        }
    }
}

async fn render(State(state): State<AppState>) -> Response {
    read_gauges(&state).await;
    let handle = handle();
    handle.run_upkeep();
    (
        [(
            http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// The metrics listener's router: `/metrics` and nothing else.
pub fn router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(render))
        .with_state(state)
}
