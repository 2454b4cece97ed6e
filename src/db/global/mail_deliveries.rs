use sea_orm::entity::prelude::*;

/// One delivery attempt of a message, recorded by the mail observer: where it went (after
/// the staging redirect, if any), where it was meant to go, its Message-ID and outcome.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The message, in the global outbox or its hub's.
    pub mail_id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub to_address: String,
    pub original_to: String,
    pub message_id: String,
    /// `sent`, `kept`, `suppressed`, `failed` or `queued` (to be tried again).
    pub status: crate::domain::MailStatus,
    pub error: Option<String>,
    pub request_id: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
