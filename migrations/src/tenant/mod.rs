use sea_orm_migration::prelude::*;

mod m20261123_000001_create_tenant;
mod m20261123_000002_advocate_loop;
mod m20261123_000003_rewards_invitations;
mod m20261123_000004_referrals;
mod m20261124_000005_mail_retry;
mod m20261124_000006_branding_uploads;
mod m20261124_000007_jobs;
mod m20261124_000008_api_and_webhooks;
mod m20261124_000009_totals_and_fences;
mod m20261125_000010_draining_fence;

pub mod fence;
pub use m20261125_000010_draining_fence::NAME as LATEST_FENCE_MIGRATION;

/// Migrates one shard database (run on every shard).
pub struct TenantMigrator;

#[async_trait::async_trait]
impl MigratorTrait for TenantMigrator {
    fn migration_table_name() -> DynIden {
        "rally_tenant_migrations".into_iden()
    }

    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_tenant::Migration),
            Box::new(m20261123_000002_advocate_loop::Migration),
            Box::new(m20261123_000003_rewards_invitations::Migration),
            Box::new(m20261123_000004_referrals::Migration),
            Box::new(m20261124_000005_mail_retry::Migration),
            Box::new(m20261124_000006_branding_uploads::Migration),
            Box::new(m20261124_000007_jobs::Migration),
            Box::new(m20261124_000008_api_and_webhooks::Migration),
            Box::new(m20261124_000009_totals_and_fences::Migration),
            Box::new(m20261125_000010_draining_fence::Migration),
        ]
    }
}
