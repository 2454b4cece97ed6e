//! Rally: a multi-tenant advocate marketing hub.
//!
//! Layers, bottom to top (nothing imports upward):
//!
//! 1. [`domain`] — validated value types (slugs, hosts, emails, roles).
//! 2. [`db`] — entities, the shard registry and the tenant-scoped handle [`db::TenantDb`];
//!    [`storage`] — uploaded files: the store, content checks, signed URLs; [`sealing`] —
//!    secrets kept encrypted at rest; [`jobs`] — the durable background job queue and its
//!    worker.
//! 3. [`web`] — the web kernel: host → site resolution, request context, the one role
//!    guard, the one error type, sessions, limits; and [`ui`] — layouts (the hub frame as
//!    a layout route), the error page, form pieces.
//! 4. Features, one folder each, holding their pages, loaders, form handlers and routes:
//!    [`accounts`], [`sso`], [`membership`], [`home`], [`challenges`], [`points`],
//!    [`rewards`], [`invitations`], [`people`], [`branding`], [`domains`], [`files`],
//!    [`mail`], [`platform`] (CLI operations), [`api_clients`] and [`webhooks`]
//!    (integrations, at `/admin/api` and `/admin/webhooks`),
//!    [`api`] (the service API host).
//! 5. [`app`] (the HTML shell and the page router) and [`startup`] (the composition root:
//!    builds the app and merges every feature's routes).
//!
//! Pages render on the server only (Leptos islands mode): the browser build holds just the
//! islands — today the hub home's dismissible welcome banner — so it stays small, and
//! every page works with JavaScript off.
#![recursion_limit = "256"]

/// The server's allocator. A page's render makes thousands of small allocations and frees
/// across two threads; glibc's allocator took a fifth of a page's CPU time in a release
/// profile. Declared here, it serves every binary of the server: `rally`, the tests and
/// the benchmarks measure the same thing.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod domain;
pub mod home;

#[cfg(feature = "ssr")]
pub mod web;

#[cfg(feature = "ssr")]
pub mod accounts;
#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod api_clients;
#[cfg(feature = "ssr")]
pub mod app;
#[cfg(feature = "ssr")]
pub mod branding;
#[cfg(feature = "ssr")]
pub mod challenges;
#[cfg(feature = "ssr")]
pub mod console;
#[cfg(feature = "ssr")]
pub mod crash;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod domains;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod invitations;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod membership;
#[cfg(feature = "ssr")]
pub mod people;
#[cfg(feature = "ssr")]
pub mod platform;
#[cfg(feature = "ssr")]
pub mod points;
#[cfg(feature = "ssr")]
pub mod rewards;
#[cfg(feature = "ssr")]
pub mod sealing;
#[cfg(feature = "ssr")]
pub mod sso;
#[cfg(feature = "ssr")]
pub mod startup;
#[cfg(feature = "ssr")]
pub mod storage;
#[cfg(feature = "ssr")]
pub mod ui;
#[cfg(feature = "ssr")]
pub mod webhooks;

/// Browser entry point: hydrates the islands of the server-rendered page (nothing else
/// runs in the browser).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
