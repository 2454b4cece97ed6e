//! Host routing middleware: classifies every request by its Host header, before any page
//! code runs, and hands pages a [`Site`] in the request extensions.
//!
//! For a hub it resolves host → tenant (cached), tenant → shard handle (registry, in
//! memory once the pool is open) and the hub's branding (memoized from the shard). A shard
//! that cannot answer turns into a 503 for that hub only.
use super::context::RequestMemo;
use super::hosts::{classify, HostKind, ResolvedTenant};
use super::{pages, AppError, AppState};
use crate::db::TenantDb;
use crate::domain::TenantStatus;
use crate::web::site_view::HubView;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use std::sync::Arc;
use tower::ServiceExt;

/// The site a request is for, as request extension.
#[derive(Clone)]
pub enum Site {
    Accounts,
    Hub(HubRequest),
}

/// Everything a hub page needs to know about its tenant.
#[derive(Clone)]
pub struct HubRequest {
    pub tenant: Arc<ResolvedTenant>,
    pub view: Arc<HubView>,
    /// The only way to this tenant's rows.
    pub db: TenantDb,
}

/// State of the middleware: the app, and the API router it hands `api.<root>` to.
#[derive(Clone)]
pub struct HostRouting {
    pub state: AppState,
    pub api: Router,
}

/// The raw host of a request: the `Host` header, or the URI authority (HTTP/2).
fn raw_host(req: &Request) -> Option<String> {
    req.headers()
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
}

pub async fn route_by_host(
    State(routing): State<HostRouting>,
    mut req: Request,
    next: Next,
) -> Response {
    let state = &routing.state;
    if let Some(res) = super::health::answer(state, req.uri().path()).await {
        return res;
    }
    if req.uri().path() == super::tls_ask::PATH {
        let asker = super::tls_ask::from_the_proxy(state, &req);
        let query = req.uri().query().map(str::to_string);
        return super::tls_ask::answer(state, asker, query.as_deref()).await;
    }
    let root = &state.config.root_domain;
    let kind = raw_host(&req)
        .map(|h| classify(&h, root))
        .unwrap_or(HostKind::Unknown);
    match kind {
        HostKind::Unknown => pages::no_hub_here(),
        HostKind::Apex => {
            Redirect::permanent(&state.config.url_for_host(&format!("accounts.{root}")))
                .into_response()
        }
        HostKind::Api => match routing.api.clone().oneshot(req).await {
            Ok(res) => res,
            Err(never) => match never {},
        },
        HostKind::Accounts => {
            req.extensions_mut().insert(Site::Accounts);
            req.extensions_mut().insert(RequestMemo::default());
            next.run(req).await
        }
        HostKind::Subdomain(_) | HostKind::Custom(_) => match resolve_hub(state, &kind).await {
            Ok(Some(hub)) => {
                if let Some(res) = to_primary_host(state, &req, &hub.tenant) {
                    return res;
                }
                let tenant = hub.tenant.id;
                let writes = !matches!(*req.method(), http::Method::GET | http::Method::HEAD);
                req.extensions_mut().insert(Site::Hub(hub));
                req.extensions_mut().insert(RequestMemo::default());
                let res = next.run(req).await;
                // A form post may change what every member sees (a published challenge, an
                // approval in the feed, a new ladder): this server shows it at once, the
                // others within the hub cache's few seconds.
                if writes {
                    state.hub_cache.invalidate_hub(tenant);
                }
                res
            }
            Ok(None) => pages::no_hub_here(),
            Err(res) => res,
        },
    }
}

/// A page asked for on a hub host that is not the hub's primary one: 301 to the same path
/// there. Only reads move (a form posted to the old host still works); the SSO callback
/// stays, as its ticket is for the host that asked for it, and so does an invitation,
/// whose token must not travel to another host. The 301 is not to be cached: the primary
/// can change, and a browser keeps a cached 301 for good.
fn to_primary_host(state: &AppState, req: &Request, tenant: &ResolvedTenant) -> Option<Response> {
    let primary = tenant.primary_host.as_deref()?;
    let host = raw_host(req).and_then(|h| crate::domain::HostName::parse(&h).ok())?;
    let path = req.uri().path();
    let read = req.method() == http::Method::GET || req.method() == http::Method::HEAD;
    let stays = path == "/sso/callback" || path.starts_with("/invite");
    if host.as_str() == primary || !read || stays {
        return None;
    }
    let rest = req.uri().path_and_query().map_or("/", |p| p.as_str());
    let to = format!("{}{rest}", state.config.url_for_host(primary));
    let headers = [
        (http::header::LOCATION, to),
        (http::header::CACHE_CONTROL, "no-store".to_string()),
    ];
    Some((http::StatusCode::MOVED_PERMANENTLY, headers).into_response())
}

async fn resolve_hub(state: &AppState, kind: &HostKind) -> Result<Option<HubRequest>, Response> {
    let tenant = match state.tenants.resolve_any(kind).await {
        Ok(Some(t)) => t,
        Ok(None) => return Ok(None),
        Err(e) => {
            tracing::error!(error = %e, "tenant lookup in the global database failed");
            return Err(AppError::Unavailable.into_response());
        }
    };
    // From here on (its settings, its page), the hub's debug switch applies.
    super::telemetry::mark_if_debugging(tenant.id);
    match tenant.status {
        TenantStatus::Active => {}
        TenantStatus::Suspended => return Err(pages::hub_suspended(&tenant.name)),
        TenantStatus::Maintenance => return Err(pages::hub_in_maintenance(&tenant.name)),
    }
    let db = state
        .registry
        .tenant_db(tenant.id, tenant.shard_id)
        .await
        .map_err(|e| {
            tracing::warn!(tenant = %tenant.slug, error = %e, "shard unavailable");
            AppError::Unavailable.into_response()
        })?;
    let view = state.hub_config.get(&tenant, &db).await.map_err(|e| {
        tracing::warn!(tenant = %tenant.slug, error = %e, "reading hub settings failed");
        AppError::Unavailable.into_response()
    })?;
    Ok(Some(HubRequest { tenant, view, db }))
}
