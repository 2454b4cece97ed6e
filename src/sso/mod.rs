//! Unified login across hosts (DESIGN.md, "Unified login"). Cookies cannot be shared
//! between `acme.<root>` and `hub.globex.test`, so each host keeps its own session and a
//! sign-in travels from the accounts host to a hub by one-time ticket:
//!
//! 1. hub `GET /sso/start?return_to=…` puts a random `state` in the hub's session and
//!    redirects to the accounts host;
//! 2. accounts `GET /sso/authorize?host=…&state=…&return_to=…` checks the host is a
//!    verified hub host, signs the visitor in if needed, and issues a ticket;
//! 3. hub `GET /sso/callback?ticket=…` redeems it (bound to host and `state`), starts a
//!    fresh session and returns to the (relative) `return_to`.
pub mod handlers;
pub mod tickets;
