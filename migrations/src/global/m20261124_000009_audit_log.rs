//! The operators' audit log: every action taken in the `/platform` console or with the
//! CLI — who (an operator's account, or the CLI), what, on what, when, and the request.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    Actor,
    Action,
    Target,
    Detail,
    RequestId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .if_not_exists()
                .col(id(AuditLog::Id))
                .col(ColumnDef::new(AuditLog::ActorId).uuid().null())
                .col(text(AuditLog::Actor))
                .col(text(AuditLog::Action))
                .col(text(AuditLog::Target))
                .col(text(AuditLog::Detail))
                .col(text_null(AuditLog::RequestId))
                .col(timestamp(AuditLog::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_audit_log_created_at",
            AuditLog::Table,
            vec![AuditLog::CreatedAt.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await
    }
}
