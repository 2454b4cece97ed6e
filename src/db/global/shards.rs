use sea_orm::entity::prelude::*;

/// A shard database. The registry keeps one pool per shard (writer, and reader if set).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub name: String,
    pub writer_url: String,
    pub reader_url: Option<String>,
    /// One of [`ShardStatus`].
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What a shard accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardStatus {
    Active,
    ReadOnly,
    Draining,
    Offline,
}

impl ShardStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::ReadOnly => "read-only",
            Self::Draining => "draining",
            Self::Offline => "offline",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::ReadOnly, Self::Draining, Self::Offline]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}
