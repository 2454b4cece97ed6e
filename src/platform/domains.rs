//! Custom domains. A hub's own subdomain needs no row: `<slug>.<root>` is resolved by slug.
use super::{tenants::find_by_slug, OpError};
use crate::db::global::domains;
use crate::db::{is_unique_violation, new_id, now, ShardRegistry};
use crate::domain::HostName;
use sea_orm::{ActiveModelTrait, Set};

/// A random token the customer would publish in DNS to prove ownership.
fn verification_token() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Adds a custom domain to a tenant. `verified` is true when an operator adds it (the CLI):
/// they vouch for it; self-service domains start unverified and serve nothing until
/// verified.
pub async fn add_custom(
    registry: &ShardRegistry,
    root_domain: &str,
    slug: &str,
    host: &str,
    verified: bool,
) -> Result<domains::Model, OpError> {
    let host = HostName::parse(host).map_err(|e| OpError::invalid(e.to_string()))?;
    let h = host.as_str();
    if h == root_domain || h.ends_with(&format!(".{root_domain}")) {
        return Err(OpError::invalid(format!(
            "'{h}' is under the root domain {root_domain}; hubs there are reached by their slug"
        )));
    }
    if h.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(OpError::invalid(format!(
            "'{h}' is an address, not a domain name"
        )));
    }
    let tenant = find_by_slug(registry, slug)
        .await?
        .ok_or_else(|| OpError::invalid(format!("there is no tenant with slug '{slug}'")))?;
    domains::ActiveModel {
        id: Set(new_id()),
        host: Set(h.to_string()),
        tenant_id: Set(tenant.id),
        kind: Set(domains::KIND_CUSTOM),
        verification_token: Set(verification_token()),
        verified_at: Set(verified.then(now)),
        is_primary: Set(false),
        created_at: Set(now()),
    }
    .insert(registry.global())
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            OpError::Taken(format!("the host '{h}' is already in use"))
        } else {
            e.into()
        }
    })
}
