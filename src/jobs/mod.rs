//! Durable background jobs: a queue in the database, worked by every app server.
//!
//! - **Where a job lives.** A hub's job sits on the hub's shard, queued through its
//!   `TenantDb` — in the same transaction as its cause, so a job exists exactly when what
//!   caused it was committed. A platform job sits on the global database.
//! - **What a handler gets.** The job's tenant handle (`TenantDb`), never an ambient
//!   "current tenant": a job of tenant A can only reach A's rows.
//! - **Claiming.** A worker claims a batch by setting `status = running` with its own
//!   claim token and a lease. On PostgreSQL this is `FOR UPDATE SKIP LOCKED`, so workers
//!   on several servers take disjoint batches without waiting for each other. On SQLite
//!   (one writer at a time) each row is claimed by a conditional update that only one
//!   worker can win.
//! - **Failures.** A failed attempt is retried after an exponential backoff (10 s,
//!   doubling, at most an hour). After its last attempt the job is `dead`: listed for
//!   operators (`rally jobs dead`), who can retry it (`rally jobs retry ID`).
//! - **Moves.** Before a hub's writes pause for a move to another shard, its fence is set
//!   to `draining`: no job of the hub is claimed from then on, and the mover waits for the
//!   running ones to finish, so the pause does not cut a job off to run it again on the
//!   target (see `platform::moves`).
//! - **Crashes.** A worker that dies mid-job leaves its lease to run out; the job is then
//!   claimed again. A job's lease is renewed as it starts and it is stopped when the lease
//!   ends, so two workers never run it at once; handlers are written to be safe to run
//!   again after a crash (their writes are transactional or keyed), so a job completes
//!   exactly once.
//! - **Long jobs** (a hub's move): their claim is renewed while they run, up to their own
//!   limit, so a dead server's move is taken over within one lease; they run on a worker
//!   of their own, so they do not hold up the short ones.
//!
//! Written here rather than taken from a crate: the job crates for Rust's SQL stack
//! (apalis-sql, sqlxmq, fang) bring their own sqlx version (SeaORM 2 uses sqlx 0.9) and
//! their own tables, and none knows that a job belongs to a tenant on a shard.
use crate::db::tenant::jobs;
use crate::db::{new_id, now, ShardRegistry, TenantDb, TenantScope};
use futures::future::BoxFuture;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub use crate::domain::JobStatus;

/// Attempts before a job is given up (dead).
pub const DEFAULT_MAX_ATTEMPTS: i64 = 8;
/// Counted for `/metrics` (see `web::metrics`): failed attempts, and jobs given up.
pub const FAILED_METRIC: &str = "rally_job_attempts_failed_total";
pub const DEAD_METRIC: &str = "rally_jobs_dead_total";

/// Jobs one worker claims at a time, per database (a worker for long kinds: one).
const BATCH: u64 = 20;

/// How long to wait after the n-th failed attempt: `unit` (10 s unless
/// `RALLY_JOB_BACKOFF_SECONDS` says otherwise), doubling, at most an hour.
pub fn backoff(attempts: i64, unit: Duration) -> chrono::Duration {
    let unit_ms = i64::try_from(unit.as_millis()).unwrap_or(i64::MAX);
    let ms = unit_ms.saturating_mul(1 << attempts.clamp(1, 12).saturating_sub(1));
    chrono::Duration::milliseconds(ms.min(3_600_000))
}

/// The default unit of [`backoff`].
pub const BACKOFF_UNIT: Duration = Duration::from_secs(10);

fn new_row(kind: &str, payload: String, request_id: Option<String>) -> jobs::ActiveModel {
    jobs::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(None),
        kind: Set(kind.to_string()),
        payload: Set(payload),
        status: Set(JobStatus::Queued),
        attempts: Set(0),
        max_attempts: Set(DEFAULT_MAX_ATTEMPTS),
        run_at: Set(now()),
        locked_by: Set(None),
        locked_until: Set(None),
        last_error: Set(None),
        request_id: Set(request_id),
        created_at: Set(now()),
        finished_at: Set(None),
    }
}

fn to_json(payload: &impl Serialize) -> Result<String, DbErr> {
    serde_json::to_string(payload).map_err(|e| DbErr::Custom(format!("job payload: {e}")))
}

