//! Form posts: invite (a list), resend, revoke, and accept. Roles are checked by the
//! [`Member`] guard; every failure is an [`AppError`].
use super::api::TOKEN_KEY;
use super::service::{self, InviteMail};
use crate::web::flash::Flash;
use crate::web::guard::{Ctx, Marketer, Member};
use crate::web::respond::{back, existing, once, request_id_of, FormResult};
use crate::web::AppError;
use crate::web::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Form;
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
) -> FormResult {
    let rows = super::parse_list(&form.emails);
    if rows.is_empty() {
        return Err(AppError::invalid(
            "/admin/invitations",
            Flash::new("invite").with_error("emails", "paste at least one email address"),
        ));
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
            Ok(email) => service::invite(&hub.db, &email, Some(inviter.id), &mail)
                .await?
                .map(|_| email),
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
    Ok(back(&session, "/admin/invitations", flash).await)
}

async fn change(
    Member {
        hub,
        contact: inviter,
        request_id,
        ..
    }: Member<Marketer>,
    state: AppState,
    session: Session,
    headers: HeaderMap,
    id: String,
    resend: bool,
) -> FormResult {
    let id = existing::<crate::db::tenant::invitations::Entity>(&hub.db, &id).await?;
    let done = if resend {
        let url = hub_url(&state, &headers);
        let mail = InviteMail {
            hub_name: &hub.view.name,
            hub_url: &url,
            inviter: &inviter.display_name,
            request_id: Some(request_id),
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
) -> FormResult {
    change(member, state, session, headers, id, true).await
}

pub async fn revoke(
    member: Member<Marketer>,
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> FormResult {
    change(member, state, session, headers, id, false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AcceptForm {
    token: String,
}

/// Accepts for the signed-in person; a signed-out one is sent to sign in (or up) first,
/// and comes back to `/invite`, where the token waits in this hub's session.
pub async fn accept(Ctx(ctx): Ctx, Form(form): Form<AcceptForm>) -> FormResult {
    let hub = ctx.hub()?;
    // Kept for after sign-in: the page reads it from this hub's session.
    ctx.session.insert(TOKEN_KEY, form.token.clone()).await?;
    let Some(user) = ctx.user().await? else {
        return Err(AppError::SignInRequired {
            return_to: "/invite".into(),
        });
    };
    let global = ctx.state.registry.global();
    match service::accept(global, &hub.db, &form.token, &user).await? {
        Ok(()) => {
            let _ = ctx.session.remove::<String>(TOKEN_KEY).await;
            let flash = Flash::notice("join", format!("Welcome to {}!", hub.view.name));
            Ok(back(&ctx.session, "/", flash).await)
        }
        // Used up, revoked or expired: a 410 that says which.
        Err(why) => Ok(crate::web::pages::message_page(
            axum::http::StatusCode::GONE,
            "This invitation cannot be used",
            &why.to_string(),
            Some(("/", "Go to the hub")),
        )),
    }
}
