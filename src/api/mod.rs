//! The service API on `api.<root>`: JSON over HTTPS for the hub's other systems, with
//! short-lived JWTs ([`auth`]), problem documents for errors ([`problem`]), the Events API
//! ([`events`]) and the hub's resources ([`resources`]). The OpenAPI 3.1 document is
//! generated from the handlers themselves ([`openapi`]): a route cannot be served without
//! being documented, nor documented without being served.
pub mod auth;
pub mod events;
pub mod openapi;
pub mod problem;
pub mod resources;

use crate::web::AppState;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

/// The documented `/v1` routes, and their OpenAPI document.
pub fn documented() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(<openapi::ApiDoc as utoipa::OpenApi>::openapi())
        .routes(routes!(events::record_event))
        .routes(routes!(resources::list_contacts))
        .routes(routes!(resources::get_contact))
        .routes(routes!(resources::invite))
        .routes(routes!(resources::list_challenges))
        .routes(routes!(resources::list_completions))
        .routes(routes!(resources::approve))
        .routes(routes!(resources::reject))
        .split_for_parts()
}

pub fn router(state: AppState) -> Router {
    let (v1, doc) = documented();
    let doc = std::sync::Arc::new(doc);
    let json = serde_json::to_string_pretty(&*doc).unwrap_or_default();
    let reference = openapi::reference_page(&doc);
    v1.route(
        "/v1/health",
        get(|| async { Json(Health { status: "ok" }) }),
    )
    .route(
        "/v1/openapi.json",
        get(move || {
            let json = json.clone();
            async move { ([(http::header::CONTENT_TYPE, "application/json")], json) }
        }),
    )
    .route(
        "/v1/reference",
        get(move || {
            let page = reference.clone();
            // Plain HTML, no script: the strict policy.
            async move {
                (
                    [(
                        http::header::CONTENT_SECURITY_POLICY,
                        crate::web::headers::DEFAULT_CSP,
                    )],
                    axum::response::Html(page),
                )
            }
        }),
    )
    // Names the matched route for the request metrics.
    .route_layer(axum::middleware::from_fn(crate::web::metrics::note_route))
    .fallback(|| async { problem::Problem::not_found("No such route; see /v1/openapi.json.") })
    .method_not_allowed_fallback(|| async {
        problem::Problem::new(
            http::StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "This route does not take that method; see /v1/openapi.json.",
        )
    })
    .with_state(state)
}
