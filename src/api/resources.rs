//! The hub's contacts, challenges, completions and invitations, for other systems.
use super::auth::{
    Caller, ChallengesRead, CompletionsRead, CompletionsWrite, ContactsRead, InvitationsWrite,
};
use super::problem::{ApiId, ApiJson, ApiQuery, Problem};
use crate::challenges::service::{review, Review};
use crate::db::tenant::{challenges, completions, contacts};
use crate::domain::CompletionStatus;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sea_orm::{ColumnTrait, Order};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const DEFAULT_PAGE: u64 = 50;
const MAX_PAGE: u64 = 200;

/// Cursor paging: items in id order (ids grow with time), `cursor` the last id seen.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1–200 (default 50).
    pub limit: Option<u64>,
}

impl PageQuery {
    fn limit(&self) -> Result<u64, Problem> {
        match self.limit {
            None => Ok(DEFAULT_PAGE),
            Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            Some(_) => Err(Problem::bad_request("`limit` is from 1 to 200.")),
        }
    }

    fn after(&self) -> Result<Option<Uuid>, Problem> {
        self.cursor
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(|c| {
                Uuid::parse_str(c)
                    .map_err(|_| Problem::bad_request("`cursor` is not one this API gave."))
            })
            .transpose()
    }
}

/// A page of rows read with one row more than `limit`: the page, and the cursor after it
/// when there is more.
fn page_of<T>(mut rows: Vec<T>, limit: u64, id: impl Fn(&T) -> Uuid) -> (Vec<T>, Option<String>) {
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map(|r| id(r).to_string())
    } else {
        None
    };
    (rows, next)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Contact {
    pub id: Uuid,
    pub email: Option<String>,
    pub display_name: String,
    /// `advocate`, `marketer` or `admin`.
    pub role: String,
    /// `active` or `deactivated`.
    pub status: String,
    pub joined_at: String,
}

