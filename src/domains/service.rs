//! Custom domains: add, verify through DNS, choose the primary host, remove, and the daily
//! re-check. Used by the hub admins' page and by the operators' CLI alike.
//!
//! Only a verified domain routes (`web::hosts` asks for `verified_at`); the subdomain
//! `<slug>.<root>` always routes and needs no row. One host is primary: the verified
//! custom domain marked so, else the subdomain; the others answer 301 to it.
use crate::db::config_generation::bump;
use crate::db::global::{domains, tenants, users};
use crate::db::tenant::contacts;
use crate::db::{is_unique_violation, new_id, now, ShardRegistry};
use crate::domain::{ContactStatus, HostName, Role};
use crate::mail::outbox::{self, NewMail};
use crate::web::dns;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use std::net::SocketAddr;
use uuid::Uuid;

/// The DNS name whose TXT record proves ownership of `host`.
pub fn record_name(host: &str) -> String {
    format!("_rally.{host}")
}

/// How often a verified domain is looked up again.
pub const RECHECK_EVERY_HOURS: i64 = 24;
/// Custom domains one hub may have.
pub const MAX_PER_HUB: u64 = 20;
/// How long a claim on a name that was never verified keeps another hub from adding it.
pub const UNVERIFIED_CLAIM_HOURS: i64 = 24;

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Refused input, said for the person who typed it.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Taken(String),
    #[error("there is no such domain")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A random token the customer publishes in DNS to prove they own the domain.
fn verification_token() -> String {
    format!("rally-{}", hex::encode(rand::random::<[u8; 16]>()))
}

/// The tenant's custom domains, oldest first.
pub async fn list(
    global: &DatabaseConnection,
    tenant_id: Uuid,
) -> Result<Vec<domains::Model>, DbErr> {
    domains::Entity::find()
        .filter(domains::Column::TenantId.eq(tenant_id))
        .filter(domains::Column::Kind.eq(domains::KIND_CUSTOM))
        .order_by_asc(domains::Column::CreatedAt)
        .all(global)
        .await
}

/// Adds a custom domain to a tenant, unverified unless `verified` (an operator vouching
/// for it from the CLI).
pub async fn add(
    global: &DatabaseConnection,
    root_domain: &str,
    tenant_id: Uuid,
    host: &str,
    verified: bool,
) -> Result<domains::Model, DomainError> {
    let host = HostName::parse(host)
        .map_err(|e| DomainError::Invalid(format!("'{}': {e}", host.trim())))?;
    let h = host.as_str();
    if h == root_domain || h.ends_with(&format!(".{root_domain}")) {
        return Err(DomainError::Invalid(format!(
            "'{h}' is under {root_domain}; the hub is already reached there by its own name"
        )));
    }
    if h.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(DomainError::Invalid(format!(
            "'{h}' is an address, not a domain name"
        )));
    }
    if !h.contains('.') {
        return Err(DomainError::Invalid(format!(
            "'{h}' is not a full domain name such as hub.example.com"
        )));
    }
    let count = domains::Entity::find()
        .filter(domains::Column::TenantId.eq(tenant_id))
        .filter(domains::Column::Kind.eq(domains::KIND_CUSTOM))
        .count(global)
        .await?;
    if count >= MAX_PER_HUB {
        return Err(DomainError::Invalid(format!(
            "a hub can have at most {MAX_PER_HUB} custom domains; remove one first"
        )));
    }
    // A name is held only by proving it. Another hub's claim that was never verified
    // lapses after a day, so nobody can squat on a domain by merely adding it.
    if let Some(claim) = domains::Entity::find()
        .filter(domains::Column::Host.eq(h))
        .one(global)
        .await?
    {
        let stale = claim.verified_at.is_none()
            && claim.tenant_id != tenant_id
            && claim.created_at <= now() - Duration::hours(UNVERIFIED_CLAIM_HOURS);
        if stale {
            domains::Entity::delete_by_id(claim.id).exec(global).await?;
        }
    }
    let row = domains::ActiveModel {
        id: Set(new_id()),
        host: Set(h.to_string()),
        tenant_id: Set(tenant_id),
        kind: Set(domains::KIND_CUSTOM),
        verification_token: Set(verification_token()),
        verified_at: Set(verified.then(now)),
        is_primary: Set(false),
        created_at: Set(now()),
        checked_at: Set(None),
        failing_since: Set(None),
    }
    .insert(global)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            DomainError::Taken(format!("'{h}' is already in use"))
        } else {
            DomainError::from(e)
        }
    })?;
    bump(global).await?;
    Ok(row)
}