/// Queues a hub's job on its shard, in the caller's transaction when `db` is a `TenantTx`.
pub async fn enqueue<C: ConnectionTrait>(
    db: &TenantScope<C>,
    kind: &str,
    payload: &impl Serialize,
    request_id: Option<String>,
) -> Result<Uuid, DbErr> {
    let row = db
        .insert(new_row(kind, to_json(payload)?, request_id))
        .await?;
    Ok(row.id)
}

/// [`enqueue`] with its own number of attempts (a handler that decides itself when to
/// give up asks for more than it uses).
pub async fn enqueue_with_attempts<C: ConnectionTrait>(
    db: &TenantScope<C>,
    kind: &str,
    payload: &impl Serialize,
    request_id: Option<String>,
    max_attempts: i64,
) -> Result<Uuid, DbErr> {
    let mut row = new_row(kind, to_json(payload)?, request_id);
    row.max_attempts = Set(max_attempts);
    Ok(db.insert(row).await?.id)
}

/// Queues a platform job on the global database (`tenant`: the hub it is about, if any;
/// its handler then gets that hub's handle).
pub async fn enqueue_global(
    conn: &impl ConnectionTrait,
    tenant: Option<Uuid>,
    kind: &str,
    payload: &impl Serialize,
    request_id: Option<String>,
) -> Result<Uuid, DbErr> {
    use sea_orm::ActiveModelTrait;
    let mut row = new_row(kind, to_json(payload)?, request_id);
    row.tenant_id = Set(tenant);
    Ok(row.insert(conn).await?.id)
}

/// What a handler is given.
pub struct JobCtx {
    pub id: Uuid,
    /// The job's hub, when it has one: the only way to its rows.
    pub tenant: Option<TenantDb>,
    /// The global database (accounts, directory).
    pub global: DatabaseConnection,
    pub payload: String,
    /// 1 on the first attempt.
    pub attempt: i64,
    pub request_id: Option<String>,
}

impl JobCtx {
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_str(&self.payload).map_err(|e| format!("bad payload: {e}"))
    }

    /// The job's hub, or an error for a job queued without one.
    pub fn tenant(&self) -> Result<&TenantDb, String> {
        self.tenant
            .as_ref()
            .ok_or_else(|| "this job has no tenant".to_string())
    }
}

type Handler = Arc<dyn Fn(JobCtx) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// Job kinds and their handlers (the composition root registers them); a long kind with
/// the longest it may run.
#[derive(Default, Clone)]
pub struct Handlers(HashMap<&'static str, (Handler, Option<Duration>)>);

impl Handlers {
    pub fn add<F, Fut>(self, kind: &'static str, handler: F) -> Self
    where
        F: Fn(JobCtx) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
    {
        self.with_limit(kind, None, handler)
    }

    /// A kind whose jobs may run longer than the worker's lease (moving a big hub), up to
    /// `max_run`: its claim is renewed while it runs, so a job whose server stopped is
    /// still taken over within one lease, and it is stopped if another worker took it.
    /// Its jobs are platform jobs, on the global database: a server's worker for long
    /// kinds ([`Worker::for_long_kinds`]) looks nowhere else, and a shard's fence would
    /// refuse the renewals of a hub being moved.
    pub fn add_long<F, Fut>(self, kind: &'static str, max_run: Duration, handler: F) -> Self
    where
        F: Fn(JobCtx) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
    {
        self.with_limit(kind, Some(max_run), handler)
    }

    fn with_limit<F, Fut>(
        mut self,
        kind: &'static str,
        max_run: Option<Duration>,
        handler: F,
    ) -> Self
    where
        F: Fn(JobCtx) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |ctx| Box::pin(handler(ctx)));
        self.0.insert(kind, (handler, max_run));
        self
    }

    /// Takes the long kinds out, for a worker of their own: a worker runs one job at a
    /// time, and a move of many minutes would hold up the server's mail and webhooks.
    pub fn take_long(&mut self) -> Handlers {
        Handlers(
            self.0
                .extract_if(|_, (_, max_run)| max_run.is_some())
                .collect(),
        )
    }
}

/// Runs due jobs of the global database and of every shard.
pub struct Worker {
    registry: Arc<ShardRegistry>,
    handlers: Arc<Handlers>,
    /// How long a claim holds: a job must finish within it (it is cut off there), or be of
    /// a long kind, whose claim is renewed.
    lease: Duration,
    /// The first retry's wait (see [`backoff`]).
    backoff_unit: Duration,
    /// How many jobs one claim takes from a database.
    batch: u64,
    /// Whether it works the shards' queues too, or only the global database's.
    shards: bool,
}

/// What one pass did (for tests and logs).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub done: usize,
    pub failed: usize,
}

