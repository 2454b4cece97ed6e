//! `GET /internal/tls/ask?domain=X`, for a TLS proxy issuing certificates on demand
//! (Caddy's `on_demand_tls { ask … }`): 200 for a host Rally serves — the accounts and API
//! hosts, the apex, an active hub's subdomain, a verified custom domain of an active hub —
//! and 404 for anything else, so nobody can make the proxy fetch certificates for names
//! that merely point at it. Answered on any host, before host routing, like the health
//! endpoints (the proxy asks by address) — but only to the proxy itself: a request from
//! this machine or a trusted proxy that is not relaying someone else's (no
//! `X-Forwarded-For`). Anyone else gets a 404, so the list of hubs cannot be probed.
use super::hosts::{classify, HostKind};
use super::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub const PATH: &str = "/internal/tls/ask";

/// `from_proxy`: what [`from_the_proxy`] said of the request.
pub async fn answer(state: &AppState, from_proxy: bool, query: Option<&str>) -> Response {
    if !from_proxy {
        return StatusCode::NOT_FOUND.into_response();
    }
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
        // A suspended or resting hub still answers (its own page, over https).
        HostKind::Subdomain(_) | HostKind::Custom(_) => {
            match state.tenants.resolve_any(&kind).await {
                Ok(found) => found.is_some(),
                Err(e) => {
                    tracing::error!(error = %e, "tls ask: tenant lookup failed");
                    return StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
            }
        }
    };
    if served {
        (StatusCode::OK, "ok").into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

/// Is this the TLS proxy asking (this machine or a trusted proxy, relaying nobody)?
pub fn from_the_proxy(state: &AppState, req: &axum::extract::Request) -> bool {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    if req.headers().contains_key("x-forwarded-for") || req.headers().contains_key("forwarded") {
        return false;
    }
    let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>() else {
        return false;
    };
    let ip = peer.ip();
    ip.is_loopback()
        || state
            .config
            .trusted_proxies
            .iter()
            .any(|net| net.contains(&ip))
}
