//! Loader of `/admin/domains` (runs on the server while the page renders).
use crate::web::flash::Flash;
use crate::web::AppError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRow {
    pub id: String,
    pub host: String,
    pub verified: bool,
    /// Verified, but its record was missing at the last look-up.
    pub failing: bool,
    pub primary: bool,
    /// The TXT record to publish: its name and value.
    pub record_name: String,
    pub token: String,
    /// "The record was last found on …" / "missing since …".
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainsPage {
    /// `<slug>.<root>`, always served.
    pub subdomain: String,
    pub subdomain_primary: bool,
    pub rows: Vec<DomainRow>,
    pub flash: Option<Flash>,
    /// What was typed into "Add a domain" after an error.
    pub typed: String,
}

/// `/admin/domains` (hub admins).
pub async fn load_domains() -> Result<DomainsPage, AppError> {
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;
    let (ctx, _) = hub_with_role(Role::Admin).await?;
    let hub = ctx.hub()?;
    let list = super::service::list(ctx.state.registry.global(), hub.tenant.id).await?;
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let rows: Vec<DomainRow> = list
        .into_iter()
        .map(|d| DomainRow {
            id: d.id.to_string(),
            record_name: super::service::record_name(&d.host),
            status: match (d.verified_at, d.failing_since, d.checked_at) {
                (Some(_), Some(since), _) => format!(
                    "Verified, but the record has been missing since {}; the domain stops working when the grace period ends",
                    fmt(since)
                ),
                (Some(at), None, _) => format!("Verified {}", fmt(at)),
                (None, _, Some(at)) => format!("Not verified: the record was not found at {}", fmt(at)),
                (None, _, None) => "Not verified yet".to_string(),
            },
            verified: d.verified_at.is_some(),
            failing: d.failing_since.is_some(),
            primary: d.is_primary,
            token: d.verification_token,
            host: d.host,
        })
        .collect();
    let flash = ctx.flash("domains").await;
    Ok(DomainsPage {
        subdomain: format!("{}.{}", hub.tenant.slug, ctx.state.config.root_domain),
        subdomain_primary: !rows.iter().any(|r| r.primary),
        typed: flash.as_ref().map(|f| f.value("host")).unwrap_or_default(),
        rows,
        flash,
    })
}
