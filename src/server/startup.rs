//! Builds the application from a [`Config`]: databases (migrated), the shard registry, the
//! caches, and the axum router. Tests call [`Application::build`] with a listener on port 0
//! to run a real server.
use super::{api, hosts, hub_config, request_id, same_origin, sessions, site, AppState, Config};
use crate::accounts::rate_limit::LoginLimiter;
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

/// How often the mail sender looks at the outbox.
const MAIL_POLL_EVERY: Duration = Duration::from_millis(500);
/// How often expired sessions and tickets are deleted and idle rate-limit keys forgotten.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);

fn spawn_housekeeping(
    registry: Arc<ShardRegistry>,
    store: sessions::AnyStore,
    limiter: Arc<LoginLimiter>,
) {
    use tower_sessions::session_store::ExpiredDeletion;
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(HOUSEKEEPING_EVERY).await;
            limiter.shrink();
            // Redis expires its own keys.
            if let sessions::AnyStore::Database(db_store) = &store {
                if let Err(e) = db_store.delete_expired().await {
                    tracing::warn!(error = %e, "deleting expired sessions failed");
                }
            }
            if let Err(e) = crate::sso::tickets::delete_expired(registry.global()).await {
                tracing::warn!(error = %e, "deleting expired tickets failed");
            }
        }
    });
}

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
        let login_limiter = Arc::new(LoginLimiter::new(
            config.login_attempts_per_account,
            config.login_attempts_per_address,
            Duration::from_secs(config.login_window_seconds),
        ));
        let store = sessions::AnyStore::from_config(&config, registry.global()).await?;
        crate::mail::sender::Sender::new(registry.clone(), &config)?.spawn(MAIL_POLL_EVERY);
        spawn_housekeeping(registry.clone(), store.clone(), login_limiter.clone());
        let state = AppState {
            leptos_options,
            login_limiter,
            tenants: Arc::new(hosts::TenantResolver::new(
                registry.global().clone(),
                Duration::from_secs(config.host_cache_seconds),
            )),
            hub_config: Arc::new(hub_config::HubConfigCache::new(HUB_CONFIG_TTL)),
            config: Arc::new(config),
            registry,
        };
        let router = router(state.clone(), store);
        Ok(Self { state, router })
    }

    /// Serves until the process is interrupted.
    pub async fn run(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        // Connection info: sign-in attempts are limited per client address.
        let service = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    }
}

/// The full router: request ids and tracing outermost, then host routing, then pages,
/// server functions and static files.
pub fn router(state: AppState, store: sessions::AnyStore) -> Router {
    use crate::accounts::handlers as accounts;
    use crate::challenges::handlers as challenges;
    use crate::invitations::handlers as invitations;
    use crate::membership::handlers as membership;
    use crate::people::handlers as people;
    use crate::points::handlers as levels;
    use crate::rewards::handlers as rewards;
    use crate::sso::handlers as sso;
    use axum::routing::{get, post};

    let routes = generate_route_list(App);
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, || (), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        // Form posts (the pages of the same paths are the GETs above).
        .route("/signup", post(accounts::signup))
        .route("/login", post(accounts::login))
        .route("/logout", post(accounts::logout))
        .route("/password/forgot", post(accounts::forgot))
        .route("/password/reset", post(accounts::reset_password))
        .route("/join", post(membership::join))
        // The advocate loop.
        .route("/admin/challenges", post(challenges::create))
        .route("/admin/challenges/{id}", post(challenges::update))
        .route("/admin/challenges/{id}/publish", post(challenges::publish))
        .route("/admin/challenges/{id}/archive", post(challenges::archive))
        .route("/challenges/{id}", post(challenges::submit))
        .route("/admin/completions/bulk", post(challenges::bulk))
        .route("/admin/completions/{id}/approve", post(challenges::approve))
        .route("/admin/completions/{id}/reject", post(challenges::reject))
        .route("/admin/levels", post(levels::save))
        .route("/admin/levels/reset", post(levels::reset))
        // Invitations.
        .route("/admin/invitations", post(invitations::invite))
        .route("/admin/invitations/{id}/resend", post(invitations::resend))
        .route("/admin/invitations/{id}/revoke", post(invitations::revoke))
        .route("/invite/accept", post(invitations::accept))
        // Contacts and groups.
        .route("/admin/contacts.csv", get(people::export_csv))
        .route("/admin/contacts/{id}/role", post(people::set_role))
        .route("/admin/contacts/{id}/status", post(people::set_status))
        .route("/admin/groups", post(people::create_group))
        .route("/admin/groups/{id}/rename", post(people::rename_group))
        .route("/admin/groups/{id}/delete", post(people::delete_group))
        .route("/admin/groups/{id}/members", post(people::add_member))
        .route(
            "/admin/groups/{id}/members/{contact}/remove",
            post(people::remove_member),
        )
        // Rewards.
        .route("/admin/rewards", post(rewards::create))
        .route("/admin/rewards/{id}", post(rewards::update))
        .route("/rewards/{id}/redeem", post(rewards::redeem))
        .route("/admin/redemptions/{id}/fulfil", post(rewards::fulfil))
        .route("/admin/redemptions/{id}/cancel", post(rewards::cancel))
        // The SSO round trip (redirects only).
        .route("/sso/start", get(sso::start))
        .route("/sso/authorize", get(sso::authorize))
        .route("/sso/callback", get(sso::callback))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state.clone())
        // Inside the session layer, which provides the session it touches.
        .layer(axum::middleware::from_fn_with_state(
            sessions::refresh_seconds(&state.config),
            sessions::keep_alive,
        ))
        .layer(sessions::layer(&state.config, store));

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
