use sea_orm::entity::prelude::*;

/// What an event from another system is worth in this hub: points, or the completion of
/// a challenge (its points).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_event_types")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// The `type` a caller sends, e.g. `webinar.attended`.
    pub key: String,
    pub points: i64,
    pub challenge_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
