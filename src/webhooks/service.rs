//! Subscriptions, the events hubs send, and their delivery.
//!
//! An event is queued with its cause: [`emit`] runs in the cause's transaction and writes,
//! per subscribed webhook, a delivery row and a `webhook.deliver` job. So an event is sent
//! exactly when what caused it was committed, and a crash loses none. The job signs and
//! posts the message ([`deliver`]); a failed attempt is retried by the job queue with
//! exponential backoff until `RALLY_WEBHOOK_ATTEMPTS` are used, and the delivery is then
//! `failed`. "Redeliver" queues it again.
use super::signing;
use super::Event;
use crate::db::tenant::{webhook_deliveries, webhooks};
use crate::db::{new_id, now, TenantDb, TenantScope};
use crate::sealing::Sealer;
use crate::web::outbound::{check_url, TargetError, Targets};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, Order, Set};
use serde::{Deserialize, Serialize};
use std::time::Instant;
use uuid::Uuid;

pub const DELIVER: &str = "webhook.deliver";
pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";
/// Webhooks one hub may have.
pub const MAX_PER_HUB: u64 = 20;
/// How much of a receiver's answer the log keeps.
const EXCERPT_BYTES: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<TargetError> for WebhookError {
    fn from(e: TargetError) -> Self {
        Self::Invalid(e.to_string())
    }
}

/// The associated data a webhook's sealed secret is bound to.
fn secret_row(id: Uuid) -> String {
    format!("webhook:{id}")
}

/// Subscribes `url` to `events`; returns the webhook and its signing secret (shown once).
pub async fn subscribe(
    db: &TenantDb,
    sealer: &Sealer,
    targets: &Targets,
    url: &str,
    events: &[Event],
) -> Result<(webhooks::Model, String), WebhookError> {
    let url = check_url(url, targets.allow_private, targets.resolver).await?;
    if events.is_empty() {
        return Err(WebhookError::Invalid("Choose at least one event.".into()));
    }
    if db.select::<webhooks::Entity>().count().await? >= MAX_PER_HUB {
        return Err(WebhookError::Invalid(format!(
            "A hub can have at most {MAX_PER_HUB} webhooks; remove one first."
        )));
    }
    let id = new_id();
    let secret = signing::new_secret();
    let names: Vec<&str> = events.iter().map(|e| e.name()).collect();
    let hook = db
        .insert(webhooks::ActiveModel {
            id: Set(id),
            tenant_id: sea_orm::NotSet,
            url: Set(url.to_string()),
            events: Set(names.join(" ")),
            sealed_secret: Set(sealer.seal(secret.as_bytes(), &secret_row(id))),
            active: Set(true),
            created_at: Set(now()),
        })
        .await?;
    Ok((hook, secret))
}

pub async fn list(db: &TenantDb) -> Result<Vec<webhooks::Model>, DbErr> {
    db.select::<webhooks::Entity>()
        .order_by_asc(webhooks::Column::CreatedAt)
        .all()
        .await
}

/// Removes a webhook and its log; its queued jobs then find nothing to send.
pub async fn remove(db: &TenantDb, id: Uuid) -> Result<bool, DbErr> {
    let tx = db.begin().await?;
    tx.delete_where::<webhook_deliveries::Entity>(webhook_deliveries::Column::WebhookId.eq(id))
        .await?;
    let gone = tx.delete_by_id::<webhooks::Entity>(id).await? == 1;
    tx.commit().await?;
    Ok(gone)
}

