use sea_orm::entity::prelude::*;

/// A hub's outgoing mail, on its shard, written in the same transaction as its cause (a
/// redemption, an invitation). Delivered by the sender task (see `mail::sender`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbound_mail")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub status: crate::domain::MailStatus,
    pub attempts: i64,
    pub message_id: Option<String>,
    pub request_id: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// `sending`: when the sender's lease ends (past it, another sender takes the message
    /// over). `queued`: not before then (backoff after a failed delivery).
    pub next_attempt_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A hub's mail in the shape of the accounts outbox, so both go through one delivery path
/// and one viewer.
impl From<Model> for crate::db::global::mail_outbox::Model {
    fn from(m: Model) -> Self {
        Self {
            id: m.id,
            tenant_id: Some(m.tenant_id),
            to_address: m.to_address,
            subject: m.subject,
            body_text: m.body_text,
            status: m.status,
            attempts: m.attempts,
            message_id: m.message_id,
            request_id: m.request_id,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
            next_attempt_at: m.next_attempt_at,
        }
    }
}
