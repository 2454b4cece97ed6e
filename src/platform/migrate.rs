//! Schema migrations: the global database once, then every shard — in parallel, since
//! tenant rows share tables and a shard migrates in one go whatever its tenant count.
use super::OpError;
use crate::db::global::shards::{self, ShardStatus};
use crate::db::{new_id, now, ShardError, ShardRegistry};
use crate::web::Config;
use indicatif::ProgressBar;
use migrations::{GlobalMigrator, MigratorTrait, TenantMigrator};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, Set};

/// Names of the shards created in the data directory on first run (embedded SQLite mode).
pub const EMBEDDED_SHARDS: [&str; 2] = ["shard1", "shard2"];

pub async fn migrate_global(global: &DatabaseConnection) -> Result<(), DbErr> {
    GlobalMigrator::up(global, None).await
}

/// In embedded mode, creates, migrates and registers two SQLite shards in the data
/// directory when no shard is registered yet, so Rally runs with no database server and
/// no set-up. (Like `rally shard add`, a shard is migrated before it is registered.)
pub async fn register_embedded_shards(
    config: &Config,
    global: &DatabaseConnection,
) -> Result<(), DbErr> {
    if !config.embedded || shards::Entity::find().count(global).await? > 0 {
        return Ok(());
    }
    for name in EMBEDDED_SHARDS {
        let conn = crate::db::connect(&config.embedded_shard_url(name), Default::default()).await?;
        migrate_shard_database(&conn).await?;
        conn.close().await?;
        shards::ActiveModel {
            id: Set(new_id()),
            name: Set(name.to_string()),
            writer_url: Set(config.embedded_shard_url(name)),
            reader_url: Set(None),
            status: Set(ShardStatus::Active),
            created_at: Set(now()),
            updated_at: Set(now()),
        }
        .insert(global)
        .await?;
    }
    Ok(())
}

/// Migrates every registered shard, all at once. Offline shards are skipped (they are
/// migrated when brought back); any other failure names its shard.
pub async fn migrate_shards(
    registry: &ShardRegistry,
    progress: Option<&ProgressBar>,
) -> Result<(), OpError> {
    let shards = registry.shards();
    if let Some(p) = progress {
        p.set_length(shards.len() as u64);
    }
    let runs = shards.iter().map(|shard| async move {
        let result = match registry.shard_connection(shard.id).await {
            Ok(conn) => migrate_shard_database(&conn).await.map_err(|e| {
                OpError::invalid(format!("migrating shard {} failed: {e}", shard.name))
            }),
            Err(ShardError::Offline(name)) => {
                tracing::warn!(shard = %name, "shard is offline; not migrated");
                Ok(())
            }
            Err(e) => Err(OpError::from(e)),
        };
        if let Some(p) = progress {
            p.set_message(shard.name.clone());
            p.inc(1);
        }
        result
    });
    futures::future::join_all(runs).await.into_iter().collect()
}

/// Migrates a shard database (one about to become a shard, or one already), then fills
/// the maintained points totals of hubs that predate them.
pub async fn migrate_shard_database(conn: &DatabaseConnection) -> Result<(), DbErr> {
    TenantMigrator::up(conn, None).await?;
    let filled = crate::points::totals::backfill(conn).await?;
    if filled > 0 {
        tracing::info!(hubs = filled, "points totals filled from the ledger");
    }
    Ok(())
}
