//! Belonging to a hub. Two records say a person is in a hub: the **contact** on the hub's
//! shard (role, status — the hub's own record, the source of truth) and the **membership**
//! in the global directory (what "My hubs" lists). They live in different databases, so
//! writing both is not atomic. The order makes a crash repairable:
//!
//! 1. the contact (shard), then
//! 2. the membership (global).
//!
//! A crash in between leaves a contact without its directory entry; `rally reconcile
//! memberships` ([`reconcile`]) adds what is missing (and drops entries whose contact is
//! gone). Both writes are idempotent: a unique index answers "already there".
pub mod handlers;
pub mod pages;

use crate::db::global::{memberships, tenants, users};
use crate::db::tenant::contacts;
use crate::db::{new_id, now, ShardRegistry, TenantDb, TenantScope};
use crate::domain::{ContactStatus, Role};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set,
};
use std::collections::HashSet;
use uuid::Uuid;

/// Step 1: the contact, with `role` if it is new. An existing contact is returned as it is.
/// Raises no error for "already there", so it can run inside a shard transaction.
pub async fn ensure_contact<C: ConnectionTrait>(
    db: &TenantScope<C>,
    user: &users::Model,
    role: Role,
) -> Result<contacts::Model, DbErr> {
    let row = contacts::ActiveModel {
        id: Set(new_id()),
        tenant_id: NotSet,
        user_id: Set(user.id),
        display_name: Set(user.display_name.clone()),
        email: Set(Some(user.email.clone())),
        role: Set(role),
        status: Set(ContactStatus::Active),
        created_at: Set(now()),
    };
    let joined = db
        .insert_or_ignore(row, [contacts::Column::TenantId, contacts::Column::UserId])
        .await?;
    let contact = db
        .select::<contacts::Entity>()
        .filter(contacts::Column::UserId.eq(user.id))
        .one()
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the contact just written".into()))?;
    if joined {
        let data = serde_json::json!({
            "contact_id": contact.id,
            "email": contact.email,
            "display_name": contact.display_name,
            "role": contact.role.as_str(),
        });
        crate::webhooks::emit(db, crate::webhooks::Event::MemberJoined, data).await?;
    }
    Ok(contact)
}

/// Step 2: the directory entry. Returns whether it was added (false: already there).
pub async fn ensure_membership(
    global: &DatabaseConnection,
    user_id: Uuid,
    tenant_id: Uuid,
) -> Result<bool, DbErr> {
    let res = memberships::Entity::insert(memberships::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id),
        tenant_id: Set(tenant_id),
        created_at: Set(now()),
    })
    .on_conflict(
        OnConflict::columns([memberships::Column::UserId, memberships::Column::TenantId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(global)
    .await?;
    Ok(res > 0)
}

/// Joins `user` to the hub of `db` as `role` (contact first, then directory).
pub async fn join(
    global: &DatabaseConnection,
    db: &TenantDb,
    user: &users::Model,
    role: Role,
) -> Result<contacts::Model, DbErr> {
    let contact = ensure_contact(db, user, role).await?;
    ensure_membership(global, user.id, db.tenant_id()).await?;
    Ok(contact)
}

/// Sets the role of an existing contact; returns rows changed (0: not a contact here).
pub async fn set_role(db: &TenantDb, user_id: Uuid, role: Role) -> Result<u64, DbErr> {
    db.update_where(
        contacts::ActiveModel {
            role: Set(role),
            ..Default::default()
        },
        contacts::Column::UserId.eq(user_id),
    )
    .await
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    pub tenants: usize,
    pub added: usize,
    pub removed: usize,
    /// Tenants whose shard could not be read (left as they were).
    pub skipped: Vec<String>,
}

/// Makes the directory agree with the hubs' contacts, tenant by tenant.
pub async fn reconcile(registry: &ShardRegistry) -> Result<ReconcileReport, DbErr> {
    let global = registry.global();
    let mut report = ReconcileReport::default();
    for tenant in tenants::Entity::find().all(global).await? {
        // Entries made after this point may belong to a join running right now, whose
        // contact this pass did not see: they are never removed.
        let snapshot = now();
        let contacts = match registry.tenant_db(tenant.id, tenant.shard_id).await {
            Ok(db) => db.select::<contacts::Entity>().all().await,
            Err(e) => Err(DbErr::Custom(e.to_string())),
        };
        let contacts = match contacts {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(tenant = %tenant.slug, error = %e, "reconcile: shard not readable");
                report.skipped.push(tenant.slug.clone());
                continue;
            }
        };
        report.tenants += 1;
        let with_contact: HashSet<Uuid> = contacts.iter().map(|c| c.user_id).collect();
        for user_id in &with_contact {
            // A contact whose global user is gone has nothing to list.
            if users::Entity::find_by_id(*user_id)
                .one(global)
                .await?
                .is_some()
                && ensure_membership(global, *user_id, tenant.id).await?
            {
                report.added += 1;
            }
        }
        let listed = memberships::Entity::find()
            .filter(memberships::Column::TenantId.eq(tenant.id))
            .filter(memberships::Column::CreatedAt.lt(snapshot))
            .all(global)
            .await?;
        for m in listed.iter().filter(|m| !with_contact.contains(&m.user_id)) {
            memberships::Entity::delete_by_id(m.id).exec(global).await?;
            report.removed += 1;
        }
    }
    Ok(report)
}

/// This feature's form posts and other non-page routes (its pages are in `pages.rs`).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::post;
    axum::Router::new().route("/join", post(handlers::join))
}
