//! The shard registry: which shards exist, and one lazily opened pool per shard.
//!
//! It is loaded from the global `shards` table and reloaded in the background, so a shard
//! added or changed by the CLI (another process) is picked up without a restart. Pools are
//! opened on first use; a shard that cannot be reached fails only the requests of its own
//! tenants, and the next request tries again, so it recovers by itself once it is back.
use super::global::shards::{self, ShardStatus};
use super::{connect, PoolSettings, TenantDb};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QueryOrder};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::OnceCell;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error("shard {0} is not registered")]
    Unknown(Uuid),
    #[error("shard {0} is offline")]
    Offline(String),
    #[error("shard {name} is unavailable: {source}")]
    Unavailable { name: String, source: DbErr },
    #[error("reading the shard list failed: {0}")]
    Directory(DbErr),
}

/// One registered shard and its pools (opened on first use).
struct ShardPools {
    info: shards::Model,
    writer: OnceCell<DatabaseConnection>,
    reader: OnceCell<DatabaseConnection>,
}

impl ShardPools {
    fn new(info: shards::Model) -> Self {
        Self {
            info,
            writer: OnceCell::new(),
            reader: OnceCell::new(),
        }
    }

    /// Same place and same status: the open pools can be kept across a reload.
    fn same_as(&self, other: &shards::Model) -> bool {
        self.info.writer_url == other.writer_url
            && self.info.reader_url == other.reader_url
            && self.info.status == other.status
    }

    async fn writer(&self, settings: PoolSettings) -> Result<DatabaseConnection, ShardError> {
        self.pool(&self.writer, &self.info.writer_url, settings)
            .await
    }

    /// The reader pool when one is configured, else the writer. For reads that tolerate
    /// replica lag (leaderboards, exports), never for read-your-own-write pages.
    async fn reader(&self, settings: PoolSettings) -> Result<DatabaseConnection, ShardError> {
        match &self.info.reader_url {
            Some(url) => self.pool(&self.reader, url, settings).await,
            None => self.writer(settings).await,
        }
    }

    async fn pool(
        &self,
        cell: &OnceCell<DatabaseConnection>,
        url: &str,
        settings: PoolSettings,
    ) -> Result<DatabaseConnection, ShardError> {
        if self.info.status == ShardStatus::Offline {
            return Err(ShardError::Offline(self.info.name.clone()));
        }
        // A failed open leaves the cell empty, so the next caller retries.
        cell.get_or_try_init(|| connect(url, settings))
            .await
            .cloned()
            .map_err(|source| ShardError::Unavailable {
                name: self.info.name.clone(),
                source,
            })
    }
}

pub struct ShardRegistry {
    global: DatabaseConnection,
    settings: PoolSettings,
    shards: RwLock<HashMap<Uuid, Arc<ShardPools>>>,
    reload_lock: tokio::sync::Mutex<()>,
}

impl ShardRegistry {
    /// Builds the registry from the `shards` table (no shard is connected yet).
    pub async fn load(global: DatabaseConnection, settings: PoolSettings) -> Result<Self, DbErr> {
        let registry = Self {
            global,
            settings,
            shards: RwLock::new(HashMap::new()),
            reload_lock: tokio::sync::Mutex::new(()),
        };
        registry.reload().await?;
        Ok(registry)
    }

    pub fn global(&self) -> &DatabaseConnection {
        &self.global
    }

    /// Re-reads the `shards` table. Shards whose URLs and status did not change keep their
    /// open pools; changed ones get fresh (lazy) pools; removed ones are dropped.
    pub async fn reload(&self) -> Result<(), DbErr> {
        let _one_at_a_time = self.reload_lock.lock().await;
        let rows = shards::Entity::find()
            .order_by_asc(shards::Column::Name)
            .all(&self.global)
            .await?;
        let mut map = self.shards.write().unwrap_or_else(|e| e.into_inner());
        let mut next = HashMap::with_capacity(rows.len());
        for row in rows {
            let entry = match map.remove(&row.id) {
                Some(old) if old.same_as(&row) => old,
                _ => Arc::new(ShardPools::new(row)),
            };
            next.insert(entry.info.id, entry);
        }
        *map = next;
        Ok(())
    }

    /// Reloads every `every` until the process ends.
    pub fn spawn_reloader(self: &Arc<Self>, every: Duration) {
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                let Some(registry) = weak.upgrade() else {
                    break;
                };
                if let Err(e) = registry.reload().await {
                    tracing::warn!(error = %e, "shard registry reload failed");
                }
            }
        });
    }

    fn entry(&self, shard_id: Uuid) -> Option<Arc<ShardPools>> {
        self.shards
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&shard_id)
            .cloned()
    }

    /// Finds a shard, reloading once if it is not known yet (it may have just been added).
    async fn entry_or_reload(&self, shard_id: Uuid) -> Result<Arc<ShardPools>, ShardError> {
        if let Some(e) = self.entry(shard_id) {
            return Ok(e);
        }
        self.reload().await.map_err(ShardError::Directory)?;
        self.entry(shard_id).ok_or(ShardError::Unknown(shard_id))
    }

    /// The handle for one tenant on its shard. Answered from memory once the shard's pool
    /// is open.
    pub async fn tenant_db(&self, tenant_id: Uuid, shard_id: Uuid) -> Result<TenantDb, ShardError> {
        let entry = self.entry_or_reload(shard_id).await?;
        let conn = entry.writer(self.settings).await?;
        let read_only = entry.info.status == ShardStatus::ReadOnly;
        Ok(TenantDb::new(tenant_id, conn).read_only(read_only))
    }

    /// A read-only-intent handle for one tenant: its shard's reader when configured.
    pub async fn tenant_reader(
        &self,
        tenant_id: Uuid,
        shard_id: Uuid,
    ) -> Result<TenantDb, ShardError> {
        let entry = self.entry_or_reload(shard_id).await?;
        let conn = entry.reader(self.settings).await?;
        Ok(TenantDb::new(tenant_id, conn).read_only(true))
    }

    /// The raw writer connection of a shard, for whole-shard work (migrations, moving
    /// tenants). Page code never calls this: it gets a [`TenantDb`].
    pub async fn shard_connection(&self, shard_id: Uuid) -> Result<DatabaseConnection, ShardError> {
        self.entry_or_reload(shard_id)
            .await?
            .writer(self.settings)
            .await
    }

    /// Connections open per shard (writer and reader pools together), by name: pools are
    /// opened on first use and capped, and idle connections are closed, so this stays
    /// bounded by the shard count whatever the number of hubs.
    pub async fn pool_sizes(&self) -> Vec<(String, u32)> {
        let entries: Vec<_> = self
            .shards
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        let size = |c: Option<&DatabaseConnection>| match c {
            None => 0,
            Some(c) => match c.get_database_backend() {
                sea_orm::DbBackend::Postgres => c.get_postgres_connection_pool().size(),
                _ => c.get_sqlite_connection_pool().size(),
            },
        };
        let mut out: Vec<_> = entries
            .iter()
            .map(|e| {
                (
                    e.info.name.clone(),
                    size(e.writer.get()) + size(e.reader.get()),
                )
            })
            .collect();
        out.sort();
        out
    }

    /// Every registered shard, by name.
    pub fn shards(&self) -> Vec<shards::Model> {
        let mut v: Vec<_> = self
            .shards
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .map(|e| e.info.clone())
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }
}
