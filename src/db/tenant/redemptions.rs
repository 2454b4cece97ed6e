use sea_orm::entity::prelude::*;

/// An advocate's redemption of a reward.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "redemptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub reward_id: Uuid,
    pub contact_id: Uuid,
    /// What it cost when redeemed (refunded as is on cancel).
    pub cost: i64,
    pub status: crate::domain::RedemptionStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
