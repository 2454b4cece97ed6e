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
//!
//! **OpenTelemetry.** When `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the standard variable; the
//! other `OTEL_*` settings apply too), spans at info level and above are exported over
//! OTLP/HTTP (JSON) in batches. A request's trace id is the one its `traceparent` and
//! `X-Request-Id` give (see `trace_context`): the trace the collector shows is the one the
//! request's mail and webhooks name.
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
        .with(otel_layer())
        .try_init();
}

/// The OpenTelemetry span exporter's provider, when export is on.
static OTEL: std::sync::OnceLock<opentelemetry_sdk::trace::SdkTracerProvider> =
    std::sync::OnceLock::new();

fn otel_layer<S>() -> Option<impl Layer<S>>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    use opentelemetry::trace::TracerProvider;
    use opentelemetry_otlp::{Protocol, WithExportConfig};
    std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT")
        .or_else(|| std::env::var_os("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))?;
    // Built on a thread of its own: the blocking HTTP client it makes must not be made
    // (or dropped) inside the async runtime; the batch processor sends from its own thread.
    let built = std::thread::spawn(|| {
        opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpJson)
            .build()
    })
    .join();
    let exporter = match built {
        Ok(Ok(exporter)) => exporter,
        Ok(Err(e)) => {
            eprintln!("OpenTelemetry export is off: {e}");
            return None;
        }
        Err(_) => return None,
    };
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            opentelemetry_sdk::Resource::builder()
                .with_service_name("rally")
                .build(),
        )
        .build();
    let tracer = provider.tracer("rally");
    let _ = OTEL.set(provider);
    Some(
        tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(tracing_subscriber::filter::LevelFilter::INFO),
    )
}

/// Joins a request's span to the trace its id names (a no-op without export): the parent
/// is the caller's span from `traceparent` when it sent one, else a made-up remote one.
pub fn continue_trace(span: &tracing::Span, request_id: &str, traceparent: Option<&str>) {
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState,
    };
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    if OTEL.get().is_none() || request_id.is_empty() {
        return;
    }
    let trace = super::trace_context::trace_id(request_id);
    let Ok(trace) = TraceId::from_hex(&trace) else {
        return;
    };
    let parent_span = traceparent
        .filter(|tp| super::trace_context::trace_id_of(tp) == Some(&trace.to_string()))
        .and_then(|tp| tp.split('-').nth(2))
        .and_then(|s| SpanId::from_hex(s).ok())
        .unwrap_or_else(|| SpanId::from_bytes(rand::random::<[u8; 8]>()));
    let parent = SpanContext::new(
        trace,
        parent_span,
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    let _ = span.set_parent(opentelemetry::Context::new().with_remote_span_context(parent));
}

/// Sends the spans still buffered (at shutdown).
pub fn flush_traces() {
    if let Some(provider) = OTEL.get() {
        let provider = provider.clone();
        // Blocking: off the async runtime's threads.
        let _ = std::thread::spawn(move || provider.shutdown()).join();
    }
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
