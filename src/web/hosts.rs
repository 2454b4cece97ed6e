//! Host classification and tenant resolution: the first thing every request goes through.
//!
//! [`classify`] is pure (host header + root domain → kind). [`TenantResolver`] turns a hub
//! host into a tenant through a bounded in-process cache that also remembers misses, so a
//! warm request does no global-database query and random Host headers cannot flood it.
use crate::db::global::{domains, tenants};
use crate::domain::{HostName, TenantSlug};
use moka::future::Cache;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// What a request's host serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostKind {
    /// `accounts.<root>`: sign-in, "my hubs", platform console.
    Accounts,
    /// `api.<root>`: the JSON service API.
    Api,
    /// `<root>` or `www.<root>`: redirected to the accounts host.
    Apex,
    /// `<slug>.<root>`: a hub by its subdomain (the tenant may still not exist).
    Subdomain(TenantSlug),
    /// Any other well-formed host: a hub if it is a verified custom domain.
    Custom(HostName),
    /// Malformed, an IP address, a reserved or nested subdomain: a plain 404.
    Unknown,
}

/// Classifies a raw `Host` header value against the (normalised) root domain.
pub fn classify(raw_host: &str, root: &str) -> HostKind {
    let Ok(host) = HostName::parse(raw_host) else {
        return HostKind::Unknown;
    };
    let h = host.as_str();
    if h == root {
        return HostKind::Apex;
    }
    let Some(label) = h.strip_suffix(root).and_then(|p| p.strip_suffix('.')) else {
        // Hubs are reached by name; a bare IP address is never a custom domain.
        if h.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return HostKind::Unknown;
        }
        return HostKind::Custom(host);
    };
    match label {
        "accounts" => HostKind::Accounts,
        "api" => HostKind::Api,
        "www" => HostKind::Apex,
        _ if label.contains('.') => HostKind::Unknown,
        _ => TenantSlug::parse(label)
            .map(HostKind::Subdomain)
            .unwrap_or(HostKind::Unknown),
    }
}

/// The directory facts a request needs about its tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedTenant {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub shard_id: Uuid,
    /// The verified custom domain chosen as the hub's address (`None`: its subdomain).
    /// Every other host of the hub answers 301 to it.
    pub primary_host: Option<String>,
    /// Active, suspended or in maintenance (see `web::site`).
    pub status: tenants::TenantStatus,
}

impl From<tenants::Model> for ResolvedTenant {
    fn from(t: tenants::Model) -> Self {
        Self {
            id: t.id,
            slug: t.slug,
            name: t.name,
            shard_id: t.shard_id,
            primary_host: None,
            status: t.status,
        }
    }
}

/// Host → tenant, cached. Entries (hits and misses alike) live for a short TTL, so changes
/// made by another process (the CLI) are seen within seconds; changes made in this process
/// call [`TenantResolver::invalidate_all`].
pub struct TenantResolver {
    global: DatabaseConnection,
    cache: Cache<String, Option<Arc<ResolvedTenant>>>,
    lookups: AtomicU64,
}

impl TenantResolver {
    pub fn new(global: DatabaseConnection, ttl: Duration) -> Self {
        Self {
            global,
            cache: Cache::builder()
                // Bounded, as the Host header is attacker-controlled; room for every hub of a
                // large fleet (an entry is a few hundred bytes), so a hub taken at random is
                // not a miss at 10,000 hubs.
                .max_capacity(100_000)
                .time_to_live(ttl)
                .build(),
            lookups: AtomicU64::new(0),
        }
    }

    /// The active tenant behind a hub host, or `None` (not a hub, unknown, unverified,
    /// suspended, in maintenance).
    pub async fn resolve(&self, kind: &HostKind) -> Result<Option<Arc<ResolvedTenant>>, DbErr> {
        Ok(self
            .resolve_any(kind)
            .await?
            .filter(|t| t.status == tenants::STATUS_ACTIVE))
    }

