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

/// The id in a path, when it names one of this hub's rows of `E`. Otherwise the answer
/// to give: 404 (malformed ids too, and other hubs' ids) or, on failure, 503.
pub async fn existing<E: crate::db::tenant::TenantEntity>(
    db: &crate::db::TenantDb,
    raw: &str,
) -> Result<uuid::Uuid, Response> {
    let Ok(id) = uuid::Uuid::parse_str(raw.trim()) else {
        return Err(pages::not_here());
    };
    match db.find_by_id::<E>(id).await {
        Ok(Some(_)) => Ok(id),
        Ok(None) => Err(pages::not_here()),
        Err(e) => Err(unavailable(e)),
    }
}

/// The answer to a change that happens at most once (approve, cancel, revoke…): `done`
/// when this request made it, `already` as an error when an earlier one had.
pub async fn once<E: std::fmt::Display>(
    session: &Session,
    to: &str,
    form: &str,
    result: Result<bool, E>,
    done: &str,
    already: &str,
) -> Response {
    match result {
        Ok(true) => back(session, to, Flash::notice(form, done)).await,
        Ok(false) => back(session, to, Flash::new(form).with_error("form", already)).await,
        Err(e) => unavailable(e),
    }
}
