//! `POST /join` on a hub: a signed-in visitor becomes an advocate of an open hub, then
//! goes on to the page they were asked to join for.
use crate::domain::{ContactStatus, ReturnTo, Role};
use crate::web::flash::Flash;
use crate::web::guard::Ctx;
use crate::web::respond::{back, FormResult};
use crate::web::AppError;
use axum::Form;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct JoinForm {
    /// The page to go on to once joined (a path on this hub).
    #[serde(default)]
    pub return_to: Option<String>,
}

/// The join page for `return_to` (where a failed join is shown).
pub fn join_page(return_to: &ReturnTo) -> String {
    let q: String = url::form_urlencoded::byte_serialize(return_to.as_str().as_bytes()).collect();
    format!("/join?return_to={q}")
}

pub async fn join(Ctx(ctx): Ctx, Form(form): Form<JoinForm>) -> FormResult {
    let hub = ctx.hub()?;
    let return_to = ReturnTo::sanitize(form.return_to.as_deref());
    let Some(user) = ctx.user().await? else {
        return Err(AppError::SignInRequired {
            return_to: return_to.as_str().to_string(),
        });
    };
    if hub.view.invite_only {
        let flash = Flash::new("join").with_error(
            "form",
            format!(
                "{} is invite-only: an invitation from its team is required to join.",
                hub.view.name
            ),
        );
        return Err(AppError::invalid(join_page(&return_to), flash));
    }
    let global = ctx.state.registry.global();
    let contact = super::join(global, &hub.db, &user, Role::Advocate).await?;
    if contact.status != ContactStatus::Active {
        let flash = Flash::new("join").with_error(
            "form",
            format!(
                "Your access to {} has been deactivated by its team.",
                hub.view.name
            ),
        );
        return Err(AppError::invalid(join_page(&return_to), flash));
    }
    let flash = Flash::notice("join", format!("Welcome to {}!", hub.view.name));
    Ok(back(&ctx.session, return_to.as_str(), flash).await)
}
