//! The three hops of the SSO round trip, as plain handlers (they only redirect).
use super::tickets::{self, NewTicket};
use crate::db::global::users;
use crate::domain::{HostName, ReturnTo};
use crate::sso::SsoParams;
use crate::web::auth::{current_user, sign_in};
use crate::web::hosts::{classify, HostKind, ResolvedTenant};
use crate::web::pages::message_page;
use crate::web::respond::FormResult;
use crate::web::site::Site;
use crate::web::tokens::new_token;
use crate::web::AppError;
use crate::web::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tower_sessions::Session;

/// What a hub keeps in its session between `/sso/start` and `/sso/callback`.
#[derive(Debug, Serialize, Deserialize)]
struct PendingSignIn {
    state: String,
}

const PENDING_KEY: &str = "sso_pending";

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The query of the accounts pages that continue an SSO round trip.
pub fn sso_query(host: &str, state: &str, return_to: &str) -> String {
    format!(
        "host={}&state={}&return_to={}",
        url_encode(host),
        url_encode(state),
        url_encode(return_to)
    )
}

#[derive(Deserialize)]
pub struct StartQuery {
    return_to: Option<String>,
    /// Set when the visitor most likely has no account yet (an invitation to a new
    /// address): the accounts host then shows sign-up instead of sign-in.
    signup: Option<String>,
}

/// Hub: "Sign in". Remembers a fresh `state` in this hub's session and sends the browser
/// to the accounts host.
pub async fn start(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    session: Session,
    headers: HeaderMap,
    Query(q): Query<StartQuery>,
) -> FormResult {
    if !matches!(site, Site::Hub(_)) {
        return Err(AppError::NotFound);
    }
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase)
    else {
        return Err(AppError::NotFound);
    };
    let return_to = ReturnTo::sanitize(q.return_to.as_deref());
    let pending = PendingSignIn { state: new_token() };
    let mut query = sso_query(&host, &pending.state, return_to.as_str());
    if q.signup.is_some() {
        query.push_str("&signup=1");
    }
    session.insert(PENDING_KEY, pending).await?;
    let accounts = state
        .config
        .url_for_host(&format!("accounts.{}", state.config.root_domain));
    Ok(Redirect::to(&format!("{accounts}/sso/authorize?{query}")).into_response())
}

/// A hub host as given in `host=`: its tenant and bare name, if it is a verified hub host
/// of this deployment (and on the public port).
pub async fn verify_hub_host(state: &AppState, raw: &str) -> Option<(Arc<ResolvedTenant>, String)> {
    let kind = classify(raw, &state.config.root_domain);
    if !matches!(kind, HostKind::Subdomain(_) | HostKind::Custom(_)) {
        return None;
    }
    let port = raw
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u16>().ok());
    if port != state.config.public_port() {
        return None;
    }
    let tenant = state.tenants.resolve(&kind).await.ok().flatten()?;
    let bare = HostName::parse(raw).ok()?.as_str().to_string();
    Some((tenant, bare))
}

