//! What a page loader or a form handler needs about its request: the app, the site
//! (accounts host or a hub, with its tenant handle), the session and, when signed in, the
//! user. Built the same way for both, from the request's parts.
use super::site::{HubRequest, Site};
use super::{AppError, AppState};
use crate::db::global::users;
use crate::db::tenant::contacts;
use std::sync::Arc;
use tokio::sync::OnceCell;
use tower_sessions::Session;

pub struct RequestCtx {
    pub state: AppState,
    pub site: Site,
    pub session: Session,
    /// `X-Request-Id` (always set by the request-id layer).
    pub request_id: String,
    /// Where to come back to after signing in or joining: the page asked for (a GET), or
    /// the page a form was posted from (its same-origin `Referer`).
    pub return_to: String,
    memo: RequestMemo,
}

/// The signed-in user and their contact in the request's hub, looked up once per request:
/// a page runs several loaders (viewer, page data), and each needs them. The host layer
/// puts a fresh one in every request; clones share it.
#[derive(Clone, Default)]
pub struct RequestMemo {
    // The outcome, a failure too: a fault is logged (and the database asked) once per
    // request, not once per loader.
    user: Arc<OnceCell<Result<Option<users::Model>, AppError>>>,
    contact: Arc<OnceCell<Result<Option<contacts::Model>, AppError>>>,
}

/// The context of the page being rendered (Leptos provides the request's parts and the
/// app state to every loader).
pub fn request_ctx() -> Result<RequestCtx, AppError> {
    use leptos::prelude::{use_context, with_context};
    let state = use_context::<AppState>().ok_or_else(|| AppError::internal("no app state"))?;
    // Read in place: a copy of the request's parts (headers, extensions) per loader was
    // allocation a page did several times over.
    with_context::<http::request::Parts, _>(|parts| RequestCtx::from_parts(parts, state))
        .ok_or_else(|| AppError::internal("no request parts"))?
}

impl RequestCtx {
    pub fn from_parts(parts: &http::request::Parts, state: AppState) -> Result<Self, AppError> {
        let site = parts
            .extensions
            .get::<Site>()
            .cloned()
            .ok_or(AppError::NotFound)?;
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| AppError::internal("no session layer"))?;
        let request_id = parts
            .headers
            .get(&super::request_id::HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        Ok(Self {
            state,
            site,
            session,
            request_id,
            return_to: return_to(parts),
            memo: parts
                .extensions
                .get::<RequestMemo>()
                .cloned()
                .unwrap_or_default(),
        })
    }

    /// The flash left for `form` (see [`crate::web::flash::take_flash`]).
    pub async fn flash(&self, form: &str) -> Option<crate::web::flash::Flash> {
        crate::web::flash::take_flash(&self.session, form, &self.request_id).await
    }

    /// The signed-in user (once per request, see [`RequestMemo`]).
    pub async fn user(&self) -> Result<Option<users::Model>, AppError> {
        self.memo
            .user
            .get_or_init(|| async {
                let user = super::auth::current_user(&self.session, self.state.registry.global());
                Ok::<_, AppError>(user.await?)
            })
            .await
            .clone()
    }

    /// The signed-in user's active contact in this hub (once per request); `None` when
    /// signed out, not a member or deactivated.
    pub async fn contact(&self) -> Result<Option<contacts::Model>, AppError> {
        let hub = self.hub()?;
        let Some(user) = self.user().await? else {
            return Ok(None);
        };
        // Memoized for the hub (see `hub_cache`): a form post on the hub drops it, so a
        // change of role or status is seen at once here, within seconds elsewhere.
        let load = || async {
            let found: Option<Arc<contacts::Model>> = self
                .state
                .hub_cache
                .get_found(hub.tenant.id, "contact", &user.id.to_string(), || {
                    contacts::find_for_user(&hub.db, user.id)
                })
                .await?;
            Ok::<_, AppError>(
                found
                    .map(|c| c.as_ref().clone())
                    .filter(|c| c.status == crate::domain::ContactStatus::Active),
            )
        };
        self.memo.contact.get_or_init(load).await.clone()
    }

    /// The hub of this request, or a 404 on the accounts host.
    pub fn hub(&self) -> Result<&HubRequest, AppError> {
        match &self.site {
            Site::Hub(hub) => Ok(hub),
            Site::Accounts => Err(AppError::NotFound),
        }
    }

    /// A 404 unless this is the accounts host.
    pub fn require_accounts(&self) -> Result<(), AppError> {
        match self.site {
            Site::Accounts => Ok(()),
            Site::Hub(_) => Err(AppError::NotFound),
        }
    }
}

/// The page to come back to: a GET's own path and query; for a form post, the path of the
/// page it was sent from (`Referer`, only when it is this host), else the home page.
pub fn return_to(parts: &http::request::Parts) -> String {
    if parts.method == http::Method::GET {
        return parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
    }
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok());
    parts
        .headers
        .get(http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .filter(|u| {
            let authority = match u.port() {
                Some(p) => format!("{}:{p}", u.host_str().unwrap_or_default()),
                None => u.host_str().unwrap_or_default().to_string(),
            };
            Some(authority.as_str()) == host
        })
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .unwrap_or_else(|| "/".into())
}

/// An id from a path; a malformed one is a 404 like a missing one.
pub fn parse_id(id: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)
}
