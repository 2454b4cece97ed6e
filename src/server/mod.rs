//! Server-only parts: configuration, start-up, middleware, caches, status pages.
pub mod api;
pub mod config;
pub mod context;
pub mod hosts;
pub mod hub_config;
pub mod pages;
pub mod request_id;
pub mod respond;
pub mod same_origin;
pub mod session_store;
pub mod sessions;
pub mod site;
pub mod startup;
pub mod telemetry;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

pub use config::Config;

/// Shared by every handler and server function (server functions get it from context).
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub registry: Arc<crate::db::ShardRegistry>,
    pub tenants: Arc<hosts::TenantResolver>,
    pub hub_config: Arc<hub_config::HubConfigCache>,
    pub login_limiter: Arc<crate::accounts::rate_limit::LoginLimiter>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