fn is_state(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Accounts: issue a ticket for a signed-in visitor, or show the sign-in form first.
#[derive(Deserialize)]
pub struct SignupHint {
    signup: Option<String>,
}

pub async fn authorize(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    session: Session,
    Query(q): Query<SsoParams>,
    Query(hint): Query<SignupHint>,
) -> FormResult {
    if !matches!(site, Site::Accounts) {
        return Err(AppError::NotFound);
    }
    let refuse = |message: &str| {
        message_page(
            StatusCode::BAD_REQUEST,
            "This sign-in link is not valid",
            message,
            Some(("/", "Go to your Rally account")),
        )
    };
    let (Some(host), Some(pending_state)) = (q.host.as_deref(), q.state.as_deref()) else {
        return Ok(refuse("It is missing the hub it is for."));
    };
    let Some((tenant, bare_host)) = verify_hub_host(&state, host).await else {
        return Ok(refuse("It names an address that is not a Rally hub."));
    };
    if !is_state(pending_state) {
        return Ok(refuse("It was not started by a Rally hub."));
    }
    let return_to = ReturnTo::sanitize(q.return_to.as_deref());
    let global = state.registry.global();
    let user = current_user(&session, global).await?;
    let Some(user) = user else {
        let query = sso_query(host, pending_state, return_to.as_str());
        let form = if hint.signup.is_some() {
            "/signup"
        } else {
            "/login"
        };
        return Ok(Redirect::to(&format!("{form}?{query}")).into_response());
    };
    if !super::consent::given(global, user.id, tenant.id).await? {
        let query = sso_query(host, pending_state, return_to.as_str());
        return Ok(Redirect::to(&format!("/sso/consent?{query}")).into_response());
    }
    let ticket = tickets::issue(
        global,
        NewTicket {
            user_id: user.id,
            session_epoch: user.session_epoch,
            tenant_id: tenant.id,
            host: &bare_host,
            state: pending_state,
            return_to: return_to.as_str(),
        },
    )
    .await;
    let ticket = ticket.map_err(AppError::unavailable)?;
    let hub = state.config.url_for_host(&bare_host);
    Ok(Redirect::to(&format!(
        "{hub}/sso/callback?ticket={ticket}&return_to={}",
        url_encode(return_to.as_str())
    ))
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConsentForm {
    host: Option<String>,
    state: Option<String>,
    return_to: Option<String>,
    /// `continue`, or anything else (the "Cancel" button) for no.
    decision: String,
}

/// Accounts: the answer to "Continue to <hub> as <email>?". Yes is remembered for the hub
/// and the round trip goes on; no goes back to the hub, signed out.
pub async fn consent(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    session: Session,
    axum::Form(form): axum::Form<ConsentForm>,
) -> FormResult {
    if !matches!(site, Site::Accounts) {
        return Err(AppError::NotFound);
    }
    let (Some(host), Some(pending_state)) = (form.host.as_deref(), form.state.as_deref()) else {
        return Err(AppError::NotFound);
    };
    let Some((tenant, bare_host)) = verify_hub_host(&state, host).await else {
        return Err(AppError::NotFound);
    };
    let return_to = ReturnTo::sanitize(form.return_to.as_deref());
    let query = sso_query(host, pending_state, return_to.as_str());
    let global = state.registry.global();
    let Some(user) = current_user(&session, global).await? else {
        return Ok(Redirect::to(&format!("/login?{query}")).into_response());
    };
    if form.decision != "continue" {
        return Ok(
            Redirect::to(&format!("{}/", state.config.url_for_host(&bare_host))).into_response(),
        );
    }
    super::consent::give(global, user.id, tenant.id)
        .await
        .map_err(AppError::unavailable)?;
    Ok(Redirect::to(&format!("/sso/authorize?{query}")).into_response())
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    ticket: Option<String>,
}

/// Hub: redeem the ticket, sign in under a new session id, return.
pub async fn callback(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    session: Session,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let mut res = match redeem(&state, &site, &session, &headers, q).await {
        Ok(res) => res,
        Err(e) => e.into_response(),
    };
    // The ticket is in this URL: never send it on as a Referer.
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

async fn redeem(
    state: &AppState,
    site: &Site,
    session: &Session,
    headers: &HeaderMap,
    q: CallbackQuery,
) -> FormResult {
    let Site::Hub(hub) = site else {
        return Err(AppError::NotFound);
    };
    let refuse = |message: &str| {
        message_page(
            StatusCode::BAD_REQUEST,
            "Sign-in did not complete",
            message,
            Some(("/sso/start", "Sign in again")),
        )
    };
    let pending: Option<PendingSignIn> = session.remove(PENDING_KEY).await.ok().flatten();
    let Some(pending) = pending else {
        return Ok(refuse("This sign-in was not started in this browser."));
    };
    let Some(ticket) = q.ticket.filter(|t| is_state(t)) else {
        return Ok(refuse("The sign-in link is incomplete."));
    };
    let Some(bare_host) = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| HostName::parse(h).ok())
    else {
        return Err(AppError::NotFound);
    };
    let global = state.registry.global();
    let redeemed = tickets::redeem(global, &ticket, bare_host.as_str(), &pending.state).await?;
    let Some(redeemed) = redeemed.filter(|t| t.tenant_id == hub.tenant.id) else {
        return Ok(refuse(
            "The sign-in link has expired, was already used, or is not for this browser.",
        ));
    };
    let Some(user) = users::Entity::find_by_id(redeemed.user_id)
        .one(global)
        .await?
    else {
        return Ok(refuse("The account no longer exists."));
    };
    sign_in(session, &user).await?;
    let return_to = ReturnTo::sanitize(Some(&redeemed.return_to));
    Ok(Redirect::to(return_to.as_str()).into_response())
}