impl Worker {
    pub fn new(registry: Arc<ShardRegistry>, handlers: Handlers, lease: Duration) -> Self {
        Self {
            registry,
            handlers: Arc::new(handlers),
            lease,
            backoff_unit: BACKOFF_UNIT,
            batch: BATCH,
            shards: true,
        }
    }

    /// A worker for long kinds: it takes one job at a time (only the running one's claim
    /// is renewed, and the rest of a batch would lapse and lose attempts waiting behind
    /// it), from the global database only (see [`Handlers::add_long`]).
    pub fn for_long_kinds(mut self) -> Self {
        self.batch = 1;
        self.shards = false;
        self
    }

    /// Retries wait `unit`, doubling (tests shorten it).
    pub fn backoff_unit(mut self, unit: Duration) -> Self {
        self.backoff_unit = unit;
        self
    }

    /// Works the queue until the process ends, looking every `every` when idle.
    pub fn spawn(self, every: Duration) {
        tokio::spawn(async move {
            loop {
                match self.run_once().await {
                    // More may be waiting: go on at once.
                    Ok(p) if p.done + p.failed > 0 => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "job worker: queue not readable"),
                }
                tokio::time::sleep(every).await;
            }
        });
    }

    /// Claims and runs one batch from each database; a shard that is down is skipped.
    pub async fn run_once(&self) -> Result<Pass, DbErr> {
        let mut pass = self.run_on(self.registry.global(), None).await?;
        if !self.shards {
            return Ok(pass);
        }
        // A read-only shard's jobs wait until it takes writes again.
        let writable =
            |s: &crate::db::global::shards::Model| s.status != crate::domain::ShardStatus::ReadOnly;
        for shard in self.registry.shards().into_iter().filter(writable) {
            let Ok(conn) = self.registry.shard_connection(shard.id).await else {
                continue;
            };
            match self.run_on(&conn, Some(shard.id)).await {
                Ok(p) => {
                    pass.done += p.done;
                    pass.failed += p.failed;
                }
                Err(e) => {
                    tracing::warn!(shard = %shard.name, error = %e, "job worker: shard queue not readable")
                }
            }
        }
        Ok(pass)
    }

    async fn run_on(&self, conn: &DatabaseConnection, shard: Option<Uuid>) -> Result<Pass, DbErr> {
        let token = Uuid::now_v7().to_string();
        let mut kinds: Vec<&str> = self.handlers.0.keys().copied().collect();
        kinds.sort_unstable();
        let claimed = claim(
            conn,
            shard.is_some(),
            &token,
            self.lease,
            &kinds,
            self.batch,
        )
        .await?;
        let mut pass = Pass::default();
        for job in claimed {
            if self.run_job(conn, shard, &token, job).await? {
                pass.done += 1;
            } else {
                pass.failed += 1;
            }
        }
        Ok(pass)
    }

    /// Runs one claimed job and records how it went; true when it completed.
    async fn run_job(
        &self,
        conn: &DatabaseConnection,
        shard: Option<Uuid>,
        token: &str,
        job: jobs::Model,
    ) -> Result<bool, DbErr> {
        // A batch is claimed at once but run one job after another: each job's lease
        // starts afresh when it starts, and a job whose lease ran out while earlier ones
        // ran is not started (another worker may have claimed it, or will).
        let registered = self.handlers.0.get(job.kind.as_str()).cloned();
        let max_run = registered.as_ref().and_then(|(_, max_run)| *max_run);
        // A hub draining or paused for a move refuses this update: its job waits for the
        // move, and the rest of the batch goes on. Draining, the claim is handed back (the
        // mover is waiting for the hub's running jobs, and this one never started); paused,
        // that is refused too, and the job is claimed again where the hub lands once its
        // lease ends.
        let still_ours = match extend_claim(conn, token, job.id, self.lease, Claim::Unstarted).await
        {
            Ok(ours) => ours,
            Err(e) if crate::db::is_tenant_moving(&e) => {
                hand_back(conn, token, &job).await?;
                false
            }
            Err(e) => return Err(e),
        };
        if !still_ours {
            return Ok(false);
        }
        let span = tracing::info_span!(
            "job",
            job = %job.id,
            kind = %job.kind,
            tenant = ?job.tenant_id,
            attempt = job.attempts,
            request_id = job.request_id.as_deref().unwrap_or(""),
            debug = tracing::field::Empty,
        );
        if job.tenant_id.is_some_and(crate::db::debug_log::debug_on) {
            span.record(crate::db::debug_log::DEBUG_FIELD, true);
        }
        // Instrumented, never entered across an await: a guard held over one would lend
        // this span to whatever else the thread runs meanwhile.
        let attempt = async {
            if job.attempts > job.max_attempts {
                // Claimed again after its last attempt's worker died.
                Err("its worker stopped during the last attempt".to_string())
            } else {
                match registered {
                    None => Err(format!("no handler for job kind '{}'", job.kind)),
                    Some((handler, _)) => match self.context(shard, &job).await {
                        Err(e) => Err(e),
                        Ok(ctx) => {
                            // Its own task (in this span): a panic fails the job, not the
                            // worker. It is stopped where its claim ends, as another worker
                            // may take the job over, and with this worker if it is dropped.
                            let span = tracing::Span::current();
                            let run = tokio_util::task::AbortOnDropHandle::new(tokio::spawn(
                                tracing::Instrument::instrument(handler(ctx), span),
                            ));
                            match max_run {
                                None => self.run_for(run).await,
                                Some(max_run) => {
                                    self.run_renewed(run, conn, token, job.id, max_run).await
                                }
                            }
                        }
                    },
                }
            }
        };
        let outcome = tracing::Instrument::instrument(attempt, span.clone()).await;
        match finish(conn, token, &job, outcome.as_ref().err(), self.backoff_unit).await {
            Ok(()) => {}
            // Paused for a move after it started: its row went with the hub as it was
            // (running), and is claimed again there when its lease ends.
            Err(e) if crate::db::is_tenant_moving(&e) => {
                tracing::warn!(job = %job.id, "job finished while its hub was moving; it will run again where the hub went");
            }
            Err(e) => return Err(e),
        }
        if outcome.is_err() {
            let kind = job.kind.clone();
            metrics::counter!(FAILED_METRIC, "kind" => kind.clone()).increment(1);
            if job.attempts >= job.max_attempts {
                metrics::counter!(DEAD_METRIC, "kind" => kind).increment(1);
            }
        }
        match &outcome {
            Ok(()) => tracing::info!(parent: &span, "job done"),
            Err(e) => tracing::warn!(parent: &span, error = %e, "job failed"),
        }
        Ok(outcome.is_ok())
    }

    /// Waits for a job's run, up to the lease.
    async fn run_for(&self, mut run: Run) -> Result<(), String> {
        match tokio::time::timeout(self.lease, &mut run).await {
            Ok(ended) => ran(ended),
            Err(_) => Err(format!("it ran longer than {:?}", self.lease)),
        }
    }

    /// Waits for a long job's run, renewing its claim every third of the lease, up to
    /// `max_run`; stops it if the claim was lost (another worker took the job over).
    async fn run_renewed(
        &self,
        mut run: Run,
        conn: &DatabaseConnection,
        token: &str,
        id: Uuid,
        max_run: Duration,
    ) -> Result<(), String> {
        let cut_off = tokio::time::sleep(max_run);
        tokio::pin!(cut_off);
        let mut beat = tokio::time::interval((self.lease / 3).max(Duration::from_millis(10)));
        beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        beat.tick().await; // the claim was just renewed
        loop {
            tokio::select! {
                ended = &mut run => return ran(ended),
                _ = &mut cut_off => return Err(format!("it ran longer than {max_run:?}")),
                _ = beat.tick() => {
                    // Bounded, so the run's end or cut-off is not missed behind a slow database.
                    let renewal = extend_claim(conn, token, id, self.lease, Claim::Running);
                    match tokio::time::timeout(self.lease / 3, renewal).await {
                        Ok(Ok(true)) => {}
                        Ok(Ok(false)) => return Err("another worker took it over".to_string()),
                        // A database hiccup: the claim holds until its end (and is this
                        // worker's until another claims it), and the next beat tries again.
                        Ok(Err(e)) => tracing::warn!(error = %e, "job claim not renewed"),
                        Err(_) => tracing::warn!("job claim not renewed in time"),
                    }
                }
            }
        }
    }

    /// The handler's context: the tenant handle of the job's hub, on the shard the job
    /// sits on (a shard job), or wherever the directory says (a platform job about a hub).
    async fn context(&self, shard: Option<Uuid>, job: &jobs::Model) -> Result<JobCtx, String> {
        let tenant = match (job.tenant_id, shard) {
            (None, _) => None,
            (Some(t), Some(shard)) => Some(
                self.registry
                    .tenant_db(t, shard)
                    .await
                    .map_err(|e| e.to_string())?,
            ),
            (Some(t), None) => {
                let found = crate::db::global::tenants::Entity::find_by_id(t)
                    .one(self.registry.global())
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("tenant {t} does not exist"))?;
                Some(
                    self.registry
                        .tenant_db(t, found.shard_id)
                        .await
                        .map_err(|e| e.to_string())?,
                )
            }
        };
        Ok(JobCtx {
            id: job.id,
            tenant,
            global: self.registry.global().clone(),
            payload: job.payload.clone(),
            attempt: job.attempts,
            request_id: job.request_id.clone(),
        })
    }
}

