use sea_orm::entity::prelude::*;

/// Points an advocate earned in one calendar month (UTC), kept with the ledger: the
/// monthly leaderboard reads these rows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "point_months")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub contact_id: Uuid,
    /// `YYYY-MM`; unique per tenant and advocate.
    pub month: String,
    pub earned: i64,
    pub last_earned_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
