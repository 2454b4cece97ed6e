use sea_orm::entity::prelude::*;

/// A hub's branding and switches: one row per tenant.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hub_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub tagline: String,
    /// `#rrggbb`, validated by [`crate::domain::BrandColor`] before it is stored.
    pub brand_color: String,
    pub logo_url: Option<String>,
    pub invite_only: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
