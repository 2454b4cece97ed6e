//! Loader of `/admin/api` (runs on the server while the page renders).
use crate::web::flash::Flash;
use crate::web::AppError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRow {
    pub id: String,
    /// "Shared secret (HS256)" or "Ed25519 public key (EdDSA)".
    pub kind: String,
    pub created: String,
    pub last_used: String,
    pub revoked: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    /// The JWT `iss` the client signs with.
    pub issuer: String,
    pub scopes: Vec<String>,
    pub last_used: String,
    pub keys: Vec<KeyRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTypeRow {
    pub id: String,
    pub key: String,
    /// "25 points" or "Completes “Attend a webinar” (50 points)".
    pub effect: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiPage {
    pub clients: Vec<ClientRow>,
    /// Every scope: its name and label.
    pub scopes: Vec<(String, String)>,
    pub event_types: Vec<EventTypeRow>,
    /// The hub's challenges (id, title), for mapping an event type to one.
    pub challenges: Vec<(String, String)>,
    pub audit: Vec<AuditRow>,
    /// `http(s)://api.<root>`: where the API, its OpenAPI document and reference are.
    pub api_base: String,
    pub flash: Option<Flash>,
}

/// `/admin/api` (hub admins).
pub async fn load_api_admin() -> Result<ApiPage, AppError> {
    use crate::db::tenant::{api_clients, api_event_types, api_keys};
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;
    let (ctx, _) = hub_with_role(Role::Admin).await?;
    let hub = ctx.hub()?;
    let db = &hub.db;
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let used = |t: Option<chrono::DateTime<chrono::Utc>>| t.map_or("never".into(), fmt);
    let clients = db
        .select::<api_clients::Entity>()
        .order_by_asc(api_clients::Column::CreatedAt)
        .all()
        .await?;
    let keys = db
        .select::<api_keys::Entity>()
        .order_by_asc(api_keys::Column::CreatedAt)
        .all()
        .await?;
    let clients = clients
        .into_iter()
        .map(|c| ClientRow {
            id: c.id.to_string(),
            issuer: super::service::issuer(hub.tenant.id, c.id),
            scopes: c.scopes.split(' ').map(str::to_string).collect(),
            last_used: used(c.last_used_at),
            keys: keys
                .iter()
                .filter(|k| k.client_id == c.id)
                .map(|k| KeyRow {
                    id: k.id.to_string(),
                    kind: if k.algorithm == super::service::EDDSA {
                        "Ed25519 public key (EdDSA)".into()
                    } else {
                        "Shared secret (HS256)".into()
                    },
                    created: fmt(k.created_at),
                    last_used: used(k.last_used_at),
                    revoked: k.revoked_at.map(fmt),
                })
                .collect(),
            name: c.name,
        })
        .collect();
    let all_challenges = crate::challenges::api::all_challenges(&ctx).await?;
    let event_types = db
        .select::<api_event_types::Entity>()
        .order_by_asc(api_event_types::Column::Key)
        .all()
        .await?
        .into_iter()
        .map(|t| EventTypeRow {
            id: t.id.to_string(),
            effect: match t
                .challenge_id
                .and_then(|id| all_challenges.iter().find(|c| c.id == id))
            {
                Some(c) => format!("Completes “{}” ({} points)", c.title, c.points),
                None if t.challenge_id.is_some() => "Completes a removed challenge".into(),
                None => format!("{} points", t.points),
            },
            key: t.key,
        })
        .collect();
    let audit =
        crate::platform::audit::recent_for_hub(ctx.state.registry.global(), hub.tenant.id, 20)
            .await?
            .into_iter()
            .map(|a| AuditRow {
                at: fmt(a.created_at),
                actor: a.actor,
                action: a.action,
                target: a.target,
            })
            .collect();
    let root = &ctx.state.config.root_domain;
    Ok(ApiPage {
        clients,
        scopes: super::Scope::ALL
            .iter()
            .map(|s| (s.name().to_string(), s.label().to_string()))
            .collect(),
        event_types,
        challenges: all_challenges
            .iter()
            .map(|c| (c.id.to_string(), c.title.clone()))
            .collect(),
        audit,
        api_base: ctx.state.config.url_for_host(&format!("api.{root}")),
        flash: ctx.flash("api").await,
    })
}
