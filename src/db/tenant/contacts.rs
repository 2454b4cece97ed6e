use sea_orm::entity::prelude::*;

/// A person's record inside one hub: their role and status there.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// The global user (another database, so no foreign key).
    pub user_id: Uuid,
    pub display_name: String,
    /// A copy of the account's address, for search and export (the account is global).
    pub email: Option<String>,
    /// `advocate`, `marketer` or `admin`.
    pub role: String,
    /// `active` or `deactivated`.
    pub status: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
