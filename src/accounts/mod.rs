//! The accounts host (`accounts.<root>`): one global account for every hub. Sign-up,
//! sign-in, sign-out, password reset and "My hubs"; the SSO round trip itself is in
//! [`crate::sso`].
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod reset;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod tokens;
#[cfg(feature = "ssr")]
pub mod users;

use serde::{Deserialize, Serialize};

pub use pages::{AccountsHome, DevMailPage, ForgotPage, LoginPage, ResetPage, SignupPage};

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

/// The signed-in person, as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub display_name: String,
    pub email: String,
    pub is_operator: bool,
}

#[cfg(feature = "ssr")]
impl From<&crate::db::global::users::Model> for AccountView {
    fn from(u: &crate::db::global::users::Model) -> Self {
        Self {
            display_name: u.display_name.clone(),
            email: u.email.clone(),
            is_operator: u.is_platform_operator,
        }
    }
}

/// A hub in "My hubs".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubLink {
    pub name: String,
    pub url: String,
}
