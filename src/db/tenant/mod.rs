//! Tenant-scoped entities, stored on shards. Each implements [`TenantEntity`], and is
//! reached only through [`crate::db::TenantDb`], which filters and stamps `tenant_id`.
pub mod contacts;
pub mod hub_settings;

use sea_orm::EntityTrait;

/// An entity whose rows belong to one tenant. `tenant_column` is what [`crate::db::TenantDb`]
/// filters on and stamps; `id_column` is its UUID primary key.
pub trait TenantEntity: EntityTrait {
    fn tenant_column() -> Self::Column;
    fn id_column() -> Self::Column;
}

macro_rules! tenant_entity {
    ($module:ident) => {
        impl TenantEntity for $module::Entity {
            fn tenant_column() -> Self::Column {
                $module::Column::TenantId
            }
            fn id_column() -> Self::Column {
                $module::Column::Id
            }
        }
    };
}

tenant_entity!(contacts);
tenant_entity!(hub_settings);
