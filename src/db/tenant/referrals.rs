use sea_orm::entity::prelude::*;

/// A lead an advocate referred (through a referral challenge): one per completion.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// The submission that carried it (unique per tenant).
    pub completion_id: Uuid,
    /// The advocate who referred them.
    pub contact_id: Uuid,
    pub lead_name: String,
    pub lead_email: String,
    pub lead_company: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
