//! Moving a hub to another shard while it stays live.
//!
//! A move is a row in the global `tenant_moves` table and goes through phases; each phase
//! can be cut off (a crash, a kill) and run again, so running the move again resumes it
//! or cleans up after it. The hub is served from exactly one shard throughout: the
//! directory (`tenants.shard_id`) names the source until the switch, the target after.
//!
//! 1. **copying** — the target's fence for the hub is set to `incoming` (job workers there
//!    leave its copied jobs alone), the source's to `capturing`, so a trigger on
//!    every tenant table records each row the hub writes from now on
//!    (`tenant_move_changes`). Every table's rows are copied to the target in id order, in
//!    batches; the target's highest id is where a resumed copy goes on. Then every row is
//!    compared, source against target, while the hub stays live (a row that differs must
//!    be one recorded as changed, else the move stops).
//!    Then the fence is set to `draining`: writes still pass and are recorded, but no job
//!    of the hub can be claimed, and the mover waits (at most `drain`) for the hub's
//!    running jobs to finish. A job cut off by the pause would be run a second time on the
//!    target; one that outlasts the wait sends the move back to `capturing`, to be run
//!    again later.
//! 2. **paused** — the fence is set to `paused`: the hub's writes now fail (the app answers
//!    503 with `Retry-After`), reads go on. The recorded rows are copied again, and each
//!    table's row count and the changed rows' checksums are compared.
//! 3. **switched** — the directory names the target (one transaction with the move's
//!    phase), every app server is told through the configuration generation, and writes
//!    resume on the target. The source's fence becomes `gone`: a server that has not yet
//!    heard of the switch gets a 503 for a write, never a write on the wrong shard.
//! 4. **cleaning** — after the servers have had time to follow, the rows are removed from
//!    the source in batches. Then **done**.
//!
//! A move whose verification finds a difference it cannot explain is **failed**: the
//! fence is lifted, the hub stays where it was with all its data, and the copy is removed
//! from the target.
use super::OpError;
use crate::db::global::{shards, tenant_moves, tenants};
use crate::db::tenant::{self as t, TenantEntity};
use crate::db::{new_id, now, ShardRegistry, TenantDb};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
    TransactionTrait,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::time::Duration;
use uuid::Uuid;

pub const COPYING: &str = "copying";
pub const PAUSED: &str = "paused";
pub const SWITCHED: &str = "switched";
pub const CLEANING: &str = "cleaning";
pub const DONE: &str = "done";
/// Given up, being undone (the fences lifted, the copy removed); then `failed`.
pub const FAILING: &str = "failing";
pub const FAILED: &str = "failed";

/// Rows per copy or delete statement.
const BATCH: u64 = 1000;

/// How a move is run: its lease (another process may take over a move whose runner
/// stopped renewing it this long ago), how long the hub's running jobs get to finish
/// before writes pause, and how long app servers get to follow the switch before the
/// source's rows go.
#[derive(Debug, Clone, Copy)]
pub struct MoveSettings {
    pub lease: Duration,
    pub drain: Duration,
    pub settle: Duration,
}

impl Default for MoveSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(60),
            // Most jobs (mail, webhooks) take seconds; the hub stays live meanwhile.
            drain: Duration::from_secs(30),
            // Servers poll the configuration generation every second; twice that, and one more.
            settle: Duration::from_secs(3),
        }
    }
}

impl MoveSettings {
    /// `RALLY_MOVE_LEASE_SECONDS`, `RALLY_MOVE_DRAIN_SECONDS` and
    /// `RALLY_MOVE_SETTLE_SECONDS`, when set.
    pub fn from_env() -> Self {
        let secs = |name: &str, default: Duration| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|s| *s >= 0.0 && s.is_finite())
                .map(Duration::from_secs_f64)
                .unwrap_or(default)
        };
        let d = Self::default();
        Self {
            lease: secs("RALLY_MOVE_LEASE_SECONDS", d.lease),
            drain: secs("RALLY_MOVE_DRAIN_SECONDS", d.drain),
            settle: secs("RALLY_MOVE_SETTLE_SECONDS", d.settle),
        }
    }
}

