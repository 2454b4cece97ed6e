//! Attempt limits: sign-in failures per account and per client address, and sign-ups,
//! reset requests and resets per address. Fixed windows counted in the process, or in
//! Redis when `RALLY_REDIS_URL` is set, so every app server spends one budget.
//!
//! A sign-in counts as a failure while it runs (so a burst of parallel guesses cannot
//! slip past the check) and is taken back when it succeeds: people who sign in often are
//! never locked out, and a success clears its account's count.
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tower_sessions_redis_store::fred::prelude::{KeysInterface, Pool};

/// Where the counters live.
enum Counters {
    Memory(Mutex<HashMap<String, (u64, Instant)>>),
    Redis(Pool),
}

pub struct AttemptLimiter {
    counters: Counters,
    window: Duration,
}

/// Over the limit: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl From<RetryAfter> for super::AppError {
    fn from(RetryAfter(wait): RetryAfter) -> Self {
        // Rounded up: waiting the whole seconds told is always enough.
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Self::RateLimited {
            retry_after_seconds: secs.max(1),
        }
    }
}

/// What a counter is for; part of its key.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    SignInAccount,
    SignInAddress,
    SignUpAddress,
    ForgotAccount,
    ForgotAddress,
    ResetAddress,
    /// Requests of one service API client (per minute).
    ApiClient,
    /// Service API token checks from one client address (per minute; successes are
    /// taken back), so bad tokens cannot make the server work without limit.
    ApiAuthAddress,
}

impl Scope {
    fn key(self, subject: &str) -> String {
        let scope = match self {
            Self::SignInAccount => "signin-account",
            Self::SignInAddress => "signin-address",
            Self::SignUpAddress => "signup-address",
            Self::ForgotAccount => "forgot-account",
            Self::ForgotAddress => "forgot-address",
            Self::ResetAddress => "reset-address",
            Self::ApiClient => "api-client",
            Self::ApiAuthAddress => "api-auth-address",
        };
        format!("rally:limit:{scope}:{}", subject.trim().to_lowercase())
    }
}

/// The key of a client address (or of "no address", for a connection without one).
pub fn address_key(addr: Option<IpAddr>) -> String {
    addr.map_or_else(|| "unknown".into(), |a| a.to_string())
}

impl AttemptLimiter {
    /// Counters in this process: each app server limits on its own.
    pub fn in_memory(window: Duration) -> Self {
        Self {
            counters: Counters::Memory(Mutex::new(HashMap::new())),
            window,
        }
    }

    /// Counters in Redis, shared by every app server using it.
    pub fn redis(pool: Pool, window: Duration) -> Self {
        Self {
            counters: Counters::Redis(pool),
            window,
        }
    }

    /// Counts one attempt against `limit` for this window: `Err` once it is over.
    pub async fn hit(&self, scope: Scope, subject: &str, limit: u32) -> Result<(), RetryAfter> {
        let key = scope.key(subject);
        let (count, left) = match &self.counters {
            Counters::Memory(map) => {
                let mut map = map.lock().expect("limiter lock");
                let now = Instant::now();
                let entry = map.entry(key).or_insert((0, now));
                if now.duration_since(entry.1) >= self.window {
                    *entry = (0, now);
                }
                entry.0 += 1;
                (
                    entry.0,
                    self.window.saturating_sub(now.duration_since(entry.1)),
                )
            }
            Counters::Redis(pool) => match redis_hit(pool, &key, self.window).await {
                Ok(hit) => hit,
                Err(e) => {
                    // A limiter that cannot count must not lock everyone out.
                    tracing::warn!(error = %e, "rate limit not counted: Redis unavailable");
                    return Ok(());
                }
            },
        };
        if count > u64::from(limit) {
            let scope = format!("{scope:?}");
            metrics::counter!(super::metrics::RATE_LIMITED, "scope" => scope).increment(1);
            Err(RetryAfter(left.max(Duration::from_secs(1))))
        } else {
            Ok(())
        }
    }

    /// Takes one attempt back (it succeeded).
    pub async fn undo(&self, scope: Scope, subject: &str) {
        let key = scope.key(subject);
        match &self.counters {
            Counters::Memory(map) => {
                if let Some(entry) = map.lock().expect("limiter lock").get_mut(&key) {
                    entry.0 = entry.0.saturating_sub(1);
                }
            }
            Counters::Redis(pool) => {
                if let Err(e) = pool.decr::<i64, _>(&key).await {
                    tracing::warn!(error = %e, "rate limit not updated: Redis unavailable");
                }
            }
        }
    }

    /// Forgets a counter (the account signed in: its failures are forgiven).
    pub async fn clear(&self, scope: Scope, subject: &str) {
        let key = scope.key(subject);
        match &self.counters {
            Counters::Memory(map) => {
                map.lock().expect("limiter lock").remove(&key);
            }
            Counters::Redis(pool) => {
                if let Err(e) = pool.del::<i64, _>(&key).await {
                    tracing::warn!(error = %e, "rate limit not cleared: Redis unavailable");
                }
            }
        }
    }

    /// Forgets windows that are over (bounded memory; Redis expires its own keys).
    pub fn shrink(&self) {
        if let Counters::Memory(map) = &self.counters {
            let window = self.window;
            map.lock()
                .expect("limiter lock")
                .retain(|_, (_, start)| start.elapsed() < window);
        }
    }
}

