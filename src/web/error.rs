//! The application's one error type. Every page loader and every form handler returns it;
//! what the visitor gets is decided here and nowhere else:
//!
//! | error | answer |
//! | --- | --- |
//! | [`AppError::NotFound`] | 404 page |
//! | [`AppError::Forbidden`] | 403 page |
//! | [`AppError::SignInRequired`] | a redirect through sign-in, back to the page asked for |
//! | [`AppError::NotMember`] | a redirect to the hub's join page, then back |
//! | [`AppError::Invalid`] | 303 back to the form, which shows the field errors (flash) |
//! | [`AppError::TooLarge`] | 413 page |
//! | [`AppError::RateLimited`] | 429 page with `Retry-After` |
//! | [`AppError::Unavailable`] | 503 page with `Retry-After` (the cause is logged, not shown) |
//! | [`AppError::Internal`] | 500 page (a bug; the cause is logged) |
//!
//! Form handlers turn it into a response through `IntoResponse`; pages through
//! `ui::ErrorPage`, which sets the same status and shows the same title and message.
//! Conversions from database, shard-registry and session errors are below, so `?` works.
use super::flash::Flash;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Signed out: sign in, then come back to `return_to` (a path on this host).
    #[error("sign-in required")]
    SignInRequired { return_to: String },
    /// Signed in, but not a member of this hub: join, then come back to `return_to`.
    #[error("not a member of this hub")]
    NotMember { return_to: String },
    /// A form with field errors: back to the form at `to`, which shows them.
    #[error("invalid form")]
    Invalid { to: String, flash: Box<Flash> },
    #[error("request body too large")]
    TooLarge,
    /// The hub's shard is read-only (maintenance): pages are shown, changes wait. 503.
    #[error("read-only")]
    ReadOnly,
    /// The hub is being moved to another shard and its writes are paused for the switch
    /// (seconds): pages are shown, a change is refused with a short `Retry-After`. 503.
    #[error("moving")]
    Moving,
    /// A body that is not what the form sends (a broken upload): 400.
    #[error("bad request")]
    BadRequest,
    #[error("rate limited")]
    RateLimited { retry_after_seconds: u64 },
    /// A shard or database cannot answer right now (the cause was logged where it arose).
    #[error("unavailable")]
    Unavailable,
    /// A bug (the cause was logged where it arose).
    #[error("internal error")]
    Internal,
}

/// How long a visitor is asked to wait after a 503.
pub const RETRY_AFTER_UNAVAILABLE: u64 = 5;
/// How long, when the hub is read-only for maintenance.
pub const RETRY_AFTER_READ_ONLY: u64 = 60;
/// How long, while the hub's writes are paused for a move.
pub const RETRY_AFTER_MOVING: u64 = 2;

fn query_value(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl AppError {
    /// A form's field errors: back to `to` with `flash`.
    pub fn invalid(to: impl Into<String>, flash: Flash) -> Self {
        Self::Invalid {
            to: to.into(),
            flash: Box::new(flash),
        }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Forbidden => 403,
            Self::SignInRequired { .. } | Self::NotMember { .. } | Self::Invalid { .. } => 303,
            Self::TooLarge => 413,
            Self::ReadOnly | Self::Moving => 503,
            Self::BadRequest => 400,
            Self::RateLimited { .. } => 429,
            Self::Unavailable => 503,
            Self::Internal => 500,
        }
    }

    /// `Retry-After`, in seconds, for the kinds that have one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited {
                retry_after_seconds,
            } => Some((*retry_after_seconds).max(1)),
            Self::Unavailable => Some(RETRY_AFTER_UNAVAILABLE),
            Self::ReadOnly => Some(RETRY_AFTER_READ_ONLY),
            Self::Moving => Some(RETRY_AFTER_MOVING),
            _ => None,
        }
    }

    /// The page's heading.
    pub fn title(&self) -> &'static str {
        match self {
            Self::NotFound => "Page not found",
            Self::Forbidden => "Not allowed",
            Self::SignInRequired { .. } => "Sign in",
            Self::NotMember { .. } => "Join this hub",
            Self::Invalid { .. } => "Check the form",
            Self::TooLarge => "Too large",
            Self::ReadOnly | Self::Moving => "Changes are paused",
            Self::BadRequest => "Cannot read what was sent",
            Self::RateLimited { .. } => "Too many attempts",
            Self::Unavailable => "Temporarily unavailable",
            Self::Internal => "Something went wrong",
        }
    }

    /// What the page says: plain words, never a cause.
    pub fn message(&self) -> &'static str {
        match self {
            Self::NotFound => "There is nothing at this address.",
            Self::Forbidden => "Your role in this hub does not give access to this.",
            Self::SignInRequired { .. } => "Please sign in to continue.",
            Self::NotMember { .. } => "Join this hub to continue.",
            Self::Invalid { .. } => "Some fields need another look.",
            Self::TooLarge => "What was sent is larger than this form accepts.",
            Self::ReadOnly => {
                "This hub is read-only for maintenance: you can look around, but nothing can be changed right now. Please try again in a few minutes."
            }
            Self::Moving => {
                "This hub is moving to new servers: nothing can be changed for a few seconds. Please try again."
            }
            Self::BadRequest => "What was sent is not what this form sends. Please try again.",
            Self::RateLimited { .. } => {
                "There have been too many attempts. Please wait a moment and try again."
            }
            Self::Unavailable => {
                "This page cannot be shown right now. Please try again in a moment."
            }
            Self::Internal => "Something went wrong on our side. It has been logged.",
        }
    }

    /// Where the visitor is sent instead of a page, for the redirecting kinds.
    pub fn location(&self) -> Option<String> {
        match self {
            Self::SignInRequired { return_to } => {
                Some(format!("/sso/start?return_to={}", query_value(return_to)))
            }
            Self::NotMember { return_to } => {
                Some(format!("/join?return_to={}", query_value(return_to)))
            }
            Self::Invalid { to, .. } => Some(to.clone()),
            _ => None,
        }
    }

    /// A database or shard that cannot answer: logged here, with where it happened.
    #[track_caller]
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(error = %cause, at = %at, "database unavailable");
        Self::Unavailable
    }

    /// A bug: logged here, with where it happened.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(error = %cause, at = %at, "internal error");
        Self::Internal
    }

    /// For a page being rendered: sets the response's status, `Retry-After` and, for
    /// the redirecting kinds, the redirect. The page shows [`Self::title`] and
    /// [`Self::message`] (see `ui::ErrorPage`).
    pub fn set_on_page(&self) {
        use leptos::prelude::use_context;
        let Some(res) = use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        res.set_status(self.status_code());
        if let Some(to) = self.location() {
            if let Ok(to) = HeaderValue::from_str(&to) {
                res.insert_header(header::LOCATION, to);
            }
        }
        if let Some(secs) = self.retry_after() {
            res.insert_header(header::RETRY_AFTER, HeaderValue::from(secs));
        }
    }

    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The flash an [`AppError::Invalid`] carries back to its form; the flash layer
