//! The daily re-check of verified domains, run by every app server. Each looks only at
//! domains not checked for a day, so several servers repeat little work; a domain checked
//! twice is harmless.
use crate::db::ShardRegistry;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How often a server looks for domains due a re-check.
const LOOK_EVERY: Duration = Duration::from_secs(3600);

pub fn spawn(registry: Arc<ShardRegistry>, resolver: Option<SocketAddr>, grace_hours: u64) {
    let grace = chrono::Duration::hours(grace_hours as i64);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(LOOK_EVERY).await;
            match super::service::recheck_due(&registry, resolver, grace, chrono::Utc::now()).await
            {
                Ok(r) if r.checked > 0 => tracing::info!(
                    checked = r.checked,
                    failing = ?r.failing,
                    unverified = ?r.unverified,
                    "domains re-checked"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "re-checking domains failed"),
            }
        }
    });
}
