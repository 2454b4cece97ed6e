//! The session layer: host-only cookies (each hub host and the accounts host keep their
//! own), HttpOnly, SameSite=Lax, Secure under https, idle expiry from config. Sessions live
//! in the global database, or in Redis when `RALLY_REDIS_URL` is set so several app
//! servers share them.
use super::session_store::SeaOrmSessionStore;
use super::Config;
use anyhow::Context;
use sea_orm::DatabaseConnection;
use tower_sessions::cookie::{time, SameSite};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_redis_store::fred::prelude::{ClientLike, Config as RedisConfig, Pool};
use tower_sessions_redis_store::RedisStore;

pub const COOKIE_NAME: &str = "rally_session";

/// The store chosen by configuration.
#[derive(Debug, Clone)]
pub enum AnyStore {
    Database(SeaOrmSessionStore),
    Redis(RedisStore<Pool>),
}

impl AnyStore {
    pub fn database(global: &DatabaseConnection) -> Self {
        Self::Database(SeaOrmSessionStore::new(global.clone()))
    }

    pub fn redis(pool: Pool) -> Self {
        Self::Redis(RedisStore::new(pool))
    }
}

/// A connected Redis pool (fails at start-up, not at the first request), shared by the
/// session store and the rate limits.
pub async fn redis_pool(url: &str) -> anyhow::Result<Pool> {
    let config = RedisConfig::from_url(url).context("RALLY_REDIS_URL is not a Redis URL")?;
    let pool = Pool::new(config, None, None, None, 4).context("cannot build the Redis pool")?;
    pool.init()
        .await
        .with_context(|| format!("cannot connect to Redis at {url}"))?;
    Ok(pool)
}

#[async_trait::async_trait]
impl SessionStore for AnyStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Database(s) => s.create(record).await,
            Self::Redis(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Database(s) => s.save(record).await,
            Self::Redis(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Database(s) => s.load(id).await,
            Self::Redis(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Database(s) => s.delete(id).await,
            Self::Redis(s) => s.delete(id).await,
        }
    }
}

pub fn layer(config: &Config, store: AnyStore) -> SessionManagerLayer<AnyStore> {
    SessionManagerLayer::new(store)
        .with_name(COOKIE_NAME)
        .with_path("/")
        .with_http_only(true)
        // Lax, not Strict: the SSO round trip arrives at a hub by a top-level redirect
        // from the accounts host and must carry the hub's session (its `state`).
        .with_same_site(SameSite::Lax)
        .with_secure(config.https())
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            config.session_idle_minutes as i64,
        )))
}

const SEEN_KEY: &str = "seen";

/// The site's static files (`/pkg/…` and the icons and files under `public/`), as opposed
/// to pages and form posts.
pub fn is_static_asset(path: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "css", "js", "wasm", "svg", "ico", "png", "jpg", "jpeg", "webp", "txt", "woff2", "map",
    ];
    path.starts_with("/pkg/")
        || path
            .rsplit('/')
            .next()
            .and_then(|file| file.rsplit_once('.'))
            .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// How often a session in use is saved again (see [`keep_alive`]): an eighth of the idle
/// window, at most an hour, at least a second.
pub fn refresh_seconds(config: &Config) -> i64 {
    (config.session_idle_minutes as i64 * 60 / 8).clamp(1, 3600)
}

/// Makes the idle expiry count from the last use. tower-sessions moves a session's expiry
/// (in the store and on the cookie) only when it saves the session, and it saves only
/// changed sessions, so a session only read would end a full idle window after its last
/// change however busy its owner. Marking it seen once per `refresh` seconds keeps it alive
/// for one write per visitor per `refresh`. Visitors without a session get none.
pub async fn keep_alive(
    axum::extract::State(refresh): axum::extract::State<i64>,
    session: tower_sessions::Session,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // A page's stylesheet, script and icon arrive alongside the next click: a write from
    // one of them, made from the session as it was read before that click's own write,
    // would put the older session back (a lost SSO state, seen in Playwright). They never
    // need the session renewed, so they never write it.
    if !is_static_asset(req.uri().path()) {
        // Read first: until the record is loaded, tower-sessions counts a session whose
        // cookie names no stored record as not empty, and marking it would store it — a
        // new row for every unknown or expired cookie.
        let seen: Option<i64> = session.get(SEEN_KEY).await.ok().flatten();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        if !session.is_empty().await && seen.is_none_or(|s| now - s >= refresh) {
            if let Err(e) = session.insert(SEEN_KEY, now).await {
                tracing::warn!(error = %e, "could not mark the session as seen");
            }
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::is_static_asset;

    #[test]
    fn static_assets_are_told_from_pages() {
        for p in [
            "/pkg/rally.css",
            "/pkg/rally.wasm",
            "/favicon.svg",
            "/robots.txt",
        ] {
            assert!(is_static_asset(p), "{p}");
        }
        for p in [
            "/",
            "/sso/start",
            "/invite",
            "/admin/contacts.csv",
            "/challenges/1.5x",
        ] {
            assert!(!is_static_asset(p), "{p}");
        }
    }
}
