//! Logging, set up in one place. `RALLY_LOG` takes an `EnvFilter` directive (default
//! `info`); database drivers are kept at `warn` unless asked for. `RALLY_LOG_FORMAT=json`
//! writes one JSON object per line (for a log collector), anything else the readable form.
use tracing_subscriber::{fmt, EnvFilter};

/// tower-sessions warns on every request whose cookie names no stored session, or is not a
/// session id at all ("possibly suspicious activity"): an expired cookie, or garbage, is
/// normal traffic that Rally answers by dropping the cookie. One warning per such request
/// would flood the logs.
const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn,\
     tower_sessions_core::session=error,tower_sessions::service=error";

pub fn init() {
    let filter =
        EnvFilter::try_from_env("RALLY_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let json = std::env::var("RALLY_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    // try_init: tests may call this more than once.
    let _ = if json {
        fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter)
            .try_init()
    } else {
        fmt().with_env_filter(filter).with_target(false).try_init()
    };
}
