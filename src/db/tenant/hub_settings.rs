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
    /// Superseded by `logo_key` (uploads); kept so older rows load.
    pub logo_url: Option<String>,
    pub welcome_text: String,
    /// Links and highlights; `None`: derived from the brand colour.
    pub accent_color: Option<String>,
    /// Storage keys of uploaded images (under the tenant's prefix).
    pub logo_key: Option<String>,
    pub favicon_key: Option<String>,
    /// Shown on the sign-in page when signing in to this hub.
    pub signin_text: String,
    pub signin_image_key: Option<String>,
    pub invite_only: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
