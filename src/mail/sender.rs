//! Delivering one message: the `mail.deliver` job (see [`crate::jobs`]) that queueing a
//! message also queues, in the same transaction. A message is claimed before it is sent —
//! `sending` with a lease, won by one conditional update — so two jobs for one message
//! (a sweep racing a queue) never send it twice. It goes by SMTP when `RALLY_SMTP_URL` is
//! set; otherwise, with `RALLY_MAIL_VIEWER` on (development), it is kept for the viewer at
//! `accounts.<root>/dev/mail`. Mail of a tenant whose mail is suppressed is recorded, not
//! sent. Every message's Message-ID is logged with the request id that queued it.
use super::outbox::due;
use crate::db::global::{mail_deliveries, mail_outbox, tenants};
use crate::db::tenant::outbound_mail;
use crate::db::{now, TenantDb};
use crate::web::config::Environment;
use crate::web::Config;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

const MAX_ATTEMPTS: i64 = 5;
/// How long a sender holds a message it is sending. SMTP gives up well within it; past
/// it, the sender is taken to have died and another one sends the message.
const LEASE: chrono::TimeDelta = chrono::TimeDelta::minutes(2);

pub struct Sender {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    keep_for_viewer: bool,
    root_domain: String,
    /// Interceptors: the spam score at which a hub's mail is suppressed, and the staging
    /// address every mail is redirected to.
    spam_threshold: i64,
    redirect_to: Option<String>,
}

