//! Outgoing mail: rows in an outbox, written in the same transaction as their cause, each
//! with a `mail.deliver` job beside it (see [`crate::jobs`]) that delivers it (SMTP) or
//! keeps it for the development viewer (`accounts.<root>/dev/mail`, in the accounts
//! feature's `DevMailPage`).
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod sender;

/// The job kind that delivers one message.
pub const DELIVER: &str = "mail.deliver";

/// The `mail.deliver` job's payload: the message's id in its outbox (the hub's, on the
/// job's shard, when the job has a tenant; else the global one).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeliverMail {
    pub mail: String,
}

/// Runs a `mail.deliver` job.
#[cfg(feature = "ssr")]
pub async fn deliver(sender: &sender::Sender, ctx: crate::jobs::JobCtx) -> Result<(), String> {
    let job: DeliverMail = ctx.payload()?;
    let id = uuid::Uuid::parse_str(&job.mail).map_err(|e| format!("bad mail id: {e}"))?;
    match &ctx.tenant {
        Some(hub) => sender.deliver_tenant(&ctx.global, hub, id).await,
        None => sender.deliver_global(&ctx.global, id).await,
    }
}
