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
pub mod reset;
#[cfg(feature = "ssr")]
pub mod users;
#[cfg(feature = "ssr")]
pub mod verification;

use serde::{Deserialize, Serialize};

pub use pages::{AccountsHome, DevMailPage, ForgotPage, LoginPage, ResetPage, SignupPage};

pub use crate::web::viewer::AccountView;

/// A hub in "My hubs".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubLink {
    pub name: String,
    pub url: String,
}

/// This feature's form posts and other non-page routes (its pages are in `pages.rs`).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/signup", post(handlers::signup))
        .route("/login", post(handlers::login))
        .route("/logout", post(handlers::logout))
        .route("/password/forgot", post(handlers::forgot))
        .route("/password/reset", post(handlers::reset_password))
        .route("/verify", axum::routing::get(handlers::verify))
}