impl Sender {
    pub fn new(config: &Config) -> anyhow::Result<Self> {
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
            smtp,
            from: config
                .mail_from
                .parse()
                .map_err(|e| anyhow::anyhow!("RALLY_MAIL_FROM: {e}"))?,
            keep_for_viewer: config.mail_viewer,
            root_domain: config.root_domain.clone(),
            spam_threshold: config.spam_threshold,
            redirect_to: config.mail_redirect_to.clone(),
        })
    }

    /// Delivers one accounts (or platform) message of the global outbox. `Ok` when it is
    /// done with — sent, kept, suppressed, failed for good, or already taken care of;
    /// `Err` when it should be tried again (the job backs off).
    pub async fn deliver_global(
        &self,
        global: &DatabaseConnection,
        id: Uuid,
    ) -> Result<(), String> {
        let db = |e: DbErr| e.to_string();
        if !self.can_deliver() {
            return Err("no way to deliver mail yet (RALLY_SMTP_URL is not set)".into());
        }
        let Some(mail) = mail_outbox::Entity::find_by_id(id)
            .one(global)
            .await
            .map_err(db)?
        else {
            return Ok(());
        };
        let claimed = mail_outbox::Entity::update_many()
            .col_expr(
                mail_outbox::Column::Status,
                Expr::value(mail_outbox::STATUS_SENDING),
            )
            .col_expr(
                mail_outbox::Column::NextAttemptAt,
                Expr::value(now() + LEASE),
            )
            .filter(mail_outbox::Column::Id.eq(id))
            .filter(due(
                mail_outbox::Column::Status,
                mail_outbox::Column::NextAttemptAt,
            ))
            .exec(global)
            .await
            .map_err(db)?
            .rows_affected
            == 1;
        if !claimed {
            // Delivered already, or another delivery holds it now (or held it and died:
            // once its lease ends this job's retry takes it over). Never "done" unseen.
            let now_status = mail_outbox::Entity::find_by_id(id)
                .one(global)
                .await
                .map_err(db)?
                .map(|m| m.status);
            return settled(now_status);
        }
        let (status, message_id, error) = match self.send(global, &mail).await {
            Ok(sent) => sent,
            Err(e) => {
                // Nothing left Rally (the failure came before SMTP): back in the queue.
                let _ = mail_outbox::Entity::update_many()
                    .col_expr(
                        mail_outbox::Column::Status,
                        Expr::value(mail_outbox::STATUS_QUEUED),
                    )
                    .col_expr(
                        mail_outbox::Column::NextAttemptAt,
                        Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
                    )
                    .filter(mail_outbox::Column::Id.eq(id))
                    .exec(global)
                    .await;
                return Err(e.to_string());
            }
        };
        let mut row: mail_outbox::ActiveModel = mail.clone().into();
        row.status = Set(status);
        row.attempts = Set(mail.attempts + 1);
        row.message_id = Set(Some(message_id));
        row.last_error = Set(error.clone());
        row.next_attempt_at = Set(None);
        if status != mail_outbox::STATUS_QUEUED {
            row.sent_at = Set(Some(now()));
        }
        row.update(global).await.map_err(db)?;
        match (status, error) {
            (mail_outbox::STATUS_QUEUED, Some(e)) => Err(e),
            _ => Ok(()),
        }
    }

    /// Delivers one of a hub's messages, from its shard (see [`Self::deliver_global`]).
    pub async fn deliver_tenant(
        &self,
        global: &DatabaseConnection,
        hub: &TenantDb,
        id: Uuid,
    ) -> Result<(), String> {
        let db = |e: DbErr| e.to_string();
        if !self.can_deliver() {
            return Err("no way to deliver mail yet (RALLY_SMTP_URL is not set)".into());
        }
        let Some(mail) = hub
            .find_by_id::<outbound_mail::Entity>(id)
            .await
            .map_err(db)?
        else {
            return Ok(());
        };
        let claimed = hub
            .update_exprs_where::<outbound_mail::Entity>(
                vec![
                    (
                        outbound_mail::Column::Status,
                        Expr::value(mail_outbox::STATUS_SENDING),
                    ),
                    (
                        outbound_mail::Column::NextAttemptAt,
                        Expr::value(now() + LEASE),
                    ),
                ],
                sea_orm::Condition::all()
                    .add(outbound_mail::Column::Id.eq(id))
                    .add(due(
                        outbound_mail::Column::Status,
                        outbound_mail::Column::NextAttemptAt,
                    )),
            )
            .await
            .map_err(db)?
            == 1;
        if !claimed {
            let now_status = hub
                .find_by_id::<outbound_mail::Entity>(id)
                .await
                .map_err(db)?
                .map(|m| m.status);
            return settled(now_status);
        }
        let as_global: mail_outbox::Model = mail.clone().into();
        let (status, message_id, error) = match self.send(global, &as_global).await {
            Ok(sent) => sent,
            Err(e) => {
                let _ = hub
                    .update(outbound_mail::ActiveModel {
                        id: Set(mail.id),
                        status: Set(mail_outbox::STATUS_QUEUED),
                        next_attempt_at: Set(None),
                        ..Default::default()
                    })
                    .await;
                return Err(e.to_string());
            }
        };
        hub.update(outbound_mail::ActiveModel {
            id: Set(mail.id),
            status: Set(status),
            attempts: Set(mail.attempts + 1),
            message_id: Set(Some(message_id)),
            last_error: Set(error.clone()),
            next_attempt_at: Set(None),
            sent_at: Set((status != mail_outbox::STATUS_QUEUED).then(now)),
            ..Default::default()
        })
        .await
        .map_err(db)?;
        match (status, error) {
            (mail_outbox::STATUS_QUEUED, Some(e)) => Err(e),
            _ => Ok(()),
        }
    }

    /// Can this server deliver at all (SMTP, or the development viewer)? A server that
    /// cannot does not take delivery jobs; they wait for one that can.
    pub fn can_deliver(&self) -> bool {
        self.smtp.is_some() || self.keep_for_viewer
    }

    async fn suppressed(
        &self,
        global: &DatabaseConnection,
        mail: &mail_outbox::Model,
    ) -> Result<bool, DbErr> {
        let Some(tenant_id) = mail.tenant_id else {
            return Ok(false);
        };
        Ok(tenants::Entity::find_by_id(tenant_id)
            .one(global)
            .await?
            .is_some_and(|t| t.mail_suppressed || t.spam_score >= self.spam_threshold))
    }

    /// Sends (or keeps, or suppresses) one message; returns its new status, Message-ID and
    /// error, and logs the Message-ID with the request id that queued it.
    async fn send(
        &self,
        global: &DatabaseConnection,
        mail: &mail_outbox::Model,
    ) -> Result<(mail_outbox::MailStatus, String, Option<String>), DbErr> {
        let message_id = format!("<{}@{}>", mail.id, self.root_domain);
        let request_id = mail.request_id.clone().unwrap_or_default();
        // The staging interceptor: every mail to one address, the intended one recorded.
        let to = self.redirect_to.as_deref().unwrap_or(&mail.to_address);
        let (status, error) = if self.suppressed(global, mail).await? {
            (mail_outbox::STATUS_SUPPRESSED, None)
        } else if let Some(smtp) = &self.smtp {
            match self.send_smtp(smtp, mail, to, &message_id).await {
                Ok(()) => (mail_outbox::STATUS_SENT, None),
                Err(e) if mail.attempts + 1 >= MAX_ATTEMPTS => {
                    (mail_outbox::STATUS_FAILED, Some(e))
                }
                Err(e) => (mail_outbox::STATUS_QUEUED, Some(e)),
            }
        } else {
            (mail_outbox::STATUS_KEPT, None)
        };
        if status == mail_outbox::STATUS_SENT {
            metrics::counter!(crate::web::metrics::MAIL_SENT).increment(1);
        } else if status == mail_outbox::STATUS_SUPPRESSED {
            metrics::counter!(crate::web::metrics::MAIL_SUPPRESSED).increment(1);
        }
        // The observer: every attempt, whatever its outcome, with its Message-ID.
        mail_deliveries::ActiveModel {
            id: Set(crate::db::new_id()),
            mail_id: Set(mail.id),
            tenant_id: Set(mail.tenant_id),
            to_address: Set(to.to_string()),
            original_to: Set(mail.to_address.clone()),
            message_id: Set(message_id.clone()),
            status: Set(status),
            error: Set(error.clone()),
            request_id: Set(mail.request_id.clone()),
            created_at: Set(now()),
        }
        .insert(global)
        .await
        // The record must not undo a delivery that happened: logged, not failed.
        .map(|_| ())
        .unwrap_or_else(|e| tracing::warn!(error = %e, "could not record a mail delivery"));
        match &error {
            None => tracing::info!(
                message_id = %message_id, request_id = %request_id, to = %to,
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
        to: &str,
        message_id: &str,
    ) -> Result<(), String> {
        use lettre::message::header::{HeaderName, HeaderValue};
        let mailbox: Mailbox = to.parse().map_err(|e| format!("bad address: {e}"))?;
        let raw = |name: &'static str, value: String| {
            HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
        };
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(mailbox)
            .subject(&mail.subject)
            .message_id(Some(message_id.to_string()))
            .header(ContentType::TEXT_PLAIN)
            // Unsubscribing is answered by hand for now: a mail to this address.
            .raw_header(raw(
                "List-Unsubscribe",
                format!(
                    "<mailto:unsubscribe@{}?subject=unsubscribe>",
                    self.root_domain
                ),
            ));
        // The request that caused the mail, for following it across systems.
        if let Some(id) = mail.request_id.as_deref().filter(|id| !id.is_empty()) {
            message = message.raw_header(raw("X-Request-Id", id.to_string()));
            let traceparent = crate::web::trace_context::traceparent(id);
            message = message.raw_header(raw("traceparent", traceparent));
        }
        if to != mail.to_address {
            message = message.raw_header(raw("X-Original-To", mail.to_address.clone()));
        }
        let message = message
            .body(mail.body_text.clone())
            .map_err(|e| e.to_string())?;
        smtp.send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// A message this job could not claim: done with when it reached a final state, else to be
/// tried again (another delivery holds it, or held it and died; its lease will end).
fn settled(status: Option<mail_outbox::MailStatus>) -> Result<(), String> {
    match status {
        None => Ok(()),
        Some(s) if s == mail_outbox::STATUS_QUEUED || s == mail_outbox::STATUS_SENDING => {
            Err("another delivery holds this message; trying again later".into())
        }
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message a job could not claim is done with only when it reached a final state;
    /// one still queued or sending is tried again, never marked done unsent.
    #[test]
    fn an_unclaimed_message_is_settled_only_when_final() {
        assert!(settled(None).is_ok(), "gone");
        for done in [
            mail_outbox::STATUS_SENT,
            mail_outbox::STATUS_KEPT,
            mail_outbox::STATUS_SUPPRESSED,
            mail_outbox::STATUS_FAILED,
        ] {
            assert!(settled(Some(done)).is_ok(), "{done}");
        }
        for open in [mail_outbox::STATUS_QUEUED, mail_outbox::STATUS_SENDING] {
            assert!(settled(Some(open)).is_err(), "{open}");
        }
    }
}
