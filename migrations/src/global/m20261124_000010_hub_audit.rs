//! The audit log also records what a hub's admins change (API clients, webhooks): such
//! entries name their hub, and the hub's admins see them.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    TenantId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(AuditLog::Table)
                .add_column(ColumnDef::new(AuditLog::TenantId).uuid().null())
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_audit_log_tenant",
            AuditLog::Table,
            vec![
                AuditLog::TenantId.into_iden(),
                AuditLog::CreatedAt.into_iden(),
            ],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(AuditLog::Table)
                .drop_column(AuditLog::TenantId)
                .to_owned(),
        )
        .await
    }
}
