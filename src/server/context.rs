//! What a server function needs about its request: the app, the site (accounts host or a
//! hub, with its tenant handle), the session and, when signed in, the user.
use super::site::{HubRequest, Site};
use super::AppState;
use crate::accounts::session::current_user;
use crate::db::global::users;
use crate::ui::{FORBIDDEN, NOT_FOUND};
use leptos::prelude::*;
use tower_sessions::Session;

pub struct RequestCtx {
    pub state: AppState,
    pub site: Site,
    pub session: Session,
    /// `X-Request-Id` (always set by the request-id layer).
    pub request_id: String,
}

pub async fn request_ctx() -> Result<RequestCtx, ServerFnError> {
    let state = use_context::<AppState>().ok_or_else(|| ServerFnError::new("no app state"))?;
    let axum::Extension(site) = leptos_axum::extract::<axum::Extension<Site>>().await?;
    let session = leptos_axum::extract::<Session>().await?;
    let headers = leptos_axum::extract::<http::HeaderMap>().await?;
    let request_id = headers
        .get(&super::request_id::HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    Ok(RequestCtx {
        state,
        site,
        session,
        request_id,
    })
}

impl RequestCtx {
    /// The flash left for `form` (see [`crate::forms::take_flash`]).
    pub async fn flash(&self, form: &str) -> Option<crate::forms::Flash> {
        crate::forms::take_flash(&self.session, form, &self.request_id).await
    }
}

impl RequestCtx {
    pub async fn user(&self) -> Result<Option<users::Model>, ServerFnError> {
        current_user(&self.session, self.state.registry.global())
            .await
            .map_err(internal)
    }

    /// The hub of this request, or a 404 on the accounts host.
    pub fn hub(&self) -> Result<&HubRequest, ServerFnError> {
        match &self.site {
            Site::Hub(hub) => Ok(hub),
            Site::Accounts => Err(status_error(404, NOT_FOUND)),
        }
    }

    /// A 404 unless this is the accounts host.
    pub fn require_accounts(&self) -> Result<(), ServerFnError> {
        match self.site {
            Site::Accounts => Ok(()),
            Site::Hub(_) => Err(status_error(404, NOT_FOUND)),
        }
    }
}

/// An error with a status code, for the page's response or the server function's.
pub fn status_error(code: u16, message: &str) -> ServerFnError {
    crate::ui::set_status(code);
    ServerFnError::new(message)
}

pub fn forbidden() -> ServerFnError {
    status_error(403, FORBIDDEN)
}

/// Logs the cause; the browser gets a generic error.
pub fn internal(e: impl std::fmt::Display) -> ServerFnError {
    tracing::error!(error = %e, "server function failed");
    status_error(500, "internal error")
}

/// A team or member server function's start: the request, and the viewer's contact in the
/// request's hub if their role is at least `min` (403 otherwise, 404 off a hub).
pub async fn hub_with_role(
    min: crate::domain::Role,
) -> Result<(RequestCtx, crate::db::tenant::contacts::Model), ServerFnError> {
    let ctx = request_ctx().await?;
    let contact = {
        let hub = ctx.hub()?;
        crate::membership::require_role(&ctx, hub, min)
            .await?
            .ok_or_else(forbidden)?
    };
    Ok((ctx, contact))
}

/// An id from a server function's arguments; a malformed one is a 404 like a missing one.
pub fn parse_id(id: &str) -> Result<uuid::Uuid, ServerFnError> {
    uuid::Uuid::parse_str(id.trim()).map_err(|_| status_error(404, NOT_FOUND))
}