/// One tenant table, as the mover sees it: rows of one hub, by id.
#[async_trait::async_trait]
trait Table: Send + Sync {
    fn name(&self) -> &'static str;
    async fn count(&self, db: &TenantDb) -> Result<u64, DbErr>;
    /// The highest id the hub has in this table here.
    async fn last_id(&self, db: &TenantDb) -> Result<Option<Uuid>, DbErr>;
    /// Copies up to `limit` rows with ids above `after`, in id order; returns how many and
    /// the last id.
    async fn copy_after(
        &self,
        from: &TenantDb,
        to: &TenantDb,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<(u64, Option<Uuid>), DbErr>;
    /// Makes these rows on `to` what they are on `from` (copied, replaced or removed).
    async fn copy_ids(&self, from: &TenantDb, to: &TenantDb, ids: &[Uuid]) -> Result<(), DbErr>;
    /// A hash of each row with an id above `after` (and at most `upto`), up to `limit`
    /// rows, in id order.
    async fn hashes_after(
        &self,
        db: &TenantDb,
        after: Option<Uuid>,
        upto: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<(Uuid, u64)>, DbErr>;
    /// A hash of each of these rows that exists.
    async fn hashes_of(&self, db: &TenantDb, ids: &[Uuid]) -> Result<HashMap<Uuid, u64>, DbErr>;
    /// Removes up to `limit` of the hub's rows; returns how many.
    async fn delete_some(&self, db: &TenantDb, limit: u64) -> Result<u64, DbErr>;
}

struct Rows<E>(std::marker::PhantomData<E>);

fn row_hash(row: &impl std::fmt::Debug) -> u64 {
    // Every column, as the entity reads it: the same bytes on both sides of a faithful copy.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{row:?}").hash(&mut h);
    h.finish()
}

#[async_trait::async_trait]
impl<E> Table for Rows<E>
where
    E: TenantEntity + Sync,
    E::Model: IntoActiveModel<E::ActiveModel> + std::fmt::Debug + Send + Sync,
    E::ActiveModel: sea_orm::ActiveModelBehavior + Send,
    E::Column: Copy + Send + Sync,
{
    fn name(&self) -> &'static str {
        sea_orm::EntityName::table_name(&E::default())
    }

    async fn count(&self, db: &TenantDb) -> Result<u64, DbErr> {
        db.select::<E>().count().await
    }

    async fn last_id(&self, db: &TenantDb) -> Result<Option<Uuid>, DbErr> {
        let ids: Vec<Uuid> = db
            .select::<E>()
            .order_by_desc(E::id_column())
            .limit(1)
            .tuples(|s| s.select_only().column(E::id_column()))
            .await?;
        Ok(ids.into_iter().next())
    }

    async fn copy_after(
        &self,
        from: &TenantDb,
        to: &TenantDb,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<(u64, Option<Uuid>), DbErr> {
        let mut q = from.select::<E>();
        if let Some(id) = after {
            q = q.filter(E::id_column().gt(id));
        }
        let rows = q.order_by_asc(E::id_column()).limit(limit).all().await?;
        let n = rows.len() as u64;
        let last = rows.last().map(|r| id_of::<E>(r));
        to.insert_many(rows.into_iter().map(|r| r.into_active_model()).collect())
            .await?;
        Ok((n, last))
    }

    async fn copy_ids(&self, from: &TenantDb, to: &TenantDb, ids: &[Uuid]) -> Result<(), DbErr> {
        for chunk in ids.chunks(BATCH as usize) {
            let rows = from
                .select::<E>()
                .filter(E::id_column().is_in(chunk.iter().copied()))
                .all()
                .await?;
            to.delete_where::<E>(E::id_column().is_in(chunk.iter().copied()))
                .await?;
            to.insert_many(rows.into_iter().map(|r| r.into_active_model()).collect())
                .await?;
        }
        Ok(())
    }

    async fn hashes_after(
        &self,
        db: &TenantDb,
        after: Option<Uuid>,
        upto: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<(Uuid, u64)>, DbErr> {
        let mut q = db.select::<E>();
        if let Some(id) = after {
            q = q.filter(E::id_column().gt(id));
        }
        if let Some(id) = upto {
            q = q.filter(E::id_column().lte(id));
        }
        let rows = q.order_by_asc(E::id_column()).limit(limit).all().await?;
        Ok(rows.iter().map(|r| (id_of::<E>(r), row_hash(r))).collect())
    }

    async fn hashes_of(&self, db: &TenantDb, ids: &[Uuid]) -> Result<HashMap<Uuid, u64>, DbErr> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(BATCH as usize) {
            for r in db
                .select::<E>()
                .filter(E::id_column().is_in(chunk.iter().copied()))
                .all()
                .await?
            {
                out.insert(id_of::<E>(&r), row_hash(&r));
            }
        }
        Ok(out)
    }

    async fn delete_some(&self, db: &TenantDb, limit: u64) -> Result<u64, DbErr> {
        let ids: Vec<Uuid> = db
            .select::<E>()
            .limit(limit)
            .tuples(|s| s.select_only().column(E::id_column()))
            .await?;
        if ids.is_empty() {
            return Ok(0);
        }
        db.delete_where::<E>(E::id_column().is_in(ids)).await
    }
}

fn id_of<E: TenantEntity>(row: &E::Model) -> Uuid
where
    E::Model: sea_orm::ModelTrait,
{
    use sea_orm::ModelTrait;
    // Every tenant table's id is a UUID (`TenantEntity`); a nil id would only ever mean a
    // schema this build does not know, and would fail the verification.
    <Uuid as sea_orm::sea_query::ValueType>::try_from(row.get(E::id_column())).unwrap_or_default()
}

fn table<E>() -> Box<dyn Table>
where
    E: TenantEntity + Sync,
    E::Model: IntoActiveModel<E::ActiveModel> + std::fmt::Debug + Send + Sync,
    E::ActiveModel: sea_orm::ActiveModelBehavior + Send,
    E::Column: Copy + Send + Sync,
{
    Box::new(Rows::<E>(std::marker::PhantomData))
}

/// Every tenant table. A test checks this against the shard's schema, so a new tenant
/// table cannot be left behind by a move.
fn tables() -> Vec<Box<dyn Table>> {
    vec![
        table::<t::hub_settings::Entity>(),
        table::<t::contacts::Entity>(),
        table::<t::groups::Entity>(),
        table::<t::group_members::Entity>(),
        table::<t::levels::Entity>(),
        table::<t::challenges::Entity>(),
        table::<t::completions::Entity>(),
        table::<t::referrals::Entity>(),
        table::<t::points_ledger::Entity>(),
        table::<t::point_totals::Entity>(),
        table::<t::point_months::Entity>(),
        table::<t::badge_awards::Entity>(),
        table::<t::rewards::Entity>(),
        table::<t::redemptions::Entity>(),
        table::<t::invitations::Entity>(),
        table::<t::outbound_mail::Entity>(),
        table::<t::jobs::Entity>(),
        table::<t::api_clients::Entity>(),
        table::<t::api_keys::Entity>(),
        table::<t::api_event_types::Entity>(),
        table::<t::api_events::Entity>(),
        table::<t::webhooks::Entity>(),
        table::<t::webhook_deliveries::Entity>(),
    ]
}

/// The names of the tables a move copies (for the schema check).
pub fn table_names() -> Vec<&'static str> {
    tables().iter().map(|t| t.name()).collect()
}

// ---------------------------------------------------------------------------------------
// The fence on a shard (see the tenant migration `totals_and_fences`).

async fn set_fence(conn: &DatabaseConnection, tenant: Uuid, state: &str) -> Result<(), DbErr> {
    let backend = conn.get_database_backend();
    let (sql, values): (&str, Vec<sea_orm::Value>) = (
        match backend {
            DbBackend::Postgres => {
                "INSERT INTO tenant_fences (tenant_id, state, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (tenant_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
            }
            _ => {
                "INSERT INTO tenant_fences (tenant_id, state, updated_at) VALUES (?, ?, ?) \
                 ON CONFLICT (tenant_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at"
            }
        },
        vec![tenant.into(), state.into(), now().into()],
    );
    conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}

async fn clear_fence(conn: &DatabaseConnection, tenant: Uuid) -> Result<(), DbErr> {
    exec(
        conn,
        "DELETE FROM tenant_fences WHERE tenant_id = $1",
        tenant,
    )
    .await
}

async fn clear_changes(conn: &DatabaseConnection, tenant: Uuid) -> Result<(), DbErr> {
    exec(
        conn,
        "DELETE FROM tenant_move_changes WHERE tenant_id = $1",
        tenant,
    )
    .await
}

/// On PostgreSQL, waits (at most a minute) until every transaction that began before now
/// has ended: one that wrote before the fence existed could otherwise commit a change the
/// copy misses. (SQLite has one writer at a time: setting the fence already waited.)
async fn wait_for_older_transactions(conn: &DatabaseConnection) -> Result<(), OpError> {
    if conn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let since = conn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT clock_timestamp() AS t",
        ))
        .await?
        .ok_or_else(|| OpError::invalid("the shard did not say the time"))?
        .try_get::<chrono::DateTime<chrono::Utc>>("", "t")?;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let row = conn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
                 AND pid <> pg_backend_pid() AND xact_start < $1",
                [since.into()],
            ))
            .await?;
        let open: i64 = row.map_or(Ok(0), |r| r.try_get("", "n"))?;
        if open == 0 {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(OpError::invalid(
                "a transaction older than the move is still open on the source shard; run the move again later",
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A statement with one value, written `$1` (rewritten `?` for SQLite).
fn with_one_value(
    conn: &DatabaseConnection,
    sql: &str,
    value: impl Into<sea_orm::Value>,
) -> Statement {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => sql.to_string(),
        _ => sql.replace("$1", "?"),
    };
    Statement::from_sql_and_values(backend, sql, [value.into()])
}

/// One statement with the tenant as its only value.
async fn exec(conn: &DatabaseConnection, sql: &str, tenant: Uuid) -> Result<(), DbErr> {
    conn.execute_raw(with_one_value(conn, sql, tenant)).await?;
    Ok(())
}

/// The rows the hub changed since capturing began, by table.
async fn changes(
    conn: &DatabaseConnection,
    tenant: Uuid,
) -> Result<BTreeMap<String, Vec<Uuid>>, DbErr> {
    let rows = conn
        .query_all_raw(with_one_value(
            conn,
            "SELECT DISTINCT table_name, row_id FROM tenant_move_changes WHERE tenant_id = $1",
            tenant,
        ))
        .await?;
    let mut out: BTreeMap<String, Vec<Uuid>> = BTreeMap::new();
    for r in rows {
        let table: String = r.try_get("", "table_name")?;
        let id: Uuid = r.try_get("", "row_id")?;
        out.entry(table).or_default().push(id);
    }
    Ok(out)
}

/// Checks every tenant table on this shard has its fence (else a write could slip past).
async fn check_fences(conn: &DatabaseConnection, shard: &str) -> Result<(), OpError> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT DISTINCT event_object_table AS t FROM information_schema.triggers \
             WHERE trigger_name = 'rally_fence'"
        }
        _ => {
            "SELECT DISTINCT tbl_name AS t FROM sqlite_master WHERE type = 'trigger' \
              AND name LIKE 'rally_fence_%'"
        }
    };
    let rows = conn
        .query_all_raw(Statement::from_string(backend, sql))
        .await?;
    let fenced: HashSet<String> = rows
        .into_iter()
        .filter_map(|r| r.try_get::<String>("", "t").ok())
        .collect();
    let missing: Vec<_> = table_names()
        .into_iter()
        .filter(|t| !fenced.contains(*t))
        .collect();
    if !missing.is_empty() {
        return Err(OpError::invalid(format!(
            "shard {shard} is not migrated for moves (no fence on {}); run `rally migrate`",
            missing.join(", ")
        )));
    }
    // An older fence would let the writes made while draining through unrecorded.
    let latest = conn
        .query_one_raw(with_one_value(
            conn,
            "SELECT COUNT(*) AS n FROM rally_tenant_migrations WHERE version = $1",
            migrations::LATEST_FENCE_MIGRATION,
        ))
        .await?
        .map_or(Ok(0), |r| r.try_get::<i64>("", "n"))?;
    if latest == 0 {
        return Err(OpError::invalid(format!(
            "shard {shard} is not migrated for moves (its fence is older than {}); run `rally migrate`",
            migrations::LATEST_FENCE_MIGRATION
        )));
    }
    Ok(())
}

