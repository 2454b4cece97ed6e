//! Sign-in attempts are limited per account (the email typed, known or not) and per client
//! address: a burst of N attempts, then one more every window/N. In process (GCRA, the
//! `governor` crate); each app server limits on its own.
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

pub struct LoginLimiter {
    by_account: DefaultKeyedRateLimiter<String>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

fn quota(attempts: u32, window: Duration) -> Quota {
    let n = NonZeroU32::new(attempts.max(1)).expect("at least one");
    let period = (window / n.get()).max(Duration::from_millis(1));
    Quota::with_period(period)
        .expect("period is positive")
        .allow_burst(n)
}

impl LoginLimiter {
    pub fn new(per_account: u32, per_address: u32, window: Duration) -> Self {
        Self {
            by_account: RateLimiter::keyed(quota(per_account, window)),
            by_address: RateLimiter::keyed(quota(per_address, window)),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one attempt; `Err(wait)` when the account or the address is over its limit.
    pub fn check(&self, account: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        if let Some(ip) = address {
            self.by_address
                .check_key(&ip)
                .map_err(|n| n.wait_time_from(self.clock.now()))?;
        }
        self.by_account
            .check_key(&account.trim().to_lowercase())
            .map_err(|n| n.wait_time_from(self.clock.now()))
    }

    /// Forgets keys that are back to full allowance (bounded memory).
    pub fn shrink(&self) {
        self.by_account.retain_recent();
        self.by_address.retain_recent();
    }
}

/// The largest request body Rally reads. Every form is a few kilobytes; a challenge's
/// Markdown description (up to 10,000 characters) is the longest field.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Reads the body up to [`MAX_BODY_BYTES`], for every route (forms, pages, anything a
/// client sends): more is a 413 page, before any handler or extractor sees it.
pub async fn limit_body(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let too_large = || super::AppError::TooLarge.into_response();
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    // A chunked body declares no length: read it with the limit.
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
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
    fn limits_per_account_and_address() {
        let limiter = LoginLimiter::new(2, 3, Duration::from_secs(60));
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(limiter.check("a@x.test", Some(ip)).is_ok());
        assert!(limiter.check("A@x.test ", Some(ip)).is_ok());
        let wait = limiter.check("a@x.test", Some(ip)).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(30));
        // Another account from the same address: the address has used its three…
        assert!(limiter.check("b@x.test", Some(ip)).is_err());
        // …and another address is unaffected.
        assert!(limiter
            .check("c@x.test", Some("10.0.0.2".parse().unwrap()))
            .is_ok());
    }
}
