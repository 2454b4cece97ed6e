//! Consent: a hub learns who signs in to it (name, email), so the first sign-in to a hub a
//! person does not belong to asks them on the accounts host, "Continue to <hub> as
//! <email>?", and remembers the answer for that hub. Members are never asked (they joined),
//! nor is someone who typed their password on the sign-in form branded with that hub.
use crate::db::global::{memberships, sso_consents};
use crate::db::{new_id, now};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use uuid::Uuid;

/// May the accounts host sign `user_id` in to this tenant's hub without asking?
pub async fn given(
    global: &DatabaseConnection,
    user_id: Uuid,
    tenant_id: Uuid,
) -> Result<bool, DbErr> {
    let member = memberships::Entity::find()
        .filter(memberships::Column::UserId.eq(user_id))
        .filter(memberships::Column::TenantId.eq(tenant_id))
        .count(global)
        .await?;
    if member > 0 {
        return Ok(true);
    }
    Ok(sso_consents::Entity::find()
        .filter(sso_consents::Column::UserId.eq(user_id))
        .filter(sso_consents::Column::TenantId.eq(tenant_id))
        .count(global)
        .await?
        > 0)
}

/// Remembers the consent (idempotent).
pub async fn give(
    global: &DatabaseConnection,
    user_id: Uuid,
    tenant_id: Uuid,
) -> Result<(), DbErr> {
    sso_consents::Entity::insert(sso_consents::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id),
        tenant_id: Set(tenant_id),
        created_at: Set(now()),
    })
    .on_conflict(
        OnConflict::columns([sso_consents::Column::UserId, sso_consents::Column::TenantId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(global)
    .await?;
    Ok(())
}
