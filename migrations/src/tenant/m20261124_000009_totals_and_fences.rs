//! Maintained points totals, what moving a hub to another shard needs, and the index a
//! large hub's people list reads in order.
//!
//! - `point_totals` (one row per advocate: balance, lifetime points, when they last
//!   earned) and `point_months` (points earned per advocate per calendar month, UTC) are
//!   kept by the application in the same transaction as each ledger line, so a page reads
//!   one row instead of summing the hub's history. They start empty here; the application
//!   fills them from the ledger after migrating (`points::totals::backfill`), as that needs
//!   the ids it generates.
//! - `tenant_fences` and `tenant_move_changes`, with a trigger on every tenant table: while
//!   a hub is being copied to another shard its writes are recorded (which row of which
//!   table changed), while it is paused or after it left they are refused (see
//!   [`super::fence`], which installs the fence as it is now).
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum PointTotals {
    Table,
    Id,
    TenantId,
    ContactId,
    Balance,
    Lifetime,
    LastEarnedAt,
}

#[derive(DeriveIden)]
enum PointMonths {
    Table,
    Id,
    TenantId,
    ContactId,
    Month,
    Earned,
    LastEarnedAt,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    TenantId,
    DisplayName,
}

#[derive(DeriveIden)]
enum TenantFences {
    Table,
    TenantId,
    State,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TenantMoveChanges {
    Table,
    TenantId,
    TableName,
    RowId,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PointTotals::Table)
                .if_not_exists()
                .col(id(PointTotals::Id))
                .col(uuid(PointTotals::TenantId))
                .col(uuid(PointTotals::ContactId))
                .col(big_int(PointTotals::Balance, 0))
                .col(big_int(PointTotals::Lifetime, 0))
                .col(timestamp_null(PointTotals::LastEarnedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_point_totals_contact",
            PointTotals::Table,
            vec![
                PointTotals::TenantId.into_iden(),
                PointTotals::ContactId.into_iden(),
            ],
            true,
        )
        .await?;
        // The all-time leaderboard, read in order.
        index(
            m,
            "idx_point_totals_rank",
            PointTotals::Table,
            vec![
                PointTotals::TenantId.into_iden(),
                PointTotals::Lifetime.into_iden(),
                PointTotals::LastEarnedAt.into_iden(),
            ],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PointMonths::Table)
                .if_not_exists()
                .col(id(PointMonths::Id))
                .col(uuid(PointMonths::TenantId))
                .col(uuid(PointMonths::ContactId))
                .col(text(PointMonths::Month))
                .col(big_int(PointMonths::Earned, 0))
                .col(timestamp(PointMonths::LastEarnedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_point_months_contact",
            PointMonths::Table,
            vec![
                PointMonths::TenantId.into_iden(),
                PointMonths::Month.into_iden(),
                PointMonths::ContactId.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            m,
            "idx_point_months_rank",
            PointMonths::Table,
            vec![
                PointMonths::TenantId.into_iden(),
                PointMonths::Month.into_iden(),
                PointMonths::Earned.into_iden(),
                PointMonths::LastEarnedAt.into_iden(),
            ],
            false,
        )
        .await?;

        // The people list of a large hub, in name order, a page at a time.
        index(
            m,
            "idx_contacts_name",
            Contacts::Table,
            vec![
                Contacts::TenantId.into_iden(),
                Contacts::DisplayName.into_iden(),
                Contacts::Id.into_iden(),
            ],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TenantFences::Table)
                .if_not_exists()
                .col(
                    ColumnDef::new(TenantFences::TenantId)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(text(TenantFences::State))
                .col(timestamp(TenantFences::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TenantMoveChanges::Table)
                .if_not_exists()
                .col(uuid(TenantMoveChanges::TenantId))
                .col(text(TenantMoveChanges::TableName))
                .col(uuid(TenantMoveChanges::RowId))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_tenant_move_changes_tenant",
            TenantMoveChanges::Table,
            vec![
                TenantMoveChanges::TenantId.into_iden(),
                TenantMoveChanges::TableName.into_iden(),
            ],
            false,
        )
        .await?;

        super::fence::install_all(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        super::fence::remove_all(m).await?;
        for t in [
            "tenant_move_changes",
            "tenant_fences",
            "point_months",
            "point_totals",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