/// The newest deliveries of a webhook.
pub async fn deliveries(
    db: &TenantDb,
    webhook: Uuid,
    limit: u64,
) -> Result<Vec<webhook_deliveries::Model>, DbErr> {
    db.select::<webhook_deliveries::Entity>()
        .filter(webhook_deliveries::Column::WebhookId.eq(webhook))
        .order_by(webhook_deliveries::Column::CreatedAt, Order::Desc)
        .limit(limit)
        .all()
        .await
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DeliverJob {
    pub delivery: Uuid,
}

/// Job attempts: more than any delivery may use, so the handler, not the queue, decides
/// when a delivery has failed (see [`deliver`]).
const JOB_ATTEMPTS: i64 = 25;

/// Queues `event` to every active webhook of the hub subscribed to it, in the caller's
/// transaction. The request being handled (if any) travels with it.
pub async fn emit<C: ConnectionTrait>(
    db: &TenantScope<C>,
    event: Event,
    data: serde_json::Value,
) -> Result<(), DbErr> {
    let hooks = db
        .select::<webhooks::Entity>()
        .filter(webhooks::Column::Active.eq(true))
        .all()
        .await?;
    let subscribed: Vec<_> = hooks
        .into_iter()
        .filter(|h| h.events.split(' ').any(|e| e == event.name()))
        .collect();
    if subscribed.is_empty() {
        return Ok(());
    }
    let request_id = crate::web::trace_context::current_request_id();
    let at = now();
    let body = serde_json::json!({
        "type": event.name(),
        "timestamp": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "hub_id": db.tenant_id(),
        "data": data,
    })
    .to_string();
    for hook in subscribed {
        let id = new_id();
        db.insert(webhook_deliveries::ActiveModel {
            id: Set(id),
            tenant_id: sea_orm::NotSet,
            webhook_id: Set(hook.id),
            event: Set(event.name().to_string()),
            payload: Set(body.clone()),
            status: Set(PENDING.into()),
            attempts: Set(0),
            response_status: Set(None),
            latency_ms: Set(None),
            response_excerpt: Set(None),
            last_error: Set(None),
            request_id: Set(request_id.clone()),
            created_at: Set(at),
            updated_at: Set(at),
        })
        .await?;
        crate::jobs::enqueue_with_attempts(
            db,
            DELIVER,
            &DeliverJob { delivery: id },
            request_id.clone(),
            JOB_ATTEMPTS,
        )
        .await?;
    }
    Ok(())
}

/// A pending delivery untouched this long has lost its job (the queue gave it up): it may
/// be queued again. (The queue's longest backoff is an hour.)
pub const STUCK_AFTER: chrono::Duration = chrono::Duration::hours(2);

/// Queues a delivery again ("Redeliver"), with a fresh allowance of attempts: one that
/// ended (delivered or failed), or one left pending by a job that is gone.
pub async fn redeliver(db: &TenantDb, webhook: Uuid, delivery: Uuid) -> Result<bool, DbErr> {
    let tx = db.begin().await?;
    let changed = tx
        .update_where(
            webhook_deliveries::ActiveModel {
                status: Set(PENDING.into()),
                updated_at: Set(now()),
                ..Default::default()
            },
            sea_orm::Condition::all()
                .add(webhook_deliveries::Column::Id.eq(delivery))
                .add(webhook_deliveries::Column::WebhookId.eq(webhook))
                .add(
                    sea_orm::Condition::any()
                        .add(webhook_deliveries::Column::Status.ne(PENDING))
                        .add(webhook_deliveries::Column::UpdatedAt.lt(now() - STUCK_AFTER)),
                ),
        )
        .await?;
    if changed == 1 {
        crate::jobs::enqueue_with_attempts(
            &tx,
            DELIVER,
            &DeliverJob { delivery },
            crate::web::trace_context::current_request_id(),
            JOB_ATTEMPTS,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(changed == 1)
}

/// What the `webhook.deliver` handler needs.
#[derive(Clone)]
pub struct Deliverer {
    pub targets: Targets,
    pub sealer: Sealer,
    /// Attempts per delivery (`RALLY_WEBHOOK_ATTEMPTS`).
    pub attempts: i64,
}

/// How one attempt went.
struct Attempt {
    status: Option<u16>,
    latency_ms: i64,
    excerpt: Option<String>,
    error: Option<String>,
}

/// The error and its causes, on one line ("error sending request: … connection refused").
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

async fn post(
    targets: &Targets,
    url: &str,
    delivery: &webhook_deliveries::Model,
    key: &[u8],
) -> Attempt {
    let refused = |error: String| Attempt {
        status: None,
        latency_ms: 0,
        excerpt: None,
        error: Some(error),
    };
    let Ok(url) = url::Url::parse(url) else {
        return refused("the webhook's URL does not parse".into());
    };
    if let Some(why) = targets.literal_refused(&url) {
        return refused(why);
    }
    let message_id = format!("msg_{}", delivery.id.simple());
    let timestamp = now().timestamp();
    let mut req = targets
        .http
        .post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header("webhook-id", &message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            signing::sign(key, &message_id, timestamp, &delivery.payload),
        )
        .body(delivery.payload.clone());
    if let Some(id) = &delivery.request_id {
        req = req
            .header("x-request-id", id)
            .header("traceparent", crate::web::trace_context::traceparent(id));
    }
    let started = Instant::now();
    let answer = req.send().await;
    let latency_ms = || started.elapsed().as_millis() as i64;
    match answer {
        Err(e) => Attempt {
            status: None,
            latency_ms: latency_ms(),
            excerpt: None,
            error: Some(causes(&e)),
        },
        Ok(mut res) => {
            let status = res.status().as_u16();
            // Only the start of the answer is read and kept.
            let mut body = Vec::new();
            while body.len() < EXCERPT_BYTES {
                match res.chunk().await {
                    Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                    _ => break,
                }
            }
            body.truncate(EXCERPT_BYTES);
            Attempt {
                status: Some(status),
                latency_ms: latency_ms(),
                excerpt: Some(String::from_utf8_lossy(&body).into_owned()),
                error: (!(200..300).contains(&status)).then(|| format!("HTTP {status}")),
            }
        }
    }
}

/// Records how a delivery ended (or is to be retried).
async fn record(
    db: &TenantDb,
    delivery: &webhook_deliveries::Model,
    status: &str,
    attempt: Attempt,
) -> Result<(), String> {
    db.update_where(
        webhook_deliveries::ActiveModel {
            status: Set(status.to_string()),
            attempts: Set(delivery.attempts + 1),
            response_status: Set(attempt.status.map(i32::from)),
            latency_ms: Set(Some(attempt.latency_ms)),
            response_excerpt: Set(attempt.excerpt),
            last_error: Set(attempt.error),
            updated_at: Set(now()),
            ..Default::default()
        },
        webhook_deliveries::Column::Id.eq(delivery.id),
    )
    .await
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// The `webhook.deliver` job: one attempt. An error asks the queue to retry (after its
/// backoff); the last attempt records the failure and ends the job.
pub async fn deliver(d: &Deliverer, ctx: crate::jobs::JobCtx) -> Result<(), String> {
    let job: DeliverJob = ctx.payload()?;
    let db = ctx.tenant()?;
    let Some(delivery) = db
        .find_by_id::<webhook_deliveries::Entity>(job.delivery)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(()); // its webhook was removed
    };
    if delivery.status != PENDING {
        return Ok(());
    }
    let last = ctx.attempt >= d.attempts;
    let give_up = |why: &str| Attempt {
        status: None,
        latency_ms: 0,
        excerpt: None,
        error: Some(why.to_string()),
    };
    let hook = db
        .find_by_id::<webhooks::Entity>(delivery.webhook_id)
        .await
        .map_err(|e| e.to_string())?;
    let Some(hook) = hook.filter(|h| h.active) else {
        return record(db, &delivery, FAILED, give_up("the webhook was removed")).await;
    };
    let key = d
        .sealer
        .open(&hook.sealed_secret, &secret_row(hook.id))
        .ok()
        .and_then(|s| signing::key_of(&String::from_utf8_lossy(&s)));
    let Some(key) = key else {
        let why = "the signing secret cannot be opened (RALLY_SECRET_KEY changed?)";
        return record(db, &delivery, FAILED, give_up(why)).await;
    };
    let attempt = post(&d.targets, &hook.url, &delivery, &key).await;
    let ok = attempt.status.is_some_and(|s| (200..300).contains(&s));
    let outcome = if ok { "delivered" } else { "failed" };
    metrics::counter!(crate::web::metrics::WEBHOOKS, "outcome" => outcome).increment(1);
    let error = attempt.error.clone();
    let status = match (ok, last) {
        (true, _) => DELIVERED,
        (false, true) => FAILED,
        (false, false) => PENDING,
    };
    record(db, &delivery, status, attempt).await?;
    match (ok, last) {
        (false, false) => Err(error.unwrap_or_else(|| "not delivered".into())),
        _ => Ok(()),
    }
}
