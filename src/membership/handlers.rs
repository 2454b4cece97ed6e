//! `POST /join` on a hub: a signed-in visitor becomes an advocate of an open hub.
use crate::accounts::session::current_user;
use crate::domain::Role;
use crate::forms::{set_flash, Flash};
use crate::server::site::Site;
use crate::server::{pages, AppState};
use axum::extract::{FromRequestParts, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use tower_sessions::Session;

pub async fn join(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    session: Session,
) -> Response {
    let Site::Hub(hub) = site else {
        return pages::not_found();
    };
    let global = state.registry.global();
    let user = match current_user(&session, global).await {
        Ok(Some(u)) => u,
        Ok(None) => return Redirect::to("/sso/start?return_to=/").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading the session failed");
            return pages::unavailable();
        }
    };
    if hub.view.invite_only {
        let flash = Flash::new("join").with_error(
            "form",
            format!(
                "{} is invite-only: an invitation from its team is required to join.",
                hub.view.name
            ),
        );
        set_flash(&session, flash).await;
        return Redirect::to("/").into_response();
    }
    match super::join(global, &hub.db, &user, Role::Advocate).await {
        Ok(contact) if contact.status != super::STATUS_ACTIVE => {
            let flash = Flash::new("join").with_error(
                "form",
                format!(
                    "Your access to {} has been deactivated by its team.",
                    hub.view.name
                ),
            );
            set_flash(&session, flash).await;
            Redirect::to("/").into_response()
        }
        Ok(_) => {
            let flash = Flash::notice("join", format!("Welcome to {}!", hub.view.name));
            set_flash(&session, flash).await;
            Redirect::to("/").into_response()
        }
        Err(e) => {
            tracing::error!(tenant = %hub.tenant.slug, error = %e, "joining failed");
            pages::unavailable()
        }
    }
}

/// The caller of a hub's form handler, as an extractor: the hub and the caller's contact,
/// whose role is at least `R` ([`Advocate`], [`Marketer`] or [`Admin`]). Anyone else is
/// answered as [`require_member`] says, before the form body is read.
pub struct Member<R> {
    pub hub: crate::server::site::HubRequest,
    pub contact: crate::db::tenant::contacts::Model,
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
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Response> {
        let Some(site) = parts.extensions.get::<Site>().cloned() else {
            return Err(pages::not_found());
        };
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let (hub, contact) = require_member(state, &site, &session, R::ROLE).await?;
        Ok(Self {
            hub,
            contact,
            role: std::marker::PhantomData,
        })
    }
}

/// For form handlers on a hub: the hub and the signed-in member's contact, if their role
/// is at least `min`. Otherwise the answer to send: 404 off a hub, sign-in when signed
/// out, 403 when the role is too low.
pub async fn require_member(
    state: &AppState,
    site: &Site,
    session: &Session,
    min: Role,
) -> Result<
    (
        crate::server::site::HubRequest,
        crate::db::tenant::contacts::Model,
    ),
    Response,
> {
    let Site::Hub(hub) = site else {
        return Err(pages::not_found());
    };
    let user = match current_user(session, state.registry.global()).await {
        Ok(Some(u)) => u,
        Ok(None) => return Err(Redirect::to("/sso/start?return_to=/").into_response()),
        Err(e) => {
            tracing::error!(error = %e, "reading the session failed");
            return Err(pages::unavailable());
        }
    };
    let contact = match super::active_contact(&hub.db, user.id).await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "reading the contact failed");
            return Err(pages::unavailable());
        }
    };
    match contact {
        Some(c) if Role::parse(&c.role).is_ok_and(|r| r >= min) => Ok((hub.clone(), c)),
        _ => Err(pages::forbidden()),
    }
}