/// Waits (at most `limit`) until no job of the hub is running on this shard with its
/// lease still held; false if one still is. The hub must be `draining`, so no new one
/// starts meanwhile; a job claimed in a batch but not yet started counts until its worker
/// reaches it, is refused the start and hands it back. (A job whose worker died is not
/// waited for: its lease runs out and it runs again where the hub lands, as after any
/// crash.)
async fn drain_jobs(src: &TenantDb, limit: Duration) -> Result<bool, DbErr> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let running = src
            .select::<t::jobs::Entity>()
            .filter(t::jobs::Column::Status.eq(crate::jobs::JobStatus::Running))
            .filter(t::jobs::Column::LockedUntil.gte(now()))
            .count()
            .await?;
        if running == 0 {
            return Ok(true);
        }
        if std::time::Instant::now() >= deadline {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ---------------------------------------------------------------------------------------
// Starting, running and watching moves.

fn backend_of(url: &str) -> &'static str {
    if url.starts_with("sqlite:") {
        "SQLite"
    } else {
        "PostgreSQL"
    }
}

/// Records a move of the hub `slug` to the shard `to` (or returns the move of it already
/// under way to that shard, to be resumed). Nothing is copied yet: see [`run`].
pub async fn start(
    registry: &ShardRegistry,
    slug: &str,
    to: &str,
) -> Result<tenant_moves::Model, OpError> {
    let global = registry.global();
    let tenant = super::tenants::find_by_slug(registry, slug)
        .await?
        .ok_or_else(|| OpError::invalid(format!("there is no tenant with slug '{slug}'")))?;
    let target = shards::Entity::find()
        .filter(shards::Column::Name.eq(to.trim()))
        .one(global)
        .await?
        .ok_or_else(|| OpError::invalid(format!("there is no shard named '{}'", to.trim())))?;
    if let Some(open) = open_move(global, tenant.id).await? {
        if open.to_shard == target.id {
            return Ok(open);
        }
        return Err(OpError::invalid(format!(
            "{slug} is already being moved to another shard; run that move to its end first"
        )));
    }
    if tenant.shard_id == target.id {
        return Err(OpError::invalid(format!(
            "{slug} is already on shard {}",
            target.name
        )));
    }
    if target.status != crate::domain::ShardStatus::Active {
        return Err(OpError::invalid(format!(
            "shard {} is {} and takes no tenants",
            target.name, target.status
        )));
    }
    let source = shards::Entity::find_by_id(tenant.shard_id)
        .one(global)
        .await?
        .ok_or_else(|| OpError::invalid("the hub's shard is not registered"))?;
    if backend_of(&source.writer_url) != backend_of(&target.writer_url) {
        // Timestamps keep nanoseconds in SQLite and microseconds in PostgreSQL: a copy
        // across them would not be the same rows, and the verification would say so.
        return Err(OpError::invalid(format!(
            "shard {} is {} and shard {} is {}: a hub moves between shards of the same kind",
            source.name,
            backend_of(&source.writer_url),
            target.name,
            backend_of(&target.writer_url)
        )));
    }
    let row = tenant_moves::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(tenant.id),
        from_shard: Set(source.id),
        to_shard: Set(target.id),
        phase: Set(COPYING.into()),
        copied: Set(0),
        total: Set(0),
        cursor: Set("{}".into()),
        pause_ms: Set(None),
        error: Set(None),
        locked_by: Set(None),
        locked_until: Set(None),
        created_at: Set(now()),
        updated_at: Set(now()),
        finished_at: Set(None),
    };
    match row.insert(global).await {
        Ok(m) => Ok(m),
        // Another operator started one at the same moment.
        Err(e) if crate::db::is_unique_violation(&e) => open_move(global, tenant.id)
            .await?
            .ok_or_else(|| OpError::Taken(format!("{slug} is already being moved"))),
        Err(e) => Err(e.into()),
    }
}

