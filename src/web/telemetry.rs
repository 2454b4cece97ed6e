//! Logging, set up in one place. `RALLY_LOG` takes an `EnvFilter` directive (default
//! `info`); database drivers are kept at `warn` unless asked for. `RALLY_LOG_FORMAT=json`
//! writes one JSON object per line (for a log collector), anything else the readable form.
//!
//! **Per-tenant debug logging.** An operator switches it on for one hub for a while
//! (`rally tenant debug SLUG --minutes N`, stored as `tenants.debug_logging_until`). Every
//! server re-reads the switched-on hubs each second ([`spawn_debug_refresh`]); a request
//! or job of such a hub marks its span (`debug = true`), and every debug event inside a
//! marked span is written — the SQL of each statement included (`rally::sql`, from the
//! database connections' metric callback) — while every other hub stays at the normal
//! level. The switch ends by itself when its time is up.
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Level, Subscriber};
use tracing_subscriber::filter::{dynamic_filter_fn, FilterExt};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

/// tower-sessions warns on every request whose cookie names no stored session, or is not a
/// session id at all ("possibly suspicious activity"): an expired cookie, or garbage, is
/// normal traffic that Rally answers by dropping the cookie. One warning per such request
/// would flood the logs.
const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn,\
     tower_sessions_core::session=error,tower_sessions::service=error";

pub use crate::db::debug_log::{debug_on, spawn_debug_refresh, DEBUG_FIELD};

pub fn init() {
    let filter =
        EnvFilter::try_from_env("RALLY_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    // Written when the normal filter says so, or when it is at most debug level and
    // inside a span marked for debugging.
    let debug_spans = dynamic_filter_fn(|meta, cx: &Context<'_, _>| {
        *meta.level() <= Level::DEBUG && in_debug_span(cx)
    });
    let json = std::env::var("RALLY_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let output = if json {
        fmt::layer()
            .json()
            .with_current_span(true)
            .with_filter(filter.or(debug_spans))
            .boxed()
    } else {
        fmt::layer()
            .with_target(false)
            .with_filter(filter.or(debug_spans))
            .boxed()
    };
    // try_init: tests may call this more than once.
    let _ = tracing_subscriber::registry()
        .with(DebugMarks)
        .with(output)
        .try_init();
}

/// Is the current span, or one it is inside, marked for debugging?
fn in_debug_span<S>(cx: &Context<'_, S>) -> bool
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    cx.lookup_current().is_some_and(|span| {
        span.scope()
            .any(|s| s.extensions().get::<DebugOn>().is_some())
    })
}

/// Kept in a span's extensions once its `debug` field is true.
struct DebugOn;

/// Notices the `debug` field, at a span's start or when it is recorded later.
struct DebugMarks;

struct FindDebug(bool);

impl Visit for FindDebug {
    fn record_bool(&mut self, field: &Field, value: bool) {
        if field.name() == DEBUG_FIELD && value {
            self.0 = true;
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S> Layer<S> for DebugMarks
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, cx: Context<'_, S>) {
        let mut found = FindDebug(false);
        attrs.record(&mut found);
        if found.0 {
            if let Some(span) = cx.span(id) {
                span.extensions_mut().insert(DebugOn);
            }
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, cx: Context<'_, S>) {
        let mut found = FindDebug(false);
        values.record(&mut found);
        if found.0 {
            if let Some(span) = cx.span(id) {
                span.extensions_mut().insert(DebugOn);
            }
        }
    }
}

/// Marks the current span for debugging when its hub has debug logging on.
pub fn mark_if_debugging(tenant: uuid::Uuid) {
    if debug_on(tenant) {
        tracing::Span::current().record(DEBUG_FIELD, true);
    }
}