/// Due: queued and its time has come, or running with its lease over.
fn due(at: chrono::DateTime<chrono::Utc>) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(jobs::Column::Status.eq(JobStatus::Queued))
                .add(jobs::Column::RunAt.lte(at)),
        )
        .add(
            Condition::all()
                .add(jobs::Column::Status.eq(JobStatus::Running))
                .add(jobs::Column::LockedUntil.lt(at)),
        )
}

/// Leaves out the jobs of hubs fenced on this shard: draining or paused for a move, moved
/// away, or copied here and not yet arrived. (A claim that races a hub into `draining` is
/// refused by the fence's trigger, see the migration `draining_fence`.)
const NOT_FENCED: &str = " AND (tenant_id IS NULL OR tenant_id NOT IN \
     (SELECT tenant_id FROM tenant_fences WHERE state <> 'capturing'))";

/// Takes up to `batch` due jobs of the given kinds for the claim `token`, with a lease
/// of `lease`. Only kinds this worker handles: a server of an older build, during a
/// rolling deploy, leaves a new kind to the servers that know it. On a shard, jobs of a hub
/// whose writes are fenced off (paused for a move, or moved away) are left alone: the
/// claim would be refused, and with it the whole batch.
async fn claim(
    conn: &DatabaseConnection,
    on_shard: bool,
    token: &str,
    lease: Duration,
    kinds: &[&str],
    batch: u64,
) -> Result<Vec<jobs::Model>, DbErr> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    let until = at + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5));
    if conn.get_database_backend() == DbBackend::Postgres {
        // One statement: rows another worker is claiming are skipped, not waited for.
        let kind_params: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 5)).collect();
        let sql = format!(
            "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, \
             attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM jobs \
               WHERE ((status = 'queued' AND run_at <= $3) \
                  OR (status = 'running' AND locked_until < $3)) \
                 AND kind IN ({}) {} \
               ORDER BY run_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING *",
            kind_params.join(", "),
            if on_shard { NOT_FENCED } else { "" }
        );
        let mut values: Vec<sea_orm::Value> =
            vec![token.into(), until.into(), at.into(), (batch as i64).into()];
        values.extend(kinds.iter().map(|k| sea_orm::Value::from(k.to_string())));
        let stmt = Statement::from_sql_and_values(DbBackend::Postgres, sql, values);
        return match jobs::Entity::find().from_raw_sql(stmt).all(conn).await {
            // RETURNING keeps no order: run the batch oldest first, as on SQLite.
            Ok(mut claimed) => {
                claimed.sort_by_key(|j| (j.run_at, j.id));
                Ok(claimed)
            }
            // A hub began draining for a move between the query's read of the fences and
            // its claim (the fence's trigger refused it): nothing was claimed, and the next
            // pass leaves that hub out.
            Err(e) if crate::db::is_tenant_moving(&e) => Ok(Vec::new()),
            Err(e) => Err(e),
        };
    }
    let mut candidates = jobs::Entity::find()
        .filter(due(at))
        .filter(jobs::Column::Kind.is_in(kinds.iter().copied()));
    if on_shard {
        candidates = candidates.filter(Expr::cust(NOT_FENCED.trim_start_matches(" AND ")));
    }
    let candidates = candidates
        .order_by_asc(jobs::Column::RunAt)
        .limit(batch)
        .all(conn)
        .await?;
    let mut claimed = Vec::new();
    for mut job in candidates {
        let won = match jobs::Entity::update_many()
            .col_expr(jobs::Column::Status, Expr::value(JobStatus::Running))
            .col_expr(jobs::Column::LockedBy, Expr::value(token))
            .col_expr(jobs::Column::LockedUntil, Expr::value(until))
            .col_expr(
                jobs::Column::Attempts,
                sea_orm::sea_query::ExprTrait::add(Expr::col(jobs::Column::Attempts), 1),
            )
            .filter(jobs::Column::Id.eq(job.id))
            .filter(due(at))
            .exec(conn)
            .await
        {
            Ok(r) => r.rows_affected == 1,
            // Its hub began draining for a move since the candidates were read.
            Err(e) if crate::db::is_tenant_moving(&e) => false,
            Err(e) => return Err(e),
        };
        if won {
            job.status = JobStatus::Running;
            job.attempts += 1;
            job.locked_by = Some(token.to_string());
            job.locked_until = Some(until);
            claimed.push(job);
        }
    }
    Ok(claimed)
}

