use sea_orm::entity::prelude::*;

/// A host name that serves a hub: its subdomain under the root domain, or a custom domain.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "domains")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Lower-cased, no port, no trailing dot.
    #[sea_orm(unique)]
    pub host: String,
    pub tenant_id: Uuid,
    pub kind: DomainKind,
    /// The value the customer puts in a DNS TXT record to prove they own the domain.
    pub verification_token: String,
    /// Only verified custom domains serve a hub.
    pub verified_at: Option<DateTimeUtc>,
    pub is_primary: bool,
    pub created_at: DateTimeUtc,
    /// When the TXT record was last looked up (verification and the daily re-check).
    pub checked_at: Option<DateTimeUtc>,
    /// The first look-up that no longer found the record; `None` while it is found.
    pub failing_since: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub use crate::domain::DomainKind;

pub const KIND_SUBDOMAIN: DomainKind = DomainKind::Subdomain;
pub const KIND_CUSTOM: DomainKind = DomainKind::Custom;
