//! Entities of the global database: one per table. Hand-written behaviour lives beside
//! them in the feature modules, never inside the entity definitions.
pub mod audit_log;
pub mod domains;
pub mod mail_deliveries;
pub mod mail_outbox;
pub mod memberships;
pub mod password_resets;
pub mod sessions;
pub mod shards;
pub mod sso_consents;
pub mod sso_tickets;
pub mod tenant_moves;
pub mod tenants;
pub mod users;
