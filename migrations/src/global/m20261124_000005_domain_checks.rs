//! Self-service custom domains are re-verified daily: `checked_at` is the last look-up,
//! `failing_since` the first look-up that no longer found the TXT record (cleared when it
//! is found again). A domain failing for longer than the grace period stops routing.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Domains {
    Table,
    CheckedAt,
    FailingSince,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Domains::CheckedAt, Domains::FailingSince] {
            m.alter_table(
                Table::alter()
                    .table(Domains::Table)
                    .add_column(timestamp_null(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [Domains::FailingSince, Domains::CheckedAt] {
            m.alter_table(
                Table::alter()
                    .table(Domains::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
