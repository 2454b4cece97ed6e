//! Hot hub configuration (branding, switches), memoized in process with bounded staleness
//! instead of read from the shard on every request. Keyed by tenant id, so no entry can
//! ever be served to another tenant.
use super::hosts::ResolvedTenant;
use crate::db::tenant::hub_settings;
use crate::db::TenantDb;
use crate::domain::{BrandColor, Palette};
use crate::storage::signing::UrlSigner;
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
    signer: UrlSigner,
}

impl HubConfigCache {
    /// `ttl` bounds how stale a hub's branding may be on this server; it also stays well
    /// under the hour that signed image URLs outlive their signing.
    pub fn new(ttl: Duration, signer: UrlSigner) -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(ttl)
                .build(),
            signer,
        }
    }

    /// The hub's branding; read from its shard when not cached. Errors are not cached, so a
    /// shard that comes back is used again at once.
    pub async fn get(&self, tenant: &ResolvedTenant, db: &TenantDb) -> Result<Arc<HubView>, DbErr> {
        self.cache
            .try_get_with(tenant.id, load(tenant, db, &self.signer))
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))
    }

    /// Forgets every entry (hot configuration changed somewhere).
    pub fn invalidate_all(&self) {
        self.cache.invalidate_all();
    }

    /// Forgets one hub's entry (after its settings changed in this process).
    pub async fn invalidate(&self, tenant_id: Uuid) {
        self.cache.invalidate(&tenant_id).await;
    }
}

async fn load(
    tenant: &ResolvedTenant,
    db: &TenantDb,
    signer: &UrlSigner,
) -> Result<Arc<HubView>, DbErr> {
    // A tenant whose settings row is missing (created, then interrupted before its shard
    // write) still renders, with its directory name and the default colour.
    let s = db
        .select::<hub_settings::Entity>()
        .one()
        .await?
        .unwrap_or_else(|| hub_settings::Model {
            id: Uuid::nil(),
            tenant_id: tenant.id,
            name: tenant.name.clone(),
            tagline: String::new(),
            brand_color: String::new(),
            logo_url: None,
            welcome_text: String::new(),
            accent_color: None,
            logo_key: None,
            favicon_key: None,
            signin_text: String::new(),
            signin_image_key: None,
            invite_only: false,
            updated_at: chrono::Utc::now(),
        });
    let brand = BrandColor::parse(&s.brand_color)
        .or_else(|_| BrandColor::parse(DEFAULT_BRAND_COLOR))
        .expect("the default colour is valid");
    let accent = s
        .accent_color
        .as_deref()
        .and_then(|c| BrandColor::parse(c).ok());
    let now = chrono::Utc::now().timestamp();
    let url = |key: &Option<String>| key.as_ref().map(|k| signer.url(tenant.id, k, now));
    Ok(Arc::new(HubView {
        slug: tenant.slug.clone(),
        palette: Palette::derive(&brand, accent.as_ref()),
        logo_url: url(&s.logo_key),
        favicon_url: url(&s.favicon_key),
        signin_image_url: url(&s.signin_image_key),
        name: s.name,
        tagline: s.tagline,
        welcome_text: s.welcome_text,
        signin_text: s.signin_text,
        invite_only: s.invite_only,
    }))
}
