//! Platform operations: what operators do to the fleet (migrate, add shards, create
//! tenants, add domains, seed the demo). Called by the CLI today and by the `/platform`
//! console later; every rule lives here, not in the caller.
pub mod audit;
pub mod domains;
pub mod members;
pub mod migrate;
pub mod moves;
pub mod seed;
pub mod seed_loop;
pub mod shards;
pub mod tenants;

use crate::db::ShardError;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// Bad input or a rule broken: shown to the operator as it is.
    #[error("{0}")]
    Invalid(String),
    /// A unique index said no (a slug, name or host already in use).
    #[error("{0}")]
    Taken(String),
    // No `#[from]`/`#[source]` below: the message already carries the cause, and a
    // source would print it a second time in a one-line error.
    #[error("database error: {0}")]
    Db(DbErr),
    #[error("{0}")]
    Shard(ShardError),
}

impl From<DbErr> for OpError {
    fn from(e: DbErr) -> Self {
        Self::Db(e)
    }
}

impl From<ShardError> for OpError {
    fn from(e: ShardError) -> Self {
        Self::Shard(e)
    }
}

impl OpError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::Invalid(msg.into())
    }
}
