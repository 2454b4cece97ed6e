//! The service API on `api.<root>`: JSON only. (JWT bearer auth arrives with the first
//! endpoint that needs it.)
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

#[derive(Serialize)]
struct Health {
    status: &'static str,
}

#[derive(Serialize)]
struct ApiError {
    error: &'static str,
}

pub fn router() -> Router {
    Router::new()
        .route(
            "/v1/health",
            get(|| async { Json(Health { status: "ok" }) }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(ApiError { error: "not found" })) })
}
