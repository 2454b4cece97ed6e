//! State-changing requests must come from the same origin. Browsers send `Origin` (or at
//! least `Referer`) with a POST, and `Sec-Fetch-Site`; a request naming another origin is
//! refused with 403 before any handler runs. Requests with none of these headers are not
//! from a browser (no ambient cookies to abuse) and pass. The API host is not covered: it
//! authenticates with bearer tokens, never cookies.
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn is_state_changing(m: &Method) -> bool {
    !matches!(
        *m,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// The `host[:port]` part of an origin or URL, lower-cased.
fn authority_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(rest[..end].to_ascii_lowercase())
}

/// Whether the request's headers show it was sent by a page of another origin.
pub fn is_cross_origin(req: &Request) -> bool {
    let header_str = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    if header_str("sec-fetch-site") == Some("cross-site") {
        return true;
    }
    let Some(host) = header_str(header::HOST.as_str()).map(str::to_ascii_lowercase) else {
        return false;
    };
    let claimed =
        header_str(header::ORIGIN.as_str()).or_else(|| header_str(header::REFERER.as_str()));
    match claimed {
        // `Origin: null` comes from sandboxed frames and file pages: not us.
        Some("null") => true,
        Some(url) => authority_of(url).as_deref() != Some(host.as_str()),
        None => false,
    }
}

pub async fn require_same_origin(req: Request, next: Next) -> Response {
    if is_state_changing(req.method()) && is_cross_origin(&req) {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-origin request refused");
        return (
            StatusCode::FORBIDDEN,
            "Cross-origin requests are not allowed.",
        )
            .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(headers: &[(&str, &str)]) -> Request {
        let mut b = axum::http::Request::builder().method("POST").uri("/api/x");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn same_origin_passes() {
        let host = ("host", "acme.localhost:3000");
        assert!(!is_cross_origin(&req(&[
            host,
            ("origin", "http://acme.localhost:3000")
        ])));
        assert!(!is_cross_origin(&req(&[
            host,
            ("origin", "http://ACME.localhost:3000")
        ])));
        assert!(!is_cross_origin(&req(&[
            host,
            ("referer", "http://acme.localhost:3000/login?x=1")
        ])));
        assert!(!is_cross_origin(&req(&[
            host,
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(!is_cross_origin(&req(&[host])), "not a browser");
    }

    #[test]
    fn other_origins_are_refused() {
        let host = ("host", "acme.localhost:3000");
        assert!(is_cross_origin(&req(&[
            host,
            ("origin", "http://evil.test")
        ])));
        // Another hub is another origin too.
        assert!(is_cross_origin(&req(&[
            host,
            ("origin", "http://globex.localhost:3000")
        ])));
        assert!(is_cross_origin(&req(&[
            host,
            ("origin", "http://acme.localhost:4000")
        ])));
        assert!(is_cross_origin(&req(&[host, ("origin", "null")])));
        assert!(is_cross_origin(&req(&[
            host,
            ("referer", "http://evil.test/acme.localhost:3000")
        ])));
        assert!(is_cross_origin(&req(&[
            host,
            ("sec-fetch-site", "cross-site")
        ])));
    }
}
