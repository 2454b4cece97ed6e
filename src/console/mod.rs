//! The platform operators' console at `accounts.<root>/platform`: tenants (search, create,
//! suspend, maintenance, debug logging, mail switches, moves to another shard), shards (state, ping, tenants,
//! size; add; mark), people (find, promote, sign out everywhere), dead jobs (retry) and
//! the audit log. Operators only: everyone else gets a 403. Every action is recorded in
//! the audit log, and each one is also a CLI command (`rally tenant …`, `rally shard …`,
//! `rally user …`, `rally jobs …`).
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;

/// This feature's form posts (its page is in `pages.rs`).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/platform/tenants", post(handlers::create_tenant))
        .route(
            "/platform/tenants/{slug}/status",
            post(handlers::tenant_status),
        )
        .route(
            "/platform/tenants/{slug}/debug",
            post(handlers::tenant_debug),
        )
        .route("/platform/tenants/{slug}/mail", post(handlers::tenant_mail))
        .route("/platform/tenants/{slug}/move", post(handlers::tenant_move))
        .route("/platform/shards", post(handlers::add_shard))
        .route(
            "/platform/shards/{name}/status",
            post(handlers::shard_status),
        )
        .route("/platform/people/promote", post(handlers::promote))
        .route(
            "/platform/people/sign-out",
            post(handlers::sign_out_everywhere),
        )
        .route("/platform/jobs/{id}/retry", post(handlers::retry_job))
}
