//! Integration tests: one binary (so the app is linked once), real SQLite files, the real
//! PostgreSQL server, and a real HTTP server on port 0.
mod accounts;
mod advocate_loop;
mod authorization;
mod bad_input;
mod branding;
mod cli;
mod crash;
mod domains;
mod hardening;
mod headers;
mod health;
mod helpers;
mod hosts;
mod jobs;
mod membership;
mod people;
mod rewards;
mod session_store;
mod shard_down;
mod sign_in;
mod sqlite;
mod sso;
mod tenant_isolation;
mod tls_proxy;
mod uploads;
mod web_kernel;
