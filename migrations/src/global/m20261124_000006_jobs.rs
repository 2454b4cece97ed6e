//! Durable background jobs of the platform and the accounts host (see `jobs_table`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::jobs_table::create(m, false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::jobs_table::drop(m).await
    }
}
