//! Server functions behind the hub pages.
use crate::accounts::AccountView;
use crate::domain::Role;
use crate::forms::Flash;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The visitor of a hub page: signed in or not, member or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubViewer {
    pub account: Option<AccountView>,
    /// Their role here; `None` when not a (active) member.
    pub role: Option<Role>,
    /// Feedback of the last join attempt.
    pub flash: Option<Flash>,
}

#[server(endpoint = "hub_viewer")]
pub async fn load_hub_viewer() -> Result<HubViewer, ServerFnError> {
    use crate::server::context::request_ctx;

    let ctx = request_ctx().await?;
    ctx.hub()?;
    let Some(user) = ctx.user().await? else {
        return Ok(HubViewer {
            account: None,
            role: None,
            flash: None,
        });
    };
    let role = ctx.contact().await?.and_then(|c| Role::parse(&c.role).ok());
    Ok(HubViewer {
        account: Some((&user).into()),
        role,
        flash: ctx.flash("join").await,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub display_name: String,
    pub role: Role,
    pub status: String,
}

/// The hub's people, for its team: marketers and admins only (checked here, on the
/// server; advocates and visitors get 403).
#[server(endpoint = "hub_members")]
pub async fn hub_members() -> Result<Vec<MemberRow>, ServerFnError> {
    use crate::db::tenant::contacts;
    use crate::server::context::{hub_with_role, internal};
    use sea_orm::Order;

    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let rows = ctx
        .hub()?
        .db
        .select::<contacts::Entity>()
        .order_by(contacts::Column::DisplayName, Order::Asc)
        .limit(200)
        .all()
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|c| MemberRow {
            display_name: c.display_name,
            role: Role::parse(&c.role).unwrap_or(Role::Advocate),
            status: c.status,
        })
        .collect())
}
