//! What a server function needs about its request: the app, the site (accounts host or a
//! hub, with its tenant handle), the session and, when signed in, the user.
use super::site::{HubRequest, Site};
use super::AppState;
use crate::accounts::session::current_user;
use crate::db::global::users;
use crate::db::tenant::contacts;
use crate::ui::{FORBIDDEN, NOT_FOUND};
use leptos::prelude::*;
use std::sync::Arc;
use tokio::sync::OnceCell;
use tower_sessions::Session;

pub struct RequestCtx {
    pub state: AppState,
    pub site: Site,
    pub session: Session,
    /// `X-Request-Id` (always set by the request-id layer).
    pub request_id: String,
    memo: RequestMemo,
}

/// The signed-in user and their contact in the request's hub, looked up once per request:
/// a page runs several server functions (viewer, dashboard, page data), and each needs
/// them. The host layer puts a fresh one in every request; clones share it.
#[derive(Clone, Default)]
pub struct RequestMemo {
    user: Arc<OnceCell<Option<users::Model>>>,
    contact: Arc<OnceCell<Option<contacts::Model>>>,
}

pub async fn request_ctx() -> Result<RequestCtx, ServerFnError> {
    let state = use_context::<AppState>().ok_or_else(|| ServerFnError::new("no app state"))?;
    let parts =
        use_context::<http::request::Parts>().ok_or_else(|| ServerFnError::new("no request"))?;
    let site = parts
        .extensions
        .get::<Site>()
        .cloned()
        .ok_or_else(|| ServerFnError::new("no site"))?;
    let session = parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| ServerFnError::new("no session"))?;
    let request_id = parts
        .headers
        .get(&super::request_id::HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    Ok(RequestCtx {
        state,
        site,
        session,
        request_id,
        memo: parts
            .extensions
            .get::<RequestMemo>()
            .cloned()
            .unwrap_or_default(),
    })
}

impl RequestCtx {
    /// The flash left for `form` (see [`crate::forms::take_flash`]).
    pub async fn flash(&self, form: &str) -> Option<crate::forms::Flash> {
        crate::forms::take_flash(&self.session, form, &self.request_id).await
    }

    /// The signed-in user (once per request, see [`RequestMemo`]).
    pub async fn user(&self) -> Result<Option<users::Model>, ServerFnError> {
        self.memo
            .user
            .get_or_try_init(|| current_user(&self.session, self.state.registry.global()))
            .await
            .cloned()
            .map_err(internal)
    }

    /// The signed-in user's active contact in this hub (once per request); `None` when
    /// signed out, not a member or deactivated.
    pub async fn contact(&self) -> Result<Option<contacts::Model>, ServerFnError> {
        let hub = self.hub()?;
        let Some(user) = self.user().await? else {
            return Ok(None);
        };
        self.memo
            .contact
            .get_or_try_init(|| crate::membership::active_contact(&hub.db, user.id))
            .await
            .cloned()
            .map_err(internal)
    }

    /// The hub of this request, or a 404 on the accounts host.
    pub fn hub(&self) -> Result<&HubRequest, ServerFnError> {
        match &self.site {
            Site::Hub(hub) => Ok(hub),
            Site::Accounts => Err(not_found()),
        }
    }

    /// A 404 unless this is the accounts host.
    pub fn require_accounts(&self) -> Result<(), ServerFnError> {
        match self.site {
            Site::Accounts => Ok(()),
            Site::Hub(_) => Err(not_found()),
        }
    }
}

/// An error with a status code, for the page's response or the server function's.
pub fn status_error(code: u16, message: &str) -> ServerFnError {
    crate::ui::set_status(code);
    ServerFnError::new(message)
}

pub fn not_found() -> ServerFnError {
    status_error(404, NOT_FOUND)
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
    let contact = crate::membership::require_role(&ctx, min)
        .await?
        .ok_or_else(forbidden)?;
    Ok((ctx, contact))
}

/// An id from a server function's arguments; a malformed one is a 404 like a missing one.
pub fn parse_id(id: &str) -> Result<uuid::Uuid, ServerFnError> {
    uuid::Uuid::parse_str(id.trim()).map_err(|_| not_found())
}
