use sea_orm::entity::prelude::*;

/// One message to one webhook, and how its delivery went (the delivery log). It is sent by
/// a `webhook.deliver` job queued with it, in the transaction of its cause.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    /// Also the message's `webhook-id` (the same on every attempt and redelivery).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub webhook_id: Uuid,
    pub event: String,
    /// The JSON body, exactly as signed and sent.
    pub payload: String,
    /// `pending`, `delivered` or `failed` (every attempt used).
    pub status: String,
    pub attempts: i64,
    pub response_status: Option<i32>,
    pub latency_ms: Option<i64>,
    pub response_excerpt: Option<String>,
    pub last_error: Option<String>,
    /// The request that caused the event, sent on as `X-Request-Id` and `traceparent`.
    pub request_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
