use sea_orm::entity::prelude::*;

/// A webhook subscription: a URL and the events it is sent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub url: String,
    /// Subscribed event names, space-separated (`completion.approved points.awarded`).
    pub events: String,
    /// The signing secret (`whsec_…`), sealed with `RALLY_SECRET_KEY`.
    pub sealed_secret: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