/// (`web::respond::keep_flash`) stores it in the session.
#[derive(Clone)]
pub struct FlashToKeep(pub crate::web::flash::Flash);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Some(to) = self.location() {
            let mut res = Redirect::to(&to).into_response();
            if let AppError::Invalid { flash, .. } = self {
                res.extensions_mut().insert(FlashToKeep(*flash));
            }
            return res;
        }
        let mut res = crate::web::pages::message_page(
            self.status_code(),
            self.title(),
            self.message(),
            Some(("/", "Go to the home page")),
        );
        if let Some(secs) = self.retry_after() {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl From<sea_orm::DbErr> for AppError {
    #[track_caller]
    fn from(e: sea_orm::DbErr) -> Self {
        use sea_orm::DbErr;
        // A unique index that a caller did not turn into a field error is a bug, not an
        // outage: "try again" would not help.
        if crate::db::is_tenant_moving(&e) {
            return Self::Moving;
        }
        if crate::db::is_unique_violation(&e) {
            return Self::internal(e);
        }
        if crate::db::is_read_only(&e) {
            return Self::ReadOnly;
        }
        match e {
            DbErr::RecordNotFound(_) => Self::NotFound,
            // The connection, or a statement the database could not run now (a lost
            // connection, a lock): the database's trouble, not ours.
            DbErr::Conn(_) | DbErr::ConnectionAcquire(_) | DbErr::Exec(_) | DbErr::Query(_) => {
                Self::unavailable(e)
            }
            other => Self::internal(other),
        }
    }
}

impl From<crate::db::ShardError> for AppError {
    #[track_caller]
    fn from(e: crate::db::ShardError) -> Self {
        Self::unavailable(e)
    }
}

impl From<crate::web::auth::SessionError> for AppError {
    #[track_caller]
    fn from(e: crate::web::auth::SessionError) -> Self {
        Self::unavailable(e)
    }
}

impl From<tower_sessions::session::Error> for AppError {
    #[track_caller]
    fn from(e: tower_sessions::session::Error) -> Self {
        Self::unavailable(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Database errors map by kind: a missing record is a 404, a database that cannot
    /// answer a 503, a unique index nobody turned into a field error a bug (500).
    #[tokio::test]
    async fn database_errors_map_to_their_answers() {
        use sea_orm::{ConnectionTrait, Database, DbErr, RuntimeErr};
        assert_eq!(
            AppError::from(DbErr::RecordNotFound("x".into())),
            AppError::NotFound
        );
        assert_eq!(
            AppError::from(DbErr::Conn(RuntimeErr::Internal("refused".into()))),
            AppError::Unavailable
        );
        let db = Database::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared("CREATE TABLE t (n INTEGER UNIQUE); INSERT INTO t VALUES (1);")
            .await
            .unwrap();
        let unique = db
            .execute_unprepared("INSERT INTO t VALUES (1)")
            .await
            .unwrap_err();
        assert_eq!(AppError::from(unique), AppError::Internal);
        let missing_table = db
            .execute_unprepared("SELECT * FROM nowhere")
            .await
            .unwrap_err();
        assert_eq!(AppError::from(missing_table), AppError::Unavailable);
    }

    #[test]
    fn redirects_carry_the_page_asked_for() {
        let e = AppError::SignInRequired {
            return_to: "/challenges/1?x=a b&y".into(),
        };
        assert_eq!(e.status(), 303);
        assert_eq!(
            e.location().as_deref(),
            Some("/sso/start?return_to=%2Fchallenges%2F1%3Fx%3Da+b%26y")
        );
        let e = AppError::NotMember {
            return_to: "/me".into(),
        };
        assert_eq!(e.location().as_deref(), Some("/join?return_to=%2Fme"));
    }

    #[test]
    fn statuses_and_retry_after() {
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::TooLarge.status(), 413);
        assert_eq!(AppError::Unavailable.status(), 503);
        assert_eq!(AppError::Unavailable.retry_after(), Some(5));
        let limited = AppError::RateLimited {
            retry_after_seconds: 0,
        };
        assert_eq!((limited.status(), limited.retry_after()), (429, Some(1)));
        assert_eq!(AppError::Internal.status(), 500);
        assert_eq!(AppError::Internal.location(), None);
    }
}
