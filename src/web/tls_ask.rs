//! `GET /internal/tls/ask?domain=X`, for a TLS proxy issuing certificates on demand
//! (Caddy's `on_demand_tls { ask … }`): 200 for a host Rally serves — the accounts and API
//! hosts, the apex, an active hub's subdomain, a verified custom domain of an active hub —
//! and 404 for anything else, so nobody can make the proxy fetch certificates for names
//! that merely point at it. Answered on any host, before host routing, like the health
//! endpoints (the proxy asks by address).
use super::hosts::{classify, HostKind};
use super::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub const PATH: &str = "/internal/tls/ask";

pub async fn answer(state: &AppState, query: Option<&str>) -> Response {
    let domain = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "domain")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    // A host with a port is not a certificate name.
    if domain.is_empty() || domain.contains(':') {
        return StatusCode::NOT_FOUND.into_response();
    }
    let kind = classify(&domain, &state.config.root_domain);
    let served = match &kind {
        HostKind::Accounts | HostKind::Api | HostKind::Apex => true,
        HostKind::Unknown => false,
        HostKind::Subdomain(_) | HostKind::Custom(_) => match state.tenants.resolve(&kind).await {
            Ok(found) => found.is_some(),
            Err(e) => {
                tracing::error!(error = %e, "tls ask: tenant lookup failed");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        },
    };
    if served {
        (StatusCode::OK, "ok").into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}
