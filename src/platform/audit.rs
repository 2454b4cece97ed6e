//! The operators' audit log: every console action and CLI command that changes the
//! platform is recorded — who, what, on what, when, and the request it came from.
use crate::db::global::audit_log;
use crate::db::{new_id, now};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

/// Who acted: an operator signed in to the console, or someone at the CLI.
#[derive(Debug, Clone)]
pub enum Actor {
    Operator { id: Uuid, email: String },
    Cli,
}

pub async fn record(
    global: &DatabaseConnection,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: impl Into<String>,
    request_id: Option<String>,
) -> Result<(), DbErr> {
    let (actor_id, name) = match actor {
        Actor::Operator { id, email } => (Some(*id), email.clone()),
        Actor::Cli => (None, "cli".to_string()),
    };
    audit_log::ActiveModel {
        id: Set(new_id()),
        actor_id: Set(actor_id),
        actor: Set(name),
        action: Set(action.to_string()),
        target: Set(target.to_string()),
        detail: Set(detail.into()),
        request_id: Set(request_id),
        created_at: Set(now()),
    }
    .insert(global)
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
