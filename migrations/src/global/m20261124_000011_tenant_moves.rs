//! Tenant moves: one row per move of a hub to another shard, holding its phase (so a move
//! cut off at any point is resumed from where it was), its progress and the lease of the
//! process running it (so two never run one move at once).
use crate::cols::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveIden)]
enum TenantMoves {
    Table,
    Id,
    TenantId,
    FromShard,
    ToShard,
    Phase,
    Copied,
    Total,
    Cursor,
    PauseMs,
    Error,
    LockedBy,
    LockedUntil,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TenantMoves::Table)
                .if_not_exists()
                .col(id(TenantMoves::Id))
                .col(uuid(TenantMoves::TenantId))
                .col(uuid(TenantMoves::FromShard))
                .col(uuid(TenantMoves::ToShard))
                .col(text(TenantMoves::Phase))
                .col(big_int(TenantMoves::Copied, 0))
                .col(big_int(TenantMoves::Total, 0))
                .col(text(TenantMoves::Cursor))
                .col(ColumnDef::new(TenantMoves::PauseMs).big_integer().null())
                .col(text_null(TenantMoves::Error))
                .col(text_null(TenantMoves::LockedBy))
                .col(timestamp_null(TenantMoves::LockedUntil))
                .col(timestamp(TenantMoves::CreatedAt))
                .col(timestamp(TenantMoves::UpdatedAt))
                .col(timestamp_null(TenantMoves::FinishedAt))
                .to_owned(),
        )
        .await?;
        // At most one unfinished move per hub, decided by the database.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS idx_tenant_moves_open \
                 ON tenant_moves (tenant_id) WHERE finished_at IS NULL",
            )
            .await?;
        index(
            m,
            "idx_tenant_moves_created",
            TenantMoves::Table,
            vec![TenantMoves::CreatedAt.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(TenantMoves::Table)
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
