//! Hot configuration with bounded staleness across app servers. Each server memoizes
//! what it needs on every request (host → tenant, a hub's branding, the shard list); a
//! change made anywhere bumps the global generation counter
//! (`db::config_generation::bump`), and this watcher, polling it every
//! [`POLL_EVERY`], drops the memos and re-reads the shard list when it moves. So a domain
//! change, a suspension, a debug switch or a shard's status is seen by every server within
//! about a quarter of a second; the memos' own TTLs only bound how stale they can get if
//! the global database cannot be read.
//!
//! Polling rather than Redis pub/sub: it needs nothing beyond the database every server
//! already has, costs one single-row read per poll, and a server that missed a message
//! (restarted, or Redis down) cannot miss a counter.
use super::AppState;
use crate::db::config_generation;
use std::time::Duration;

pub const POLL_EVERY: Duration = Duration::from_millis(250);

pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let global = state.registry.global().clone();
        let mut seen = config_generation::current(&global).await.ok();
        let mut tick = tokio::time::interval(POLL_EVERY);
        loop {
            tick.tick().await;
            let now = match config_generation::current(&global).await {
                Ok(g) => g,
                Err(e) => {
                    tracing::warn!(error = %e, "hot configuration: generation not readable");
                    continue;
                }
            };
            if seen == Some(now) {
                continue;
            }
            seen = Some(now);
            state.tenants.invalidate_all();
            state.hub_config.invalidate_all();
            state.hub_cache.invalidate_all();
            crate::web::auth::forget_users();
            if let Err(e) = state.registry.reload().await {
                tracing::warn!(error = %e, "hot configuration: shard list not readable");
            }
            crate::db::debug_log::refresh(&global).await;
            tracing::debug!(
                generation = now,
                "hot configuration changed: caches dropped"
            );
        }
    });
}
