use sea_orm::entity::prelude::*;

/// One person, one global account, whatever hubs they belong to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Trimmed and lower-cased, so the unique index compares case-insensitively.
    #[sea_orm(unique)]
    pub email: String,
    /// argon2id PHC string. Never serialised (this type derives no `Serialize`).
    pub password_hash: String,
    pub display_name: String,
    pub is_platform_operator: bool,
    /// Bumped to end every session of this user on every host at once.
    pub session_epoch: i64,
    pub created_at: DateTimeUtc,
    /// When the person showed they read mail at `email` (the link mailed at sign-up, or an
    /// invitation sent there); `None` until then.
    pub email_verified_at: Option<DateTimeUtc>,
    /// Digest of the pending verification link's token.
    pub email_verification_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
