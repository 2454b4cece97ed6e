use crate::domain::{ChallengeKind, ChallengeStatus};
use sea_orm::entity::prelude::*;

/// Something advocates do for points (see `challenges`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "challenges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub title: String,
    /// Markdown, rendered and sanitised on the server.
    pub description: String,
    pub kind: ChallengeKind,
    pub points: i64,
    pub requires_approval: bool,
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    pub max_per_advocate: i64,
    pub target_group_id: Option<Uuid>,
    /// For `action` challenges: where the advocate clicks through to.
    pub action_url: Option<String>,
    /// Storage key of the challenge's image (under the tenant's prefix).
    pub image_key: Option<String>,
    pub status: ChallengeStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
