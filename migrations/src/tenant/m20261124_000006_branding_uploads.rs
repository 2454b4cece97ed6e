//! Branding a hub owns (welcome text, accent colour, logo, favicon, sign-in page) and
//! uploaded files: a challenge's image and an upload challenge's answer. Files live in
//! object storage; rows hold only their keys (under the tenant's prefix) and type.
//! One column per statement: SQLite alters one column at a time.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum HubSettings {
    Table,
    WelcomeText,
    AccentColor,
    LogoKey,
    FaviconKey,
    SigninText,
    SigninImageKey,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    ImageKey,
}

#[derive(DeriveIden)]
enum Completions {
    Table,
    AnswerFileKey,
    AnswerFileType,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn columns() -> Vec<(DynIden, ColumnDef)> {
    vec![
        (
            HubSettings::Table.into_iden(),
            ColumnDef::new(HubSettings::WelcomeText)
                .text()
                .not_null()
                .default("")
                .take(),
        ),
        (
            HubSettings::Table.into_iden(),
            text_null(HubSettings::AccentColor),
        ),
        (
            HubSettings::Table.into_iden(),
            text_null(HubSettings::LogoKey),
        ),
        (
            HubSettings::Table.into_iden(),
            text_null(HubSettings::FaviconKey),
        ),
        (
            HubSettings::Table.into_iden(),
            ColumnDef::new(HubSettings::SigninText)
                .text()
                .not_null()
                .default("")
                .take(),
        ),
        (
            HubSettings::Table.into_iden(),
            text_null(HubSettings::SigninImageKey),
        ),
        (
            Challenges::Table.into_iden(),
            text_null(Challenges::ImageKey),
        ),
        (
            Completions::Table.into_iden(),
            text_null(Completions::AnswerFileKey),
        ),
        (
            Completions::Table.into_iden(),
            text_null(Completions::AnswerFileType),
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, mut col) in columns() {
            m.alter_table(Table::alter().table(table).add_column(&mut col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, col) in columns().into_iter().rev() {
            let name = col.get_column_name();
            m.alter_table(
                Table::alter()
                    .table(table)
                    .drop_column(Alias::new(name))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
