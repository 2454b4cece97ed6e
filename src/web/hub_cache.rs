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
        }
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
        let entry = self
            .cache
            .try_get_with((tenant, what, variant.to_string()), async {
                load().await.map(|v| Arc::new(v) as Entry)
            })
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        // The key names the type: `what` is only ever stored as one `T`.
        entry
            .downcast::<T>()
            .map_err(|_| DbErr::Custom(format!("hub cache: {what} holds another type")))
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
            return Ok(entry.downcast::<T>().ok());
        }
        let Some(found) = load().await? else {
            return Ok(None);
        };
        let found = Arc::new(found);
        self.cache.insert(key, found.clone() as Entry).await;
        Ok(Some(found))
    }

    /// Drops one hub's entries (its team changed something they show).
    pub fn invalidate_hub(&self, tenant: Uuid) {
        // Only fails when closures are not supported, which `new` sets up.
        let _ = self
            .cache
            .invalidate_entries_if(move |(t, _, _), _| *t == tenant);
    }

    pub fn invalidate_all(&self) {
        self.cache.invalidate_all();
    }
}
