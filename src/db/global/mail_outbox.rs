use sea_orm::entity::prelude::*;

/// A message waiting to be sent, or the record of one (see `mail`). Rows are written in the
/// same transaction as whatever causes the mail, and the sender task delivers them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The hub the mail is from (its suppression switch applies); `None` for accounts mail.
    pub tenant_id: Option<Uuid>,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub status: MailStatus,
    pub attempts: i64,
    pub message_id: Option<String>,
    /// The request that queued it, for the log line of its delivery.
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

pub use crate::domain::MailStatus;

pub const STATUS_QUEUED: MailStatus = MailStatus::Queued;
pub const STATUS_SENDING: MailStatus = MailStatus::Sending;
pub const STATUS_SENT: MailStatus = MailStatus::Sent;
/// Development without SMTP: kept for the viewer at `accounts.<root>/dev/mail`.
pub const STATUS_KEPT: MailStatus = MailStatus::Kept;
/// The tenant's outgoing mail is suppressed: recorded, not sent.
pub const STATUS_SUPPRESSED: MailStatus = MailStatus::Suppressed;
pub const STATUS_FAILED: MailStatus = MailStatus::Failed;
