//! Tenant-scoped entities, stored on shards. Each implements [`TenantEntity`], and is
//! reached only through [`crate::db::TenantDb`], which filters and stamps `tenant_id`.
pub mod api_clients;
pub mod api_event_types;
pub mod api_events;
pub mod api_keys;
pub mod badge_awards;
pub mod challenges;
pub mod completions;
pub mod contacts;
pub mod group_members;
pub mod groups;
pub mod hub_settings;
pub mod invitations;
pub mod jobs;
pub mod levels;
pub mod outbound_mail;
pub mod point_months;
pub mod point_totals;
pub mod points_ledger;
pub mod redemptions;
pub mod referrals;
pub mod rewards;
pub mod webhook_deliveries;
pub mod webhooks;

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

tenant_entity!(api_clients);
tenant_entity!(api_event_types);
tenant_entity!(api_events);
tenant_entity!(api_keys);
tenant_entity!(badge_awards);
tenant_entity!(challenges);
tenant_entity!(completions);
tenant_entity!(contacts);
tenant_entity!(group_members);
tenant_entity!(groups);
tenant_entity!(hub_settings);
tenant_entity!(invitations);
tenant_entity!(jobs);
tenant_entity!(levels);
tenant_entity!(outbound_mail);
tenant_entity!(point_months);
tenant_entity!(point_totals);
tenant_entity!(points_ledger);
tenant_entity!(redemptions);
tenant_entity!(referrals);
tenant_entity!(rewards);
tenant_entity!(webhook_deliveries);
tenant_entity!(webhooks);
