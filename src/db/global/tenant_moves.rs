use sea_orm::entity::prelude::*;

/// One move of a hub to another shard (see `platform::moves`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenant_moves")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub from_shard: Uuid,
    pub to_shard: Uuid,
    /// `copying`, `paused`, `switched`, `cleaning`, `done` or `failed`.
    pub phase: String,
    /// Rows copied (or removed, while cleaning) so far, of `total`.
    pub copied: i64,
    pub total: i64,
    /// JSON: per table, the last id copied (so a resumed copy goes on from there).
    pub cursor: String,
    /// How long the hub's writes were paused, once they resumed.
    pub pause_ms: Option<i64>,
    pub error: Option<String>,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
