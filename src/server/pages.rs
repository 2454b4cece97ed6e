//! Plain status pages answered before any tenant or page code runs (unknown host, shard
//! down). Self-contained HTML: they must work when nothing else does.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

fn page(status: StatusCode, title: &str, message: &str) -> Response {
    message_page(status, title, message, None)
}

/// A status page with a fixed title and message (never user input: it is not escaped),
/// and an optional link `(href, text)` onwards.
pub fn message_page(
    status: StatusCode,
    title: &str,
    message: &str,
    link: Option<(&str, &str)>,
) -> Response {
    let link = link
        .map(|(href, text)| format!(r#"<p><a href="{href}">{text}</a></p>"#))
        .unwrap_or_default();
    let body = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a;display:grid;place-items:center;min-height:100vh;margin:0}}
main{{max-width:32rem;padding:2rem;text-align:center}}h1{{font-size:1.5rem}}p{{color:#475569}}</style></head>
<body><main><h1>{title}</h1><p>{message}</p>{link}</main></body></html>"#
    );
    (status, Html(body)).into_response()
}

/// Unknown host, unknown hub: never a default tenant.
pub fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no Rally hub at this address.",
    )
}

/// The hub's database shard cannot be reached right now.
pub fn unavailable() -> Response {
    let mut res = page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Temporarily unavailable",
        "This hub cannot be reached right now. Please try again in a moment.",
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    res
}

/// Too many sign-in attempts: 429 with `Retry-After`.
pub fn too_many_attempts(wait: std::time::Duration) -> Response {
    let seconds = wait.as_secs().max(1);
    let mut res = message_page(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many attempts",
        "There have been too many sign-in attempts. Please wait a moment and try again.",
        Some(("/login", "Back to sign in")),
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    res
}

/// The viewer's role does not allow this.
pub fn forbidden() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "Not allowed",
        "Your role in this hub does not allow this.",
        Some(("/", "Go to the hub")),
    )
}

/// No such thing in this hub (an id of another hub included).
pub fn not_here() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is nothing with this address in this hub.",
        Some(("/", "Go to the hub")),
    )
}
