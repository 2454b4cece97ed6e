//! Form posts: invite (a list), resend, revoke, and accept.
use super::api::TOKEN_KEY;
use super::service::{self, InviteMail};
use crate::accounts::session::current_user;
use crate::forms::Flash;
use crate::membership::handlers::{Marketer, Member};
use crate::server::respond::{back, existing, once, request_id_of, unavailable};
use crate::server::site::Site;
use crate::server::{pages, AppState};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use tower_sessions::Session;

fn hub_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| crate::domain::HostName::parse(h).ok())
        .map(|h| h.as_str().to_string())
        .unwrap_or_default();
    state.config.url_for_host(&host)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InviteForm {
    emails: String,
}

pub async fn invite(
    Member {
        hub,
        contact: inviter,
        ..
    }: Member<Marketer>,
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<InviteForm>,
) -> Response {
    let rows = super::parse_list(&form.emails);
    if rows.is_empty() {
        return back(
            &session,
            "/admin/invitations",
            Flash::new("invite").with_error("emails", "paste at least one email address"),
        )
        .await;
    }
    let url = hub_url(&state, &headers);
    let mail = InviteMail {
        hub_name: &hub.view.name,
        hub_url: &url,
        inviter: &inviter.display_name,
        request_id: request_id_of(&headers),
    };
    // Each row gets its own outcome: good rows are invited whatever the bad ones say.
    let mut flash = Flash::new("invite");
    let mut invited = 0;
    for row in rows {
        let outcome = match row.outcome {
            Err(why) => Err(why),
            Ok(email) => match service::invite(&hub.db, &email, Some(inviter.id), &mail).await {
                Ok(r) => r.map(|_| email),
                Err(e) => return unavailable(e),
            },
        };
        match outcome {
            Ok(email) => {
                invited += 1;
                flash = flash.with_value(&format!("ok:{}", row.line), email);
            }
            Err(why) => {
                flash = flash.with_error(
                    &format!("row:{}", row.line),
                    format!("line {}: {} — {why}", row.line, row.input),
                )
            }
        }
    }
    flash.notice = Some(format!("Invited {invited} address(es)."));
    back(&session, "/admin/invitations", flash).await
}

async fn change(
    Member {
        hub,
        contact: inviter,
        ..
    }: Member<Marketer>,
    state: AppState,
    session: Session,
    headers: HeaderMap,
    id: String,
    resend: bool,
) -> Response {
    let id = match existing::<crate::db::tenant::invitations::Entity>(&hub.db, &id).await {
        Ok(id) => id,
        Err(res) => return res,
    };
    let done = if resend {
        let url = hub_url(&state, &headers);
        let mail = InviteMail {
            hub_name: &hub.view.name,
            hub_url: &url,
            inviter: &inviter.display_name,
            request_id: None,
        };
        service::resend(&hub.db, id, &mail).await
    } else {
        service::revoke(&hub.db, id).await
    };
    let text = if resend {
        "Sent again, valid for 14 more days."
    } else {
        "Revoked: the link no longer works."
    };
    let already = "That invitation was already accepted or revoked.";
    once(
        &session,
        "/admin/invitations",
        "invite",
        done,
        text,
        already,
    )
    .await
}

pub async fn resend(
    member: Member<Marketer>,
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    change(member, state, session, headers, id, true).await
}

pub async fn revoke(
    member: Member<Marketer>,
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    change(member, state, session, headers, id, false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AcceptForm {
    token: String,
}

/// Accepts for the signed-in person; a signed-out one is sent to sign in (or up) first,
/// and comes back to `/invite`, where the token waits in this hub's session.
pub async fn accept(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    session: Session,
    Form(form): Form<AcceptForm>,
) -> Response {
    let Site::Hub(hub) = site else {
        return pages::not_found();
    };
    let _ = session.insert(TOKEN_KEY, form.token.clone()).await;
    let user = match current_user(&session, state.registry.global()).await {
        Ok(Some(u)) => u,
        Ok(None) => return Redirect::to("/sso/start?return_to=/invite").into_response(),
        Err(e) => return unavailable(e),
    };
    match service::accept(state.registry.global(), &hub.db, &form.token, &user).await {
        Ok(Ok(())) => {
            let _ = session.remove::<String>(TOKEN_KEY).await;
            back(
                &session,
                "/",
                Flash::notice("join", format!("Welcome to {}!", hub.view.name)),
            )
            .await
        }
        Ok(Err(why)) => pages::message_page(
            axum::http::StatusCode::GONE,
            "This invitation cannot be used",
            &why.to_string(),
            Some(("/", "Go to the hub")),
        ),
        Err(e) => unavailable(e),
    }
}
