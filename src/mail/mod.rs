//! Outgoing mail: rows in an outbox, written in the same transaction as their cause, and a
//! sender task that delivers them (SMTP) or keeps them for the development viewer
//! (`accounts.<root>/dev/mail`, in the accounts feature's `DevMailPage`).
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod sender;
