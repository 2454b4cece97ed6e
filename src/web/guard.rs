//! The one role guard: "the viewer is a member of this hub with at least role R".
//!
//! Page loaders call [`require_role`]; form handlers take [`Member<R>`] as an extractor,
//! which calls the same function before the form body is read. Either way:
//! off a hub → 404; signed out → sign in, then back to the page; signed in but not a
//! member → the join page, then back; deactivated or below `R` → 403.
use super::context::RequestCtx;
use super::site::HubRequest;
use super::{AppError, AppState};
use crate::db::tenant::contacts;
use crate::domain::Role;
use axum::extract::FromRequestParts;

/// The viewer's contact in the request's hub, if their role is at least `min`.
pub async fn require_role(ctx: &RequestCtx, min: Role) -> Result<contacts::Model, AppError> {
    ctx.hub()?;
    if ctx.user().await?.is_none() {
        return Err(AppError::SignInRequired {
            return_to: ctx.return_to.clone(),
        });
    }
    match ctx.contact().await? {
        Some(c) if c.role >= min => Ok(c),
        Some(_) => Err(AppError::Forbidden),
        None => Err(not_member(ctx).await?),
    }
}

/// A signed-in visitor without an active contact: never a member → join; a deactivated
/// member → 403 (joining again would not help).
async fn not_member(ctx: &RequestCtx) -> Result<AppError, AppError> {
    let hub = ctx.hub()?;
    let Some(user) = ctx.user().await? else {
        return Ok(AppError::Forbidden);
    };
    Ok(match contacts::find_for_user(&hub.db, user.id).await? {
        Some(_) => AppError::Forbidden,
        None => AppError::NotMember {
            return_to: ctx.return_to.clone(),
        },
    })
}

/// For a page loader: the request and the viewer's contact, role at least `min`.
pub async fn hub_with_role(min: Role) -> Result<(RequestCtx, contacts::Model), AppError> {
    let ctx = super::context::request_ctx()?;
    let contact = require_role(&ctx, min).await?;
    Ok((ctx, contact))
}

/// The caller of a hub's form handler, as an extractor: the hub and the caller's contact,
/// whose role is at least `R` ([`Advocate`], [`Marketer`] or [`Admin`]).
pub struct Member<R> {
    pub hub: HubRequest,
    pub contact: contacts::Model,
    /// The request's id, for mail and logs.
    pub request_id: String,
    role: std::marker::PhantomData<fn() -> R>,
}

/// A role as a type, for [`Member`].
pub trait AtLeast {
    const ROLE: Role;
}
pub struct Advocate;
pub struct Marketer;
pub struct Admin;
impl AtLeast for Advocate {
    const ROLE: Role = Role::Advocate;
}
impl AtLeast for Marketer {
    const ROLE: Role = Role::Marketer;
}
impl AtLeast for Admin {
    const ROLE: Role = Role::Admin;
}

impl<R: AtLeast> FromRequestParts<AppState> for Member<R> {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, AppError> {
        let ctx = RequestCtx::from_parts(parts, state.clone())?;
        let contact = require_role(&ctx, R::ROLE).await?;
        Ok(Self {
            hub: ctx.hub()?.clone(),
            contact,
            request_id: ctx.request_id,
            role: std::marker::PhantomData,
        })
    }
}

/// The request's context as an extractor, for handlers that check more than a role.
pub struct Ctx(pub RequestCtx);

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, AppError> {
        RequestCtx::from_parts(parts, state.clone()).map(Ctx)
    }
}

/// A platform operator on the accounts host, for the `/platform` console. Anyone else —
/// signed out, signed in without the role, or on a hub's host — gets a 403 (a hub's host
/// gets a 404: the console is not there at all).
pub async fn require_operator(
    ctx: &RequestCtx,
) -> Result<crate::db::global::users::Model, AppError> {
    ctx.require_accounts()?;
    match ctx.user().await? {
        Some(u) if u.is_platform_operator => Ok(u),
        _ => Err(AppError::Forbidden),
    }
}

/// [`require_operator`] as an extractor, for the console's form posts.
pub struct Operator {
    pub user: crate::db::global::users::Model,
    pub request_id: String,
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, AppError> {
        let ctx = RequestCtx::from_parts(parts, state.clone())?;
        let user = require_operator(&ctx).await?;
        Ok(Self {
            user,
            request_id: ctx.request_id,
        })
    }
}
