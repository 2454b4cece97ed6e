//! Custom domains from the CLI (`rally domain …`): the same rules as the hub admins'
//! page (`crate::domains::service`), by tenant slug. A hub's own subdomain needs no row:
//! `<slug>.<root>` is resolved by slug.
use super::{tenants::find_by_slug, OpError};
use crate::db::global::domains;
use crate::db::ShardRegistry;
use crate::domains::service::{self, DomainError, Verified};

impl From<DomainError> for OpError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(m) => OpError::Invalid(m),
            DomainError::Taken(m) => OpError::Taken(m),
            DomainError::NotFound => OpError::invalid("there is no such domain"),
            DomainError::Db(e) => OpError::Db(e),
        }
    }
}

/// Adds a custom domain to a tenant. `verified`: the operator vouches for it and it routes
/// at once; otherwise it waits for its TXT record, like one added on the hub's page.
pub async fn add_custom(
    registry: &ShardRegistry,
    root_domain: &str,
    slug: &str,
    host: &str,
    verified: bool,
) -> Result<domains::Model, OpError> {
    let tenant = find_by_slug(registry, slug)
        .await?
        .ok_or_else(|| OpError::invalid(format!("there is no tenant with slug '{slug}'")))?;
    Ok(service::add(registry.global(), root_domain, tenant.id, host, verified).await?)
}

async fn existing(registry: &ShardRegistry, host: &str) -> Result<domains::Model, OpError> {
    service::find_host(registry.global(), host)
        .await?
        .ok_or_else(|| OpError::invalid(format!("there is no custom domain '{}'", host.trim())))
}

/// Looks the domain's TXT record up now; `Ok(true)` when it is (now) verified.
pub async fn verify(
    registry: &ShardRegistry,
    resolver: Option<std::net::SocketAddr>,
    grace_hours: u64,
    host: &str,
) -> Result<Result<(), Vec<String>>, OpError> {
    let d = existing(registry, host).await?;
    let grace = chrono::Duration::hours(grace_hours as i64);
    match service::verify(registry.global(), resolver, &d, grace).await {
        Ok(Verified::Yes) => Ok(Ok(())),
        Ok(Verified::No { found, .. }) => Ok(Err(found)),
        Err(e) => Err(OpError::invalid(e.to_string())),
    }
}

/// Custom domains with their tenant's slug, of one tenant or all.
pub async fn list(
    registry: &ShardRegistry,
    slug: Option<&str>,
) -> Result<Vec<(String, domains::Model)>, OpError> {
    use crate::db::global::tenants;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let global = registry.global();
    let tenants: std::collections::HashMap<_, _> = tenants::Entity::find()
        .all(global)
        .await?
        .into_iter()
        .map(|t| (t.id, t.slug))
        .collect();
    let mut q = domains::Entity::find()
        .filter(domains::Column::Kind.eq(domains::KIND_CUSTOM))
        .order_by_asc(domains::Column::Host);
    if let Some(slug) = slug {
        let tenant = find_by_slug(registry, slug)
            .await?
            .ok_or_else(|| OpError::invalid(format!("there is no tenant with slug '{slug}'")))?;
        q = q.filter(domains::Column::TenantId.eq(tenant.id));
    }
    Ok(q.all(global)
        .await?
        .into_iter()
        .map(|d| (tenants.get(&d.tenant_id).cloned().unwrap_or_default(), d))
        .collect())
}

pub async fn remove(registry: &ShardRegistry, host: &str) -> Result<domains::Model, OpError> {
    let d = existing(registry, host).await?;
    Ok(service::remove(registry.global(), d.tenant_id, d.id).await?)
}
