//! Builds the application from a [`Config`]: databases (migrated), the shard registry, the
//! caches, and the axum router. Tests call [`Application::build`] with a listener on port 0
//! to run a real server.
use crate::app::{shell, App};
use crate::db::{self, PoolSettings, ShardRegistry};
use crate::platform::migrate;
use crate::sealing::Sealer;
use crate::storage::{signing::UrlSigner, Storage};
use crate::web::limits::AttemptLimiter;
use crate::web::outbound::Targets;
use crate::web::{
    hosts, hub_config, limits, request_id, respond, same_origin, sessions, site, AppState,
    AppStateFields, Config,
};
use anyhow::Context;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// How often the shard list is re-read, so shards added by another process appear.
const SHARD_RELOAD_EVERY: Duration = Duration::from_secs(10);
/// How stale a hub's branding may be (settings are memoized, not read per request).
/// A change made through Rally reaches every server within a quarter second through the
/// hot-configuration counter; this bounds staleness only when that cannot be read. Long
/// enough that a fleet of 10,000 hubs, each visited now and then, stays warm.
const HUB_CONFIG_TTL: Duration = Duration::from_secs(60);

/// How often an idle job worker looks for due jobs.
const JOB_POLL_EVERY: Duration = Duration::from_millis(500);
/// How long a job worker holds a job: a job must finish within it; past it, the worker is
/// taken to have died and another one runs the job.
const JOB_LEASE: Duration = Duration::from_secs(300);
/// The lease of long jobs (tenant moves), renewed while they run: a move whose server
/// stopped is taken over by another within it, so a hub is not left paused for longer.
const LONG_JOB_LEASE: Duration = Duration::from_secs(60);
/// How long a tenant move's job may run: a big hub's copy and live comparison take
/// minutes (the 50,000-advocate hub, 19 in a dev build), and a move cut off starts its
/// comparison over.
const MOVE_JOB_MAX_RUN: Duration = Duration::from_secs(4 * 3600);

/// The job kinds this build runs, by name (features provide the handlers).
pub fn job_handlers(
    registry: Arc<crate::db::ShardRegistry>,
    sender: Arc<crate::mail::sender::Sender>,
    webhooks: crate::webhooks::service::Deliverer,
) -> crate::jobs::Handlers {
    let handlers = crate::jobs::Handlers::default()
        .add(crate::webhooks::service::DELIVER, move |ctx| {
            let webhooks = webhooks.clone();
            async move { crate::webhooks::service::deliver(&webhooks, ctx).await }
        })
        .add_long(crate::platform::moves::JOB, MOVE_JOB_MAX_RUN, move |ctx| {
            crate::platform::moves::run_job(registry.clone(), ctx)
        });
    // A server that cannot deliver mail (no SMTP, no viewer) leaves its jobs waiting for
    // one that can, instead of failing them into the dead list.
    if !sender.can_deliver() {
        return handlers;
    }
    handlers.add(crate::mail::DELIVER, move |ctx| {
        let sender = sender.clone();
        async move { crate::mail::deliver(&sender, ctx).await }
    })
}

/// The window of the service API's per-client rate (`RALLY_API_RATE_PER_MINUTE`).
const API_RATE_WINDOW: Duration = Duration::from_secs(60);

/// How often expired sessions and tickets are deleted and idle rate-limit keys forgotten.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);

fn spawn_housekeeping(
    registry: Arc<ShardRegistry>,
    store: sessions::AnyStore,
    limiter: Arc<AttemptLimiter>,
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
            if let Err(e) = crate::mail::outbox::requeue_orphans(&registry).await {
                tracing::warn!(error = %e, "giving queued mail its delivery jobs failed");
            }
        }
    });
}

