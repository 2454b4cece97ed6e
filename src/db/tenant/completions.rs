use crate::domain::CompletionStatus;
use sea_orm::entity::prelude::*;

/// An advocate's submission for a challenge.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "completions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub challenge_id: Uuid,
    pub contact_id: Uuid,
    /// Attempt number of this advocate on this challenge (unique with them).
    pub seq: i64,
    pub status: CompletionStatus,
    /// What was submitted, as JSON (depends on the challenge kind).
    pub answer: String,
    /// For `upload` challenges: storage key and content type of the submitted file.
    pub answer_file_key: Option<String>,
    pub answer_file_type: Option<String>,
    pub review_note: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub reviewed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
