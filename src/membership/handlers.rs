//! `POST /join` on a hub: a signed-in visitor becomes an advocate of an open hub.
use crate::accounts::session::current_user;
use crate::domain::Role;
use crate::forms::{set_flash, Flash};
use crate::server::site::Site;
use crate::server::{pages, AppState};
use axum::extract::State;
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
