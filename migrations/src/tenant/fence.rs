//! The fence that lets a hub move between shards while it is live: a trigger on every
//! tenant table that reads the hub's state in `tenant_fences` (see `platform::moves`).
//!
//! | state       | writes                          | job claims          |
//! |-------------|---------------------------------|---------------------|
//! | (none)      | pass                            | pass                |
//! | `capturing` | pass, each changed row recorded | pass                |
//! | `draining`  | pass, each changed row recorded | refused             |
//! | `paused`    | refused                         | refused             |
//! | `gone`      | refused                         | refused             |
//! | `cleaning`  | only deletes pass               | refused             |
//! | `incoming`  | pass (they are the copy)        | left alone (claims skip it) |
//!
//! `draining` is the step between copying and pausing: the mover waits there for the hub's
//! running jobs to finish, so none is cut off by the pause and run a second time on the
//! target. Claiming a job and starting it both set its lease (`locked_until`); refusing
//! that in the trigger, not only leaving the hub out of the claim's query, closes the race
//! with a claim that read the fence just before it changed, and keeps a job claimed in a
//! batch from starting after the mover has stopped waiting. Ending a job (its lease
//! cleared) passes.
//!
//! The triggers run in the writing statement's transaction, so no app server — even one
//! whose caches are a second old — can write past a move unseen. This module is the fence
//! as it is now: a migration that adds a tenant table calls [`install`] for it, and the
//! mover refuses a shard whose migrations stop short of the latest fence.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// Every tenant table of the schema so far.
pub const TENANT_TABLES: [&str; 23] = [
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

/// The states in which a hub's changed rows are recorded.
const RECORDED: &str = "('capturing', 'draining')";

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
  -- write still in flight under `capturing` commits after the hub is paused, and no claim
  -- that read `capturing` commits after the hub began draining.
  SELECT state INTO fence FROM tenant_fences WHERE tenant_id = row_tenant FOR SHARE;
  IF fence IS NULL OR fence = 'incoming' THEN
    RETURN NULL;
  ELSIF fence IN ('capturing', 'draining') THEN
    -- Nested, not one condition: NEW.locked_until exists on job rows only.
    IF fence = 'draining' AND TG_TABLE_NAME = 'jobs' AND TG_OP = 'UPDATE' THEN
      IF NEW.locked_until IS NOT NULL
         AND NEW.locked_until IS DISTINCT FROM OLD.locked_until THEN
        RAISE EXCEPTION 'rally: tenant is moving' USING ERRCODE = 'RL503';
      END IF;
    END IF;
    INSERT INTO tenant_move_changes (tenant_id, table_name, row_id)
      VALUES (row_tenant, TG_TABLE_NAME, changed);
  ELSIF fence = 'cleaning' AND TG_OP = 'DELETE' THEN
    RETURN NULL;
  ELSE
    RAISE EXCEPTION 'rally: tenant is moving' USING ERRCODE = 'RL503';
  END IF;
  RETURN NULL;
END $$";

/// The fence of one table (replacing an older one).
pub async fn install(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let conn = m.get_connection();
    let script = match conn.get_database_backend() {
        DbBackend::Postgres => format!(
            "DROP TRIGGER IF EXISTS rally_fence ON \"{table}\"; \
             CREATE TRIGGER rally_fence AFTER INSERT OR UPDATE OR DELETE ON \"{table}\" \
             FOR EACH ROW EXECUTE FUNCTION rally_tenant_fence()"
        ),
        _ => sqlite_fence(table),
    };
    // One script, so the DROP and the CREATE run in order on one connection (sent apart
    // through the pool, a CREATE was seen to fail with "already exists").
    conn.execute_unprepared(&script).await?;
    Ok(())
}

/// SQLite's fence of one table: a trigger per kind of write (SQLite has no trigger
/// functions), and on `jobs` one more that refuses claims while the hub drains.
fn sqlite_fence(table: &str) -> String {
    let mut script = String::new();
    for (op, row, refused) in [
        ("INSERT", "NEW", "state IN ('paused', 'gone', 'cleaning')"),
        ("UPDATE", "NEW", "state IN ('paused', 'gone', 'cleaning')"),
        ("DELETE", "OLD", "state IN ('paused', 'gone')"),
    ] {
        let name = format!("rally_fence_{table}_{}", op.to_lowercase());
        script.push_str(&format!(
            "DROP TRIGGER IF EXISTS {name}; \
             CREATE TRIGGER {name} AFTER {op} ON \"{table}\" FOR EACH ROW \
             WHEN {row}.tenant_id IN (SELECT tenant_id FROM tenant_fences) \
             BEGIN \
               SELECT RAISE(ABORT, '{MOVING}') FROM tenant_fences \
                 WHERE tenant_id = {row}.tenant_id AND {refused}; \
               INSERT INTO tenant_move_changes (tenant_id, table_name, row_id) \
                 SELECT {row}.tenant_id, '{table}', {row}.id FROM tenant_fences \
                 WHERE tenant_id = {row}.tenant_id AND state IN {RECORDED}; \
             END; "
        ));
    }
    if table == "jobs" {
        // SQLite writes one statement at a time, so checking the state is enough.
        script.push_str(&format!(
            "DROP TRIGGER IF EXISTS rally_fence_jobs_claim; \
             CREATE TRIGGER rally_fence_jobs_claim BEFORE UPDATE ON jobs FOR EACH ROW \
             WHEN NEW.locked_until IS NOT NULL \
               AND (OLD.locked_until IS NULL OR NEW.locked_until <> OLD.locked_until) \
               AND NEW.tenant_id IN \
                 (SELECT tenant_id FROM tenant_fences WHERE state = 'draining') \
             BEGIN SELECT RAISE(ABORT, '{MOVING}'); END; "
        ));
    }
    script
}

/// The fence on every tenant table.
pub async fn install_all(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    if m.get_database_backend() == DbBackend::Postgres {
        m.get_connection()
            .execute_unprepared(PG_FENCE_FUNCTION)
            .await?;
    }
    for table in TENANT_TABLES {
        install(m, table).await?;
    }
    Ok(())
}

/// Brings a fence installed by an earlier migration up to this definition. On PostgreSQL
/// the triggers call the function by name, so replacing the function is enough (dropping
/// and creating the triggers would lock every tenant table at once on a live shard);
/// SQLite's triggers carry their logic, so each is replaced.
pub async fn refresh(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    if m.get_database_backend() == DbBackend::Postgres {
        m.get_connection()
            .execute_unprepared(PG_FENCE_FUNCTION)
            .await?;
        return Ok(());
    }
    install_all(m).await
}

/// Every table's fence removed.
pub async fn remove_all(m: &SchemaManager<'_>) -> Result<(), DbErr> {
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
                for op in ["insert", "update", "delete", "claim"] {
                    conn.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS rally_fence_{table}_{op}"
                    ))
                    .await?;
                }
            }
        }
    }
    Ok(())
}
