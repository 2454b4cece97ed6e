//! Serving uploaded files: only through signed, expiring URLs (see
//! [`crate::storage::signing`]), and only where they belong.
//!
//! - On a hub's host, only that hub's files: another tenant's URL is a 404 there.
//! - On the accounts host, a hub's public files (its sign-in image, shown there).
//! - An upload challenge's answer (`answers/<contact id>/…`) only to the hub's team and to
//!   the advocate who sent it, and only on the hub's host.
//!
//! A bad or expired signature is a 403. Answers carry `Cache-Control: private` with the
//! URL's remaining life, so nothing is kept past the link's expiry.
pub mod keys;

use crate::domain::Role;
use crate::storage::content::FileType;
use crate::web::context::RequestCtx;
use crate::web::guard::Ctx;
use crate::web::site::Site;
use crate::web::AppError;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Signature {
    exp: Option<i64>,
    sig: Option<String>,
}

pub fn routes() -> axum::Router<crate::web::AppState> {
    axum::Router::new().route("/files/{tenant}/{*key}", axum::routing::get(serve))
}

async fn serve(
    Ctx(ctx): Ctx,
    Path((tenant, key)): Path<(String, String)>,
    Query(q): Query<Signature>,
) -> Result<Response, AppError> {
    let tenant = uuid::Uuid::parse_str(&tenant).map_err(|_| AppError::NotFound)?;
    let (Some(exp), Some(sig)) = (q.exp, q.sig) else {
        return Err(AppError::Forbidden);
    };
    let now = chrono::Utc::now().timestamp();
    ctx.state
        .signer
        .verify(tenant, &key, exp, &sig, now)
        .map_err(|e| {
            // Debug formatting: a key from the URL cannot forge log lines.
            tracing::info!(%tenant, ?key, error = %e, "file URL refused");
            AppError::Forbidden
        })?;
    may_see(&ctx, tenant, &key).await?;
    let file_type = FileType::of_key(&key).ok_or(AppError::NotFound)?;
    let bytes = ctx
        .state
        .storage
        .get(tenant, &key)
        .await
        .map_err(|e| {
            tracing::error!(%tenant, %key, error = %e, "reading an upload failed");
            AppError::Unavailable
        })?
        .ok_or(AppError::NotFound)?;
    let max_age = (exp - now).max(0);
    let disposition = if file_type.is_image() {
        "inline"
    } else {
        "attachment"
    };
    Ok((
        [
            (http::header::CONTENT_TYPE, file_type.mime().to_string()),
            (
                http::header::CACHE_CONTROL,
                format!("private, max-age={max_age}"),
            ),
            (http::header::CONTENT_DISPOSITION, disposition.to_string()),
            // A file is never a page: no script, no plugins, even when opened directly.
            (
                http::header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; img-src 'self'; sandbox".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Is this file one the request's site and viewer may see?
async fn may_see(ctx: &RequestCtx, tenant: uuid::Uuid, key: &str) -> Result<(), AppError> {
    let owner = keys::answer_owner(key);
    match &ctx.site {
        Site::Accounts if owner.is_none() => Ok(()),
        Site::Accounts => Err(AppError::NotFound),
        Site::Hub(hub) if hub.tenant.id != tenant => Err(AppError::NotFound),
        Site::Hub(_) => match owner {
            None => Ok(()),
            // Not found rather than forbidden: whether it exists is not told either.
            Some(contact_id) => match ctx.contact().await? {
                Some(c) if c.role >= Role::Marketer || c.id == contact_id => Ok(()),
                _ => Err(AppError::NotFound),
            },
        },
    }
}
