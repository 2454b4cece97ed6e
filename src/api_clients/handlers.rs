//! Form posts of `/admin/api` (hub admins). Every change is in the hub's audit log.
use super::service::{self, ClientError};
use super::Scope;
use crate::platform::audit;
use crate::web::context::parse_id;
use crate::web::flash::Flash;
use crate::web::form_fields::FormFields;
use crate::web::guard::{Admin, Member};
use crate::web::respond::{back, FormResult};
use crate::web::{AppError, AppState};
use axum::extract::{Path, State};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

const PAGE: &str = "/admin/api";

/// A refusal as the form's field error, keeping what was typed.
fn refused(e: ClientError, typed: &[(&str, String)]) -> AppError {
    match e {
        ClientError::Invalid(field, message) => {
            let mut flash = Flash::new("api").with_error(field, message);
            for (k, v) in typed {
                flash = flash.with_value(k, v.clone());
            }
            AppError::invalid(PAGE, flash)
        }
        ClientError::NotFound => AppError::NotFound,
        ClientError::Db(e) => e.into(),
    }
}

fn secret_flash(text: String, secret: String) -> Flash {
    Flash::notice("api", text).with_value("secret", secret)
}

/// `name=…&scope=events:write&scope=…` (a checkbox per scope).
pub async fn create_client(
    State(state): State<AppState>,
    member: Member<Admin>,
    session: Session,
    fields: FormFields,
) -> FormResult {
    let name = fields.one("name");
    let scopes: Vec<Scope> = fields.all("scope").filter_map(Scope::parse).collect();
    let (client, secret) = service::create_client(&member.hub.db, &state.sealer, &name, &scopes)
        .await
        .map_err(|e| refused(e, &[("name", name.clone())]))?;
    audit::by_hub_admin(
        &state,
        &member,
        "api_client.create",
        &client.name,
        format!("scopes: {}", client.scopes),
    )
    .await?;
    let text = format!(
        "Created the client “{}”. Its issuer id is {}; copy its secret now: it is not shown again.",
        client.name,
        service::issuer(member.hub.tenant.id, client.id)
    );
    Ok(back(&session, PAGE, secret_flash(text, secret)).await)
}

pub async fn add_secret(
    State(state): State<AppState>,
    member: Member<Admin>,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    let id = parse_id(&id)?;
    let secret = service::add_secret(&member.hub.db, &state.sealer, id)
        .await
        .map_err(|e| refused(e, &[]))?;
    audit::by_hub_admin(
        &state,
        &member,
        "api_client.add_secret",
        &id.to_string(),
        String::new(),
    )
    .await?;
    let text = "Added a secret. Both secrets work until you revoke one: move your caller to the new one, then revoke the old. Copy it now: it is not shown again.".to_string();
    Ok(back(&session, PAGE, secret_flash(text, secret)).await)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublicKeyForm {
    pub public_key: String,
}

pub async fn add_public_key(
    State(state): State<AppState>,
    member: Member<Admin>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<PublicKeyForm>,
) -> FormResult {
    let id = parse_id(&id)?;
    service::add_public_key(&member.hub.db, id, &form.public_key)
        .await
        .map_err(|e| refused(e, &[("public_key", form.public_key.clone())]))?;
    audit::by_hub_admin(
        &state,
        &member,
        "api_client.add_public_key",
        &id.to_string(),
        String::new(),
    )
    .await?;
    let flash = Flash::notice(
        "api",
        "Added the Ed25519 public key: tokens it signs (EdDSA) now verify.",
    );
    Ok(back(&session, PAGE, flash).await)
}

pub async fn revoke_key(
    State(state): State<AppState>,
    member: Member<Admin>,
    session: Session,
    Path((id, key)): Path<(String, String)>,
) -> FormResult {
    let (id, key) = (parse_id(&id)?, parse_id(&key)?);
    let revoked = service::revoke_key(&member.hub.db, id, key)
        .await
        .map_err(|e| refused(e, &[]))?;
    if !revoked {
        return Err(AppError::NotFound);
    }
    audit::by_hub_admin(
        &state,
        &member,
        "api_client.revoke_key",
        &key.to_string(),
        format!("client {id}"),
    )
    .await?;
    let flash = Flash::notice(
        "api",
        "Revoked the key: tokens signed with it are refused from now on.",
    );
    Ok(back(&session, PAGE, flash).await)
}

pub async fn remove_client(
    State(state): State<AppState>,
    member: Member<Admin>,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    let id = parse_id(&id)?;
    let client = service::remove_client(&member.hub.db, id)
        .await
        .map_err(|e| refused(e, &[]))?;
    audit::by_hub_admin(
        &state,
        &member,
        "api_client.remove",
        &client.name,
        String::new(),
    )
    .await?;
    let flash = Flash::notice(
        "api",
        format!("Removed the client “{}” and its keys.", client.name),
    );
    Ok(back(&session, PAGE, flash).await)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EventTypeForm {
    pub key: String,
    pub points: String,
    pub challenge_id: String,
}

pub async fn add_event_type(
    State(state): State<AppState>,
    member: Member<Admin>,
    session: Session,
    Form(form): Form<EventTypeForm>,
) -> FormResult {
    let typed = [
        ("key", form.key.clone()),
        ("points", form.points.clone()),
        ("challenge_id", form.challenge_id.clone()),
    ];
    let challenge = match form.challenge_id.trim() {
        "" => None,
        raw => Some(uuid::Uuid::parse_str(raw).map_err(|_| {
            refused(
                ClientError::Invalid("challenge_id", "Choose a challenge of this hub.".into()),
                &typed,
            )
        })?),
    };
    let added = service::add_event_type(&member.hub.db, &form.key, &form.points, challenge)
        .await
        .map_err(|e| refused(e, &typed))?;
    audit::by_hub_admin(
        &state,
        &member,
        "api_event_type.create",
        &added.key,
        format!("points: {}", added.points),
    )
    .await?;
    let flash = Flash::notice("api", format!("Added the event type {}.", added.key));
    Ok(back(&session, PAGE, flash).await)
}

pub async fn remove_event_type(
    State(state): State<AppState>,
    member: Member<Admin>,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    let id = parse_id(&id)?;
    let removed = service::remove_event_type(&member.hub.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::by_hub_admin(
        &state,
        &member,
        "api_event_type.remove",
        &removed.key,
        String::new(),
    )
    .await?;
    let flash = Flash::notice("api", format!("Removed the event type {}.", removed.key));
    Ok(back(&session, PAGE, flash).await)
}