/// INCR, and start the window's expiry on the first hit; the count and the time left.
async fn redis_hit(
    pool: &Pool,
    key: &str,
    window: Duration,
) -> Result<(u64, Duration), tower_sessions_redis_store::fred::error::Error> {
    let count: i64 = pool.incr(key).await?;
    let mut ttl: i64 = pool.ttl(key).await?;
    if count == 1 || ttl < 0 {
        let secs = window.as_secs().max(1) as i64;
        let _: () = pool.expire(key, secs, None).await?;
        ttl = secs;
    }
    Ok((count.max(0) as u64, Duration::from_secs(ttl.max(0) as u64)))
}

/// The largest request body Rally reads. Every form is a few kilobytes; a challenge's
/// Markdown description (up to 10,000 characters) is the longest field.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// A file upload (`multipart/form-data`) may carry the largest file accepted (a 10 MB PDF,
/// see `storage::content`) and its form: a file a little over its own limit still reaches
/// the handler, which answers with a field error naming both sizes.
pub const MAX_UPLOAD_BODY_BYTES: usize = 12 * 1024 * 1024;

/// The form posts that take a file: `/admin/branding/<image>`, `/challenges/<id>/upload`
/// and `/admin/challenges/<id>/image`. Only these get the upload limit, so no other path
/// (nor an unknown host) can be made to buffer 12 MB.
fn is_upload_path(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["admin", "branding", "logo" | "favicon" | "signin-image"]
            | ["challenges", _, "upload"]
            | ["admin", "challenges", _, "image"]
    )
}

fn body_limit(req: &axum::extract::Request) -> usize {
    let multipart = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if multipart && req.method() == http::Method::POST && is_upload_path(req.uri().path()) {
        MAX_UPLOAD_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    }
}

/// Reads the body up to [`MAX_BODY_BYTES`] ([`MAX_UPLOAD_BODY_BYTES`] for a file upload),
/// for every route (forms, pages, anything a client sends): more is a 413 page, before any
/// handler or extractor sees it.
pub async fn limit_body(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let too_large = || super::AppError::TooLarge.into_response();
    let limit = body_limit(&req);
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    // A chunked body declares no length: read it with the limit.
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => {
            next.run(axum::extract::Request::from_parts(
                parts,
                axum::body::Body::from(bytes),
            ))
            .await
        }
        Err(e) => {
            let over_limit = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            tracing::info!(error = %e, over_limit, "request body refused");
            if over_limit {
                too_large()
            } else {
                // The client stopped sending halfway.
                (http::StatusCode::BAD_REQUEST, "The request body broke off.").into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_upload_forms_get_the_upload_limit() {
        for p in [
            "/admin/branding/logo",
            "/admin/branding/signin-image",
            "/challenges/0192/upload",
            "/admin/challenges/0192/image",
        ] {
            assert!(is_upload_path(p), "{p}");
        }
        for p in [
            "/",
            "/admin/branding",
            "/admin/branding/other",
            "/challenges/0192",
            "/admin/challenges/0192/image/remove",
            "/login",
        ] {
            assert!(!is_upload_path(p), "{p}");
        }
    }

    #[tokio::test]
    async fn counts_attempts_per_key_and_forgives_on_request() {
        let limiter = AttemptLimiter::in_memory(Duration::from_secs(60));
        for _ in 0..2 {
            assert!(limiter
                .hit(Scope::SignInAccount, "a@x.test", 2)
                .await
                .is_ok());
        }
        // The same key however it is typed.
        let wait = limiter
            .hit(Scope::SignInAccount, " A@x.test", 2)
            .await
            .unwrap_err();
        assert!(wait.0 > Duration::ZERO && wait.0 <= Duration::from_secs(60));
        // Another key, or the same subject in another scope, is unaffected.
        assert!(limiter
            .hit(Scope::SignInAccount, "b@x.test", 2)
            .await
            .is_ok());
        assert!(limiter
            .hit(Scope::ForgotAccount, "a@x.test", 2)
            .await
            .is_ok());
        // Cleared: a full allowance again. Undone: one back.
        limiter.clear(Scope::SignInAccount, "a@x.test").await;
        assert!(limiter
            .hit(Scope::SignInAccount, "a@x.test", 1)
            .await
            .is_ok());
        limiter.undo(Scope::SignInAccount, "a@x.test").await;
        assert!(limiter
            .hit(Scope::SignInAccount, "a@x.test", 1)
            .await
            .is_ok());
        assert!(limiter
            .hit(Scope::SignInAccount, "a@x.test", 1)
            .await
            .is_err());
    }

    #[tokio::test]
    async fn a_window_ends() {
        let limiter = AttemptLimiter::in_memory(Duration::from_millis(50));
        assert!(limiter
            .hit(Scope::SignUpAddress, "10.0.0.1", 1)
            .await
            .is_ok());
        assert!(limiter
            .hit(Scope::SignUpAddress, "10.0.0.1", 1)
            .await
            .is_err());
        tokio::time::sleep(Duration::from_millis(60)).await;
        limiter.shrink();
        assert!(limiter
            .hit(Scope::SignUpAddress, "10.0.0.1", 1)
            .await
            .is_ok());
    }
}
