//! The session store (tower-sessions records), in the global database: one session per
//! host, but one place to end all of a user's sessions.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    Data,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .if_not_exists()
                // tower-sessions' id: 128 random bits, base64.
                .col(ColumnDef::new(Sessions::Id).text().not_null().primary_key())
                // The session's key/value data as JSON.
                .col(text(Sessions::Data))
                .col(timestamp(Sessions::ExpiresAt))
                .to_owned(),
        )
        .await?;
        // Expired sessions are deleted in bulk.
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_sessions_expires_at")
                .table(Sessions::Table)
                .col(Sessions::ExpiresAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await
    }
}