/// Leptos options for the built site. `LEPTOS_SITE_ROOT` (set by cargo-leptos) overrides
/// the default `target/site`. A release build made with hashed file names
/// (`scripts/build-release.sh`) leaves `hash.txt` beside the binary: the pages then name
/// `rally.<hash>.js` and friends, which browsers may keep for a year.
pub fn leptos_options() -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let hashed = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|f| f.exists());
    LeptosOptions::builder()
        .output_name("rally")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .hash_files(hashed)
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

/// `RALLY_SECRET_KEY`, or in development a random key kept in `<data dir>/secret.key`
/// (made on first start), so signed URLs survive a restart.
fn secret_key(config: &Config) -> anyhow::Result<String> {
    if let Some(k) = &config.secret_key {
        return Ok(k.clone());
    }
    anyhow::ensure!(
        config.environment == crate::web::config::Environment::Development,
        "RALLY_SECRET_KEY: production needs a secret shared by every app server"
    );
    let file = config.data_dir.join("secret.key");
    if let Ok(k) = std::fs::read_to_string(&file) {
        if k.trim().len() >= 32 {
            return Ok(k.trim().to_string());
        }
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let key = hex::encode(rand::random::<[u8; 32]>());
    std::fs::write(&file, &key).with_context(|| format!("cannot write {}", file.display()))?;
    Ok(key)
}

pub struct Application {
    pub state: AppState,
    pub router: Router,
    /// Where `/metrics` is served (`RALLY_METRICS_LISTEN`), once bound.
    pub metrics_addr: Option<std::net::SocketAddr>,
}

impl Application {
    /// Everything `rally serve` needs, migrated and ready.
    pub async fn build(config: Config, leptos_options: LeptosOptions) -> anyhow::Result<Self> {
        let registry = open_databases(&config).await?;
        migrate::migrate_shards(&registry, None).await?;
        registry.spawn_reloader(SHARD_RELOAD_EVERY);
        let redis = match &config.redis_url {
            Some(url) => Some(sessions::redis_pool(url).await?),
            None => None,
        };
        let window = Duration::from_secs(config.login_window_seconds);
        let api_limiter = Arc::new(match &redis {
            Some(pool) => AttemptLimiter::redis(pool.clone(), API_RATE_WINDOW),
            None => AttemptLimiter::in_memory(API_RATE_WINDOW),
        });
        let limiter = Arc::new(match &redis {
            Some(pool) => AttemptLimiter::redis(pool.clone(), window),
            None => AttemptLimiter::in_memory(window),
        });
        let store = match redis {
            Some(pool) => sessions::AnyStore::redis(pool),
            None => sessions::AnyStore::database(registry.global()),
        };
        let sender = Arc::new(crate::mail::sender::Sender::new(&config)?);
        if let Err(e) = crate::mail::outbox::requeue_orphans(&registry).await {
            tracing::warn!(error = %e, "could not give older queued mail its delivery jobs");
        }
        spawn_housekeeping(registry.clone(), store.clone(), limiter.clone());
        crate::web::telemetry::spawn_debug_refresh(registry.global().clone());
        let secret = secret_key(&config)?;
        let sealer = Sealer::new(secret.as_bytes());
        let webhook_targets = Targets::new(
            config.webhook_allow_private,
            config.dns_resolver,
            Duration::from_secs(config.webhook_timeout_seconds),
        )
        .context("cannot build the webhook HTTP client")?;
        let deliverer = crate::webhooks::service::Deliverer {
            targets: webhook_targets.clone(),
            sealer: sealer.clone(),
            attempts: i64::from(config.webhook_attempts),
        };
        let mut handlers = job_handlers(registry.clone(), sender, deliverer);
        let long = handlers.take_long();
        let backoff = Duration::from_secs(config.job_backoff_seconds);
        crate::jobs::Worker::new(registry.clone(), handlers, JOB_LEASE)
            .backoff_unit(backoff)
            .spawn(JOB_POLL_EVERY);
        crate::jobs::Worker::new(registry.clone(), long, LONG_JOB_LEASE)
            .for_long_kinds()
            .backoff_unit(backoff)
            .spawn(JOB_POLL_EVERY);
        let signer = UrlSigner::new(secret.as_bytes());
        let storage = Storage::open(config.storage_url.as_deref(), &config.data_dir)?;
        crate::domains::recheck::spawn(
            registry.clone(),
            config.dns_resolver,
            config.domain_grace_hours,
        );
        let state = AppState::new(AppStateFields {
            leptos_options,
            limiter,
            api_limiter,
            sealer,
            webhook_targets,
            storage: Arc::new(storage),
            signer: Arc::new(signer.clone()),
            tenants: Arc::new(hosts::TenantResolver::new(
                registry.global().clone(),
                Duration::from_secs(config.host_cache_seconds),
            )),
            hub_config: Arc::new(hub_config::HubConfigCache::new(HUB_CONFIG_TTL, signer)),
            hub_cache: Arc::new(crate::web::hub_cache::HubCache::default()),
            config: Arc::new(config),
            registry,
        });
        crate::web::hot_config::spawn(state.clone());
        let router = router(state.clone(), store);
        crate::web::metrics::handle();
        let metrics_addr = match state.config.metrics_listen {
            None => None,
            Some(addr) => {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("RALLY_METRICS_LISTEN: cannot listen on {addr}"))?;
                let bound = listener.local_addr()?;
                let metrics = crate::web::metrics::router(state.clone());
                tokio::spawn(async move {
                    if let Err(e) = axum::serve(listener, metrics).await {
                        tracing::error!(error = %e, "the metrics listener stopped");
                    }
                });
                tracing::info!(%bound, "metrics at /metrics");
                Some(bound)
            }
        };
        Ok(Self {
            state,
            router,
            metrics_addr,
        })
    }

    /// Serves until `shutdown` completes (`rally serve` passes [`shutdown_signal`]; tests
    /// pass a future that never does, so the test binary keeps its own signal handling).
    pub async fn run(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // Connection info: sign-in attempts are limited per client address.
        let service = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(nodelay(listener), service)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Ctrl-C, or SIGTERM (what a process manager or orchestrator sends): new connections
/// stop, requests in flight finish, then the process exits 0. The handlers are installed
/// here, before serving starts: a signal that arrives as soon as the server answers must
/// not find the default action (death by the signal) still in place.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        )
    };
    async move {
        #[cfg(unix)]
        match signals {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM/SIGINT; stop with SIGKILL");
                std::future::pending::<()>().await;
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    }
}

/// The listener with TCP_NODELAY on every accepted connection. Without it a small
/// response on a kept-alive connection waits for the client's delayed ACK (Nagle): about
/// 40 ms per static file.
pub fn nodelay(
    listener: tokio::net::TcpListener,
) -> axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)> {
    use axum::serve::ListenerExt;
    fn set(tcp: &mut tokio::net::TcpStream) {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY");
        }
    }
    listener.tap_io(set as fn(&mut tokio::net::TcpStream))
}

