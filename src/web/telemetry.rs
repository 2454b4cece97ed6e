//! Logging, set up in one place. `RALLY_LOG` takes an `EnvFilter` directive
//! (default `info`); database drivers are kept at `warn` unless asked for.
use tracing_subscriber::{fmt, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_env("RALLY_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    // try_init: tests may call this more than once.
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}
