//! Hub-wide read models (the published challenges, the activity feed, the leaderboard's
//! top, the level ladder), memoized per hub for a few seconds: every member of a hub sees
//! the same ones, so a warm page reads only what is its viewer's own. Keyed by tenant id,
//! so no entry can ever be served to another hub; a hub's entries are dropped when its
//! team changes what they show, and everywhere when the hot configuration moves.
use moka::future::Cache;
use sea_orm::DbErr;
use std::any::Any;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// How stale a hub-wide list may be (a new approval reaches the feed within this).
pub const HUB_CACHE_TTL: Duration = Duration::from_secs(3);

type Entry = Arc<dyn Any + Send + Sync>;

pub struct HubCache {
    cache: Cache<(Uuid, &'static str, String), Entry>,
    /// Moves on at each invalidation of a hub (and of all): a load that began before one
    /// is not kept, so what was read before a change is never stored after it.
    generations: std::sync::Mutex<std::collections::HashMap<Uuid, u64>>,
    everything: std::sync::atomic::AtomicU64,
}

impl Default for HubCache {
    fn default() -> Self {
        Self::new(HUB_CACHE_TTL)
    }
}

impl HubCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(50_000)
                .time_to_live(ttl)
                .support_invalidation_closures()
                .build(),
            generations: Default::default(),
            everything: Default::default(),
        }
    }

    fn generation(&self, tenant: Uuid) -> (u64, u64) {
        let hub = self
            .generations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&tenant)
            .copied()
            .unwrap_or(0);
        (
            hub,
            self.everything.load(std::sync::atomic::Ordering::SeqCst),
        )
    }

    /// The hub's `what` (in its `variant`, e.g. a month), loaded when missing. Errors are
    /// not kept.
    pub async fn get<T, F, Fut>(
        &self,
        tenant: Uuid,
        what: &'static str,
        variant: &str,
        load: F,
    ) -> Result<Arc<T>, DbErr>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, DbErr>>,
    {
        let found = self
            .get_found(tenant, what, variant, || async { load().await.map(Some) })
            .await?;
        found.ok_or_else(|| DbErr::Custom(format!("hub cache: {what} holds another type")))
    }

    /// Like [`Self::get`] for something that may be missing: only what is found is kept,
    /// so a miss is asked again next time (a member who just joined is seen at once).
    pub async fn get_found<T, F, Fut>(
        &self,
        tenant: Uuid,
        what: &'static str,
        variant: &str,
        load: F,
    ) -> Result<Option<Arc<T>>, DbErr>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<T>, DbErr>>,
    {
        let key = (tenant, what, variant.to_string());
        if let Some(entry) = self.cache.get(&key).await {
            // The key names the type: `what` is only ever stored as one `T`.
            return Ok(entry.downcast::<T>().ok());
        }
        let before = self.generation(tenant);
        let Some(found) = load().await? else {
            return Ok(None);
        };
        let found = Arc::new(found);
        if self.generation(tenant) == before {
            self.cache.insert(key, found.clone() as Entry).await;
        }
        Ok(Some(found))
    }

    /// Drops one hub's entries (its team changed something they show).
    pub fn invalidate_hub(&self, tenant: Uuid) {
        *self
            .generations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(tenant)
            .or_default() += 1;
        // Only fails when closures are not supported, which `new` sets up.
        let _ = self
            .cache
            .invalidate_entries_if(move |(t, _, _), _| *t == tenant);
    }

    pub fn invalidate_all(&self) {
        self.everything
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.cache.invalidate_all();
    }
}
