//! The service API and webhooks: a hub's API clients and their keys (shared secrets
//! sealed with `RALLY_SECRET_KEY`, or Ed25519 public keys), the event types the Events
//! API maps to points, the events recorded (one per idempotency key), and webhook
//! subscriptions with their delivery log.
use crate::cols::*;
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum ApiClients {
    Table,
    Id,
    TenantId,
    Name,
    Scopes,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    TenantId,
    ClientId,
    Algorithm,
    SealedSecret,
    PublicKey,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ApiEventTypes {
    Table,
    Id,
    TenantId,
    Key,
    Points,
    ChallengeId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiEvents {
    Table,
    Id,
    TenantId,
    IdempotencyKey,
    EventType,
    ContactId,
    Points,
    CompletionId,
    ClientId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    TenantId,
    Url,
    Events,
    SealedSecret,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    TenantId,
    WebhookId,
    Event,
    Payload,
    Status,
    Attempts,
    ResponseStatus,
    LatencyMs,
    ResponseExcerpt,
    LastError,
    RequestId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ApiClients::Table)
                .if_not_exists()
                .col(id(ApiClients::Id))
                .col(uuid(ApiClients::TenantId))
                .col(text(ApiClients::Name))
                .col(text(ApiClients::Scopes))
                .col(timestamp(ApiClients::CreatedAt))
                .col(timestamp_null(ApiClients::LastUsedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .if_not_exists()
                .col(id(ApiKeys::Id))
                .col(uuid(ApiKeys::TenantId))
                .col(uuid(ApiKeys::ClientId))
                .col(text(ApiKeys::Algorithm))
                .col(text_null(ApiKeys::SealedSecret))
                .col(text_null(ApiKeys::PublicKey))
                .col(timestamp(ApiKeys::CreatedAt))
                .col(timestamp_null(ApiKeys::LastUsedAt))
                .col(timestamp_null(ApiKeys::RevokedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_api_keys_client",
            ApiKeys::Table,
            vec![ApiKeys::TenantId.into_iden(), ApiKeys::ClientId.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ApiEventTypes::Table)
                .if_not_exists()
                .col(id(ApiEventTypes::Id))
                .col(uuid(ApiEventTypes::TenantId))
                .col(text(ApiEventTypes::Key))
                .col(big_int(ApiEventTypes::Points, 0))
                .col(ColumnDef::new(ApiEventTypes::ChallengeId).uuid().null())
                .col(timestamp(ApiEventTypes::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_api_event_types_key",
            ApiEventTypes::Table,
            vec![
                ApiEventTypes::TenantId.into_iden(),
                ApiEventTypes::Key.into_iden(),
            ],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ApiEvents::Table)
                .if_not_exists()
                .col(id(ApiEvents::Id))
                .col(uuid(ApiEvents::TenantId))
                .col(text(ApiEvents::IdempotencyKey))
                .col(text(ApiEvents::EventType))
                .col(uuid(ApiEvents::ContactId))
                .col(big_int(ApiEvents::Points, 0))
                .col(ColumnDef::new(ApiEvents::CompletionId).uuid().null())
                .col(uuid(ApiEvents::ClientId))
                .col(timestamp(ApiEvents::CreatedAt))
                .to_owned(),
        )
        .await?;
        // The idempotency guarantee: one event per key, decided by the database.
        index(
            m,
            "idx_api_events_idempotency",
            ApiEvents::Table,
            vec![
                ApiEvents::TenantId.into_iden(),
                ApiEvents::IdempotencyKey.into_iden(),
            ],
            true,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Webhooks::Table)
                .if_not_exists()
                .col(id(Webhooks::Id))
                .col(uuid(Webhooks::TenantId))
                .col(text(Webhooks::Url))
                .col(text(Webhooks::Events))
                .col(text(Webhooks::SealedSecret))
                .col(boolean(Webhooks::Active, true))
                .col(timestamp(Webhooks::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_webhooks_tenant",
            Webhooks::Table,
            vec![Webhooks::TenantId.into_iden()],
            false,
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .if_not_exists()
                .col(id(WebhookDeliveries::Id))
                .col(uuid(WebhookDeliveries::TenantId))
                .col(uuid(WebhookDeliveries::WebhookId))
                .col(text(WebhookDeliveries::Event))
                .col(text(WebhookDeliveries::Payload))
                .col(text(WebhookDeliveries::Status))
                .col(big_int(WebhookDeliveries::Attempts, 0))
                .col(
                    ColumnDef::new(WebhookDeliveries::ResponseStatus)
                        .integer()
                        .null(),
                )
                .col(
                    ColumnDef::new(WebhookDeliveries::LatencyMs)
                        .big_integer()
                        .null(),
                )
                .col(text_null(WebhookDeliveries::ResponseExcerpt))
                .col(text_null(WebhookDeliveries::LastError))
                .col(text_null(WebhookDeliveries::RequestId))
                .col(timestamp(WebhookDeliveries::CreatedAt))
                .col(timestamp(WebhookDeliveries::UpdatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_webhook_deliveries_hook",
            WebhookDeliveries::Table,
            vec![
                WebhookDeliveries::TenantId.into_iden(),
                WebhookDeliveries::WebhookId.into_iden(),
                WebhookDeliveries::CreatedAt.into_iden(),
            ],
            false,
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            WebhookDeliveries::Table.into_iden(),
            Webhooks::Table.into_iden(),
            ApiEvents::Table.into_iden(),
            ApiEventTypes::Table.into_iden(),
            ApiKeys::Table.into_iden(),
            ApiClients::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