impl From<contacts::Model> for Contact {
    fn from(c: contacts::Model) -> Self {
        Self {
            id: c.id,
            email: c.email,
            display_name: c.display_name,
            role: c.role.as_str().to_string(),
            status: c.status.as_str().to_string(),
            joined_at: c.created_at.to_rfc3339(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPage {
    pub items: Vec<Contact>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// The hub's contacts, a page at a time.
#[utoipa::path(
    get,
    path = "/v1/contacts",
    tag = "contacts",
    params(PageQuery),
    responses(
        (status = 200, body = ContactPage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["contacts:read"]))
)]
pub async fn list_contacts(
    caller: Caller<ContactsRead>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<ContactPage>, Problem> {
    let limit = q.limit()?;
    let mut query = caller
        .db
        .select::<contacts::Entity>()
        .order_by(contacts::Column::Id, Order::Asc)
        .limit(limit + 1);
    if let Some(after) = q.after()? {
        query = query.filter(contacts::Column::Id.gt(after));
    }
    let (rows, next_cursor) = page_of(query.all().await?, limit, |c| c.id);
    Ok(Json(ContactPage {
        next_cursor,
        items: rows.into_iter().map(Contact::from).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDetail {
    #[serde(flatten)]
    pub contact: Contact,
    /// Points to spend.
    pub balance: i64,
    /// Points ever earned (levels follow these).
    pub lifetime_points: i64,
    pub level: String,
}

/// One contact, with balance and level.
#[utoipa::path(
    get,
    path = "/v1/contacts/{id}",
    tag = "contacts",
    params(("id" = Uuid, Path, description = "The contact's id")),
    responses(
        (status = 200, body = ContactDetail),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["contacts:read"]))
)]
pub async fn get_contact(
    caller: Caller<ContactsRead>,
    ApiId(id): ApiId,
) -> Result<Json<ContactDetail>, Problem> {
    let contact = caller
        .db
        .find_by_id::<contacts::Entity>(id)
        .await?
        .ok_or_else(|| Problem::not_found("No contact of this hub has that id."))?;
    let (totals, level) = crate::points::ledger::level_of(&caller.db, id).await?;
    Ok(Json(ContactDetail {
        contact: contact.into(),
        balance: totals.balance,
        lifetime_points: totals.lifetime,
        level: level.current.name,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InvitationInput {
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationOutput {
    pub email: String,
    /// `sent`.
    pub status: String,
}

/// Invite someone to the hub (they get a mail with a link valid for 14 days).
#[utoipa::path(
    post,
    path = "/v1/invitations",
    tag = "invitations",
    request_body = InvitationInput,
    responses(
        (status = 201, body = InvitationOutput),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already a member, or already invited.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an email address.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["invitations:write"]))
)]
pub async fn invite(
    State(state): State<crate::web::AppState>,
    caller: Caller<InvitationsWrite>,
    ApiJson(input): ApiJson<InvitationInput>,
) -> Result<(StatusCode, Json<InvitationOutput>), Problem> {
    let email = crate::domain::Email::parse(&input.email)
        .map_err(|e| Problem::unprocessable("invalid_email", e.to_string()))?;
    let hub_host = caller
        .tenant
        .primary_host
        .clone()
        .unwrap_or_else(|| format!("{}.{}", caller.tenant.slug, state.config.root_domain));
    let hub_url = state.config.url_for_host(&hub_host);
    let mail = crate::invitations::service::InviteMail {
        hub_name: &caller.tenant.name,
        hub_url: &hub_url,
        inviter: &caller.client.name,
        request_id: crate::web::trace_context::current_request_id(),
    };
    match crate::invitations::service::invite(&caller.db, email.as_str(), None, &mail).await? {
        Ok(()) => Ok((
            StatusCode::CREATED,
            Json(InvitationOutput {
                email: email.as_str().to_string(),
                status: "sent".into(),
            }),
        )),
        Err(why) => Err(Problem::conflict(
            "already_there",
            format!("{}: {why}", email.as_str()),
        )),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Challenge {
    pub id: Uuid,
    pub title: String,
    /// `action`, `quiz`, `referral`, `upload`…
    pub kind: String,
    pub points: i64,
    /// `draft`, `published` or `archived`.
    pub status: String,
    pub requires_approval: bool,
}

/// The hub's challenges.
#[utoipa::path(
    get,
    path = "/v1/challenges",
    tag = "challenges",
    responses(
        (status = 200, body = Vec<Challenge>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["challenges:read"]))
)]
pub async fn list_challenges(
    caller: Caller<ChallengesRead>,
) -> Result<Json<Vec<Challenge>>, Problem> {
    let rows = caller
        .db
        .select::<challenges::Entity>()
        .order_by(challenges::Column::CreatedAt, Order::Asc)
        .all()
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|c| Challenge {
                id: c.id,
                title: c.title,
                kind: c.kind.as_str().to_string(),
                points: c.points,
                status: c.status.as_str().to_string(),
                requires_approval: c.requires_approval,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Completion {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub contact_id: Uuid,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    /// The advocate's answer, as JSON.
    #[schema(value_type = Object)]
    pub answer: serde_json::Value,
    pub review_note: Option<String>,
    pub submitted_at: String,
    pub reviewed_at: Option<String>,
}

impl From<completions::Model> for Completion {
    fn from(c: completions::Model) -> Self {
        Self {
            id: c.id,
            challenge_id: c.challenge_id,
            contact_id: c.contact_id,
            status: c.status.as_str().to_string(),
            answer: serde_json::from_str(&c.answer).unwrap_or(serde_json::Value::Null),
            review_note: c.review_note,
            submitted_at: c.created_at.to_rfc3339(),
            reviewed_at: c.reviewed_at.map(|t| t.to_rfc3339()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionPage {
    pub items: Vec<Completion>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompletionQuery {
    /// `pending`, `approved` or `rejected` (default: all).
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

/// Completions, e.g. those waiting for review (`status=pending`).
#[utoipa::path(
    get,
    path = "/v1/completions",
    tag = "completions",
    params(CompletionQuery),
    responses(
        (status = 200, body = CompletionPage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["completions:read"]))
)]
pub async fn list_completions(
    caller: Caller<CompletionsRead>,
    ApiQuery(q): ApiQuery<CompletionQuery>,
) -> Result<Json<CompletionPage>, Problem> {
    let page = PageQuery {
        cursor: q.cursor,
        limit: q.limit,
    };
    let limit = page.limit()?;
    let mut query = caller
        .db
        .select::<completions::Entity>()
        .order_by(completions::Column::Id, Order::Asc)
        .limit(limit + 1);
    if let Some(raw) = q.status.as_deref().filter(|s| !s.is_empty()) {
        let status = CompletionStatus::parse(raw)
            .ok_or_else(|| Problem::bad_request("`status` is pending, approved or rejected."))?;
        query = query.filter(completions::Column::Status.eq(status));
    }
    if let Some(after) = page.after()? {
        query = query.filter(completions::Column::Id.gt(after));
    }
    let (rows, next_cursor) = page_of(query.all().await?, limit, |c| c.id);
    Ok(Json(CompletionPage {
        next_cursor,
        items: rows.into_iter().map(Completion::from).collect(),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ReviewInput {
    /// Shown to the advocate.
    pub note: Option<String>,
}

/// The optional JSON body of a review: `{"note": "…"}`, or nothing.
fn note_of(body: &[u8]) -> Result<Option<String>, Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice::<ReviewInput>(body)
        .map(|r| r.note)
        .map_err(|e| {
            Problem::unprocessable("invalid_body", format!("The body is not a review: {e}"))
        })
}

async fn decide(
    caller: Caller<CompletionsWrite>,
    id: Uuid,
    decision: Review,
    note: Option<String>,
) -> Result<Json<Completion>, Problem> {
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 1000) {
        return Err(Problem::unprocessable(
            "note_too_long",
            "A note is at most 1,000 characters.",
        ));
    }
    let found = caller.db.find_by_id::<completions::Entity>(id).await?;
    if found.is_none() {
        return Err(Problem::not_found("No completion of this hub has that id."));
    }
    if !review(&caller.db, id, decision, caller.client.id, note).await? {
        return Err(Problem::conflict(
            "already_reviewed",
            "That completion is not pending.",
        ));
    }
    let done = caller
        .db
        .find_by_id::<completions::Entity>(id)
        .await?
        .ok_or_else(|| Problem::not_found("No completion of this hub has that id."))?;
    Ok(Json(done.into()))
}

/// Approve a pending completion (its points are awarded).
#[utoipa::path(
    post,
    path = "/v1/completions/{id}/approve",
    tag = "completions",
    params(("id" = Uuid, Path, description = "The completion's id")),
    request_body(content = Option<ReviewInput>, description = "Optional note"),
    responses(
        (status = 200, body = Completion),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not pending.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["completions:write"]))
)]
pub async fn approve(
    caller: Caller<CompletionsWrite>,
    ApiId(id): ApiId,
    body: axum::body::Bytes,
) -> Result<Json<Completion>, Problem> {
    let note = note_of(&body)?;
    decide(caller, id, Review::Approve, note).await
}

/// Reject a pending completion.
#[utoipa::path(
    post,
    path = "/v1/completions/{id}/reject",
    tag = "completions",
    params(("id" = Uuid, Path, description = "The completion's id")),
    request_body(content = Option<ReviewInput>, description = "Optional note"),
    responses(
        (status = 200, body = Completion),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not pending.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["completions:write"]))
)]
pub async fn reject(
    caller: Caller<CompletionsWrite>,
    ApiId(id): ApiId,
    body: axum::body::Bytes,
) -> Result<Json<Completion>, Problem> {
    let note = note_of(&body)?;
    decide(caller, id, Review::Reject, note).await
}
