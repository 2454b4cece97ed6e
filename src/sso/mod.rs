//! Unified login across hosts (DESIGN.md, "Unified login"). Cookies cannot be shared
//! between `acme.<root>` and `hub.globex.test`, so each host keeps its own session and a
//! sign-in travels from the accounts host to a hub by one-time ticket:
//!
//! 1. hub `GET /sso/start?return_to=…` puts a random `state` in the hub's session and
//!    redirects to the accounts host;
//! 2. accounts `GET /sso/authorize?host=…&state=…&return_to=…` checks the host is a
//!    verified hub host, signs the visitor in if needed, asks their consent if they are
//!    not a member of that hub and never agreed before (`/sso/consent`, see [`consent`]),
//!    and issues a ticket;
//! 3. hub `GET /sso/callback?ticket=…` redeems it (bound to host and `state`), starts a
//!    fresh session and returns to the (relative) `return_to`.
pub mod consent;
pub mod handlers;
pub mod tickets;

/// The three hops of the round trip (redirects only; the sign-in pages are the accounts
/// feature's).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/sso/start", get(handlers::start))
        .route("/sso/authorize", get(handlers::authorize))
        .route("/sso/consent", axum::routing::post(handlers::consent))
        .route("/sso/callback", get(handlers::callback))
}

/// The SSO round trip an accounts page is part of (from `/sso/authorize`), carried in the
/// query string and in hidden form fields until a ticket is issued.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoParams {
    pub host: Option<String>,
    pub state: Option<String>,
    pub return_to: Option<String>,
}

impl SsoParams {
    /// The same parameters as a query string (`?…`), or nothing.
    pub fn query(&self) -> String {
        let mut q = url_query::Query::default();
        for (k, v) in [
            ("host", &self.host),
            ("state", &self.state),
            ("return_to", &self.return_to),
        ] {
            if let Some(v) = v {
                q.push(k, v);
            }
        }
        q.finish()
    }
}

/// A tiny query-string builder (shared by server and browser builds).
mod url_query {
    #[derive(Default)]
    pub struct Query(String);

    impl Query {
        pub fn push(&mut self, key: &str, value: &str) {
            self.0.push(if self.0.is_empty() { '?' } else { '&' });
            self.0.push_str(key);
            self.0.push('=');
            for b in value.bytes() {
                match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        self.0.push(b as char)
                    }
                    _ => self.0.push_str(&format!("%{b:02X}")),
                }
            }
        }

        pub fn finish(self) -> String {
            self.0
        }
    }
}

use serde::{Deserialize, Serialize};