/// A job's run, stopped if dropped.
type Run = tokio_util::task::AbortOnDropHandle<Result<(), String>>;

fn ran(ended: Result<Result<(), String>, tokio::task::JoinError>) -> Result<(), String> {
    ended.unwrap_or_else(|panic| Err(format!("the handler panicked: {panic}")))
}

/// Where a claimed job is, for [`extend_claim`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Claim {
    /// Claimed in a batch, about to start: only if its lease has not run out meanwhile
    /// (another worker may have claimed it, or will, and it must not start twice).
    Unstarted,
    /// Running: while it is still this worker's. One whose lease ran out during a stall
    /// is kept if no one claimed it (a claim takes `locked_by` in one statement).
    Running,
}

/// Holds a claimed job for `lease` from now; false if the claim is not this worker's.
async fn extend_claim(
    conn: &DatabaseConnection,
    token: &str,
    id: Uuid,
    lease: Duration,
    claim: Claim,
) -> Result<bool, DbErr> {
    let at = now();
    let until = at + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5));
    let mut extend = jobs::Entity::update_many()
        .col_expr(jobs::Column::LockedUntil, Expr::value(until))
        .filter(jobs::Column::Id.eq(id))
        .filter(jobs::Column::LockedBy.eq(token));
    if claim == Claim::Unstarted {
        extend = extend.filter(jobs::Column::LockedUntil.gte(at));
    }
    Ok(extend.exec(conn).await?.rows_affected == 1)
}

