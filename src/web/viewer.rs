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
pub async fn load_hub_viewer(ctx: &RequestCtx) -> Result<HubViewer, AppError> {
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
