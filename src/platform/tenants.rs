//! Creating tenants. The global row is written first, then the hub's settings on its
//! shard; the shard write is idempotent, and a hub without settings still renders (with its
//! directory name), so a crash in between leaves nothing broken.
use super::{shards::tenant_counts, OpError};
use crate::db::global::shards::{self, ShardStatus};
use crate::db::global::tenants;
use crate::db::tenant::hub_settings;
use crate::db::{is_unique_violation, new_id, now, ShardRegistry, TenantDb};
use crate::domain::{BrandColor, TenantSlug};
use crate::web::hub_config::DEFAULT_BRAND_COLOR;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

/// Branding a new hub starts with.
#[derive(Debug, Clone)]
pub struct HubDefaults {
    pub tagline: String,
    pub brand_color: String,
}

impl Default for HubDefaults {
    fn default() -> Self {
        Self {
            tagline: String::new(),
            brand_color: DEFAULT_BRAND_COLOR.into(),
        }
    }
}

fn check_name(raw: &str) -> Result<String, OpError> {
    let name = raw.trim();
    match name.chars().count() {
        0 => Err(OpError::invalid("a hub name cannot be empty")),
        1..=100 => Ok(name.to_string()),
        _ => Err(OpError::invalid("a hub name can be at most 100 characters")),
    }
}

/// Picks the shard for a new tenant: the one named, or the active shard with the fewest
/// tenants (ties broken by name).
async fn choose_shard(
    registry: &ShardRegistry,
    wanted: Option<&str>,
) -> Result<shards::Model, OpError> {
    let global = registry.global();
    if let Some(name) = wanted {
        let shard = shards::Entity::find()
            .filter(shards::Column::Name.eq(name))
            .one(global)
            .await?
            .ok_or_else(|| OpError::invalid(format!("there is no shard named '{name}'")))?;
        if shard.status != ShardStatus::Active {
            return Err(OpError::invalid(format!(
                "shard '{name}' is {} and takes no new tenants",
                shard.status
            )));
        }
        return Ok(shard);
    }
    let counts = tenant_counts(global).await?;
    shards::Entity::find()
        .filter(shards::Column::Status.eq(ShardStatus::Active))
        .order_by_asc(shards::Column::Name)
        .all(global)
        .await?
        .into_iter()
        .min_by_key(|s| counts.get(&s.id).copied().unwrap_or(0))
        .ok_or_else(|| OpError::invalid("there is no active shard; add one with `rally shard add`"))
}

/// Creates a tenant and its hub settings.
pub async fn create(
    registry: &ShardRegistry,
    slug: &str,
    name: &str,
    shard: Option<&str>,
    defaults: HubDefaults,
) -> Result<tenants::Model, OpError> {
    let slug = TenantSlug::parse(slug).map_err(|e| OpError::invalid(e.to_string()))?;
    let name = check_name(name)?;
    let color =
        BrandColor::parse(&defaults.brand_color).map_err(|e| OpError::invalid(e.to_string()))?;
    let shard = choose_shard(registry, shard).await?;
    let tenant = tenants::ActiveModel {
        id: Set(new_id()),
        slug: Set(slug.to_string()),
        name: Set(name.clone()),
        shard_id: Set(shard.id),
        status: Set(tenants::STATUS_ACTIVE),
        mail_suppressed: Set(false),
        spam_score: Set(0),
        debug_logging_until: Set(None),
        created_at: Set(now()),
    }
    .insert(registry.global())
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            OpError::Taken(format!("the slug '{slug}' is already taken"))
        } else {
            e.into()
        }
    })?;
    let db = registry.tenant_db(tenant.id, tenant.shard_id).await?;
    ensure_hub_settings(&db, &name, &defaults.tagline, color.as_str()).await?;
    // Its host may be remembered as "no such hub" by every server.
    crate::db::config_generation::bump(registry.global()).await?;
    Ok(tenant)
}

