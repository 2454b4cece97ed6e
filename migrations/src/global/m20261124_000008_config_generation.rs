//! One counter every app server watches: bumped by each change to hot configuration (a
//! domain, a tenant's status or switches, a shard's status, a hub's branding), so every
//! server drops its caches within a poll interval instead of waiting out their TTLs.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConfigGeneration {
    Table,
    Id,
    Generation,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ConfigGeneration::Table)
                .if_not_exists()
                .col(
                    ColumnDef::new(ConfigGeneration::Id)
                        .integer()
                        .not_null()
                        .primary_key(),
                )
                .col(big_int(ConfigGeneration::Generation, 0))
                .to_owned(),
        )
        .await?;
        let row = Query::insert()
            .into_table(ConfigGeneration::Table)
            .columns([ConfigGeneration::Id, ConfigGeneration::Generation])
            .values_panic([1.into(), 0.into()])
            .to_owned();
        m.exec_stmt(row).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ConfigGeneration::Table).to_owned())
            .await
    }
}
