use crate::domain::{ContactStatus, Role};
use sea_orm::entity::prelude::*;

/// A person's record inside one hub: their role and status there.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// The global user (another database, so no foreign key).
    pub user_id: Uuid,
    pub display_name: String,
    /// A copy of the account's address, for search and export (the account is global).
    pub email: Option<String>,
    pub role: Role,
    pub status: ContactStatus,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The person's contact in this hub, whatever its status.
pub async fn find_for_user(
    db: &crate::db::TenantDb,
    user_id: Uuid,
) -> Result<Option<Model>, DbErr> {
    db.select::<Entity>()
        .filter(Column::UserId.eq(user_id))
        .one()
        .await
}

/// The person's active contact in this hub, if any.
pub async fn active(db: &crate::db::TenantDb, user_id: Uuid) -> Result<Option<Model>, DbErr> {
    Ok(find_for_user(db, user_id)
        .await?
        .filter(|c| c.status == ContactStatus::Active))
}
