//! The request id travels on with what a request causes: mail and webhooks carry it as
//! `X-Request-Id` and as a W3C `traceparent` whose trace id is derived from it, so one id
//! finds a request's log lines, its jobs' log lines and the receiving system's.
//!
//! The id of the request being handled is kept task-local while the request runs, so the
//! services that queue work (`webhooks::emit`) take it without every signature carrying
//! it. A client that sends a valid `traceparent` and no request id gets its trace id as
//! the request id: its trace continues here.
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};

tokio::task_local! {
    static REQUEST_ID: String;
}

/// Runs the rest of the request with its id at hand (see [`current_request_id`]).
pub async fn keep_request_id(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(&super::request_id::HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    REQUEST_ID.scope(id, next.run(req)).await
}

/// The id of the request this task is handling, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID
        .try_with(|id| id.clone())
        .ok()
        .filter(|id| !id.is_empty())
}

/// The trace id of a valid `traceparent` header (version 00), if it is one.
pub fn trace_id_of(traceparent: &str) -> Option<&str> {
    let mut parts = traceparent.split('-');
    let (version, trace, span, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let hex = |s: &str, n: usize| {
        s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    let valid = version == "00"
        && parts.next().is_none()
        && hex(trace, 32)
        && hex(span, 16)
        && hex(flags, 2)
        && trace.bytes().any(|b| b != b'0')
        && span.bytes().any(|b| b != b'0');
    valid.then_some(trace)
}

/// The W3C trace id of a request id: the request id itself when it is one (it came from a
/// `traceparent`), the UUID's hex digits, or else the first half of its SHA-256.
pub fn trace_id(request_id: &str) -> String {
    let is_trace = request_id.len() == 32
        && request_id
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if is_trace && request_id.bytes().any(|b| b != b'0') {
        return request_id.to_string();
    }
    if let Ok(uuid) = uuid::Uuid::parse_str(request_id) {
        if !uuid.is_nil() {
            return uuid.simple().to_string();
        }
    }
    hex::encode(&Sha256::digest(request_id.as_bytes())[..16])
}

/// A `traceparent` for an outgoing call caused by `request_id`: its trace, a new span.
pub fn traceparent(request_id: &str) -> String {
    let span: [u8; 8] = rand::random();
    let span = if span == [0; 8] { [1; 8] } else { span };
    format!("00-{}-{}-01", trace_id(request_id), hex::encode(span))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparents_follow_the_w3c_format() {
        let id = "0b6f8d1e-6c1a-4a55-9a53-6ab0f1f3b0a7";
        let tp = traceparent(id);
        assert_eq!(trace_id_of(&tp), Some("0b6f8d1e6c1a4a559a536ab0f1f3b0a7"));
        assert_ne!(traceparent(id), tp, "a new span per call");
        // A request id that came from a traceparent keeps its trace.
        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let trace = trace_id_of(incoming).unwrap();
        assert_eq!(trace_id(trace), trace);
        // Any other id still makes a valid trace id, always the same.
        let other = trace_id("client-chosen-id-1234567890");
        assert_eq!(other.len(), 32);
        assert_eq!(other, trace_id("client-chosen-id-1234567890"));
        for bad in [
            "",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert_eq!(trace_id_of(bad), None, "{bad}");
        }
    }
}
