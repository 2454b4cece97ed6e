use sea_orm::entity::prelude::*;

/// One key of an API client. A client may hold several at once (rotation): any key that
/// is not revoked verifies its tokens. The algorithm is the key's, never the token's.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub client_id: Uuid,
    /// `HS256` (a shared secret) or `EdDSA` (an Ed25519 public key).
    pub algorithm: String,
    /// HS256: the secret, sealed with `RALLY_SECRET_KEY` (see `crate::sealing`).
    pub sealed_secret: Option<String>,
    /// EdDSA: the public key, base64url (the JWK `x`).
    pub public_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
