use sea_orm::entity::prelude::*;

/// An advocate's points, kept with the ledger (same transaction as each line): what they
/// can spend, what they ever earned (levels and the all-time leaderboard), and when they
/// last earned (ties on the leaderboard go to whoever got there first).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "point_totals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// Unique per tenant.
    pub contact_id: Uuid,
    pub balance: i64,
    pub lifetime: i64,
    pub last_earned_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