/// Puts a claimed job that did not start back in the queue, its attempt not counted. A
/// hub whose writes are paused refuses this too; the claim then runs out instead.
async fn hand_back(conn: &DatabaseConnection, token: &str, job: &jobs::Model) -> Result<(), DbErr> {
    let back = jobs::Entity::update_many()
        .col_expr(jobs::Column::Status, Expr::value(JobStatus::Queued))
        .col_expr(jobs::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(
            jobs::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(jobs::Column::Attempts, Expr::value(job.attempts - 1))
        .filter(jobs::Column::Id.eq(job.id))
        .filter(jobs::Column::LockedBy.eq(token))
        .exec(conn)
        .await;
    match back {
        Err(e) if !crate::db::is_tenant_moving(&e) => Err(e),
        _ => Ok(()),
    }
}

/// Records an attempt's end — only while the claim is still this worker's (a worker whose
/// lease ran out must not overwrite the attempt that took over).
async fn finish(
    conn: &DatabaseConnection,
    token: &str,
    job: &jobs::Model,
    error: Option<&String>,
    backoff_unit: Duration,
) -> Result<(), DbErr> {
    let mut update = jobs::Entity::update_many()
        .col_expr(jobs::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(
            jobs::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(jobs::Column::Id.eq(job.id))
        .filter(jobs::Column::LockedBy.eq(token));
    update = match error {
        None => update
            .col_expr(jobs::Column::Status, Expr::value(JobStatus::Done))
            .col_expr(jobs::Column::LastError, Expr::value(Option::<String>::None))
            .col_expr(jobs::Column::FinishedAt, Expr::value(Some(now()))),
        Some(e) if job.attempts >= job.max_attempts => update
            .col_expr(jobs::Column::Status, Expr::value(JobStatus::Dead))
            .col_expr(jobs::Column::LastError, Expr::value(Some(e.clone())))
            .col_expr(jobs::Column::FinishedAt, Expr::value(Some(now()))),
        Some(e) => update
            .col_expr(jobs::Column::Status, Expr::value(JobStatus::Queued))
            .col_expr(jobs::Column::LastError, Expr::value(Some(e.clone())))
            .col_expr(
                jobs::Column::RunAt,
                Expr::value(now() + backoff(job.attempts, backoff_unit)),
            ),
    };
    update.exec(conn).await?;
    Ok(())
}

/// Jobs waiting on one database: queued, or running (for `/metrics`).
pub async fn waiting(conn: &DatabaseConnection) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    jobs::Entity::find()
        .filter(jobs::Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
        .count(conn)
        .await
}

/// A job that was given up, wherever it sits.
#[derive(Debug, Clone)]
pub struct DeadJob {
    pub job: jobs::Model,
    /// The shard it sits on (`None`: the global database).
    pub shard: Option<String>,
}

/// Every dead job, on the global database and every reachable shard.
pub async fn dead(registry: &ShardRegistry) -> Result<Vec<DeadJob>, DbErr> {
    let find = || {
        jobs::Entity::find()
            .filter(jobs::Column::Status.eq(JobStatus::Dead))
            .order_by_desc(jobs::Column::FinishedAt)
    };
    let mut out: Vec<DeadJob> = find()
        .all(registry.global())
        .await?
        .into_iter()
        .map(|job| DeadJob { job, shard: None })
        .collect();
    for shard in registry.shards() {
        if let Ok(conn) = registry.shard_connection(shard.id).await {
            for job in find().all(&conn).await? {
                out.push(DeadJob {
                    job,
                    shard: Some(shard.name.clone()),
                });
            }
        }
    }
    Ok(out)
}

/// Puts a dead job back in the queue with a fresh set of attempts; false when no dead job
/// has this id.
pub async fn retry(registry: &ShardRegistry, id: Uuid) -> Result<bool, DbErr> {
    let revive = |conn: DatabaseConnection| async move {
        jobs::Entity::update_many()
            .col_expr(jobs::Column::Status, Expr::value(JobStatus::Queued))
            .col_expr(jobs::Column::Attempts, Expr::value(0_i64))
            .col_expr(jobs::Column::RunAt, Expr::value(now()))
            .col_expr(
                jobs::Column::FinishedAt,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
            .filter(jobs::Column::Id.eq(id))
            .filter(jobs::Column::Status.eq(JobStatus::Dead))
            .exec(&conn)
            .await
            .map(|r| r.rows_affected == 1)
    };
    if revive(registry.global().clone()).await? {
        return Ok(true);
    }
    for shard in registry.shards() {
        if let Ok(conn) = registry.shard_connection(shard.id).await {
            if revive(conn).await? {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::{backoff, Handlers, BACKOFF_UNIT};
    use std::time::Duration;

    #[test]
    fn long_kinds_are_taken_out_for_a_worker_of_their_own() {
        let ok = |_| async { Ok(()) };
        let mut short = Handlers::default()
            .add("mail", ok)
            .add_long("move", Duration::from_secs(60), ok)
            .add("webhook", ok);
        let long = short.take_long();
        let kinds = |h: &Handlers| {
            let mut k: Vec<_> = h.0.keys().copied().collect();
            k.sort_unstable();
            k
        };
        assert_eq!(kinds(&short), ["mail", "webhook"]);
        assert_eq!(kinds(&long), ["move"]);
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1, BACKOFF_UNIT).num_seconds(), 10);
        assert_eq!(backoff(2, BACKOFF_UNIT).num_seconds(), 20);
        assert_eq!(backoff(5, BACKOFF_UNIT).num_seconds(), 160);
        assert_eq!(backoff(40, BACKOFF_UNIT).num_seconds(), 3600);
        assert_eq!(
            backoff(3, Duration::from_millis(250)).num_milliseconds(),
            1000
        );
    }
}
