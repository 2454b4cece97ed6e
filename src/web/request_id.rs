//! `X-Request-Id` on every request and response. A client-supplied id is kept when it is
//! 20–128 characters of letters, digits and `+ = / -`; anything else is replaced by a new
//! UUID (tower-http's request-id layers do the setting and propagating).
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderName;
use tower_http::request_id::{MakeRequestId, RequestId};

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

pub fn is_acceptable(id: &str) -> bool {
    (20..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'=' | b'/' | b'-'))
}

/// Drops an unacceptable client id, so `SetRequestIdLayer` makes a fresh one — or, when
/// the client sent a valid W3C `traceparent`, takes its trace id, so the trace goes on.
pub async fn drop_unacceptable(mut req: Request, next: Next) -> Response {
    let keep = req
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_acceptable);
    if !keep {
        req.headers_mut().remove(&HEADER);
        let trace = req
            .headers()
            .get("traceparent")
            .and_then(|v| v.to_str().ok())
            .and_then(super::trace_context::trace_id_of)
            .and_then(|t| http::HeaderValue::from_str(t).ok());
        if let Some(trace) = trace {
            req.headers_mut().insert(HEADER, trace);
        }
    }
    next.run(req).await
}

#[derive(Clone, Copy, Default)]
pub struct MakeUuid;

impl MakeRequestId for MakeUuid {
    fn make_request_id<B>(&mut self, _req: &http::Request<B>) -> Option<RequestId> {
        let id = uuid::Uuid::new_v4().to_string();
        http::HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

#[cfg(test)]
mod tests {
    use super::is_acceptable;

    #[test]
    fn acceptable_ids() {
        assert!(is_acceptable("abcdefghij0123456789"));
        assert!(is_acceptable(&"a+=/-".repeat(25)));
        assert!(!is_acceptable("short"));
        assert!(!is_acceptable(&"a".repeat(129)));
        assert!(!is_acceptable("abcdefghij0123456789 with space"));
        assert!(!is_acceptable("abcdefghij0123456789\u{e9}"));
    }
}
