//! Mail retry: `next_attempt_at` is both the lease of a message being sent (a sender that
//! dies mid-send leaves it `sending`; once the lease passes another sender takes it over)
//! and the backoff of one whose delivery failed (`queued`, not before that time).
//!
//! SSO tickets carry the user's session epoch at issue: signing out or resetting the
//! password bumps the epoch, and a ticket issued before that is refused.
//!
//! Users get `email_verified_at` and the digest of their pending verification link.
//! Accounts made before verification existed count as verified (from their creation).
//!
//! `sso_consents`: the hubs a person agreed to be signed in to without being a member
//! ("Continue to <hub> as <email>?"), asked once per hub.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    NextAttemptAt,
}

#[derive(DeriveIden)]
enum SsoTickets {
    Table,
    SessionEpoch,
}

#[derive(DeriveIden)]
enum SsoConsents {
    Table,
    Id,
    UserId,
    TenantId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    EmailVerifiedAt,
    EmailVerificationHash,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(MailOutbox::Table)
                .add_column(timestamp_null(MailOutbox::NextAttemptAt))
                .to_owned(),
        )
        .await?;
        // Tickets outstanding during the upgrade (60 seconds' worth) get epoch -1: refused.
        m.alter_table(
            Table::alter()
                .table(SsoTickets::Table)
                .add_column(big_int(SsoTickets::SessionEpoch, -1))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SsoConsents::Table)
                .if_not_exists()
                .col(id(SsoConsents::Id))
                .col(uuid(SsoConsents::UserId))
                .col(uuid(SsoConsents::TenantId))
                .col(timestamp(SsoConsents::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(timestamp_null(Users::EmailVerifiedAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(text_null(Users::EmailVerificationHash))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::update()
                .table(Users::Table)
                .value(Users::EmailVerifiedAt, Expr::col(Users::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_sso_consents_user_tenant",
            SsoConsents::Table,
            vec![
                SsoConsents::UserId.into_iden(),
                SsoConsents::TenantId.into_iden(),
            ],
            true,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SsoConsents::Table).to_owned())
            .await?;
        for col in [Users::EmailVerifiedAt, Users::EmailVerificationHash] {
            m.alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(MailOutbox::Table)
                .drop_column(MailOutbox::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(SsoTickets::Table)
                .drop_column(SsoTickets::SessionEpoch)
                .to_owned(),
        )
        .await
    }
}
