//! The global directory: who people are, which tenants exist, where they live.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Shards {
    Table,
    Id,
    Name,
    WriterUrl,
    ReaderUrl,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    Slug,
    Name,
    ShardId,
    Status,
    MailSuppressed,
    DebugLoggingUntil,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Domains {
    Table,
    Id,
    Host,
    TenantId,
    Kind,
    VerificationToken,
    VerifiedAt,
    IsPrimary,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    DisplayName,
    IsPlatformOperator,
    SessionEpoch,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    UserId,
    TenantId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Shards::Table)
                .if_not_exists()
                .col(id(Shards::Id))
                .col(text(Shards::Name).unique_key())
                .col(text(Shards::WriterUrl))
                .col(text_null(Shards::ReaderUrl))
                .col(text(Shards::Status))
                .col(timestamp(Shards::CreatedAt))
                .col(timestamp(Shards::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Tenants::Table)
                .if_not_exists()
                .col(id(Tenants::Id))
                .col(text(Tenants::Slug).unique_key())
                .col(text(Tenants::Name))
                .col(uuid(Tenants::ShardId))
                .col(text(Tenants::Status))
                .col(boolean(Tenants::MailSuppressed, false))
                .col(timestamp_null(Tenants::DebugLoggingUntil))
                .col(timestamp(Tenants::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Tenants::Table, Tenants::ShardId)
                        .to(Shards::Table, Shards::Id),
                )
                .to_owned(),
        )
        .await?;
        // "Least-loaded shard" counts tenants per shard.
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_tenants_shard")
                .table(Tenants::Table)
                .col(Tenants::ShardId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Domains::Table)
                .if_not_exists()
                .col(id(Domains::Id))
                // Stored lower-cased, without port or trailing dot.
                .col(text(Domains::Host).unique_key())
                .col(uuid(Domains::TenantId))
                .col(text(Domains::Kind))
                .col(text(Domains::VerificationToken))
                .col(timestamp_null(Domains::VerifiedAt))
                .col(boolean(Domains::IsPrimary, false))
                .col(timestamp(Domains::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Domains::Table, Domains::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_domains_tenant")
                .table(Domains::Table)
                .col(Domains::TenantId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .if_not_exists()
                .col(id(Users::Id))
                // Trimmed and lower-cased by the application, so this unique index is the
                // case-insensitive uniqueness check.
                .col(text(Users::Email).unique_key())
                .col(text(Users::PasswordHash))
                .col(text(Users::DisplayName))
                .col(boolean(Users::IsPlatformOperator, false))
                .col(big_int(Users::SessionEpoch, 0))
                .col(timestamp(Users::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .if_not_exists()
                .col(id(Memberships::Id))
                .col(uuid(Memberships::UserId))
                .col(uuid(Memberships::TenantId))
                .col(timestamp(Memberships::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Memberships::Table, Memberships::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Memberships::Table, Memberships::TenantId)
                        .to(Tenants::Table, Tenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("uq_memberships_user_tenant")
                .table(Memberships::Table)
                .col(Memberships::UserId)
                .col(Memberships::TenantId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Memberships::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Users::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Domains::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Tenants::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Shards::Table).to_owned())
            .await
    }
}
