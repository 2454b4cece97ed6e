//! Unified login: one-time SSO tickets, password reset tokens, and the mail outbox. Tokens
//! are stored only as SHA-256 digests (hex), never as the value a browser carries.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SsoTickets {
    Table,
    Id,
    TokenHash,
    UserId,
    TenantId,
    Host,
    StateHash,
    ReturnTo,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    Id,
    TokenHash,
    UserId,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    TenantId,
    ToAddress,
    Subject,
    BodyText,
    Status,
    Attempts,
    MessageId,
    RequestId,
    LastError,
    CreatedAt,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SsoTickets::Table)
                .if_not_exists()
                .col(id(SsoTickets::Id))
                .col(text(SsoTickets::TokenHash).unique_key())
                .col(uuid(SsoTickets::UserId))
                .col(uuid(SsoTickets::TenantId))
                // The bare hub host the ticket may be redeemed at.
                .col(text(SsoTickets::Host))
                // Digest of the `state` the hub keeps in its own session.
                .col(text(SsoTickets::StateHash))
                .col(text(SsoTickets::ReturnTo))
                .col(timestamp(SsoTickets::ExpiresAt))
                .col(timestamp_null(SsoTickets::UsedAt))
                .col(timestamp(SsoTickets::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_sso_tickets_expires_at")
                .table(SsoTickets::Table)
                .col(SsoTickets::ExpiresAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PasswordResets::Table)
                .if_not_exists()
                .col(id(PasswordResets::Id))
                .col(text(PasswordResets::TokenHash).unique_key())
                .col(uuid(PasswordResets::UserId))
                .col(timestamp(PasswordResets::ExpiresAt))
                .col(timestamp_null(PasswordResets::UsedAt))
                .col(timestamp(PasswordResets::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MailOutbox::Table)
                .if_not_exists()
                .col(id(MailOutbox::Id))
                // Set for a hub's mail (its suppression switch applies); null for accounts mail.
                .col(ColumnDef::new(MailOutbox::TenantId).uuid().null())
                .col(text(MailOutbox::ToAddress))
                .col(text(MailOutbox::Subject))
                .col(text(MailOutbox::BodyText))
                // queued → sending → sent | kept (development viewer) | suppressed | failed
                .col(text(MailOutbox::Status))
                .col(big_int(MailOutbox::Attempts, 0))
                .col(text_null(MailOutbox::MessageId))
                .col(text_null(MailOutbox::RequestId))
                .col(text_null(MailOutbox::LastError))
                .col(timestamp(MailOutbox::CreatedAt))
                .col(timestamp_null(MailOutbox::SentAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_mail_outbox_status")
                .table(MailOutbox::Table)
                .col(MailOutbox::Status)
                .col(MailOutbox::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            MailOutbox::Table.into_iden(),
            PasswordResets::Table.into_iden(),
            SsoTickets::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