/// The app's routes, generated once per process. Generating them renders the app with
/// resource loading switched off through a process-global flag (leptos_server's
/// `SuppressResourceLoad`): a page whose data starts loading in any server of this process
/// meanwhile waits for it forever (leptos-rs/leptos#4773). Tests start many servers in one
/// process, and a page hung now and then; generated once, before any server exists, the
/// list cannot overlap a render.
pub fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The full router: request ids and tracing outermost, then the body limit, host routing,
/// the same-origin check and sessions; inside them the pages (one Leptos router) and each
/// feature's own routes (form posts, redirects, downloads), merged here.
pub fn router(state: AppState, store: sessions::AnyStore) -> Router {
    let routes = route_list();
    let features = Router::new()
        .merge(crate::accounts::routes())
        .merge(crate::sso::routes())
        .merge(crate::membership::routes())
        .merge(crate::challenges::routes())
        .merge(crate::points::routes())
        .merge(crate::invitations::routes())
        .merge(crate::people::routes())
        .merge(crate::rewards::routes())
        .merge(crate::branding::routes())
        .merge(crate::domains::routes())
        .merge(crate::api_clients::routes())
        .merge(crate::webhooks::routes())
        .merge(crate::files::routes())
        .merge(crate::console::routes());
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, || (), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        // Pages only: who is visiting a hub, loaded before the page draws.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::viewer::load_for_page,
        ))
        .merge(features)
        // The bundle is served here rather than by Leptos' fallback, which passes on no
        // request header but Accept-Encoding: here `If-Modified-Since` gets its 304.
        .nest_service(
            "/pkg",
            tower_http::services::ServeDir::new(format!(
                "{}/{}",
                state.leptos_options.site_root, state.leptos_options.site_pkg_dir
            )),
        )
        // Names the matched route for the request metrics (fallbacks stay `unmatched`).
        .route_layer(axum::middleware::from_fn(crate::web::metrics::note_route))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state.clone());
    around(pages, state, store)
}

