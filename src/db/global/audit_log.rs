use sea_orm::entity::prelude::*;

/// One operator action, or one change a hub admin made (see `platform::audit`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The operator's account; `None` for the CLI.
    pub actor_id: Option<Uuid>,
    /// Their email, or `cli`.
    pub actor: String,
    /// What was done, e.g. `tenant.suspend`.
    pub action: String,
    /// What it was done to (a slug, a shard, an email, a job id).
    pub target: String,
    pub detail: String,
    pub request_id: Option<String>,
    pub created_at: DateTimeUtc,
    /// The hub a hub admin's change was made in (`None`: a platform action).
    pub tenant_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
