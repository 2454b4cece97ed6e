//! The advocate loop: challenges, completions, the points ledger, levels, badge awards,
//! and groups (challenges can target one). Every lookup index starts with `tenant_id`.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
    TenantId,
    Title,
    Description,
    Kind,
    Points,
    RequiresApproval,
    StartsAt,
    EndsAt,
    MaxPerAdvocate,
    TargetGroupId,
    ActionUrl,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Completions {
    Table,
    Id,
    TenantId,
    ChallengeId,
    ContactId,
    Seq,
    Status,
    Answer,
    ReviewNote,
    ReviewedBy,
    CreatedAt,
    ReviewedAt,
}

#[derive(DeriveIden)]
enum PointsLedger {
    Table,
    Id,
    TenantId,
    ContactId,
    Delta,
    Reason,
    SourceKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Levels {
    Table,
    Id,
    TenantId,
    Name,
    MinPoints,
}

#[derive(DeriveIden)]
enum BadgeAwards {
    Table,
    Id,
    TenantId,
    ContactId,
    Badge,
    AwardedAt,
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    Id,
    TenantId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GroupMembers {
    Table,
    Id,
    TenantId,
    GroupId,
    ContactId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Challenges::Table)
                .if_not_exists()
                .col(id(Challenges::Id))
                .col(uuid(Challenges::TenantId))
                .col(text(Challenges::Title))
                .col(text(Challenges::Description))
                .col(text(Challenges::Kind))
                .col(big_int(Challenges::Points, 0))
                .col(boolean(Challenges::RequiresApproval, true))
                .col(timestamp_null(Challenges::StartsAt))
                .col(timestamp_null(Challenges::EndsAt))
                .col(big_int(Challenges::MaxPerAdvocate, 1))
                .col(ColumnDef::new(Challenges::TargetGroupId).uuid().null())
                .col(text_null(Challenges::ActionUrl))
                .col(text(Challenges::Status))
                .col(timestamp(Challenges::CreatedAt))
                .col(timestamp(Challenges::UpdatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_challenges_tenant_status",
            Challenges::Table,
            vec![
                Challenges::TenantId.into_iden(),
                Challenges::Status.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Completions::Table)
                .if_not_exists()
                .col(id(Completions::Id))
                .col(uuid(Completions::TenantId))
                .col(uuid(Completions::ChallengeId))
                .col(uuid(Completions::ContactId))
                // 1, 2, … per advocate and challenge: the unique index below makes two
                // concurrent submissions of the same attempt collide instead of both landing.
                .col(big_int(Completions::Seq, 1))
                .col(text(Completions::Status))
                .col(text(Completions::Answer))
                .col(text_null(Completions::ReviewNote))
                .col(ColumnDef::new(Completions::ReviewedBy).uuid().null())
                .col(timestamp(Completions::CreatedAt))
                .col(timestamp_null(Completions::ReviewedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_completions_attempt",
            Completions::Table,
            vec![
                Completions::TenantId.into_iden(),
                Completions::ChallengeId.into_iden(),
                Completions::ContactId.into_iden(),
                Completions::Seq.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            m,
            "idx_completions_tenant_status",
            Completions::Table,
            vec![
                Completions::TenantId.into_iden(),
                Completions::Status.into_iden(),
                Completions::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            m,
            "idx_completions_tenant_contact",
            Completions::Table,
            vec![
                Completions::TenantId.into_iden(),
                Completions::ContactId.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PointsLedger::Table)
                .if_not_exists()
                .col(id(PointsLedger::Id))
                .col(uuid(PointsLedger::TenantId))
                .col(uuid(PointsLedger::ContactId))
                .col(big_int(PointsLedger::Delta, 0))
                .col(text(PointsLedger::Reason))
                // What caused the entry (`completion:<id>`, …): an award can exist once.
                .col(text(PointsLedger::SourceKey))
                .col(timestamp(PointsLedger::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_points_ledger_source",
            PointsLedger::Table,
            vec![
                PointsLedger::TenantId.into_iden(),
                PointsLedger::SourceKey.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            m,
            "idx_points_ledger_contact",
            PointsLedger::Table,
            vec![
                PointsLedger::TenantId.into_iden(),
                PointsLedger::ContactId.into_iden(),
                PointsLedger::CreatedAt.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Levels::Table)
                .if_not_exists()
                .col(id(Levels::Id))
                .col(uuid(Levels::TenantId))
                .col(text(Levels::Name))
                .col(big_int(Levels::MinPoints, 0))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_levels_tenant_min",
            Levels::Table,
            vec![Levels::TenantId.into_iden(), Levels::MinPoints.into_iden()],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BadgeAwards::Table)
                .if_not_exists()
                .col(id(BadgeAwards::Id))
                .col(uuid(BadgeAwards::TenantId))
                .col(uuid(BadgeAwards::ContactId))
                .col(text(BadgeAwards::Badge))
                .col(timestamp(BadgeAwards::AwardedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_badge_awards",
            BadgeAwards::Table,
            vec![
                BadgeAwards::TenantId.into_iden(),
                BadgeAwards::ContactId.into_iden(),
                BadgeAwards::Badge.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            m,
            "idx_badge_awards_tenant_time",
            BadgeAwards::Table,
            vec![
                BadgeAwards::TenantId.into_iden(),
                BadgeAwards::AwardedAt.into_iden(),
            ],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Groups::Table)
                .if_not_exists()
                .col(id(Groups::Id))
                .col(uuid(Groups::TenantId))
                .col(text(Groups::Name))
                .col(timestamp(Groups::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_groups_tenant_name",
            Groups::Table,
            vec![Groups::TenantId.into_iden(), Groups::Name.into_iden()],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GroupMembers::Table)
                .if_not_exists()
                .col(id(GroupMembers::Id))
                .col(uuid(GroupMembers::TenantId))
                .col(uuid(GroupMembers::GroupId))
                .col(uuid(GroupMembers::ContactId))
                .col(timestamp(GroupMembers::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_group_members",
            GroupMembers::Table,
            vec![
                GroupMembers::TenantId.into_iden(),
                GroupMembers::GroupId.into_iden(),
                GroupMembers::ContactId.into_iden(),
            ],
            true,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            GroupMembers::Table.into_iden(),
            Groups::Table.into_iden(),
            BadgeAwards::Table.into_iden(),
            Levels::Table.into_iden(),
            PointsLedger::Table.into_iden(),
            Completions::Table.into_iden(),
            Challenges::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