/// The hub's move that has not finished, if any.
pub async fn open_move(
    global: &DatabaseConnection,
    tenant: Uuid,
) -> Result<Option<tenant_moves::Model>, DbErr> {
    tenant_moves::Entity::find()
        .filter(tenant_moves::Column::TenantId.eq(tenant))
        .filter(tenant_moves::Column::FinishedAt.is_null())
        .one(global)
        .await
}

/// The latest moves, newest first (for the console).
pub async fn recent(
    global: &DatabaseConnection,
    limit: u64,
) -> Result<Vec<tenant_moves::Model>, DbErr> {
    tenant_moves::Entity::find()
        .order_by_desc(tenant_moves::Column::CreatedAt)
        .limit(limit)
        .all(global)
        .await
}

/// What the move's runner keeps between phases (in `tenant_moves.cursor`).
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
struct State {
    /// When writes were paused (kept across a resume, so the pause reported is the whole
    /// pause the hub saw).
    paused_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the directory was switched.
    switched_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Runs a move from wherever it is to its end. `progress` is called as it goes (the CLI
/// draws a bar from it). Another process running the same move is waited for until its
/// lease runs out, then taken over.
pub async fn run(
    registry: &ShardRegistry,
    move_id: Uuid,
    settings: MoveSettings,
    progress: &(dyn Fn(&tenant_moves::Model) + Sync),
) -> Result<tenant_moves::Model, OpError> {
    let global = registry.global();
    let token = Uuid::now_v7().to_string();
    let mut m = take_lease(global, move_id, &token, settings).await?;
    let lost = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Stopped however `run` ends: dropped mid-way too, as when the job runner cuts a move's
    // job off. Left running, it would hold the move's lease for as long as the process
    // lives, and every later attempt would find the move taken.
    let heartbeat = tokio_util::task::AbortOnDropHandle::new(tokio::spawn(keep_lease(
        global.clone(),
        move_id,
        token.clone(),
        settings.lease,
        lost.clone(),
    )));
    let mut runner = Runner {
        registry,
        token,
        settings,
        progress,
        lost,
    };
    let result = runner.run_phases(&mut m).await;
    drop(heartbeat);
    // Let go of the lease, whatever happened (a killed process lets it run out instead).
    tenant_moves::Entity::update_many()
        .col_expr(
            tenant_moves::Column::LockedBy,
            Expr::value(Option::<String>::None),
        )
        .filter(tenant_moves::Column::Id.eq(move_id))
        .filter(tenant_moves::Column::LockedBy.eq(runner.token.clone()))
        .exec(global)
        .await?;
    result?;
    Ok(m)
}

async fn take_lease(
    global: &DatabaseConnection,
    move_id: Uuid,
    token: &str,
    settings: MoveSettings,
) -> Result<tenant_moves::Model, OpError> {
    let deadline = std::time::Instant::now() + settings.lease + Duration::from_secs(2);
    loop {
        let at = now();
        let until = at + chrono::Duration::from_std(settings.lease).unwrap_or_default();
        let took = tenant_moves::Entity::update_many()
            .col_expr(tenant_moves::Column::LockedBy, Expr::value(token))
            .col_expr(tenant_moves::Column::LockedUntil, Expr::value(until))
            .filter(tenant_moves::Column::Id.eq(move_id))
            .filter(tenant_moves::Column::FinishedAt.is_null())
            .filter(
                Condition::any()
                    .add(tenant_moves::Column::LockedBy.is_null())
                    .add(tenant_moves::Column::LockedUntil.lt(at)),
            )
            .exec(global)
            .await?
            .rows_affected
            == 1;
        let m = tenant_moves::Entity::find_by_id(move_id)
            .one(global)
            .await?
            .ok_or_else(|| OpError::invalid(format!("there is no move {move_id}")))?;
        if m.finished_at.is_some() {
            return Ok(m);
        }
        if took {
            return Ok(m);
        }
        if std::time::Instant::now() > deadline {
            return Err(OpError::invalid(
                "another process is running this move and keeps its lease",
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Renews the move's lease every third of it while the move runs; sets `lost` if another
/// process took it (the runner then stops before its next change).
async fn keep_lease(
    global: DatabaseConnection,
    move_id: Uuid,
    token: String,
    lease: Duration,
    lost: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    loop {
        tokio::time::sleep(lease / 3).await;
        let until = now() + chrono::Duration::from_std(lease).unwrap_or_default();
        let renewed = tenant_moves::Entity::update_many()
            .col_expr(tenant_moves::Column::LockedUntil, Expr::value(until))
            .filter(tenant_moves::Column::Id.eq(move_id))
            .filter(tenant_moves::Column::LockedBy.eq(token.clone()))
            .exec(&global)
            .await;
        if let Ok(r) = renewed {
            if r.rows_affected == 0 {
                lost.store(true, std::sync::atomic::Ordering::SeqCst);
                return;
            }
        }
    }
}

struct Runner<'a> {
    registry: &'a ShardRegistry,
    token: String,
    settings: MoveSettings,
    progress: &'a (dyn Fn(&tenant_moves::Model) + Sync),
    lost: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Runner<'_> {
    /// Stops a runner whose lease another process took, before it changes anything more.
    fn still_mine(&self) -> Result<(), OpError> {
        if self.lost.load(std::sync::atomic::Ordering::SeqCst) {
            Err(OpError::invalid(
                "this move was taken over by another process",
            ))
        } else {
            Ok(())
        }
    }

    /// Saves the move's phase and progress, renewing the lease; fails if the lease was
    /// lost (another process took the move over).
    async fn save(&self, m: &mut tenant_moves::Model) -> Result<(), OpError> {
        let until = now() + chrono::Duration::from_std(self.settings.lease).unwrap_or_default();
        m.updated_at = now();
        m.locked_until = Some(until);
        let res = tenant_moves::Entity::update_many()
            .col_expr(tenant_moves::Column::Phase, Expr::value(m.phase.clone()))
            .col_expr(tenant_moves::Column::Copied, Expr::value(m.copied))
            .col_expr(tenant_moves::Column::Total, Expr::value(m.total))
            .col_expr(tenant_moves::Column::Cursor, Expr::value(m.cursor.clone()))
            .col_expr(tenant_moves::Column::PauseMs, Expr::value(m.pause_ms))
            .col_expr(tenant_moves::Column::Error, Expr::value(m.error.clone()))
            .col_expr(tenant_moves::Column::UpdatedAt, Expr::value(m.updated_at))
            .col_expr(tenant_moves::Column::LockedUntil, Expr::value(until))
            .col_expr(tenant_moves::Column::FinishedAt, Expr::value(m.finished_at))
            .filter(tenant_moves::Column::Id.eq(m.id))
            .filter(tenant_moves::Column::LockedBy.eq(self.token.clone()))
            .exec(self.registry.global())
            .await?;
        if res.rows_affected != 1 {
            return Err(OpError::invalid(
                "this move was taken over by another process",
            ));
        }
        (self.progress)(m);
        Ok(())
    }

    fn state(m: &tenant_moves::Model) -> State {
        serde_json::from_str(&m.cursor).unwrap_or_default()
    }

    fn set_state(m: &mut tenant_moves::Model, s: &State) {
        m.cursor = serde_json::to_string(s).unwrap_or_else(|_| "{}".into());
    }

    async fn run_phases(&mut self, m: &mut tenant_moves::Model) -> Result<(), OpError> {
        let from = self.registry.shard_connection(m.from_shard).await?;
        let to = self.registry.shard_connection(m.to_shard).await?;
        let src = TenantDb::new(m.tenant_id, from.clone());
        let dst = TenantDb::new(m.tenant_id, to.clone());
        loop {
            match m.phase.as_str() {
                COPYING => self.copy(m, &from, &to, &src, &dst).await?,
                PAUSED => self.pause_and_switch(m, &from, &src, &dst).await?,
                SWITCHED => self.resume(m, &from, &to).await?,
                CLEANING => self.clean(m, &from, &src).await?,
                FAILING => self.undo(m, &from, &to, &dst).await?,
                DONE | FAILED => return Ok(()),
                other => {
                    return Err(OpError::invalid(format!("a move in phase '{other}'")));
                }
            }
        }
    }

    async fn copy(
        &mut self,
        m: &mut tenant_moves::Model,
        from: &DatabaseConnection,
        to: &DatabaseConnection,
        src: &TenantDb,
        dst: &TenantDb,
    ) -> Result<(), OpError> {
        let shard_names: HashMap<Uuid, String> = self
            .registry
            .shards()
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        let name = |id: Uuid| shard_names.get(&id).cloned().unwrap_or_default();
        self.still_mine()?;
        check_fences(from, &name(m.from_shard)).await?;
        check_fences(to, &name(m.to_shard)).await?;
        let tables = tables();
        // On the target the hub is `incoming` until the switch: the copy's writes pass, and
        // no job worker runs its copied jobs (they run on the source meanwhile).
        set_fence(to, m.tenant_id, "incoming").await?;
        if m.copied == 0 {
            // A fresh start (or a start over): anything of the hub's on the target is a
            // leftover of an earlier attempt (its fence there from an earlier move away is
            // replaced above). Capturing begins before the first row is read.
            for t in &tables {
                while t.delete_some(dst, BATCH).await? > 0 {}
            }
            clear_changes(from, m.tenant_id).await?;
        }
        set_fence(from, m.tenant_id, "capturing").await?;
        wait_for_older_transactions(from).await?;
        let mut total = 0;
        for t in &tables {
            total += t.count(src).await?;
        }
        m.total = total as i64;
        self.save(m).await?;
        for t in &tables {
            // Where an earlier run got to: the copy goes in id order, one statement a batch.
            let mut after = t.last_id(dst).await?;
            loop {
                let (n, last) = t.copy_after(src, dst, after, BATCH).await?;
                if n == 0 {
                    break;
                }
                after = last;
                m.copied += n as i64;
                self.save(m).await?;
                crate::crash::point("move:copying");
            }
        }
        // Every row compared, live: one that differs must have changed since capturing
        // began (it is copied again while paused), or the copy is not faithful.
        let mut unexplained = Vec::new();
        for t in &tables {
            let mut odd = compare_all(t.as_ref(), src, dst).await?;
            if odd.is_empty() {
                continue;
            }
            let changed = changes(from, m.tenant_id).await?;
            let known: HashSet<Uuid> = changed
                .get(t.name())
                .map(|v| v.iter().copied().collect())
                .unwrap_or_default();
            odd.retain(|id| !known.contains(id));
            if !odd.is_empty() {
                unexplained.push(format!("{} ({} rows)", t.name(), odd.len()));
            }
        }
        if !unexplained.is_empty() {
            return self
                .fail(
                    m,
                    from,
                    dst,
                    format!(
                        "the copy differs from the source in {}",
                        unexplained.join(", ")
                    ),
                )
                .await;
        }
        // No job starts from here on; the running ones finish before the pause would cut
        // them off (their writes are recorded like any other).
        self.still_mine()?;
        set_fence(from, m.tenant_id, "draining").await?;
        let drained = drain_jobs(src, self.settings.drain).await;
        if !matches!(drained, Ok(true)) {
            // Back to capturing whatever went wrong: a hub left draining runs no jobs.
            let back = set_fence(from, m.tenant_id, "capturing").await;
            drained?;
            back?;
            return Err(OpError::invalid(format!(
                "a job of the hub ran longer than {:?}; its writes were not paused, and the move goes on when run again",
                self.settings.drain
            )));
        }
        crate::crash::point("move:drained");
        // Writes stop here; reads go on.
        self.still_mine()?;
        set_fence(from, m.tenant_id, "paused").await?;
        let mut state = Self::state(m);
        state.paused_at.get_or_insert_with(now);
        Self::set_state(m, &state);
        m.phase = PAUSED.into();
        self.save(m).await?;
        crate::crash::point("move:paused");
        Ok(())
    }

    async fn pause_and_switch(
        &mut self,
        m: &mut tenant_moves::Model,
        from: &DatabaseConnection,
        src: &TenantDb,
        dst: &TenantDb,
    ) -> Result<(), OpError> {
        self.still_mine()?;
        set_fence(from, m.tenant_id, "paused").await?;
        let mut state = Self::state(m);
        state.paused_at.get_or_insert_with(now);
        let tables = tables();
        // What changed during the copy, copied again (replaced, or removed if gone).
        let changed = changes(from, m.tenant_id).await?;
        for t in &tables {
            if let Some(ids) = changed.get(t.name()) {
                self.still_mine()?;
                t.copy_ids(src, dst, ids).await?;
            }
        }
        // Verified: every table's row count, and every changed row's checksum (the others
        // were compared row by row before the pause, and have not changed since).
        let mut wrong = Vec::new();
        for t in &tables {
            let (a, b) = tokio::try_join!(t.count(src), t.count(dst))?;
            if a != b {
                wrong.push(format!("{}: {a} rows here, {b} there", t.name()));
                continue;
            }
            if let Some(ids) = changed.get(t.name()) {
                let (a, b) = tokio::try_join!(t.hashes_of(src, ids), t.hashes_of(dst, ids))?;
                if a != b {
                    wrong.push(format!("{}: changed rows differ", t.name()));
                }
            }
        }
        if !wrong.is_empty() {
            return self
                .fail(
                    m,
                    from,
                    dst,
                    format!("verification failed: {}", wrong.join("; ")),
                )
                .await;
        }
        crate::crash::point("move:verified");
        // The switch: the directory and the move's phase, together.
        let global = self.registry.global();
        let txn = global.begin().await?;
        let switched = tenants::Entity::update_many()
            .col_expr(tenants::Column::ShardId, Expr::value(m.to_shard))
            .filter(tenants::Column::Id.eq(m.tenant_id))
            .filter(tenants::Column::ShardId.eq(m.from_shard))
            .exec(&txn)
            .await?
            .rows_affected;
        let phase = tenant_moves::Entity::update_many()
            .col_expr(tenant_moves::Column::Phase, Expr::value(SWITCHED))
            .filter(tenant_moves::Column::Id.eq(m.id))
            .filter(tenant_moves::Column::LockedBy.eq(self.token.clone()))
            .exec(&txn)
            .await?
            .rows_affected;
        if switched != 1 || phase != 1 {
            txn.rollback().await?;
            return Err(OpError::invalid(
                "the hub's directory entry or the move changed under this move",
            ));
        }
        txn.commit().await?;
        crate::db::config_generation::bump(global).await?;
        self.registry.reload().await?;
        state.switched_at = Some(now());
        Self::set_state(m, &state);
        m.phase = SWITCHED.into();
        self.save(m).await?;
        crate::crash::point("move:switched");
        Ok(())
    }

    async fn resume(
        &mut self,
        m: &mut tenant_moves::Model,
        from: &DatabaseConnection,
        to: &DatabaseConnection,
    ) -> Result<(), OpError> {
        // Writes go on at the target; the source refuses them from now on. (Told again, in
        // case the process stopped between the switch and telling the servers.)
        clear_fence(to, m.tenant_id).await?;
        set_fence(from, m.tenant_id, "gone").await?;
        crate::db::config_generation::bump(self.registry.global()).await?;
        let mut state = Self::state(m);
        state.switched_at.get_or_insert_with(now);
        Self::set_state(m, &state);
        if m.pause_ms.is_none() {
            if let (Some(p), Some(s)) = (state.paused_at, state.switched_at) {
                m.pause_ms = Some((s - p).num_milliseconds().max(0));
            }
        }
        m.phase = CLEANING.into();
        m.copied = 0;
        self.save(m).await?;
        Ok(())
    }

    async fn clean(
        &mut self,
        m: &mut tenant_moves::Model,
        from: &DatabaseConnection,
        src: &TenantDb,
    ) -> Result<(), OpError> {
        // Servers that have not yet heard of the switch still read the source.
        let state = Self::state(m);
        if let Some(at) = state.switched_at {
            let ready = at + chrono::Duration::from_std(self.settings.settle).unwrap_or_default();
            if let Ok(wait) = (ready - now()).to_std() {
                tokio::time::sleep(wait).await;
            }
        }
        // The one state in which the hub's rows here may be deleted (and nothing written).
        set_fence(from, m.tenant_id, "cleaning").await?;
        for t in tables() {
            loop {
                self.still_mine()?;
                let n = t.delete_some(src, BATCH).await?;
                if n == 0 {
                    break;
                }
                m.copied += n as i64;
                self.save(m).await?;
                crate::crash::point("move:cleaning");
            }
        }
        clear_changes(from, m.tenant_id).await?;
        set_fence(from, m.tenant_id, "gone").await?;
        m.phase = DONE.into();
        m.finished_at = Some(now());
        self.save(m).await?;
        Ok(())
    }

    /// Gives up: recorded first (so a crash while undoing is undone on the next run), then
    /// undone — the hub stays on its shard with all its data, writable again, and the copy
    /// is removed from the target.
    async fn fail(
        &mut self,
        m: &mut tenant_moves::Model,
        from: &DatabaseConnection,
        dst: &TenantDb,
        why: String,
    ) -> Result<(), OpError> {
        self.still_mine()?;
        m.phase = FAILING.into();
        m.error = Some(why.clone());
        self.save(m).await?;
        let to = self.registry.shard_connection(m.to_shard).await?;
        self.undo(m, from, &to, dst).await?;
        Err(OpError::invalid(format!("the move failed: {why}")))
    }

    async fn undo(
        &mut self,
        m: &mut tenant_moves::Model,
        from: &DatabaseConnection,
        to: &DatabaseConnection,
        dst: &TenantDb,
    ) -> Result<(), OpError> {
        clear_fence(from, m.tenant_id).await?;
        clear_changes(from, m.tenant_id).await?;
        for t in tables() {
            self.still_mine()?;
            while t.delete_some(dst, BATCH).await? > 0 {}
        }
        clear_fence(to, m.tenant_id).await?;
        m.phase = FAILED.into();
        m.finished_at = Some(now());
        self.save(m).await
    }
}

/// Ids whose rows differ between `a` and `b` (or exist on one side only).
async fn compare_all(t: &dyn Table, a: &TenantDb, b: &TenantDb) -> Result<Vec<Uuid>, DbErr> {
    let mut odd = Vec::new();
    let mut after = None;
    loop {
        let page = t.hashes_after(a, after, None, BATCH * 5).await?;
        let Some(last) = page.last().map(|(id, _)| *id) else {
            break;
        };
        // The other side's rows in the same id range.
        let theirs: HashMap<Uuid, u64> = t
            .hashes_after(b, after, Some(last), i64::MAX as u64)
            .await?
            .into_iter()
            .collect();
        let ours: HashMap<Uuid, u64> = page.into_iter().collect();
        for (id, h) in &ours {
            if theirs.get(id) != Some(h) {
                odd.push(*id);
            }
        }
        odd.extend(theirs.keys().filter(|id| !ours.contains_key(id)));
        after = Some(last);
    }
    // Rows only on the other side, past the last one here.
    odd.extend(
        t.hashes_after(b, after, None, i64::MAX as u64)
            .await?
            .into_iter()
            .map(|(id, _)| id),
    );
    Ok(odd)
}

/// A proposed move: the hub, and from which shard to which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub slug: String,
    pub from: String,
    pub to: String,
}

/// Moves that would even out the active shards' tenant counts (largest to smallest, one
/// hub at a time, until no two differ by more than one). Nothing is moved.
pub async fn propose_rebalance(registry: &ShardRegistry) -> Result<Vec<Proposal>, OpError> {
    let all = super::tenants::list(registry).await?;
    let active: Vec<shards::Model> = registry
        .shards()
        .into_iter()
        .filter(|s| s.status == crate::domain::ShardStatus::Active)
        .collect();
    if active.len() < 2 {
        return Ok(Vec::new());
    }
    let mut on: BTreeMap<String, Vec<String>> = active
        .iter()
        .map(|s| (s.name.clone(), Vec::new()))
        .collect();
    for (tenant, shard) in &all {
        if let Some(list) = on.get_mut(shard) {
            list.push(tenant.slug.clone());
        }
    }
    let mut out = Vec::new();
    loop {
        let (most, least) = {
            let most = on
                .iter()
                .max_by_key(|(n, v)| (v.len(), std::cmp::Reverse((*n).clone())));
            let least = on.iter().min_by_key(|(n, v)| (v.len(), (*n).clone()));
            match (most, least) {
                (Some(a), Some(b)) => (a.0.clone(), b.0.clone()),
                _ => break,
            }
        };
        if on[&most].len() <= on[&least].len() + 1 {
            break;
        }
        // The fullest shard's last hub by slug: a stable, repeatable choice.
        let Some(slug) = on.get_mut(&most).and_then(|v| v.pop()) else {
            break;
        };
        if let Some(v) = on.get_mut(&least) {
            v.push(slug.clone());
        }
        out.push(Proposal {
            slug,
            from: most,
            to: least,
        });
    }
    Ok(out)
}

/// The job kind that runs a move on an app server (queued by the console).
pub const JOB: &str = "tenant.move";

#[derive(serde::Serialize, serde::Deserialize)]
pub struct MoveJob {
    pub move_id: Uuid,
}

/// The job's handler: runs the move to its end. A move cut off (the job's lease, a crash)
/// is resumed by the job's next attempt.
pub async fn run_job(
    registry: std::sync::Arc<ShardRegistry>,
    ctx: crate::jobs::JobCtx,
) -> Result<(), String> {
    let job: MoveJob = ctx.payload()?;
    let settings = MoveSettings::from_env();
    run(&registry, job.move_id, settings, &|_| {})
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
