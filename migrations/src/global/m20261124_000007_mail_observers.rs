//! Mail interceptors and observers: a tenant's spam score (its mail is suppressed once the
//! score passes the threshold), and `mail_deliveries`, one row per delivery attempt with
//! its Message-ID, where it went (after any redirect) and where it was meant to go.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    SpamScore,
}

#[derive(DeriveIden)]
enum MailDeliveries {
    Table,
    Id,
    MailId,
    TenantId,
    ToAddress,
    OriginalTo,
    MessageId,
    Status,
    Error,
    RequestId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .add_column(big_int(Tenants::SpamScore, 0))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MailDeliveries::Table)
                .if_not_exists()
                .col(id(MailDeliveries::Id))
                .col(uuid(MailDeliveries::MailId))
                .col(ColumnDef::new(MailDeliveries::TenantId).uuid().null())
                .col(text(MailDeliveries::ToAddress))
                .col(text(MailDeliveries::OriginalTo))
                .col(text(MailDeliveries::MessageId))
                .col(text(MailDeliveries::Status))
                .col(text_null(MailDeliveries::Error))
                .col(text_null(MailDeliveries::RequestId))
                .col(timestamp(MailDeliveries::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_mail_deliveries_mail",
            MailDeliveries::Table,
            vec![MailDeliveries::MailId.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MailDeliveries::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Tenants::Table)
                .drop_column(Tenants::SpamScore)
                .to_owned(),
        )
        .await
    }
}
