//! Tenant-scoped tables. Every row carries `tenant_id`, and every index that serves a
//! lookup starts with it.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HubSettings {
    Table,
    Id,
    TenantId,
    Name,
    Tagline,
    BrandColor,
    LogoUrl,
    InviteOnly,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    TenantId,
    UserId,
    DisplayName,
    Role,
    Status,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(HubSettings::Table)
                .if_not_exists()
                .col(id(HubSettings::Id))
                .col(uuid(HubSettings::TenantId))
                .col(text(HubSettings::Name))
                .col(text(HubSettings::Tagline))
                .col(text(HubSettings::BrandColor))
                .col(text_null(HubSettings::LogoUrl))
                .col(boolean(HubSettings::InviteOnly, false))
                .col(timestamp(HubSettings::UpdatedAt))
                .to_owned(),
        )
        .await?;
        // One settings row per tenant.
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("uq_hub_settings_tenant")
                .table(HubSettings::Table)
                .col(HubSettings::TenantId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Contacts::Table)
                .if_not_exists()
                .col(id(Contacts::Id))
                .col(uuid(Contacts::TenantId))
                // A global user id: no foreign key, the users table lives in another database.
                .col(uuid(Contacts::UserId))
                .col(text(Contacts::DisplayName))
                .col(text(Contacts::Role))
                .col(text(Contacts::Status))
                .col(timestamp(Contacts::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("uq_contacts_tenant_user")
                .table(Contacts::Table)
                .col(Contacts::TenantId)
                .col(Contacts::UserId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_contacts_tenant_role")
                .table(Contacts::Table)
                .col(Contacts::TenantId)
                .col(Contacts::Role)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Contacts::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(HubSettings::Table).to_owned())
            .await
    }
}
