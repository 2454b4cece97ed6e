//! The visitor of a page, as pages see them: signed in or not, and their role in the hub.
use super::context::RequestCtx;
use super::flash::Flash;
use super::AppError;
use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub display_name: String,
    pub email: String,
    pub is_operator: bool,
}

impl From<&crate::db::global::users::Model> for AccountView {
    fn from(u: &crate::db::global::users::Model) -> Self {
        Self {
            display_name: u.display_name.clone(),
            email: u.email.clone(),
            is_operator: u.is_platform_operator,
        }
    }
}

/// The visitor of a hub page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubViewer {
    pub account: Option<AccountView>,
    /// Their role here; `None` when not an (active) member.
    pub role: Option<Role>,
    /// Feedback of the last join attempt.
    pub flash: Option<Flash>,
}

/// The visitor of the hub of `ctx` (the user and contact are looked up once per request).
async fn load_hub_viewer(ctx: &RequestCtx) -> Result<HubViewer, AppError> {
    ctx.hub()?;
    let Some(user) = ctx.user().await? else {
        return Ok(HubViewer {
            account: None,
            role: None,
            flash: None,
        });
    };
    let role = ctx.contact().await?.map(|c| c.role);
    Ok(HubViewer {
        account: Some((&user).into()),
        role,
        flash: ctx.flash("join").await,
    })
}

/// The visitor of a hub page, loaded by [`load_for_page`] before the page renders.
#[derive(Clone)]
pub struct PageViewer(Result<HubViewer, AppError>);

/// Middleware on the page routes: on a hub, loads the visitor once, before the page
/// renders, and leaves it in the request. The frame, the join panel and the pages then
/// read it as they draw ([`page_viewer`]) instead of each waiting on a resource in a
/// `Suspense` of its own: a resource spawns a task and a `Suspense` builds an owner, a
/// memo and its children twice, and those were a large part of a page's CPU time.
pub async fn load_for_page(
    axum::extract::State(state): axum::extract::State<super::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (mut parts, body) = req.into_parts();
    if matches!(parts.extensions.get(), Some(super::site::Site::Hub(_))) {
        let viewer = match RequestCtx::from_parts(&parts, state) {
            Ok(ctx) => load_hub_viewer(&ctx).await,
            Err(e) => Err(e),
        };
        parts.extensions.insert(PageViewer(viewer));
    }
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

/// The visitor of the hub page being rendered (see [`load_for_page`]); an error off a
/// hub or when it could not be loaded.
pub fn page_viewer() -> Result<HubViewer, AppError> {
    leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
        parts.extensions.get::<PageViewer>().map(|v| v.0.clone())
    })
    .flatten()
    .unwrap_or_else(|| Err(AppError::internal("no page viewer")))
}
