//! Rally: a multi-tenant advocate marketing hub.
//!
//! Reading order for a newcomer:
//! 1. `main.rs` — the CLI (`serve`, `migrate`, `shard`, `tenant`, `domain`, `seed`).
//! 2. [`server::startup`] — builds the axum app: request ids, tracing, host routing, Leptos.
//! 3. [`server::site`] — where every request is classified by its Host header and a hub's
//!    tenant, shard handle and branding are resolved (through in-process caches).
//! 4. [`db`] — the shard registry and the tenant-scoped handle [`db::TenantDb`].
//! 5. [`app`] — the Leptos shell and router; pages live by feature in [`hub`],
//!    [`accounts`] and shared components in [`ui`].
//! 6. Sign-in: [`accounts`] (global accounts, sessions, reset), [`sso`] (the ticket round
//!    trip to hub hosts), [`membership`] (joining, roles, reconcile), [`mail`] (outbox).
//! 7. The product: [`challenges`] (set, submit, approve), [`points`] (ledger, levels,
//!    badges, leaderboard), [`rewards`] (catalogue, redemptions), [`invitations`],
//!    [`people`] (contacts, groups). Each folder: `mod.rs` (types and rules, also in the
//!    browser), `service.rs` (server logic), `handlers.rs` (form posts), `api.rs` (page
//!    data, role-checked), `pages.rs` (components).
//!
//! Modules marked server-only are compiled with the `ssr` feature; the rest is also
//! compiled to WebAssembly for hydration.
#![recursion_limit = "256"]

pub mod accounts;
pub mod app;
pub mod challenges;
pub mod domain;
pub mod forms;
pub mod hub;
pub mod invitations;
pub mod mail;
pub mod people;
pub mod points;
pub mod rewards;
pub mod site;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod membership;
#[cfg(feature = "ssr")]
pub mod platform;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod sso;

/// Browser entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
