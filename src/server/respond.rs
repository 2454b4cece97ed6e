//! What every form handler answers with: a redirect carrying a flash (post/redirect/get),
//! or a logged failure as the generic 503 page.
use super::{pages, request_id};
use crate::forms::{set_flash, Flash};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

/// Leaves `flash` for the next page and redirects there (303).
pub async fn back(session: &Session, to: &str, flash: Flash) -> Response {
    set_flash(session, flash).await;
    Redirect::to(to).into_response()
}

/// Logs the cause; the visitor gets the "try again" page, never details.
#[track_caller]
pub fn unavailable(e: impl std::fmt::Display) -> Response {
    let at = std::panic::Location::caller();
    tracing::error!(error = %e, at = %at, "request failed");
    pages::unavailable()
}

/// The request's id (set or checked by the request-id layer), for mail and logs.
pub fn request_id_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(&request_id::HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}
