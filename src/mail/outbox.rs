//! Queueing mail: a row in the outbox, written on the same connection (or transaction) as
//! whatever causes the mail, so a mail is queued exactly when its cause is committed.
use crate::db::global::mail_outbox;
use crate::db::{new_id, now};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use uuid::Uuid;

pub struct NewMail<'a> {
    /// The hub sending it (its suppression switch applies), or `None` for accounts mail.
    pub tenant_id: Option<Uuid>,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: String,
    /// The request that caused it, logged again when it is delivered.
    pub request_id: Option<String>,
}

/// Queues an accounts (or platform) message, and the job that delivers it, on `conn` (a
/// transaction, when its cause is one).
pub async fn queue(conn: &impl ConnectionTrait, mail: NewMail<'_>) -> Result<Uuid, DbErr> {
    let id = new_id();
    let request_id = mail.request_id.clone();
    mail_outbox::ActiveModel {
        id: Set(id),
        tenant_id: Set(mail.tenant_id),
        to_address: Set(mail.to.to_string()),
        subject: Set(mail.subject.to_string()),
        body_text: Set(mail.body),
        status: Set(mail_outbox::STATUS_QUEUED),
        attempts: Set(0),
        message_id: Set(None),
        request_id: Set(mail.request_id),
        last_error: Set(None),
        created_at: Set(now()),
        sent_at: Set(None),
        next_attempt_at: Set(None),
    }
    .insert(conn)
    .await?;
    crate::jobs::enqueue_global(conn, None, super::DELIVER, &deliver(id), request_id).await?;
    Ok(id)
}

fn deliver(id: Uuid) -> super::DeliverMail {
    super::DeliverMail {
        mail: id.to_string(),
    }
}

/// Queues a hub's mail on its shard, in the caller's transaction (`db` may be a
/// `TenantTx`), so the mail exists exactly when its cause is committed.
pub async fn queue_for_tenant<C: ConnectionTrait>(
    db: &crate::db::TenantScope<C>,
    to: &str,
    subject: &str,
    body: String,
    request_id: Option<String>,
) -> Result<Uuid, DbErr> {
    use crate::db::tenant::outbound_mail;
    let id = new_id();
    db.insert(outbound_mail::ActiveModel {
        id: Set(id),
        tenant_id: sea_orm::ActiveValue::NotSet,
        to_address: Set(to.to_string()),
        subject: Set(subject.to_string()),
        body_text: Set(body),
        status: Set(crate::db::global::mail_outbox::STATUS_QUEUED),
        attempts: Set(0),
        message_id: Set(None),
        request_id: Set(request_id.clone()),
        last_error: Set(None),
        created_at: Set(now()),
        sent_at: Set(None),
        next_attempt_at: Set(None),
    })
    .await?;
    crate::jobs::enqueue(db, super::DELIVER, &deliver(id), request_id).await?;
    Ok(id)
}

/// For the development mail viewer: the newest `limit` messages of the accounts outbox and
/// of every hub's outbox on every shard (a shard that is down is skipped). Reading across
/// tenants is what this viewer is for; it is never served in production.
pub async fn recent(
    registry: &crate::db::ShardRegistry,
    limit: u64,
) -> Result<Vec<mail_outbox::Model>, DbErr> {
    use crate::db::tenant::outbound_mail;
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    let mut all = mail_outbox::Entity::find()
        .order_by_desc(mail_outbox::Column::CreatedAt)
        .limit(limit)
        .all(registry.global())
        .await?;
    for shard in registry.shards() {
        let Ok(conn) = registry.shard_connection(shard.id).await else {
            continue;
        };
        let rows = outbound_mail::Entity::find()
            .order_by_desc(outbound_mail::Column::CreatedAt)
            .limit(limit)
            .all(&conn)
            .await?;
        all.extend(rows.into_iter().map(mail_outbox::Model::from));
    }
    all.sort_by_key(|m| std::cmp::Reverse(m.created_at));
    all.truncate(limit as usize);
    Ok(all)
}

/// Queued and due, or `sending` with its lease over (its sender died mid-send).
pub(crate) fn due<C: sea_orm::ColumnTrait>(status: C, next_attempt_at: C) -> sea_orm::Condition {
    use sea_orm::Condition;
    Condition::all()
        .add(status.is_in([mail_outbox::STATUS_QUEUED, mail_outbox::STATUS_SENDING]))
        .add(
            Condition::any()
                .add(next_attempt_at.is_null())
                .add(next_attempt_at.lte(now())),
        )
}

/// Gives a delivery job to every due message that has none: mail queued by a version of
/// Rally before the job queue, whose own sender would have polled for it. Run at start and
/// with the housekeeping. A message whose job is waiting, running or dead is left to it;
/// one whose job finished while it is still due (a delivery that died) gets another.
pub async fn requeue_orphans(registry: &crate::db::ShardRegistry) -> Result<usize, DbErr> {
    use crate::db::tenant::{jobs, outbound_mail};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let has_job = |conn: sea_orm::DatabaseConnection, id: Uuid| async move {
        let payload = serde_json::to_string(&deliver(id)).unwrap_or_default();
        // A finished job whose message is still due left it behind: it needs another. A
        // dead one waits for an operator's retry.
        jobs::Entity::find()
            .filter(jobs::Column::Kind.eq(super::DELIVER))
            .filter(jobs::Column::Payload.eq(payload))
            .filter(jobs::Column::Status.ne(crate::jobs::JobStatus::Done))
            .count(&conn)
            .await
            .map(|n| n > 0)
    };
    let global = registry.global();
    let mut requeued = 0;
    let rows = mail_outbox::Entity::find()
        .filter(due(
            mail_outbox::Column::Status,
            mail_outbox::Column::NextAttemptAt,
        ))
        .all(global)
        .await?;
    for m in rows {
        if !has_job(global.clone(), m.id).await? {
            crate::jobs::enqueue_global(global, None, super::DELIVER, &deliver(m.id), m.request_id)
                .await?;
            requeued += 1;
        }
    }
    // A read-only shard takes no jobs until it takes writes again.
    let writable =
        |s: &crate::db::global::shards::Model| s.status != crate::domain::ShardStatus::ReadOnly;
    for shard in registry.shards().into_iter().filter(writable) {
        let Ok(conn) = registry.shard_connection(shard.id).await else {
            continue;
        };
        let on_shard = async {
            let rows = outbound_mail::Entity::find()
                .filter(due(
                    outbound_mail::Column::Status,
                    outbound_mail::Column::NextAttemptAt,
                ))
                .all(&conn)
                .await?;
            let mut n = 0;
            for m in rows {
                if has_job(conn.clone(), m.id).await? {
                    continue;
                }
                let Ok(hub) = registry.tenant_db(m.tenant_id, shard.id).await else {
                    continue;
                };
                crate::jobs::enqueue(&hub, super::DELIVER, &deliver(m.id), m.request_id).await?;
                n += 1;
            }
            Ok::<usize, DbErr>(n)
        };
        match on_shard.await {
            Ok(n) => requeued += n,
            // One shard's trouble does not stop the others' sweep.
            Err(e) => tracing::warn!(shard = %shard.name, error = %e, "mail sweep failed"),
        }
    }
    Ok(requeued)
}