/// Writes the hub's settings row unless it exists (idempotent; safe to repeat after a
/// crash).
pub async fn ensure_hub_settings(
    db: &TenantDb,
    name: &str,
    tagline: &str,
    color: &str,
) -> Result<(), OpError> {
    let row = hub_settings::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(db.tenant_id()),
        name: Set(name.to_string()),
        tagline: Set(tagline.to_string()),
        brand_color: Set(color.to_string()),
        logo_url: Set(None),
        welcome_text: Set(String::new()),
        accent_color: Set(None),
        logo_key: Set(None),
        favicon_key: Set(None),
        signin_text: Set(String::new()),
        signin_image_key: Set(None),
        invite_only: Set(false),
        updated_at: Set(now()),
    };
    match db.insert(row).await {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

pub async fn find_by_slug(
    registry: &ShardRegistry,
    slug: &str,
) -> Result<Option<tenants::Model>, OpError> {
    Ok(tenants::Entity::find()
        .filter(tenants::Column::Slug.eq(slug.trim()))
        .one(registry.global())
        .await?)
}

/// Every tenant with its shard's name, by slug.
pub async fn list(registry: &ShardRegistry) -> Result<Vec<(tenants::Model, String)>, OpError> {
    let shard_names: std::collections::HashMap<_, _> = registry
        .shards()
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let rows = tenants::Entity::find()
        .order_by_asc(tenants::Column::Slug)
        .all(registry.global())
        .await?;
    Ok(rows
        .into_iter()
        .map(|t| {
            let shard = shard_names
                .get(&t.shard_id)
                .cloned()
                .unwrap_or_else(|| "?".into());
            (t, shard)
        })
        .collect())
}

/// The operator's mail switches for a hub: suppress its mail outright, and its spam score
/// (0–100; at or above `RALLY_SPAM_THRESHOLD` its mail is suppressed too). `None` leaves a
/// switch as it is. Returns the tenant as it is now.
pub async fn set_mail(
    registry: &ShardRegistry,
    slug: &str,
    suppressed: Option<bool>,
    spam_score: Option<i64>,
) -> Result<tenants::Model, OpError> {
    let tenant = existing(registry, slug).await?;
    if let Some(score) = spam_score {
        if !(0..=100).contains(&score) {
            return Err(OpError::invalid("a spam score is a number from 0 to 100"));
        }
    }
    let mut row: tenants::ActiveModel = tenant.into();
    if let Some(s) = suppressed {
        row.mail_suppressed = Set(s);
    }
    if let Some(score) = spam_score {
        row.spam_score = Set(score);
    }
    let tenant = row.update(registry.global()).await?;
    crate::db::config_generation::bump(registry.global()).await?;
    Ok(tenant)
}

/// Switches a hub's debug logging on until `until` (`None`: off now). Every server
/// follows within a second or two (`db::debug_log`), and it ends by itself.
pub async fn set_debug_until(
    registry: &ShardRegistry,
    slug: &str,
    until: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<tenants::Model, OpError> {
    let tenant = existing(registry, slug).await?;
    let mut row: tenants::ActiveModel = tenant.into();
    row.debug_logging_until = Set(until);
    let tenant = row.update(registry.global()).await?;
    crate::db::config_generation::bump(registry.global()).await?;
    Ok(tenant)
}

/// Suspends a hub (its members see a page saying so), rests it for maintenance (503 to
/// everyone), or makes it active again. Every server follows within a second.
pub async fn set_status(
    registry: &ShardRegistry,
    slug: &str,
    status: tenants::TenantStatus,
) -> Result<tenants::Model, OpError> {
    let tenant = existing(registry, slug).await?;
    let mut row: tenants::ActiveModel = tenant.into();
    row.status = Set(status);
    let tenant = row.update(registry.global()).await?;
    crate::db::config_generation::bump(registry.global()).await?;
    Ok(tenant)
}

/// Tenants whose slug or name contains `query` (case-insensitive), with their shard's
/// name; all of them for an empty query. At most `limit`.
pub async fn search(
    registry: &ShardRegistry,
    query: &str,
    limit: usize,
) -> Result<Vec<(tenants::Model, String)>, OpError> {
    let q = query.trim().to_lowercase();
    Ok(list(registry)
        .await?
        .into_iter()
        .filter(|(t, _)| q.is_empty() || t.slug.contains(&q) || t.name.to_lowercase().contains(&q))
        .take(limit)
        .collect())
}

/// The tenant with this slug, or the operator's error naming it.
async fn existing(registry: &ShardRegistry, slug: &str) -> Result<tenants::Model, OpError> {
    find_by_slug(registry, slug)
        .await?
        .ok_or_else(|| OpError::invalid(format!("there is no tenant with slug '{slug}'")))
}
