//! Mail retry: `next_attempt_at` is both the lease of a message being sent (a sender that
//! dies mid-send leaves it `sending`; once the lease passes another sender takes it over)
//! and the backoff of one whose delivery failed (`queued`, not before that time).
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboundMail {
    Table,
    NextAttemptAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(OutboundMail::Table)
                .add_column(timestamp_null(OutboundMail::NextAttemptAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(OutboundMail::Table)
                .drop_column(OutboundMail::NextAttemptAt)
                .to_owned(),
        )
        .await
    }
}
