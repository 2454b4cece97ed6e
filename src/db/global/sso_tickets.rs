use sea_orm::entity::prelude::*;

/// A one-time sign-in ticket from the accounts host to one hub host (see `accounts::sso`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sso_tickets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// SHA-256 of the ticket, hex. The ticket itself is never stored.
    #[sea_orm(unique)]
    pub token_hash: String,
    pub user_id: Uuid,
    pub tenant_id: Uuid,
    /// The bare hub host (no port) the ticket may be redeemed at.
    pub host: String,
    /// SHA-256 of the `state` the hub keeps in its own session.
    pub state_hash: String,
    pub return_to: String,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// The user's session epoch when it was issued; a different one now refuses it.
    pub session_epoch: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
