//! The operators' audit log: every console action and CLI command that changes the
//! platform is recorded — who, what, on what, when, and the request it came from.
use crate::db::global::audit_log;
use crate::db::{new_id, now};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

/// Who acted: an operator signed in to the console, someone at the CLI, or a hub's admin.
#[derive(Debug, Clone)]
pub enum Actor {
    Operator { id: Uuid, email: String },
    Cli,
    HubAdmin { user: Uuid, name: String },
}

impl Actor {
    /// A hub admin, by their contact in the hub.
    pub fn hub_admin(contact: &crate::db::tenant::contacts::Model) -> Self {
        Actor::HubAdmin {
            user: contact.user_id,
            name: contact
                .email
                .clone()
                .unwrap_or_else(|| contact.display_name.clone()),
        }
    }
}

pub async fn record(
    global: &DatabaseConnection,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: impl Into<String>,
    request_id: Option<String>,
) -> Result<(), DbErr> {
    write(
        global,
        None,
        actor,
        action,
        target,
        detail.into(),
        request_id,
    )
    .await
}

/// A change a hub admin made in their hub (its admins see these entries).
pub async fn record_for_hub(
    global: &DatabaseConnection,
    tenant: Uuid,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: impl Into<String>,
    request_id: Option<String>,
) -> Result<(), DbErr> {
    write(
        global,
        Some(tenant),
        actor,
        action,
        target,
        detail.into(),
        request_id,
    )
    .await
}

async fn write(
    global: &DatabaseConnection,
    tenant_id: Option<Uuid>,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: String,
    request_id: Option<String>,
) -> Result<(), DbErr> {
    let (actor_id, name) = match actor {
        Actor::Operator { id, email } => (Some(*id), email.clone()),
        Actor::Cli => (None, "cli".to_string()),
        Actor::HubAdmin { user, name } => (Some(*user), name.clone()),
    };
    audit_log::ActiveModel {
        id: Set(new_id()),
        actor_id: Set(actor_id),
        actor: Set(name),
        action: Set(action.to_string()),
        target: Set(target.to_string()),
        detail: Set(detail),
        request_id: Set(request_id),
        created_at: Set(now()),
        tenant_id: Set(tenant_id),
    }
    .insert(global)
    .await?;
    Ok(())
}

/// A hub's entries, the newest first.
pub async fn recent_for_hub(
    global: &DatabaseConnection,
    tenant: Uuid,
    limit: u64,
) -> Result<Vec<audit_log::Model>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    audit_log::Entity::find()
        .filter(audit_log::Column::TenantId.eq(tenant))
        .order_by_desc(audit_log::Column::CreatedAt)
        .limit(limit)
        .all(global)
        .await
}

/// A change a hub admin made through a form, recorded for their hub with the request.
pub async fn by_hub_admin(
    state: &crate::web::AppState,
    admin: &crate::web::guard::Member<crate::web::guard::Admin>,
    action: &str,
    target: &str,
    detail: String,
) -> Result<(), crate::web::AppError> {
    record_for_hub(
        state.registry.global(),
        admin.hub.tenant.id,
        &Actor::hub_admin(&admin.contact),
        action,
        target,
        detail,
        Some(admin.request_id.clone()),
    )
    .await?;
    Ok(())
}

/// The newest entries first.
pub async fn recent(
    global: &DatabaseConnection,
    limit: u64,
) -> Result<Vec<audit_log::Model>, DbErr> {
    audit_log::Entity::find()
        .order_by_desc(audit_log::Column::CreatedAt)
        .limit(limit)
        .all(global)
        .await
}
