//! Rewards and redemptions, invitations, the hub's mail outbox, and contact e-mail (for
//! search and export).
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Rewards {
    Table,
    Id,
    TenantId,
    Name,
    Description,
    Cost,
    Stock,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Redemptions {
    Table,
    Id,
    TenantId,
    RewardId,
    ContactId,
    Cost,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    TenantId,
    Email,
    TokenHash,
    InvitedBy,
    ExpiresAt,
    AcceptedAt,
    RevokedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutboundMail {
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

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Email,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Rewards::Table)
                .if_not_exists()
                .col(id(Rewards::Id))
                .col(uuid(Rewards::TenantId))
                .col(text(Rewards::Name))
                .col(text(Rewards::Description))
                .col(big_int(Rewards::Cost, 0))
                // Null: unlimited. Never below zero: every decrement is guarded.
                .col(ColumnDef::new(Rewards::Stock).big_integer().null())
                .col(boolean(Rewards::Active, true))
                .col(timestamp(Rewards::CreatedAt))
                .col(timestamp(Rewards::UpdatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_rewards_tenant",
            Rewards::Table,
            vec![Rewards::TenantId.into_iden(), Rewards::Active.into_iden()],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Redemptions::Table)
                .if_not_exists()
                .col(id(Redemptions::Id))
                .col(uuid(Redemptions::TenantId))
                .col(uuid(Redemptions::RewardId))
                .col(uuid(Redemptions::ContactId))
                .col(big_int(Redemptions::Cost, 0))
                // requested → fulfilled | cancelled
                .col(text(Redemptions::Status))
                .col(timestamp(Redemptions::CreatedAt))
                .col(timestamp(Redemptions::UpdatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_redemptions_tenant_status",
            Redemptions::Table,
            vec![
                Redemptions::TenantId.into_iden(),
                Redemptions::Status.into_iden(),
                Redemptions::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            m,
            "idx_redemptions_tenant_contact",
            Redemptions::Table,
            vec![
                Redemptions::TenantId.into_iden(),
                Redemptions::ContactId.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Invitations::Table)
                .if_not_exists()
                .col(id(Invitations::Id))
                .col(uuid(Invitations::TenantId))
                .col(text(Invitations::Email))
                .col(text(Invitations::TokenHash).unique_key())
                .col(ColumnDef::new(Invitations::InvitedBy).uuid().null())
                .col(timestamp(Invitations::ExpiresAt))
                .col(timestamp_null(Invitations::AcceptedAt))
                .col(timestamp_null(Invitations::RevokedAt))
                .col(timestamp(Invitations::CreatedAt))
                .to_owned(),
        )
        .await?;
        // One invitation per address and hub: "already invited" comes from here.
        index(
            m,
            "uq_invitations_tenant_email",
            Invitations::Table,
            vec![
                Invitations::TenantId.into_iden(),
                Invitations::Email.into_iden(),
            ],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OutboundMail::Table)
                .if_not_exists()
                .col(id(OutboundMail::Id))
                .col(uuid(OutboundMail::TenantId))
                .col(text(OutboundMail::ToAddress))
                .col(text(OutboundMail::Subject))
                .col(text(OutboundMail::BodyText))
                .col(text(OutboundMail::Status))
                .col(big_int(OutboundMail::Attempts, 0))
                .col(text_null(OutboundMail::MessageId))
                .col(text_null(OutboundMail::RequestId))
                .col(text_null(OutboundMail::LastError))
                .col(timestamp(OutboundMail::CreatedAt))
                .col(timestamp_null(OutboundMail::SentAt))
                .to_owned(),
        )
        .await?;
        // The sender scans every tenant's queue of a shard: by status first.
        index(
            m,
            "idx_outbound_mail_status",
            OutboundMail::Table,
            vec![
                OutboundMail::Status.into_iden(),
                OutboundMail::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;

        m.alter_table(
            Table::alter()
                .table(Contacts::Table)
                .add_column_if_not_exists(ColumnDef::new(Contacts::Email).text().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            OutboundMail::Table.into_iden(),
            Invitations::Table.into_iden(),
            Redemptions::Table.into_iden(),
            Rewards::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
