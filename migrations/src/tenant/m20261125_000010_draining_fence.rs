//! The fence learns `draining` (see [`super::fence`]): a hub about to be paused for a move
//! still writes, and its writes are still recorded, but no job of it can be claimed, so the
//! mover can wait for the jobs already running to finish before it pauses the hub.
//! Shards migrated before this get the fence brought up to date; a fresh shard already
//! has it from `totals_and_fences`, and refreshing it changes nothing.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The migration's name in `rally_tenant_migrations`: the mover refuses a shard without it
/// (its fence would drop the writes made while draining).
pub const NAME: &str = "m20261125_000010_draining_fence";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        super::fence::refresh(m).await
    }

    /// In one transaction on SQLite too: no table is left between its old fence and its
    /// new one, and the statements run on one connection of the pool.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // The fence as it is now is a superset of the one before: with no hub ever
        // `draining`, it records and refuses exactly what the earlier one did.
        Ok(())
    }
}
