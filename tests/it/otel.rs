//! OpenTelemetry export from a real `rally serve`: with `OTEL_EXPORTER_OTLP_ENDPOINT` set,
//! request spans arrive at an OTLP/HTTP receiver (a real HTTP server the test starts), in
//! the trace the request's `traceparent` named.
use crate::helpers::*;
use axum::http::Uri;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::test]
async fn request_spans_are_exported_in_the_callers_trace() {
    // The collector: keeps every body posted to it.
    let got: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let keep = got.clone();
    let collector = axum::Router::new().fallback(move |uri: Uri, body: String| {
        let keep = keep.clone();
        async move {
            keep.lock().unwrap().push((uri.path().to_string(), body));
            "{}"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let collector_port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, collector).await });

    let dir = TempDir::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rally"));
    cmd.arg("serve")
        .env_clear()
        .env("RALLY_DATA_DIR", dir.path())
        .env("RALLY_LISTEN", format!("127.0.0.1:{port}"))
        .env("RALLY_LOG", "warn")
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{collector_port}"),
        )
        .env("OTEL_BSP_SCHEDULE_DELAY", "200");
    let _server = Peer(cmd.spawn().expect("start rally serve"));
    assert!(
        until_listening(port, Duration::from_secs(60)).await,
        "serve did not come up"
    );

    // A caller with its own trace (and no request id), and one with a request id only.
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let request_id = "5f0c6a8e-9a3b-4c1d-8e2f-0a1b2c3d4e5f";
    let get = |headers: String| async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let req = format!(
            "GET /login HTTP/1.1\r\nHost: accounts.localhost:{port}\r\nConnection: close\r\n{headers}\r\n"
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out).await;
        out
    };
    let a = get(format!("traceparent: 00-{trace}-00f067aa0ba902b7-01\r\n")).await;
    assert!(a.starts_with("HTTP/1.1 200"), "{a}");
    assert!(
        a.to_lowercase().contains(&format!("x-request-id: {trace}")),
        "the trace id is the request id: {a}"
    );
    let b = get(format!("x-request-id: {request_id}\r\n")).await;
    assert!(b.starts_with("HTTP/1.1 200"), "{b}");
    let expected = [
        trace.to_string(),
        rally::web::trace_context::trace_id(request_id),
    ];
    let arrived = eventually(Duration::from_secs(20), || {
        let got = got.clone();
        let expected = expected.clone();
        async move {
            let got = got.lock().unwrap();
            expected.iter().all(|t| {
                got.iter().any(|(path, body)| {
                    path == "/v1/traces"
                        && body.contains(t.as_str())
                        && body.contains("\"request\"")
                })
            })
        }
    })
    .await;
    assert!(
        arrived,
        "the request spans did not reach the collector in their traces: {:?}",
        got.lock().unwrap()
    );
}
