//! Hot hub configuration (branding, switches), memoized in process with bounded staleness
//! instead of read from the shard on every request. Keyed by tenant id, so no entry can
//! ever be served to another tenant.
use super::hosts::ResolvedTenant;
use crate::db::tenant::hub_settings;
use crate::db::TenantDb;
use crate::domain::BrandColor;
use crate::web::site_view::HubView;
use moka::future::Cache;
use sea_orm::DbErr;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Colour used when a hub has none stored (or a bad one).
pub const DEFAULT_BRAND_COLOR: &str = "#4f46e5";

pub struct HubConfigCache {
    cache: Cache<Uuid, Arc<HubView>>,
}

impl HubConfigCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(10_000)
                .time_to_live(ttl)
                .build(),
        }
    }

    /// The hub's branding; read from its shard when not cached. Errors are not cached, so a
    /// shard that comes back is used again at once.
    pub async fn get(&self, tenant: &ResolvedTenant, db: &TenantDb) -> Result<Arc<HubView>, DbErr> {
        self.cache
            .try_get_with(tenant.id, load(tenant, db))
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))
    }

    /// Forgets one hub's entry (after its settings changed in this process).
    pub async fn invalidate(&self, tenant_id: Uuid) {
        self.cache.invalidate(&tenant_id).await;
    }
}

async fn load(tenant: &ResolvedTenant, db: &TenantDb) -> Result<Arc<HubView>, DbErr> {
    let row = db.select::<hub_settings::Entity>().one().await?;
    // A tenant whose settings row is missing (created, then interrupted before its shard
    // write) still renders, with its directory name and the default colour.
    let (name, tagline, color, logo_url, invite_only) = match row {
        Some(s) => (s.name, s.tagline, s.brand_color, s.logo_url, s.invite_only),
        None => (
            tenant.name.clone(),
            String::new(),
            String::new(),
            None,
            false,
        ),
    };
    let color = BrandColor::parse(&color)
        .or_else(|_| BrandColor::parse(DEFAULT_BRAND_COLOR))
        .expect("the default colour is valid");
    Ok(Arc::new(HubView {
        slug: tenant.slug.clone(),
        name,
        tagline,
        brand_contrast: color.contrast_text().to_string(),
        brand_color: color.as_str().to_string(),
        logo_url,
        invite_only,
    }))
}
