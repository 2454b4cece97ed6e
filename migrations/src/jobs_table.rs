//! The `jobs` table, the same on the global database (platform and accounts jobs) and on
//! every shard (a hub's jobs, queued in the same transaction as their cause).
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
pub enum Jobs {
    Table,
    Id,
    TenantId,
    Kind,
    Payload,
    Status,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedBy,
    LockedUntil,
    LastError,
    RequestId,
    CreatedAt,
    FinishedAt,
}

/// `tenant_required`: on a shard every job is a hub's; on the global database it may not be.
pub async fn create(m: &SchemaManager<'_>, tenant_required: bool) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(Jobs::Table)
            .if_not_exists()
            .col(id(Jobs::Id))
            .col(if tenant_required {
                uuid(Jobs::TenantId)
            } else {
                ColumnDef::new(Jobs::TenantId).uuid().null().take()
            })
            .col(text(Jobs::Kind))
            .col(text(Jobs::Payload))
            .col(text(Jobs::Status))
            .col(big_int(Jobs::Attempts, 0))
            .col(big_int(Jobs::MaxAttempts, 8))
            .col(timestamp(Jobs::RunAt))
            .col(text_null(Jobs::LockedBy))
            .col(timestamp_null(Jobs::LockedUntil))
            .col(text_null(Jobs::LastError))
            .col(text_null(Jobs::RequestId))
            .col(timestamp(Jobs::CreatedAt))
            .col(timestamp_null(Jobs::FinishedAt))
            .to_owned(),
    )
    .await?;
    // What a worker asks for: due jobs, oldest first.
    index(
        m,
        "idx_jobs_status_run_at",
        Jobs::Table,
        vec![Jobs::Status.into_iden(), Jobs::RunAt.into_iden()],
        false,
    )
    .await
}

pub async fn drop(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.drop_table(Table::drop().table(Jobs::Table).if_exists().to_owned())
        .await
}
