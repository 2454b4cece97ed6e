//! The sender task: claims queued mail — the accounts outbox in the global database and
//! every hub's outbox on every shard — atomically, so several app servers never send one
//! message twice, and delivers it — by SMTP when `RALLY_SMTP_URL` is set; otherwise,
//! with `RALLY_MAIL_VIEWER` on (development), it is kept for the viewer at
//! `accounts.<root>/dev/mail`. Mail of a
//! tenant whose mail is suppressed is recorded, not sent. Every message's Message-ID is
//! logged with the request id that queued it.
use crate::db::global::{mail_outbox, tenants};
use crate::db::tenant::outbound_mail;
use crate::db::{now, ShardRegistry};
use crate::web::config::Environment;
use crate::web::Config;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::sync::Arc;
use std::time::Duration;

const BATCH: u64 = 20;
const MAX_ATTEMPTS: i64 = 5;
/// How long a sender holds a message it is sending. SMTP gives up well within it; past
/// it, the sender is taken to have died and another one sends the message.
const LEASE: chrono::TimeDelta = chrono::TimeDelta::minutes(2);

/// How long to wait after the n-th failed delivery: 30 s, doubling, at most an hour.
fn backoff(attempts: i64) -> chrono::TimeDelta {
    let secs = 30_i64.saturating_mul(1 << attempts.clamp(1, 8).saturating_sub(1));
    chrono::TimeDelta::seconds(secs.min(3600))
}

/// When a message is tried again: after a backoff if it is still queued, never otherwise.
fn retry_at(
    status: mail_outbox::MailStatus,
    attempts: i64,
) -> Option<chrono::DateTime<chrono::Utc>> {
    (status == mail_outbox::STATUS_QUEUED).then(|| now() + backoff(attempts))
}

/// Queued and due, or sending with its lease over (its sender died mid-send).
fn due<C: sea_orm::ColumnTrait>(status: C, next_attempt_at: C) -> sea_orm::Condition {
    use sea_orm::Condition;
    Condition::all()
        .add(status.is_in([mail_outbox::STATUS_QUEUED, mail_outbox::STATUS_SENDING]))
        .add(
            Condition::any()
                .add(next_attempt_at.is_null())
                .add(next_attempt_at.lte(now())),
        )
}

pub struct Sender {
    global: DatabaseConnection,
    registry: Arc<ShardRegistry>,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    keep_for_viewer: bool,
    root_domain: String,
}

