//! Durable background jobs of the hubs on this shard (see `jobs_table`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::jobs_table::create(m, true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::jobs_table::drop(m).await
    }
}