    /// The tenant behind a hub host whatever its status (host routing shows a suspended
    /// or resting hub's own page).
    pub async fn resolve_any(&self, kind: &HostKind) -> Result<Option<Arc<ResolvedTenant>>, DbErr> {
        let key = match kind {
            HostKind::Subdomain(slug) => format!("slug:{slug}"),
            HostKind::Custom(host) => format!("host:{host}"),
            _ => return Ok(None),
        };
        self.cache
            .try_get_with(key, self.lookup(kind))
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))
    }

    async fn lookup(&self, kind: &HostKind) -> Result<Option<Arc<ResolvedTenant>>, DbErr> {
        self.lookups.fetch_add(1, Ordering::Relaxed);
        let tenant = match kind {
            HostKind::Subdomain(slug) => {
                tenants::Entity::find()
                    .filter(tenants::Column::Slug.eq(slug.as_str()))
                    .one(&self.global)
                    .await?
            }
            HostKind::Custom(host) => {
                let domain = domains::Entity::find()
                    .filter(domains::Column::Host.eq(host.as_str()))
                    .filter(domains::Column::VerifiedAt.is_not_null())
                    .one(&self.global)
                    .await?;
                match domain {
                    Some(d) => {
                        tenants::Entity::find_by_id(d.tenant_id)
                            .one(&self.global)
                            .await?
                    }
                    None => None,
                }
            }
            _ => None,
        };
        let Some(tenant) = tenant else {
            return Ok(None);
        };
        let primary = domains::Entity::find()
            .filter(domains::Column::TenantId.eq(tenant.id))
            .filter(domains::Column::IsPrimary.eq(true))
            .filter(domains::Column::VerifiedAt.is_not_null())
            .one(&self.global)
            .await?;
        let mut resolved = ResolvedTenant::from(tenant);
        resolved.primary_host = primary.map(|d| d.host);
        Ok(Some(Arc::new(resolved)))
    }

    /// A tenant by its id, whatever its status (the service API finds the hub of a
    /// token's issuer this way). Cached like hosts; the primary host is not looked up.
    pub async fn resolve_id(&self, id: Uuid) -> Result<Option<Arc<ResolvedTenant>>, DbErr> {
        let key = format!("id:{id}");
        let found = self
            .cache
            .try_get_with(key.clone(), async {
                self.lookups.fetch_add(1, Ordering::Relaxed);
                let found = tenants::Entity::find_by_id(id).one(&self.global).await?;
                Ok::<_, DbErr>(found.map(|t| Arc::new(ResolvedTenant::from(t))))
            })
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        // Misses are not kept: ids come from tokens anyone can make up, and must not
        // crowd the hosts out of the cache.
        if found.is_none() {
            self.cache.invalidate(&key).await;
        }
        Ok(found)
    }

    /// Forgets every cached answer (after a domain or tenant changed in this process).
    pub fn invalidate_all(&self) {
        self.cache.invalidate_all();
    }

    /// How many times the global database was asked (for tests and metrics).
    pub fn global_lookups(&self) -> u64 {
        self.lookups.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> HostKind {
        HostKind::Subdomain(TenantSlug::parse(s).unwrap())
    }

    #[test]
    fn classifies_hosts() {
        let root = "localhost";
        assert_eq!(
            classify("accounts.localhost:3000", root),
            HostKind::Accounts
        );
        assert_eq!(classify("api.localhost", root), HostKind::Api);
        assert_eq!(classify("localhost:3000", root), HostKind::Apex);
        assert_eq!(classify("www.localhost", root), HostKind::Apex);
        assert_eq!(classify("acme.localhost:3000", root), slug("acme"));
        // Port stripped, upper case folded, trailing dot dropped.
        assert_eq!(classify("ACME.LocalHost:8080", root), slug("acme"));
        assert_eq!(classify("acme.localhost.", root), slug("acme"));
        assert_eq!(
            classify("Hub.Globex.Test:3000", root),
            HostKind::Custom(HostName::parse("hub.globex.test").unwrap())
        );
        // Reserved slugs are never tenants.
        for r in ["admin", "platform", "static", "mail", "status", "app"] {
            assert_eq!(
                classify(&format!("{r}.localhost"), root),
                HostKind::Unknown,
                "{r}"
            );
        }
        // Nested subdomains, bad labels, addresses, junk.
        assert_eq!(classify("a.acme.localhost", root), HostKind::Unknown);
        assert_eq!(classify("ab.localhost", root), HostKind::Unknown);
        assert_eq!(classify("127.0.0.1:3000", root), HostKind::Unknown);
        assert_eq!(classify("[::1]:3000", root), HostKind::Unknown);
        assert_eq!(classify("", root), HostKind::Unknown);
        assert_eq!(classify("ev il.test", root), HostKind::Unknown);
        // A look-alike suffix is not under the root.
        assert_eq!(
            classify("evillocalhost", root),
            HostKind::Custom(HostName::parse("evillocalhost").unwrap())
        );
    }

    #[test]
    fn classifies_under_a_multi_label_root() {
        let root = "rally.example";
        assert_eq!(classify("acme.rally.example", root), slug("acme"));
        assert_eq!(classify("accounts.rally.example", root), HostKind::Accounts);
        assert_eq!(classify("rally.example", root), HostKind::Apex);
        assert!(matches!(
            classify("acme.localhost", root),
            HostKind::Custom(_)
        ));
    }
}
