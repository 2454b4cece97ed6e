//! One-time sign-in tickets from the accounts host to a hub host: 256 random bits, stored
//! as a digest, valid 60 seconds, usable once, bound to user, tenant, host and the hub
//! session's `state`, and dead once the user signs out or resets the password.
use crate::db::global::{sso_tickets, users};
use crate::db::{new_id, now};
use crate::web::tokens::{digest, new_token};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

pub const TICKET_TTL: chrono::Duration = chrono::Duration::seconds(60);

pub struct NewTicket<'a> {
    pub user_id: Uuid,
    /// The user's session epoch now: signing out or a password reset bumps it, and the
    /// ticket dies with it.
    pub session_epoch: i64,
    pub tenant_id: Uuid,
    /// Bare hub host (no port), lower case.
    pub host: &'a str,
    pub state: &'a str,
    pub return_to: &'a str,
}

/// Stores a ticket and returns the only copy of its value.
pub async fn issue(global: &DatabaseConnection, t: NewTicket<'_>) -> Result<String, DbErr> {
    let ticket = new_token();
    let created = now();
    sso_tickets::ActiveModel {
        id: Set(new_id()),
        token_hash: Set(digest(&ticket)),
        user_id: Set(t.user_id),
        tenant_id: Set(t.tenant_id),
        host: Set(t.host.to_string()),
        state_hash: Set(digest(t.state)),
        return_to: Set(t.return_to.to_string()),
        expires_at: Set(created + TICKET_TTL),
        used_at: Set(None),
        created_at: Set(created),
        session_epoch: Set(t.session_epoch),
    }
    .insert(global)
    .await?;
    Ok(ticket)
}

/// Redeems a ticket at `host` for the browser whose hub session holds `state`. One
/// statement marks it used only if it is unused, unexpired, for this host and this state;
/// of two concurrent redemptions exactly one changes the row.
pub async fn redeem(
    global: &DatabaseConnection,
    ticket: &str,
    host: &str,
    state: &str,
) -> Result<Option<sso_tickets::Model>, DbErr> {
    let hash = digest(ticket);
    let at = now();
    let res = sso_tickets::Entity::update_many()
        .col_expr(sso_tickets::Column::UsedAt, Expr::value(at))
        .filter(sso_tickets::Column::TokenHash.eq(hash.as_str()))
        .filter(sso_tickets::Column::UsedAt.is_null())
        .filter(sso_tickets::Column::ExpiresAt.gt(at))
        .filter(sso_tickets::Column::Host.eq(host))
        .filter(sso_tickets::Column::StateHash.eq(digest(state)))
        .exec(global)
        .await?;
    if res.rows_affected != 1 {
        return Ok(None);
    }
    let Some(ticket) = sso_tickets::Entity::find()
        .filter(sso_tickets::Column::TokenHash.eq(hash))
        .one(global)
        .await?
    else {
        return Ok(None);
    };
    // Issued before a sign-out or a password reset: dead with that session epoch.
    let epoch_now = users::Entity::find_by_id(ticket.user_id)
        .one(global)
        .await?
        .map(|u| u.session_epoch);
    Ok((epoch_now == Some(ticket.session_epoch)).then_some(ticket))
}

/// Deletes tickets that expired more than an hour ago.
pub async fn delete_expired(global: &DatabaseConnection) -> Result<u64, DbErr> {
    let res = sso_tickets::Entity::delete_many()
        .filter(sso_tickets::Column::ExpiresAt.lt(now() - chrono::Duration::hours(1)))
        .exec(global)
        .await?;
    Ok(res.rows_affected)
}