pub async fn find_host(
    global: &DatabaseConnection,
    host: &str,
) -> Result<Option<domains::Model>, DbErr> {
    let host = HostName::parse(host)
        .map(|h| h.as_str().to_string())
        .unwrap_or_default();
    domains::Entity::find()
        .filter(domains::Column::Host.eq(host))
        .filter(domains::Column::Kind.eq(domains::KIND_CUSTOM))
        .one(global)
        .await
}

/// What a "Verify" found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    Yes,
    /// The record is missing or holds other values (listed, for the admin to compare).
    /// `lapsed`: the domain was verified, its record has been gone for the grace period,
    /// and it is unverified now.
    No {
        found: Vec<String>,
        lapsed: bool,
    },
}

/// What one look-up changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Applied {
    Found,
    Missing,
    Lapsed,
}

/// Writes what a look-up found, by one rule for "Verify" and the daily re-check alike:
/// found → verified, any failure cleared; missing on a verified domain → its grace period
/// starts (or goes on), and once it has lasted `grace` the domain is unverified and no
/// longer primary. Checking again never resets the grace period.
async fn apply(
    global: &DatabaseConnection,
    d: &domains::Model,
    found: bool,
    at: DateTime<Utc>,
    grace: Duration,
) -> Result<Applied, DbErr> {
    let mut row: domains::ActiveModel = d.clone().into();
    row.checked_at = Set(Some(at));
    let applied = if found {
        row.failing_since = Set(None);
        if d.verified_at.is_none() {
            row.verified_at = Set(Some(at));
        }
        Applied::Found
    } else if d.verified_at.is_none() {
        Applied::Missing
    } else {
        let since = d.failing_since.unwrap_or(at);
        if at - since >= grace {
            row.verified_at = Set(None);
            row.is_primary = Set(false);
            row.failing_since = Set(None);
            Applied::Lapsed
        } else {
            row.failing_since = Set(Some(since));
            Applied::Missing
        }
    };
    row.update(global).await?;
    // Newly verified or lapsed: routing changed, every server must follow.
    if applied == Applied::Lapsed || (applied == Applied::Found && d.verified_at.is_none()) {
        bump(global).await?;
    }
    Ok(applied)
}

