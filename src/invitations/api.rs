//! Loaders of the invitation pages (run on the server while the page renders).
use crate::web::flash::Flash;
use crate::web::AppError;
use serde::{Deserialize, Serialize};

/// Where an invitation stands, derived from its timestamps (not stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationState {
    Pending,
    Accepted,
    Expired,
    Revoked,
}

impl InvitationState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }

    /// It can be sent again (not accepted yet).
    pub fn can_resend(self) -> bool {
        self != Self::Accepted
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteView {
    pub hub_name: String,
    pub email: String,
    pub signed_in_as: Option<String>,
    /// Already a member (then there is nothing to accept).
    pub member: bool,
    /// Why the invitation cannot be used.
    pub refused: Option<String>,
    /// The token, for the accept form (it is the visitor's own link).
    pub token: String,
    /// No account has the invited address yet: offer sign-up first.
    pub new_person: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub status: InvitationState,
    pub sent: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminInvitations {
    pub rows: Vec<InvitationRow>,
    pub flash: Option<Flash>,
}

/// The session key the invitation token waits in while its holder signs in.
#[cfg(feature = "ssr")]
pub const TOKEN_KEY: &str = "invite_token";

/// `/invite?token=…` (or the token kept in this hub's session).
pub async fn load_invite(token: Option<String>) -> Result<InviteView, AppError> {
    use super::service::{check, Refused};
    use crate::db::global::users;
    use crate::web::context::request_ctx;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let ctx = request_ctx()?;
    let hub = ctx.hub()?;
    let token = match token.filter(|t| !t.is_empty()) {
        Some(t) => {
            let _ = ctx.session.insert(TOKEN_KEY, t.clone()).await;
            t
        }
        None => ctx
            .session
            .get::<String>(TOKEN_KEY)
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
    };
    let user = ctx.user().await?;
    let member = ctx.contact().await?.is_some();
    let (email, refused) = match check(&hub.db, &token).await? {
        Ok(inv) => (inv.email, None),
        Err(why) => {
            crate::ui::layout::set_status(if why == Refused::Unknown {
                http::StatusCode::NOT_FOUND
            } else {
                http::StatusCode::GONE
            });
            (String::new(), Some(why.to_string()))
        }
    };
    let new_person = !email.is_empty()
        && users::Entity::find()
            .filter(users::Column::Email.eq(email.as_str()))
            .one(ctx.state.registry.global())
            .await?
            .is_none();
    Ok(InviteView {
        hub_name: hub.view.name.clone(),
        email,
        signed_in_as: user.map(|u| u.display_name),
        member,
        refused,
        token,
        new_person,
    })
}

/// `/admin/invitations`: the hub's invitations and the result of the last batch.
pub async fn load_admin_invitations() -> Result<AdminInvitations, AppError> {
    use crate::db::tenant::invitations;
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let now = crate::db::now();
    let rows = db
        .select::<invitations::Entity>()
        .order_by_desc(invitations::Column::CreatedAt)
        .limit(500)
        .all()
        .await?
        .into_iter()
        .map(|i| InvitationRow {
            id: i.id.to_string(),
            status: if i.accepted_at.is_some() {
                InvitationState::Accepted
            } else if i.revoked_at.is_some() {
                InvitationState::Revoked
            } else if i.expires_at <= now {
                InvitationState::Expired
            } else {
                InvitationState::Pending
            },
            email: i.email,
            sent: i.created_at.format("%Y-%m-%d").to_string(),
        })
        .collect();
    Ok(AdminInvitations {
        rows,
        flash: ctx.flash("invite").await,
    })
}
