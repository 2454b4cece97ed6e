//! Loaders of the accounts pages (data only; the forms post to [`super::handlers`]). They
//! run on the server while the page renders.
use super::{AccountView, HubLink};
use crate::web::flash::Flash;
use crate::web::site_view::HubView;
use crate::web::AppError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountHome {
    pub account: Option<AccountView>,
    pub hubs: Vec<HubLink>,
}

/// `/` on the accounts host: who is signed in, and their hubs.
pub async fn load_account_home() -> Result<AccountHome, AppError> {
    use crate::db::global::{domains, memberships, tenants};
    use crate::web::context::request_ctx;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    let ctx = request_ctx()?;
    ctx.require_accounts()?;
    let Some(user) = ctx.user().await? else {
        return Ok(AccountHome {
            account: None,
            hubs: vec![],
        });
    };
    let global = ctx.state.registry.global();
    let tenant_ids: Vec<_> = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user.id))
        .all(global)
        .await?
        .into_iter()
        .map(|m| m.tenant_id)
        .collect();
    let hubs = tenants::Entity::find()
        .filter(tenants::Column::Id.is_in(tenant_ids.clone()))
        .filter(tenants::Column::Status.eq(tenants::STATUS_ACTIVE))
        .order_by_asc(tenants::Column::Name)
        .all(global)
        .await?;
    // A hub's primary verified custom domain, where it has one.
    let primary = domains::Entity::find()
        .filter(domains::Column::TenantId.is_in(tenant_ids))
        .filter(domains::Column::IsPrimary.eq(true))
        .filter(domains::Column::VerifiedAt.is_not_null())
        .all(global)
        .await?;
    let config = &ctx.state.config;
    let hubs = hubs
        .into_iter()
        .map(|t| {
            let host = primary
                .iter()
                .find(|d| d.tenant_id == t.id)
                .map(|d| d.host.clone())
                .unwrap_or_else(|| format!("{}.{}", t.slug, config.root_domain));
            HubLink {
                name: t.name,
                url: config.url_for_host(&host),
            }
        })
        .collect();
    Ok(AccountHome {
        account: Some((&user).into()),
        hubs,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthPage {
    /// The hub the visitor is signing in to, for its name and colour.
    pub hub: Option<HubView>,
    pub flash: Option<Flash>,
    pub account: Option<AccountView>,
}

/// Data of the sign-in, sign-up and password pages: the form's flash and, inside an SSO
/// round trip, the hub's branding.
pub async fn load_auth_page(form: String, host: Option<String>) -> Result<AuthPage, AppError> {
    use crate::sso::handlers::verify_hub_host;
    use crate::web::context::request_ctx;

    let ctx = request_ctx()?;
    ctx.require_accounts()?;
    let hub = match host {
        Some(h) => match verify_hub_host(&ctx.state, &h).await {
            Some((tenant, _)) => match ctx
                .state
                .registry
                .tenant_db(tenant.id, tenant.shard_id)
                .await
            {
                Ok(db) => ctx
                    .state
                    .hub_config
                    .get(&tenant, &db)
                    .await
                    .ok()
                    .map(|v| (*v).clone()),
                Err(_) => None,
            },
            None => None,
        },
        None => None,
    };
    let account = ctx.user().await?.as_ref().map(AccountView::from);
    Ok(AuthPage {
        hub,
        flash: ctx.flash(&form).await,
        account,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailView {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub created_at: String,
    pub message_id: Option<String>,
}

/// The development mail viewer: the latest messages. It holds every tenant's reset and
/// invitation links, so it exists only when `RALLY_MAIL_VIEWER` is on (development), and
/// only for a platform operator; to anyone else it is not there at all (404).
pub async fn dev_mail() -> Result<Vec<MailView>, AppError> {
    use crate::web::context::request_ctx;

    let ctx = request_ctx()?;
    ctx.require_accounts()?;
    if !ctx.state.config.mail_viewer {
        return Err(AppError::NotFound);
    }
    if !ctx.user().await?.is_some_and(|u| u.is_platform_operator) {
        return Err(AppError::NotFound);
    }
    let rows = crate::mail::outbox::recent(&ctx.state.registry, 50).await?;
    Ok(rows
        .into_iter()
        .map(|m| MailView {
            to: m.to_address,
            subject: m.subject,
            body: m.body_text,
            status: m.status.to_string(),
            created_at: m.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            message_id: m.message_id,
        })
        .collect())
}
