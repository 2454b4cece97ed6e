use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub shard_id: Uuid,
    pub status: TenantStatus,
    pub mail_suppressed: bool,
    /// Set by an operator; at or above `RALLY_SPAM_THRESHOLD` the hub's mail is suppressed.
    pub spam_score: i64,
    pub debug_logging_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub use crate::domain::TenantStatus;

pub const STATUS_ACTIVE: TenantStatus = TenantStatus::Active;
