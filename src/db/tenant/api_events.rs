use sea_orm::entity::prelude::*;

/// An event recorded through `POST /v1/events`: one per idempotency key (a unique index),
/// written in the same transaction as the points it awarded.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub idempotency_key: String,
    pub event_type: String,
    pub contact_id: Uuid,
    pub points: i64,
    /// When the event type completes a challenge.
    pub completion_id: Option<Uuid>,
    pub client_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
