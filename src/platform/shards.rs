//! Registering shards.
use super::{migrate, OpError};
use crate::db::global::shards::{self, ShardStatus};
use crate::db::global::tenants;
use crate::db::{self, is_unique_violation, new_id, now, PoolSettings};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

fn check_name(name: &str) -> Result<(), OpError> {
    let ok = (1..=40).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(OpError::invalid(format!(
            "'{name}' is not a valid shard name (1–40 lowercase letters, digits, hyphens)"
        )))
    }
}

fn check_url(url: &str) -> Result<(), OpError> {
    if url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://")
    {
        Ok(())
    } else {
        Err(OpError::invalid(format!(
            "'{url}' is not a database URL (sqlite:…, postgres://…)"
        )))
    }
}

/// Adds a shard: checks it can be reached, migrates it, then registers it (so a
/// registered shard is always ready for tenants).
pub async fn add(
    global: &DatabaseConnection,
    name: &str,
    writer_url: &str,
    reader_url: Option<&str>,
) -> Result<shards::Model, OpError> {
    check_name(name)?;
    check_url(writer_url)?;
    if let Some(r) = reader_url {
        check_url(r)?;
    }
    let writer = db::connect(writer_url, PoolSettings::default())
        .await
        .map_err(|e| OpError::invalid(format!("cannot connect to {writer_url}: {e}")))?;
    migrate::migrate_shard_database(&writer).await?;
    writer.close().await.ok();
    if let Some(r) = reader_url {
        let reader = db::connect(r, PoolSettings::default())
            .await
            .map_err(|e| OpError::invalid(format!("cannot connect to reader {r}: {e}")))?;
        reader.close().await.ok();
    }
    shards::ActiveModel {
        id: Set(new_id()),
        name: Set(name.to_string()),
        writer_url: Set(writer_url.to_string()),
        reader_url: Set(reader_url.map(str::to_string)),
        status: Set(ShardStatus::Active),
        created_at: Set(now()),
        updated_at: Set(now()),
    }
    .insert(global)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            OpError::Taken(format!("a shard named '{name}' already exists"))
        } else {
            e.into()
        }
    })
}

/// Tenants per shard id.
pub async fn tenant_counts(global: &DatabaseConnection) -> Result<HashMap<Uuid, i64>, OpError> {
    let rows: Vec<(Uuid, i64)> = tenants::Entity::find()
        .select_only()
        .column(tenants::Column::ShardId)
        .column_as(tenants::Column::Id.count(), "n")
        .group_by(tenants::Column::ShardId)
        .into_tuple()
        .all(global)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Every shard with its tenant count, by name.
pub async fn list(global: &DatabaseConnection) -> Result<Vec<(shards::Model, i64)>, OpError> {
    let counts = tenant_counts(global).await?;
    let shards = shards::Entity::find()
        .order_by_asc(shards::Column::Name)
        .all(global)
        .await?;
    Ok(shards
        .into_iter()
        .map(|s| {
            let n = counts.get(&s.id).copied().unwrap_or(0);
            (s, n)
        })
        .collect())
}

/// Marks a shard `active`, `read-only` (its tenants' pages are served, their writes are
/// refused), `draining` (no new tenants) or `offline` (nothing is served from it), and
/// reloads this process's registry; other servers follow at their next reload.
pub async fn set_status(
    registry: &crate::db::ShardRegistry,
    name: &str,
    status: ShardStatus,
) -> Result<shards::Model, OpError> {
    use sea_orm::QueryFilter;
    let global = registry.global();
    let shard = shards::Entity::find()
        .filter(shards::Column::Name.eq(name))
        .one(global)
        .await?
        .ok_or_else(|| OpError::invalid(format!("there is no shard named '{name}'")))?;
    let mut row: shards::ActiveModel = shard.into();
    row.status = Set(status);
    let shard = row.update(global).await?;
    crate::db::config_generation::bump(global).await?;
    registry.reload().await?;
    Ok(shard)
}

/// What the console shows of a shard: its state, how long a ping took (or why it failed),
/// its tenants, and its size on disk.
#[derive(Debug, Clone)]
pub struct ShardHealth {
    pub shard: shards::Model,
    pub tenants: i64,
    pub ping: Result<std::time::Duration, String>,
    pub size_bytes: Option<i64>,
}

pub async fn health(registry: &crate::db::ShardRegistry) -> Result<Vec<ShardHealth>, OpError> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let counts = tenant_counts(registry.global()).await?;
    let mut out = Vec::new();
    for shard in registry.shards() {
        let started = std::time::Instant::now();
        let conn = registry.shard_connection(shard.id).await;
        let (ping, size_bytes) = match conn {
            Err(e) => (Err(e.to_string()), None),
            Ok(conn) => {
                let answered =
                    tokio::time::timeout(std::time::Duration::from_secs(2), conn.ping()).await;
                let ping = match answered {
                    Ok(Ok(())) => Ok(started.elapsed()),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(_) => Err("no answer within 2 s".to_string()),
                };
                let size_sql = match conn.get_database_backend() {
                    DbBackend::Postgres => "SELECT pg_database_size(current_database()) AS size",
                    _ => "SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()",
                };
                let size = match conn
                    .query_one_raw(Statement::from_string(
                        conn.get_database_backend(),
                        size_sql,
                    ))
                    .await
                {
                    Ok(Some(row)) => row.try_get::<i64>("", "size").ok(),
                    _ => None,
                };
                (ping, size)
            }
        };
        out.push(ShardHealth {
            tenants: counts.get(&shard.id).copied().unwrap_or(0),
            shard,
            ping,
            size_bytes,
        });
    }
    Ok(out)
}
