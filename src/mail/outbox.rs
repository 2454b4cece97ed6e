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

pub async fn queue(conn: &impl ConnectionTrait, mail: NewMail<'_>) -> Result<Uuid, DbErr> {
    let id = new_id();
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
    Ok(id)
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
        request_id: Set(request_id),
        last_error: Set(None),
        created_at: Set(now()),
        sent_at: Set(None),
        next_attempt_at: Set(None),
    })
    .await?;
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
