//! Plain, self-contained status pages: they must work when nothing else does (an unknown
//! host, a shard that is down). [`AppError`](super::AppError) answers with them too.
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

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
    // No stylesheet, no script: the strict policy, set here so the page fallback in
    // `headers::security_headers` does not apply.
    (
        status,
        [(
            http::header::CONTENT_SECURITY_POLICY,
            super::headers::DEFAULT_CSP,
        )],
        Html(body),
    )
        .into_response()
}

/// Unknown host, unknown hub: never a default tenant.
pub fn no_hub_here() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no Rally hub at this address.",
        None,
    )
}

/// Text for HTML: the few characters that could open markup, escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A suspended hub: its members (and anyone else) are told so, plainly.
pub fn hub_suspended(name: &str) -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "This hub is suspended",
        &format!(
            "{} is not available at the moment. If you run it, contact Rally's support.",
            escape(name)
        ),
        None,
    )
}

/// A hub down for maintenance: 503 with a time to come back.
pub fn hub_in_maintenance(name: &str) -> Response {
    let mut res = message_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Down for maintenance",
        &format!(
            "{} is being worked on and will be back shortly. Please try again in a few minutes.",
            escape(name)
        ),
        None,
    );
    res.headers_mut()
        .insert(http::header::RETRY_AFTER, http::HeaderValue::from(300));
    res
}
