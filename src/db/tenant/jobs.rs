use sea_orm::entity::prelude::*;

/// A durable background job. The same table exists on every shard (a hub's jobs, reached
/// through its `TenantDb` like any of its rows) and on the global database (platform
/// jobs, `tenant_id` empty). See `crate::jobs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Always set on a shard; empty for a platform job on the global database.
    pub tenant_id: Option<Uuid>,
    /// Which handler runs it, e.g. `mail.deliver`.
    pub kind: String,
    /// The handler's input, as JSON.
    pub payload: String,
    pub status: crate::domain::JobStatus,
    /// Attempts started so far (a claim counts one).
    pub attempts: i64,
    pub max_attempts: i64,
    /// Not before this time (its backoff, after a failure).
    pub run_at: DateTimeUtc,
    /// The claim of the worker running it, and until when it holds it: past that, the
    /// worker is taken to have died and the job is claimed again.
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    /// The request that queued it, logged with every attempt.
    pub request_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