/// Looks the domain's TXT record up now and applies what it found (see [`apply`]). A
/// failed look-up (resolver down) is an error, not a "no", and changes nothing.
pub async fn verify(
    global: &DatabaseConnection,
    resolver: Option<SocketAddr>,
    domain: &domains::Model,
    grace: Duration,
) -> Result<Verified, VerifyError> {
    let found = dns::txt_records(resolver, &record_name(&domain.host)).await?;
    let ok = found.iter().any(|v| v.trim() == domain.verification_token);
    Ok(match apply(global, domain, ok, now(), grace).await? {
        Applied::Found => Verified::Yes,
        Applied::Missing => Verified::No {
            found,
            lapsed: false,
        },
        Applied::Lapsed => Verified::No {
            found,
            lapsed: true,
        },
    })
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Dns(#[from] dns::DnsError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Makes a verified domain the tenant's primary host (`None`: the subdomain is).
pub async fn set_primary(
    global: &DatabaseConnection,
    tenant_id: Uuid,
    domain_id: Option<Uuid>,
) -> Result<(), DomainError> {
    let tx = global.begin().await?;
    if let Some(id) = domain_id {
        let d = domains::Entity::find_by_id(id)
            .filter(domains::Column::TenantId.eq(tenant_id))
            .one(&tx)
            .await?
            .ok_or(DomainError::NotFound)?;
        if d.verified_at.is_none() {
            return Err(DomainError::Invalid(format!(
                "verify {} before making it the primary address",
                d.host
            )));
        }
    }
    domains::Entity::update_many()
        .col_expr(domains::Column::IsPrimary, Expr::value(false))
        .filter(domains::Column::TenantId.eq(tenant_id))
        .exec(&tx)
        .await?;
    if let Some(id) = domain_id {
        domains::Entity::update_many()
            .col_expr(domains::Column::IsPrimary, Expr::value(true))
            .filter(domains::Column::Id.eq(id))
            .exec(&tx)
            .await?;
    }
    tx.commit().await?;
    bump(global).await?;
    Ok(())
}

/// Removes one of the tenant's custom domains.
pub async fn remove(
    global: &DatabaseConnection,
    tenant_id: Uuid,
    domain_id: Uuid,
) -> Result<domains::Model, DomainError> {
    let d = domains::Entity::find_by_id(domain_id)
        .filter(domains::Column::TenantId.eq(tenant_id))
        .filter(domains::Column::Kind.eq(domains::KIND_CUSTOM))
        .one(global)
        .await?
        .ok_or(DomainError::NotFound)?;
    domains::Entity::delete_by_id(d.id).exec(global).await?;
    bump(global).await?;
    Ok(d)
}

/// What one re-check did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recheck {
    pub checked: usize,
    /// Hosts whose record is missing, still within the grace period.
    pub failing: Vec<String>,
    /// Hosts unverified now (they stop routing); their hubs' admins were mailed.
    pub unverified: Vec<String>,
}

/// Looks up every domain verified through DNS and not checked for a day (as of `now`), and
/// applies what it finds (see [`apply`]); the admins of a hub whose domain lapses are
/// mailed. A look-up that fails (resolver down) changes nothing.
pub async fn recheck_due(
    registry: &ShardRegistry,
    resolver: Option<SocketAddr>,
    grace: Duration,
    now: DateTime<Utc>,
) -> Result<Recheck, DbErr> {
    let global = registry.global();
    let due = domains::Entity::find()
        .filter(domains::Column::Kind.eq(domains::KIND_CUSTOM))
        .filter(domains::Column::VerifiedAt.is_not_null())
        // Only domains verified through DNS have been checked: one an operator vouched for
        // (`rally domain add --verified`) has no record to look for.
        .filter(domains::Column::CheckedAt.lte(now - Duration::hours(RECHECK_EVERY_HOURS)))
        .all(global)
        .await?;
    let mut report = Recheck::default();
    for d in due {
        // Claim this check: of several servers, the one that moves `checked_at` first
        // does it (and mails, if it comes to that); the others skip it.
        let claimed = domains::Entity::update_many()
            .col_expr(domains::Column::CheckedAt, Expr::value(now))
            .filter(domains::Column::Id.eq(d.id))
            .filter(domains::Column::CheckedAt.eq(d.checked_at))
            .exec(global)
            .await?
            .rows_affected
            == 1;
        if !claimed {
            continue;
        }
        let found = match dns::txt_records(resolver, &record_name(&d.host)).await {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(host = %d.host, error = %e, "re-checking a domain: look-up failed");
                continue;
            }
        };
        report.checked += 1;
        let ok = found.iter().any(|v| v.trim() == d.verification_token);
        match apply(global, &d, ok, now, grace).await {
            Ok(Applied::Found) => {}
            Ok(Applied::Missing) => report.failing.push(d.host),
            Ok(Applied::Lapsed) => {
                tracing::warn!(host = %d.host, "domain unverified: its TXT record is gone");
                if let Err(e) = mail_admins(registry, &d).await {
                    tracing::warn!(host = %d.host, error = %e, "could not mail the hub's admins");
                }
                report.unverified.push(d.host);
            }
            // Removed meanwhile, or the database hiccupped: the next round sees it.
            Err(e) => tracing::warn!(host = %d.host, error = %e, "re-checking a domain failed"),
        }
    }
    Ok(report)
}

/// Tells a hub's admins that one of its domains stopped routing.
async fn mail_admins(registry: &ShardRegistry, d: &domains::Model) -> Result<(), DbErr> {
    let global = registry.global();
    let Some(tenant) = tenants::Entity::find_by_id(d.tenant_id).one(global).await? else {
        return Ok(());
    };
    let db = registry
        .tenant_db(tenant.id, tenant.shard_id)
        .await
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    let admins: Vec<Uuid> = db
        .select::<contacts::Entity>()
        .filter(contacts::Column::Role.eq(Role::Admin))
        .filter(contacts::Column::Status.eq(ContactStatus::Active))
        .all()
        .await?
        .into_iter()
        .map(|c| c.user_id)
        .collect();
    let emails = users::Entity::find()
        .filter(users::Column::Id.is_in(admins))
        .all(global)
        .await?;
    let body = format!(
        "The DNS record that proves {name} owns {host} is gone:\n\n  {record} TXT \"{token}\"\n\n\
         {host} no longer leads to the hub. Publish the record again, then press Verify on the \
         hub's Domains page.\n",
        name = tenant.name,
        host = d.host,
        record = record_name(&d.host),
        token = d.verification_token,
    );
    for u in emails {
        outbox::queue(
            global,
            NewMail {
                tenant_id: Some(tenant.id),
                to: &u.email,
                subject: &format!("{} no longer leads to {}", d.host, tenant.name),
                body: body.clone(),
                request_id: None,
            },
        )
        .await?;
    }
    Ok(())
}
