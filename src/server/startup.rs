//! Builds the application from a [`Config`]: databases (migrated), the shard registry, the
//! caches, and the axum router. Tests call [`Application::build`] with a listener on port 0
//! to run a real server.
use super::{api, hosts, hub_config, request_id, same_origin, site, AppState, Config};
use crate::app::{shell, App};
use crate::db::{self, PoolSettings, ShardRegistry};
use crate::platform::migrate;
use anyhow::Context;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use std::time::Duration;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// How often the shard list is re-read, so shards added by another process appear.
const SHARD_RELOAD_EVERY: Duration = Duration::from_secs(10);
/// How stale a hub's branding may be (settings are memoized, not read per request).
const HUB_CONFIG_TTL: Duration = Duration::from_secs(3);

/// Leptos options for the built site. `LEPTOS_SITE_ROOT` (set by cargo-leptos) overrides
/// the default `target/site`.
pub fn leptos_options() -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    LeptosOptions::builder()
        .output_name("rally")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build()
}

/// Opens the global database, migrates it, registers the embedded shards on first run,
/// and loads the shard registry.
pub async fn open_databases(config: &Config) -> anyhow::Result<Arc<ShardRegistry>> {
    if config.embedded {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                config.data_dir.display()
            )
        })?;
    }
    let settings = PoolSettings {
        max_connections: config.db_max_connections,
        ..PoolSettings::default()
    };
    let global = db::connect(&config.database_url, settings)
        .await
        .context("cannot open the global database (RALLY_DATABASE_URL)")?;
    migrate::migrate_global(&global).await?;
    migrate::register_embedded_shards(config, &global).await?;
    let registry = ShardRegistry::load(global, settings).await?;
    Ok(Arc::new(registry))
}

pub struct Application {
    pub state: AppState,
    pub router: Router,
}

impl Application {
    /// Everything `rally serve` needs, migrated and ready.
    pub async fn build(config: Config, leptos_options: LeptosOptions) -> anyhow::Result<Self> {
        let registry = open_databases(&config).await?;
        migrate::migrate_shards(&registry, None).await?;
        registry.spawn_reloader(SHARD_RELOAD_EVERY);
        let state = AppState {
            leptos_options,
            tenants: Arc::new(hosts::TenantResolver::new(
                registry.global().clone(),
                Duration::from_secs(config.host_cache_seconds),
            )),
            hub_config: Arc::new(hub_config::HubConfigCache::new(HUB_CONFIG_TTL)),
            config: Arc::new(config),
            registry,
        };
        let router = router(state.clone());
        Ok(Self { state, router })
    }

    /// Serves until the process is interrupted.
    pub async fn run(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        axum::serve(listener, self.router)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    }
}

/// The full router: request ids and tracing outermost, then host routing, then pages,
/// server functions and static files.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, || (), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state.clone());

    let routing = site::HostRouting {
        state,
        api: api::router(),
    };
    pages
        // Inside host routing: the API host (bearer tokens, no cookies) never reaches it.
        .layer(axum::middleware::from_fn(same_origin::require_same_origin))
        .layer(axum::middleware::from_fn_with_state(routing, site::route_by_host))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &http::Request<_>| {
                let id = req
                    .headers()
                    .get(&request_id::HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                let host = req
                    .headers()
                    .get(http::header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("request", request_id = %id, method = %req.method(), host = %host, path = %req.uri().path())
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id::HEADER))
        .layer(SetRequestIdLayer::new(request_id::HEADER, request_id::MakeUuid))
        .layer(axum::middleware::from_fn(request_id::drop_unacceptable))
}
