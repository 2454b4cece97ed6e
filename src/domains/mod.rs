//! Custom domains, self-service at `/admin/domains` (hub admins) and from the CLI
//! (operators): add a domain, publish the TXT record Rally shows, verify it through DNS,
//! choose the primary address, remove. Verified domains are looked up again daily
//! ([`recheck`]); one whose record has gone stops routing after a grace period.
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod recheck;
#[cfg(feature = "ssr")]
pub mod service;

/// This feature's form posts (its page is in `pages.rs`).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/admin/domains", post(handlers::add))
        .route("/admin/domains/{id}/verify", post(handlers::verify))
        .route("/admin/domains/{id}/primary", post(handlers::make_primary))
        .route("/admin/domains/{id}/remove", post(handlers::remove))
}
