//! The web kernel: the one way through the server for every request.
//!
//! A request passes, in order: [`request_id`] → [`limits`] (body size) → [`site`] (Host
//! header → accounts host or a hub, with its tenant handle) → [`same_origin`] → the
//! session layer ([`sessions`]) → a feature's page or form handler, which asks [`guard`]
//! for the viewer's role and answers with data or an [`error::AppError`]. Errors become a
//! response in [`error`] only.
//!
//! Server-only, like every page: the browser build holds just the islands.
pub mod error;
pub mod flash;
pub mod form_fields;
pub mod site_view;

pub mod auth;
pub mod client;
pub mod config;
pub mod context;
pub mod dns;
pub mod guard;
pub mod headers;
pub mod health;
pub mod hosts;
pub mod hot_config;
pub mod hub_cache;
pub mod hub_config;
pub mod limits;
pub mod metrics;
pub mod outbound;
pub mod pages;
pub mod request_id;
pub mod respond;
pub mod same_origin;
pub mod session_store;
pub mod sessions;
pub mod site;
pub mod telemetry;
pub mod tls_ask;
pub mod tokens;
pub mod trace_context;
pub mod upload;
pub mod viewer;

pub use error::AppError;

pub use state::*;

mod state {
    use axum::extract::FromRef;
    use leptos::config::LeptosOptions;
    use std::sync::Arc;

    pub use super::config::Config;

    /// Shared by every handler and page loader (loaders get it from the Leptos context).
    /// One pointer: a request clones it a dozen times (extractors, middleware state, each
    /// loader's context), and a clone of the fields themselves was two dozen atomic
    /// counts, a visible part of a page's CPU time in a profile.
    #[derive(Clone)]
    pub struct AppState(Arc<AppStateFields>);

    impl AppState {
        pub fn new(fields: AppStateFields) -> Self {
            Self(Arc::new(fields))
        }
    }

    impl std::ops::Deref for AppState {
        type Target = AppStateFields;
        fn deref(&self) -> &AppStateFields {
            &self.0
        }
    }

    pub struct AppStateFields {
        pub leptos_options: LeptosOptions,
        pub config: Arc<Config>,
        pub registry: Arc<crate::db::ShardRegistry>,
        pub tenants: Arc<super::hosts::TenantResolver>,
        pub hub_config: Arc<super::hub_config::HubConfigCache>,
        /// Hub-wide lists every member sees alike, memoized for seconds.
        pub hub_cache: Arc<super::hub_cache::HubCache>,
        pub limiter: Arc<super::limits::AttemptLimiter>,
        /// Uploaded files, and the signer of their URLs.
        pub storage: Arc<crate::storage::Storage>,
        pub signer: Arc<crate::storage::signing::UrlSigner>,
        /// Seals API and webhook secrets at rest (`RALLY_SECRET_KEY`).
        pub sealer: crate::sealing::Sealer,
        /// The service API's per-client request budget (a minute's window).
        pub api_limiter: Arc<super::limits::AttemptLimiter>,
        /// Where webhooks may go, and the client that takes them there.
        pub webhook_targets: super::outbound::Targets,
    }

    impl FromRef<AppState> for LeptosOptions {
        fn from_ref(state: &AppState) -> Self {
            state.leptos_options.clone()
        }
    }
}
