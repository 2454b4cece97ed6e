use sea_orm_migration::prelude::*;

mod m20261123_000001_create_global;
mod m20261123_000002_create_sessions;
mod m20261123_000003_create_sign_in;
mod m20261124_000004_retry_and_epochs;
mod m20261124_000005_domain_checks;
mod m20261124_000006_jobs;
mod m20261124_000007_mail_observers;
mod m20261124_000008_config_generation;
mod m20261124_000009_audit_log;
mod m20261124_000010_hub_audit;
mod m20261124_000011_tenant_moves;

/// Migrates the global database.
pub struct GlobalMigrator;

#[async_trait::async_trait]
impl MigratorTrait for GlobalMigrator {
    fn migration_table_name() -> DynIden {
        "rally_global_migrations".into_iden()
    }

    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_global::Migration),
            Box::new(m20261123_000002_create_sessions::Migration),
            Box::new(m20261123_000003_create_sign_in::Migration),
            Box::new(m20261124_000004_retry_and_epochs::Migration),
            Box::new(m20261124_000005_domain_checks::Migration),
            Box::new(m20261124_000006_jobs::Migration),
            Box::new(m20261124_000007_mail_observers::Migration),
            Box::new(m20261124_000008_config_generation::Migration),
            Box::new(m20261124_000009_audit_log::Migration),
            Box::new(m20261124_000010_hub_audit::Migration),
            Box::new(m20261124_000011_tenant_moves::Migration),
        ]
    }
}
