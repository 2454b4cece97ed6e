//! Referrals get their own table: a referred lead (name, e-mail, company), the advocate
//! who referred them and the completion that carried it. Before this they lived only
//! inside a completion's JSON answer, so listing them meant reading every completion.
//! Existing referral answers are copied in (idempotently: one row per completion).
use crate::cols::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Referrals {
    Table,
    Id,
    TenantId,
    CompletionId,
    ContactId,
    LeadName,
    LeadEmail,
    LeadCompany,
    CreatedAt,
}

/// The referral part of a completion's answer (`{"kind":"referral",…}`).
#[derive(serde::Deserialize)]
struct ReferralAnswer {
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    company: String,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Referrals::Table)
                .if_not_exists()
                .col(id(Referrals::Id))
                .col(uuid(Referrals::TenantId))
                .col(uuid(Referrals::CompletionId))
                .col(uuid(Referrals::ContactId))
                .col(text(Referrals::LeadName))
                .col(text(Referrals::LeadEmail))
                .col(text(Referrals::LeadCompany))
                .col(timestamp(Referrals::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "referrals_tenant_completion",
            Referrals::Table,
            vec![
                Referrals::TenantId.into_iden(),
                Referrals::CompletionId.into_iden(),
            ],
            true,
        )
        .await?;
        // The list is newest first, paged.
        index(
            m,
            "referrals_tenant_created",
            Referrals::Table,
            vec![
                Referrals::TenantId.into_iden(),
                Referrals::CreatedAt.into_iden(),
                Referrals::Id.into_iden(),
            ],
            false,
        )
        .await?;

        let db = m.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT c.id, c.tenant_id, c.contact_id, c.answer, c.created_at \
                 FROM completions c JOIN challenges ch ON ch.id = c.challenge_id \
                 WHERE ch.kind = 'referral'"
                    .to_string(),
            ))
            .await?;
        for row in rows {
            let answer: String = row.try_get("", "answer")?;
            let Ok(r) = serde_json::from_str::<ReferralAnswer>(&answer) else {
                continue;
            };
            if r.kind != "referral" {
                continue;
            }
            let completion: sea_orm_migration::sea_orm::prelude::Uuid = row.try_get("", "id")?;
            let tenant: sea_orm_migration::sea_orm::prelude::Uuid = row.try_get("", "tenant_id")?;
            let contact: sea_orm_migration::sea_orm::prelude::Uuid =
                row.try_get("", "contact_id")?;
            let created: sea_orm_migration::sea_orm::prelude::DateTimeUtc =
                row.try_get("", "created_at")?;
            // The completion's id is already a UUIDv7 and unique: it serves as the
            // referral's id, so running this again finds the row already there.
            let insert = Query::insert()
                .into_table(Referrals::Table)
                .columns([
                    Referrals::Id,
                    Referrals::TenantId,
                    Referrals::CompletionId,
                    Referrals::ContactId,
                    Referrals::LeadName,
                    Referrals::LeadEmail,
                    Referrals::LeadCompany,
                    Referrals::CreatedAt,
                ])
                .values_panic([
                    completion.into(),
                    tenant.into(),
                    completion.into(),
                    contact.into(),
                    r.name.into(),
                    r.email.into(),
                    r.company.into(),
                    created.into(),
                ])
                .on_conflict(OnConflict::column(Referrals::Id).do_nothing().to_owned())
                .to_owned();
            m.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Referrals::Table).to_owned())
            .await
    }
}
