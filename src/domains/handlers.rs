//! Form posts of `/admin/domains` (hub admins). Every change is seen by this server at
//! once (its host cache is emptied) and by the others within the host cache's TTL.
use super::service::{self, DomainError, Verified};
use crate::web::context::parse_id;
use crate::web::flash::Flash;
use crate::web::guard::{Admin, Member};
use crate::web::respond::{back, FormResult};
use crate::web::{AppError, AppState};
use axum::extract::{Path, State};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

const PAGE: &str = "/admin/domains";

#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct AddForm {
    pub host: String,
}

fn refused(e: DomainError, typed: &AddForm) -> AppError {
    match e {
        DomainError::Invalid(m) | DomainError::Taken(m) => AppError::invalid(
            PAGE,
            Flash::new("domains").with_form(typed).with_error("host", m),
        ),
        DomainError::NotFound => AppError::NotFound,
        DomainError::Db(e) => e.into(),
    }
}

pub async fn add(
    State(state): State<AppState>,
    Member { hub, .. }: Member<Admin>,
    session: Session,
    Form(form): Form<AddForm>,
) -> FormResult {
    let global = state.registry.global();
    let d = service::add(
        global,
        &state.config.root_domain,
        hub.tenant.id,
        &form.host,
        false,
    )
    .await
    .map_err(|e| refused(e, &form))?;
    let flash = Flash::notice(
        "domains",
        format!(
            "Added {}. Publish the TXT record below, then press Verify.",
            d.host
        ),
    );
    Ok(back(&session, PAGE, flash).await)
}

/// The tenant's domain named by the path, or 404 (another tenant's id included).
async fn own_domain(
    state: &AppState,
    tenant_id: uuid::Uuid,
    id: &str,
) -> Result<crate::db::global::domains::Model, AppError> {
    let id = parse_id(id)?;
    service::list(state.registry.global(), tenant_id)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(AppError::NotFound)
}

pub async fn verify(
    State(state): State<AppState>,
    Member { hub, .. }: Member<Admin>,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    let d = own_domain(&state, hub.tenant.id, &id).await?;
    let grace = chrono::Duration::hours(state.config.domain_grace_hours as i64);
    let outcome = service::verify(
        state.registry.global(),
        state.config.dns_resolver,
        &d,
        grace,
    )
    .await;
    let flash = match outcome {
        Ok(Verified::Yes) => {
            state.tenants.invalidate_all();
            Flash::notice(
                "domains",
                format!("{} is verified and now leads to this hub.", d.host),
            )
        }
        Ok(Verified::No { found, lapsed }) => {
            if lapsed {
                state.tenants.invalidate_all();
            }
            let seen = if found.is_empty() {
                "no TXT record was found there".to_string()
            } else {
                format!(
                    "it holds {}",
                    found
                        .iter()
                        .map(|v| format!("“{v}”"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let record = service::record_name(&d.host);
            let message = if lapsed {
                format!("{record} has been missing for longer than the grace period ({seen}): {} no longer leads to this hub. Publish the record again, then verify.", d.host)
            } else if d.verified_at.is_some() {
                format!("{record} is missing ({seen}). {} keeps working until the grace period ends; publish the record again.", d.host)
            } else {
                format!("{record} is not verified yet: {seen}. Publish the record exactly as shown (DNS changes can take a few minutes), then try again.")
            };
            Flash::new("domains").with_error("form", message)
        }
        Err(e) => {
            tracing::warn!(host = %d.host, error = %e, "domain verification look-up failed");
            Flash::new("domains").with_error(
                "form",
                "The DNS look-up failed; nothing changed. Please try again in a minute.",
            )
        }
    };
    Ok(back(&session, PAGE, flash).await)
}

pub async fn make_primary(
    State(state): State<AppState>,
    Member { hub, .. }: Member<Admin>,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    let (target, label) = if id == "subdomain" {
        (
            None,
            format!("{}.{}", hub.tenant.slug, state.config.root_domain),
        )
    } else {
        let d = own_domain(&state, hub.tenant.id, &id).await?;
        (Some(d.id), d.host)
    };
    match service::set_primary(state.registry.global(), hub.tenant.id, target).await {
        Ok(()) => {}
        Err(DomainError::Invalid(m)) => {
            return Err(AppError::invalid(
                PAGE,
                Flash::new("domains").with_error("form", m),
            ))
        }
        Err(e) => return Err(refused(e, &AddForm::default())),
    }
    state.tenants.invalidate_all();
    let flash = Flash::notice(
        "domains",
        format!("{label} is now the hub's address; the others lead there."),
    );
    Ok(back(&session, PAGE, flash).await)
}

pub async fn remove(
    State(state): State<AppState>,
    Member { hub, .. }: Member<Admin>,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    let d = own_domain(&state, hub.tenant.id, &id).await?;
    service::remove(state.registry.global(), hub.tenant.id, d.id)
        .await
        .map_err(|e| refused(e, &AddForm::default()))?;
    state.tenants.invalidate_all();
    Ok(back(
        &session,
        PAGE,
        Flash::notice("domains", format!("Removed {}.", d.host)),
    )
    .await)
}
