//! People, from the operator's side: add someone to a hub with a role, make someone a
//! platform operator.
use super::{tenants, OpError};
use crate::db::global::users;
use crate::db::ShardRegistry;
use crate::domain::{Email, Role};
use crate::membership;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

async fn user_by_email(global: &DatabaseConnection, email: &str) -> Result<users::Model, OpError> {
    let email = Email::parse(email).map_err(|e| OpError::invalid(format!("'{email}': {e}")))?;
    users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(global)
        .await?
        .ok_or_else(|| {
            OpError::invalid(format!(
                "there is no account with the email {}",
                email.as_str()
            ))
        })
}

/// Makes the account a member of the hub with `role` (joining it if needed; changing the
/// role if already a member). Contact first, then directory, as every join.
pub async fn add_member(
    registry: &ShardRegistry,
    slug: &str,
    email: &str,
    role: Role,
) -> Result<(), OpError> {
    let tenant = tenants::find_by_slug(registry, slug)
        .await?
        .ok_or_else(|| OpError::invalid(format!("there is no tenant '{slug}'")))?;
    let user = user_by_email(registry.global(), email).await?;
    let db = registry.tenant_db(tenant.id, tenant.shard_id).await?;
    let contact = membership::ensure_contact(&db, &user, role).await?;
    if contact.role != role {
        membership::set_role(&db, user.id, role).await?;
    }
    membership::ensure_membership(registry.global(), user.id, tenant.id).await?;
    Ok(())
}

/// Makes the account a platform operator.
pub async fn promote(global: &DatabaseConnection, email: &str) -> Result<users::Model, OpError> {
    let user = user_by_email(global, email).await?;
    let mut row: users::ActiveModel = user.into();
    row.is_platform_operator = Set(true);
    Ok(row.update(global).await?)
}

/// Ends every session of an account, on every host (its session epoch moves on).
pub async fn sign_out_everywhere(
    global: &DatabaseConnection,
    email: &str,
) -> Result<users::Model, OpError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let email = Email::parse(email).map_err(|e| OpError::invalid(format!("'{email}': {e}")))?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(global)
        .await?
        .ok_or_else(|| OpError::invalid(format!("there is no account for {}", email.as_str())))?;
    crate::web::auth::end_all_sessions(global, user.id).await?;
    Ok(user)
}

/// Accounts whose email or name contains `query` (case-insensitive), at most `limit`.
pub async fn find_people(
    global: &DatabaseConnection,
    query: &str,
    limit: u64,
) -> Result<Vec<users::Model>, OpError> {
    use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let q = query.trim().to_lowercase();
    let mut find = users::Entity::find()
        .order_by_asc(users::Column::Email)
        .limit(limit);
    if !q.is_empty() {
        find = find.filter(
            Condition::any()
                .add(users::Column::Email.contains(&q))
                .add(users::Column::DisplayName.contains(query.trim())),
        );
    }
    Ok(find.all(global).await?)
}