/// The web kernel around a router of pages: request ids and tracing outermost, then the
/// body limit, host routing, the same-origin check and sessions. (Apart from [`router`] so
/// a benchmark can put the same kernel around a hand-written handler.)
///
/// One `ServiceBuilder` stack, applied once: axum's `Router::layer` wraps every route in
/// each layer separately, boxing at every level, and each `from_fn` middleware clones the
/// service inside it on every call; fifteen layers applied one by one cost about 185 boxed
/// clones (and as many allocations) per request. Composed here they are one concrete
/// type, and a clone copies a few pointers.
pub fn around(pages: Router, state: AppState, store: sessions::AnyStore) -> Router {
    use axum::middleware::{from_fn, from_fn_with_state};
    let https = state.config.https();
    let refresh = sessions::refresh_seconds(&state.config);
    let session_layer = sessions::layer(&state.config, store);
    let routing = site::HostRouting {
        api: crate::api::router(state.clone()),
        state,
    };
    // Outermost first.
    let kernel = tower::ServiceBuilder::new()
        .layer(from_fn(request_id::drop_unacceptable))
        .layer(SetRequestIdLayer::new(
            request_id::HEADER,
            request_id::MakeUuid,
        ))
        .layer(PropagateRequestIdLayer::new(request_id::HEADER))
        .layer(from_fn(crate::web::metrics::count_requests))
        .layer(from_fn_with_state(
            https,
            crate::web::headers::security_headers,
        ))
        // Pages, CSS, JS and wasm compress 4–10×; tower-http skips images and tiny bodies.
        .layer(CompressionLayer::new())
        .layer(from_fn(crate::web::headers::static_cache))
        // Inside the request-id layers: what a request queues (webhooks) carries its id.
        .layer(from_fn(crate::web::trace_context::keep_request_id))
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
                let span = tracing::info_span!(
                    "request",
                    request_id = %id,
                    method = %req.method(),
                    host = %host,
                    path = %req.uri().path(),
                    // Recorded by host routing when the hub has debug logging on.
                    debug = tracing::field::Empty,
                );
                let traceparent = req
                    .headers()
                    .get("traceparent")
                    .and_then(|v| v.to_str().ok());
                crate::web::telemetry::continue_trace(&span, id, traceparent);
                span
            }),
        )
        .layer(from_fn(limits::limit_body))
        .layer(from_fn_with_state(routing, site::route_by_host))
        // Inside host routing: the API host (bearer tokens, no cookies) never reaches it.
        .layer(from_fn(same_origin::require_same_origin))
        .layer(session_layer)
        // Inside the session layer, which provides the session they touch.
        .layer(from_fn_with_state(refresh, sessions::keep_alive))
        .layer(from_fn(respond::keep_flash));
    pages.layer(kernel)
}