impl Sender {
    pub fn new(registry: Arc<ShardRegistry>, config: &Config) -> anyhow::Result<Self> {
        let global = registry.global().clone();
        let smtp = match &config.smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("RALLY_SMTP_URL: {e}"))?
                    .build(),
            ),
            None => None,
        };
        if smtp.is_none() && config.environment == Environment::Production {
            tracing::warn!("RALLY_SMTP_URL is not set: mail stays queued");
        }
        Ok(Self {
            global,
            registry,
            smtp,
            from: config
                .mail_from
                .parse()
                .map_err(|e| anyhow::anyhow!("RALLY_MAIL_FROM: {e}"))?,
            keep_for_viewer: config.mail_viewer,
            root_domain: config.root_domain.clone(),
        })
    }

    /// Runs forever, polling the outbox.
    pub fn spawn(self, every: Duration) {
        tokio::spawn(async move {
            loop {
                if let Err(e) = self.run_once().await {
                    tracing::warn!(error = %e, "mail sender: outbox not readable");
                }
                tokio::time::sleep(every).await;
            }
        });
    }

    /// Delivers what is queued now; returns how many messages it handled.
    pub async fn run_once(&self) -> Result<usize, DbErr> {
        if self.smtp.is_none() && !self.keep_for_viewer {
            return Ok(0);
        }
        let queued = mail_outbox::Entity::find()
            .filter(due(
                mail_outbox::Column::Status,
                mail_outbox::Column::NextAttemptAt,
            ))
            .order_by_asc(mail_outbox::Column::CreatedAt)
            .limit(BATCH)
            .all(&self.global)
            .await?;
        let mut handled = 0;
        for mail in queued {
            if self.claim(&mail).await? {
                self.deliver(mail).await?;
                handled += 1;
            }
        }
        for shard in self.registry.shards() {
            // A shard that is down keeps its mail until it is back.
            let Ok(conn) = self.registry.shard_connection(shard.id).await else {
                continue;
            };
            match self.run_shard(&conn).await {
                Ok(n) => handled += n,
                Err(e) => {
                    tracing::warn!(shard = %shard.name, error = %e, "mail sender: shard outbox not readable")
                }
            }
        }
        Ok(handled)
    }

    /// A shard's hub mail: the same claim-then-deliver, written back to the shard.
    async fn run_shard(&self, conn: &DatabaseConnection) -> Result<usize, DbErr> {
        let queued = outbound_mail::Entity::find()
            .filter(due(
                outbound_mail::Column::Status,
                outbound_mail::Column::NextAttemptAt,
            ))
            .order_by_asc(outbound_mail::Column::CreatedAt)
            .limit(BATCH)
            .all(conn)
            .await?;
        let mut handled = 0;
        for m in queued {
            let claimed = outbound_mail::Entity::update_many()
                .col_expr(
                    outbound_mail::Column::Status,
                    sea_orm::sea_query::Expr::value(mail_outbox::STATUS_SENDING),
                )
                .col_expr(
                    outbound_mail::Column::NextAttemptAt,
                    sea_orm::sea_query::Expr::value(now() + LEASE),
                )
                .filter(outbound_mail::Column::Id.eq(m.id))
                .filter(due(
                    outbound_mail::Column::Status,
                    outbound_mail::Column::NextAttemptAt,
                ))
                .exec(conn)
                .await?
                .rows_affected
                == 1;
            if !claimed {
                continue;
            }
            // Delivered through the same path as accounts mail, then written back here.
            let as_global: mail_outbox::Model = m.clone().into();
            let (status, message_id, error) = self.send(&as_global).await?;
            let mut row: outbound_mail::ActiveModel = m.into();
            row.attempts = Set(as_global.attempts + 1);
            row.message_id = Set(Some(message_id));
            row.last_error = Set(error);
            row.next_attempt_at = Set(retry_at(status, as_global.attempts + 1));
            if status != mail_outbox::STATUS_QUEUED {
                row.sent_at = Set(Some(now()));
            }
            row.status = Set(status);
            row.update(conn).await?;
            handled += 1;
        }
        Ok(handled)
    }

    /// → sending with a fresh lease, only if still due: exactly one sender wins a message.
    async fn claim(&self, mail: &mail_outbox::Model) -> Result<bool, DbErr> {
        let res = mail_outbox::Entity::update_many()
            .col_expr(
                mail_outbox::Column::Status,
                sea_orm::sea_query::Expr::value(mail_outbox::STATUS_SENDING),
            )
            .col_expr(
                mail_outbox::Column::NextAttemptAt,
                sea_orm::sea_query::Expr::value(now() + LEASE),
            )
            .filter(mail_outbox::Column::Id.eq(mail.id))
            .filter(due(
                mail_outbox::Column::Status,
                mail_outbox::Column::NextAttemptAt,
            ))
            .exec(&self.global)
            .await?;
        Ok(res.rows_affected == 1)
    }

    async fn suppressed(&self, mail: &mail_outbox::Model) -> Result<bool, DbErr> {
        let Some(tenant_id) = mail.tenant_id else {
            return Ok(false);
        };
        Ok(tenants::Entity::find_by_id(tenant_id)
            .one(&self.global)
            .await?
            .is_some_and(|t| t.mail_suppressed))
    }

    async fn deliver(&self, mail: mail_outbox::Model) -> Result<(), DbErr> {
        let (status, message_id, error) = self.send(&mail).await?;
        let attempts = mail.attempts + 1;
        let mut row: mail_outbox::ActiveModel = mail.into();
        row.status = Set(status);
        row.attempts = Set(attempts);
        row.message_id = Set(Some(message_id));
        row.last_error = Set(error);
        row.next_attempt_at = Set(retry_at(status, attempts));
        if status != mail_outbox::STATUS_QUEUED {
            row.sent_at = Set(Some(now()));
        }
        row.update(&self.global).await?;
        Ok(())
    }

    /// Sends (or keeps, or suppresses) one message; returns its new status, Message-ID and
    /// error, and logs the Message-ID with the request id that queued it.
    async fn send(
        &self,
        mail: &mail_outbox::Model,
    ) -> Result<(mail_outbox::MailStatus, String, Option<String>), DbErr> {
        let message_id = format!("<{}@{}>", mail.id, self.root_domain);
        let request_id = mail.request_id.clone().unwrap_or_default();
        let (status, error) = if self.suppressed(mail).await? {
            (mail_outbox::STATUS_SUPPRESSED, None)
        } else if let Some(smtp) = &self.smtp {
            match self.send_smtp(smtp, mail, &message_id).await {
                Ok(()) => (mail_outbox::STATUS_SENT, None),
                Err(e) if mail.attempts + 1 >= MAX_ATTEMPTS => {
                    (mail_outbox::STATUS_FAILED, Some(e))
                }
                Err(e) => (mail_outbox::STATUS_QUEUED, Some(e)),
            }
        } else {
            (mail_outbox::STATUS_KEPT, None)
        };
        match &error {
            None => tracing::info!(
                message_id = %message_id, request_id = %request_id, to = %mail.to_address,
                status = status.as_str(), "mail delivered"
            ),
            Some(e) => tracing::warn!(
                message_id = %message_id, request_id = %request_id, error = %e,
                status = status.as_str(), "mail not delivered"
            ),
        }
        Ok((status, message_id, error))
    }

    async fn send_smtp(
        &self,
        smtp: &AsyncSmtpTransport<Tokio1Executor>,
        mail: &mail_outbox::Model,
        message_id: &str,
    ) -> Result<(), String> {
        let to: Mailbox = mail
            .to_address
            .parse()
            .map_err(|e| format!("bad address: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(message_id.to_string()))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body_text.clone())
            .map_err(|e| e.to_string())?;
        smtp.send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1).num_seconds(), 30);
        assert_eq!(backoff(2).num_seconds(), 60);
        assert_eq!(backoff(4).num_seconds(), 240);
        assert_eq!(backoff(40).num_seconds(), 3600);
    }
}
