//! What form handlers answer with: a redirect carrying a flash (post/redirect/get), and the
//! layer that keeps the flash an [`AppError::Invalid`] carries.
use super::error::FlashToKeep;
use super::{request_id, AppError};
use crate::web::flash::{set_flash, Flash};
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

/// What a form handler answers: a response (usually a redirect), or the error to show.
pub type FormResult = Result<Response, AppError>;

/// Leaves `flash` for the next page and redirects there (303).
pub async fn back(session: &Session, to: &str, flash: Flash) -> Response {
    set_flash(session, flash).await;
    Redirect::to(to).into_response()
}

/// Inside the session layer: stores the flash of an [`AppError::Invalid`] answer, so the
/// form it goes back to shows its field errors.
pub async fn keep_flash(session: Session, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if let Some(FlashToKeep(flash)) = res.extensions_mut().remove::<FlashToKeep>() {
        set_flash(&session, flash).await;
    }
    res
}

/// The request's id (set or checked by the request-id layer), for mail and logs.
pub fn request_id_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(&request_id::HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The id in a path, when it names one of this hub's rows of `E`; otherwise 404
/// (malformed ids and other hubs' ids too).
pub async fn existing<E: crate::db::tenant::TenantEntity>(
    db: &crate::db::TenantDb,
    raw: &str,
) -> Result<uuid::Uuid, AppError> {
    let id = super::context::parse_id(raw)?;
    match db.find_by_id::<E>(id).await? {
        Some(_) => Ok(id),
        None => Err(AppError::NotFound),
    }
}

/// The answer to a change that happens at most once (approve, cancel, revoke…): `done`
/// when this request made it, `already` as an error when an earlier one had.
pub async fn once<E: Into<AppError>>(
    session: &Session,
    to: &str,
    form: &str,
    result: Result<bool, E>,
    done: &str,
    already: &str,
) -> Result<Response, AppError> {
    match result.map_err(Into::into)? {
        true => Ok(back(session, to, Flash::notice(form, done)).await),
        false => Err(AppError::invalid(
            to,
            Flash::new(form).with_error("form", already),
        )),
    }
}
