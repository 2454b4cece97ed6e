//! `POST /v1/events`: something happened elsewhere (a webinar attended, a review left);
//! the hub awards what it maps the event's type to — points, or a challenge's completion.
//!
//! Exactly once per idempotency key: the event row is written first, under a unique index
//! on (hub, key), in the same transaction as the award. A retry — or twenty at once —
//! finds the row and gets the first answer back (200, `duplicate: true`), on SQLite and
//! PostgreSQL alike: the database, not a read before the write, decides.
use super::auth::{Caller, EventsWrite};
use super::problem::{ApiJson, Problem};
use crate::challenges::service::{attempts, check_open, Closed};
use crate::db::tenant::{api_event_types, api_events, challenges, completions, contacts};
use crate::db::{is_unique_violation, new_id, now, TenantDb};
use crate::domain::ContactStatus;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, DbErr, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Who the event is about: a contact of the hub, by id or by email.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactRef {
    pub id: Option<Uuid>,
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EventInput {
    /// An event type the hub maps (`/admin/api`), e.g. `webinar.attended`.
    #[serde(rename = "type")]
    pub event_type: String,
    pub contact: ContactRef,
    /// Unique per event (1–200 characters); or send the `Idempotency-Key` header.
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventOutput {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub event_type: String,
    pub contact_id: Uuid,
    pub idempotency_key: String,
    /// Points the event awarded.
    pub points: i64,
    /// The completion it recorded, when its type completes a challenge.
    pub completion_id: Option<Uuid>,
    /// True when this key was seen before: nothing new was awarded.
    pub duplicate: bool,
    pub created_at: String,
}

impl EventOutput {
    fn of(e: api_events::Model, duplicate: bool) -> Self {
        Self {
            id: e.id,
            event_type: e.event_type,
            contact_id: e.contact_id,
            idempotency_key: e.idempotency_key,
            points: e.points,
            completion_id: e.completion_id,
            duplicate,
            created_at: e.created_at.to_rfc3339(),
        }
    }
}

fn valid_key(key: &str) -> bool {
    (1..=200).contains(&key.len()) && key.bytes().all(|b| (0x21..0x7f).contains(&b))
}

async fn find_contact(db: &TenantDb, who: &ContactRef) -> Result<contacts::Model, Problem> {
    let found = match (who.id, who.email.as_deref().map(str::trim)) {
        (Some(id), _) => db.find_by_id::<contacts::Entity>(id).await?,
        (None, Some(email)) if !email.is_empty() => {
            db.select::<contacts::Entity>()
                .filter(contacts::Column::Email.eq(email.to_lowercase()))
                .one()
                .await?
        }
        _ => {
            return Err(Problem::unprocessable(
                "contact_required",
                "Name the contact by `id` or `email`.",
            ))
        }
    };
    match found {
        Some(c) if c.status == ContactStatus::Active => Ok(c),
        Some(_) => Err(Problem::unprocessable(
            "contact_inactive",
            "That contact is deactivated in this hub.",
        )),
        None => Err(Problem::unprocessable(
            "unknown_contact",
            "No contact of this hub has that id or email.",
        )),
    }
}

async fn existing(db: &TenantDb, key: &str) -> Result<Option<api_events::Model>, DbErr> {
    db.select::<api_events::Entity>()
        .filter(api_events::Column::IdempotencyKey.eq(key))
        .one()
        .await
}

/// What [`record`] did.
enum Recorded {
    Fresh(api_events::Model),
    /// The key was taken (by a concurrent request, say).
    Taken,
    /// The event type completes a challenge the contact cannot complete now.
    Closed(Closed),
}

/// Records the event and its award once.
async fn record(
    db: &TenantDb,
    client: Uuid,
    key: &str,
    kind: &api_event_types::Model,
    contact: &contacts::Model,
) -> Result<Recorded, DbErr> {
    let challenge = match kind.challenge_id {
        Some(id) => db.find_by_id::<challenges::Entity>(id).await?,
        None => None,
    };
    let points = challenge.as_ref().map_or(kind.points, |c| c.points);
    let event = api_events::Model {
        id: new_id(),
        tenant_id: db.tenant_id(),
        idempotency_key: key.to_string(),
        event_type: kind.key.clone(),
        contact_id: contact.id,
        points,
        completion_id: challenge.as_ref().map(|_| new_id()),
        client_id: client,
        created_at: now(),
    };
    let tx = db.begin().await?;
    // Written first: on SQLite this takes the write lock, on PostgreSQL a concurrent
    // insert of the same key waits for this one and then does nothing.
    let fresh = tx
        .insert_or_ignore(
            api_events::ActiveModel {
                id: Set(event.id),
                tenant_id: NotSet,
                idempotency_key: Set(event.idempotency_key.clone()),
                event_type: Set(event.event_type.clone()),
                contact_id: Set(event.contact_id),
                points: Set(event.points),
                completion_id: Set(event.completion_id),
                client_id: Set(client),
                created_at: Set(event.created_at),
            },
            [
                api_events::Column::TenantId,
                api_events::Column::IdempotencyKey,
            ],
        )
        .await?;
    if !fresh {
        return Ok(Recorded::Taken);
    }
    match (&challenge, event.completion_id) {
        (Some(c), Some(completion_id)) => {
            // The challenge's own rules hold for events too: open, for this contact's
            // group, and no more often than it allows.
            if let Err(closed) = check_open(&tx, c, contact.id, now()).await? {
                return Ok(Recorded::Closed(closed));
            }
            let (_, last_seq) = attempts(&tx, c.id, contact.id).await?;
            let completion = tx
                .insert(completions::ActiveModel {
                    id: Set(completion_id),
                    tenant_id: NotSet,
                    challenge_id: Set(c.id),
                    contact_id: Set(contact.id),
                    seq: Set(last_seq + 1),
                    status: Set(crate::challenges::COMPLETION_APPROVED),
                    answer: Set(serde_json::json!({ "event": kind.key }).to_string()),
                    answer_file_key: Set(None),
                    answer_file_type: Set(None),
                    review_note: Set(Some(format!("Recorded by the API (event {key})"))),
                    reviewed_by: Set(None),
                    created_at: Set(event.created_at),
                    reviewed_at: Set(Some(event.created_at)),
                })
                .await?;
            crate::points::ledger::award(
                &tx,
                contact.id,
                points,
                &format!("Completed “{}”", c.title),
                &format!("completion:{}", completion.id),
            )
            .await?;
            crate::webhooks::emit(
                &tx,
                crate::webhooks::Event::CompletionApproved,
                crate::challenges::service::completion_data(&completion, c),
            )
            .await?;
        }
        _ => {
            crate::points::ledger::award(
                &tx,
                contact.id,
                points,
                &format!("Event: {}", kind.key),
                &format!("event:{}", event.id),
            )
            .await?;
        }
    }
    crate::points::ledger::check_badges(&tx, contact.id).await?;
    tx.commit().await?;
    Ok(Recorded::Fresh(event))
}

/// The answer to a key seen before: the first event, when the request is the same one
/// again (same client, type and contact); a 422 when the key is being reused for another.
async fn again(
    db: &TenantDb,
    seen: api_events::Model,
    input: &EventInput,
    client: Uuid,
) -> Result<Response, Problem> {
    let same_contact = match (input.contact.id, input.contact.email.as_deref()) {
        (Some(id), _) => id == seen.contact_id,
        (None, Some(email)) => db
            .select::<contacts::Entity>()
            .filter(contacts::Column::Email.eq(email.trim().to_lowercase()))
            .one()
            .await?
            .is_some_and(|c| c.id == seen.contact_id),
        (None, None) => false,
    };
    if seen.client_id != client || seen.event_type != input.event_type.trim() || !same_contact {
        return Err(Problem::unprocessable(
            "idempotency_key_reused",
            "This idempotency key was used for another event; use a new key for each event.",
        ));
    }
    Ok((StatusCode::OK, Json(EventOutput::of(seen, true))).into_response())
}

/// Record an event and award its points, once per idempotency key.
#[utoipa::path(
    post,
    path = "/v1/events",
    tag = "events",
    request_body = EventInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Instead of `idempotency_key` in the body.")),
    responses(
        (status = 201, description = "Recorded; its points awarded.", body = EventOutput),
        (status = 200, description = "This idempotency key was recorded before: the first answer, again.", body = EventOutput),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Without the scope `events:write`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown contact or event type, or no idempotency key.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the client's rate.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["events:write"]))
)]
pub async fn record_event(
    caller: Caller<EventsWrite>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<EventInput>,
) -> Result<Response, Problem> {
    let db = &caller.db;
    let key = input
        .idempotency_key
        .clone()
        .or_else(|| {
            headers
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .ok_or_else(|| {
            Problem::unprocessable(
                "idempotency_key_required",
                "Send an `idempotency_key` (or the `Idempotency-Key` header), unique per event.",
            )
        })?;
    if !valid_key(&key) {
        return Err(Problem::unprocessable(
            "invalid_idempotency_key",
            "An idempotency key is 1 to 200 printable ASCII characters, without spaces.",
        ));
    }
    if let Some(seen) = existing(db, &key).await? {
        return again(db, seen, &input, caller.client.id).await;
    }
    let kind = db
        .select::<api_event_types::Entity>()
        .filter(api_event_types::Column::Key.eq(input.event_type.trim()))
        .one()
        .await?
        .ok_or_else(|| {
            Problem::unprocessable(
                "unknown_event_type",
                format!(
                    "This hub maps no event type `{}`; its admins add types at /admin/api.",
                    input.event_type.trim()
                ),
            )
        })?;
    let contact = find_contact(db, &input.contact).await?;
    let conflict = || {
        Problem::conflict(
            "retry",
            "The event is being recorded by another request; retry.",
        )
    };
    match record(db, caller.client.id, &key, &kind, &contact).await {
        Ok(Recorded::Fresh(event)) => {
            Ok((StatusCode::CREATED, Json(EventOutput::of(event, false))).into_response())
        }
        Ok(Recorded::Taken) => {
            let seen = existing(db, &key).await?.ok_or_else(conflict)?;
            again(db, seen, &input, caller.client.id).await
        }
        Ok(Recorded::Closed(why)) => Err(Problem::unprocessable(
            "challenge_closed",
            format!("The event type completes a challenge, but for this contact {why}."),
        )),
        // A web submission of the same challenge took the attempt number meanwhile.
        Err(e) if is_unique_violation(&e) => Err(conflict()),
        Err(e) => Err(e.into()),
    }
}
