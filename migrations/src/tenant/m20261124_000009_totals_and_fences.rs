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
//!   table changed), while it is paused or after it left they are refused. On the shard it
//!   is being copied to, its fence is `incoming`: writes pass (they are the copy), and job
//!   workers leave its copied jobs alone until it arrives. The triggers
//!   run in the writing statement's transaction, so no app server — even one whose caches
//!   are a second old — can write past a move unseen.
use crate::cols::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

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

/// Every tenant table of the schema so far, this migration's included. A later migration
/// that adds a tenant table calls [`install_fence`] for it (the mover refuses to move a
/// hub while a tenant table has no fence).
const TENANT_TABLES: [&str; 23] = [
    "api_clients",
    "api_event_types",
    "api_events",
    "api_keys",
    "badge_awards",
    "challenges",
    "completions",
    "contacts",
    "group_members",
    "groups",
    "hub_settings",
    "invitations",
    "jobs",
    "levels",
    "outbound_mail",
    "point_months",
    "point_totals",
    "points_ledger",
    "redemptions",
    "referrals",
    "rewards",
    "webhook_deliveries",
    "webhooks",
];

/// The message a fenced write fails with (matched by `db::is_tenant_moving`).
const MOVING: &str = "rally: tenant is moving";

/// The fence of one table: after each row written, record it while its hub is being copied
/// (`capturing`), refuse it while the hub is paused or gone (`paused`, `gone`), allow only
/// deleting what it left behind (`cleaning`); `incoming` lets everything pass.
pub async fn install_fence(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let conn = m.get_connection();
    match conn.get_database_backend() {
        DbBackend::Postgres => {
            conn.execute_unprepared(&format!(
                "DROP TRIGGER IF EXISTS rally_fence ON \"{table}\"; \
                 CREATE TRIGGER rally_fence AFTER INSERT OR UPDATE OR DELETE ON \"{table}\" \
                 FOR EACH ROW EXECUTE FUNCTION rally_tenant_fence()"
            ))
            .await?;
        }
        _ => {
            for (op, row, refused) in [
                ("INSERT", "NEW", "state IN ('paused', 'gone', 'cleaning')"),
                ("UPDATE", "NEW", "state IN ('paused', 'gone', 'cleaning')"),
                ("DELETE", "OLD", "state IN ('paused', 'gone')"),
            ] {
                let name = format!("rally_fence_{table}_{}", op.to_lowercase());
                conn.execute_unprepared(&format!(
                    "CREATE TRIGGER IF NOT EXISTS {name} AFTER {op} ON \"{table}\" FOR EACH ROW \
                     WHEN {row}.tenant_id IN (SELECT tenant_id FROM tenant_fences) \
                     BEGIN \
                       SELECT RAISE(ABORT, '{MOVING}') FROM tenant_fences \
                         WHERE tenant_id = {row}.tenant_id AND {refused}; \
                       INSERT INTO tenant_move_changes (tenant_id, table_name, row_id) \
                         SELECT {row}.tenant_id, '{table}', {row}.id FROM tenant_fences \
                         WHERE tenant_id = {row}.tenant_id AND state = 'capturing'; \
                     END"
                ))
                .await?;
            }
        }
    }
    Ok(())
}

const PG_FENCE_FUNCTION: &str = "
CREATE OR REPLACE FUNCTION rally_tenant_fence() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_tenant uuid;
  changed uuid;
  fence text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    row_tenant := OLD.tenant_id; changed := OLD.id;
  ELSE
    row_tenant := NEW.tenant_id; changed := NEW.id;
  END IF;
  -- FOR SHARE: the mover's change of the fence waits for the writers that read it, so no
  -- write still in flight under `capturing` commits after the hub is paused.
  SELECT state INTO fence FROM tenant_fences WHERE tenant_id = row_tenant FOR SHARE;
  IF fence IS NULL OR fence = 'incoming' THEN
    RETURN NULL;
  ELSIF fence = 'capturing' THEN
    INSERT INTO tenant_move_changes (tenant_id, table_name, row_id)
      VALUES (row_tenant, TG_TABLE_NAME, changed);
  ELSIF fence = 'cleaning' AND TG_OP = 'DELETE' THEN
    RETURN NULL;
  ELSE
    RAISE EXCEPTION 'rally: tenant is moving' USING ERRCODE = 'RL503';
  END IF;
  RETURN NULL;
END $$";

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

        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(PG_FENCE_FUNCTION)
                .await?;
        }
        for table in TENANT_TABLES {
            install_fence(m, table).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        for table in TENANT_TABLES {
            match conn.get_database_backend() {
                DbBackend::Postgres => {
                    conn.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS rally_fence ON \"{table}\""
                    ))
                    .await?;
                }
                _ => {
                    for op in ["insert", "update", "delete"] {
                        conn.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS rally_fence_{table}_{op}"
                        ))
                        .await?;
                    }
                }
            }
        }
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
