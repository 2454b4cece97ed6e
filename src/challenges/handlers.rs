//! Form posts of the challenge pages: marketers create, edit, publish and archive; an
//! advocate submits; marketers approve or reject (one or many). Roles are checked by the
//! [`Member`] guard before the body is read; every failure is an [`AppError`].
use super::service::{self, Review, SubmitError};
use super::{AnswerForm, ChallengeForm, STATUS_ARCHIVED, STATUS_PUBLISHED};
use crate::db::tenant::challenges;
use crate::files::keys;
use crate::storage::content::{self, Accept};
use crate::web::context::parse_id;
use crate::web::flash::Flash;
use crate::web::guard::{Advocate, Marketer, Member};
use crate::web::respond::{back, existing, once, FormResult};
use crate::web::{AppError, AppState};
use axum::extract::{Multipart, Path, State};

use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

/// The form as a challenge, or back to `to` with its field errors (and what was typed).
/// A target group must be one of this hub's groups.
async fn validated(
    hub: &crate::web::site::HubRequest,
    form: &ChallengeForm,
    to: &str,
) -> Result<super::ChallengeInput, AppError> {
    let group = form.target_group.trim();
    let group_ok = group.is_empty()
        || match Uuid::parse_str(group) {
            Ok(id) => hub
                .db
                .find_by_id::<crate::db::tenant::groups::Entity>(id)
                .await?
                .is_some(),
            Err(_) => false,
        };
    match (form.validate(), group_ok) {
        (Ok(input), true) => Ok(input),
        (checked, _) => {
            let mut errors = checked.err().unwrap_or_default();
            if !group_ok {
                errors.push(("target_group".into(), "choose a group from the list".into()));
            }
            let flash = Flash::new("challenge").with_form(form).with_errors(errors);
            Err(AppError::invalid(to, flash))
        }
    }
}

pub async fn create(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Form(form): Form<ChallengeForm>,
) -> FormResult {
    let input = validated(&hub, &form, "/admin/challenges").await?;
    let c = service::create(&hub.db, &input).await?;
    let flash = Flash::notice(
        "challenge",
        format!(
            "Created “{}” as a draft. Publish it when it is ready.",
            c.title
        ),
    );
    Ok(back(&session, &format!("/admin/challenges/{}", c.id), flash).await)
}

pub async fn update(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ChallengeForm>,
) -> FormResult {
    let id = existing::<challenges::Entity>(&hub.db, &id).await?;
    let to = format!("/admin/challenges/{id}");
    let input = validated(&hub, &form, &to).await?;
    match service::update(&hub.db, id, &input).await? {
        0 => Err(AppError::NotFound),
        _ => Ok(back(&session, &to, Flash::notice("challenge", "Saved.")).await),
    }
}

async fn set_status(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    id: String,
    status: super::ChallengeStatus,
) -> FormResult {
    let id = parse_id(&id)?;
    if service::set_status(&hub.db, id, status).await? == 0 {
        return Err(AppError::NotFound);
    }
    let text = if status == STATUS_PUBLISHED {
        "Published: advocates can see it now."
    } else {
        "Archived: advocates no longer see it."
    };
    let to = format!("/admin/challenges/{id}");
    Ok(back(&session, &to, Flash::notice("challenge", text)).await)
}

pub async fn publish(
    member: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    set_status(member, session, id, STATUS_PUBLISHED).await
}

pub async fn archive(
    member: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    set_status(member, session, id, STATUS_ARCHIVED).await
}

/// An advocate's submission.
pub async fn submit(
    Member { hub, contact, .. }: Member<Advocate>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> FormResult {
    let challenge = open_challenge(&hub, &id).await?;
    let to = format!("/challenges/{}", challenge.id);
    let answer = form
        .validate(service::kind_of(&challenge))
        .map_err(|errors| {
            AppError::invalid(
                &to,
                Flash::new("submit").with_form(&form).with_errors(errors),
            )
        })?;
    finish_submit(&hub, &session, &challenge, &contact, &answer).await
}

/// A challenge advocates can see (not a draft), or 404.
async fn open_challenge(
    hub: &crate::web::site::HubRequest,
    id: &str,
) -> Result<challenges::Model, AppError> {
    hub.db
        .find_by_id::<challenges::Entity>(parse_id(id)?)
        .await?
        .filter(|c| c.status != super::STATUS_DRAFT)
        .ok_or(AppError::NotFound)
}

/// Records a validated answer and says how it went.
async fn finish_submit(
    hub: &crate::web::site::HubRequest,
    session: &Session,
    challenge: &challenges::Model,
    contact: &crate::db::tenant::contacts::Model,
    answer: &super::Answer,
) -> FormResult {
    let to = format!("/challenges/{}", challenge.id);
    match service::submit(&hub.db, challenge.id, contact, answer).await {
        Ok(c) => {
            let text = if c.status == super::COMPLETION_APPROVED {
                format!("Done! You earned {} points.", challenge.points)
            } else {
                "Submitted! Your answer is waiting for the team's approval.".to_string()
            };
            Ok(back(session, &to, Flash::notice("submit", text)).await)
        }
        Err(SubmitError::NotFound) => Err(AppError::NotFound),
        Err(SubmitError::Closed(why)) => Err(AppError::invalid(
            &to,
            Flash::new("submit").with_error("form", why.to_string()),
        )),
        Err(SubmitError::Db(e)) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    note: String,
}

fn note_of(raw: &str) -> Option<String> {
    let n: String = raw.trim().chars().take(1000).collect();
    (!n.is_empty()).then_some(n)
}

async fn review_one(
    Member {
        hub,
        contact: reviewer,
        ..
    }: Member<Marketer>,
    session: Session,
    id: String,
    note: String,
    decision: Review,
) -> FormResult {
    let id = existing::<crate::db::tenant::completions::Entity>(&hub.db, &id).await?;
    let result = service::review(&hub.db, id, decision, reviewer.id, note_of(&note)).await;
    let done = if decision == Review::Approve {
        "Approved: the points are awarded."
    } else {
        "Rejected."
    };
    let already = "That submission was already reviewed.";
    once(
        &session,
        "/admin/completions",
        "review",
        result,
        done,
        already,
    )
    .await
}

pub async fn approve(
    member: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> FormResult {
    review_one(member, session, id, f.note, Review::Approve).await
}

pub async fn reject(
    member: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> FormResult {
    review_one(member, session, id, f.note, Review::Reject).await
}

/// Bulk review: `ids` (repeated checkbox) and `action` = approve | reject.
pub async fn bulk(
    Member {
        hub,
        contact: reviewer,
        ..
    }: Member<Marketer>,
    session: Session,
    body: String,
) -> FormResult {
    let mut ids = Vec::new();
    let mut action = String::new();
    let mut note = String::new();
    for (k, v) in url::form_urlencoded::parse(body.as_bytes()) {
        match k.as_ref() {
            "ids" => ids.push(v.into_owned()),
            "action" => action = v.into_owned(),
            "note" => note = v.into_owned(),
            _ => {}
        }
    }
    let invalid = |message: &str| {
        AppError::invalid(
            "/admin/completions",
            Flash::new("review").with_error("form", message),
        )
    };
    let decision = match action.as_str() {
        "approve" => Review::Approve,
        "reject" => Review::Reject,
        _ => return Err(invalid("Choose approve or reject.")),
    };
    if ids.is_empty() {
        return Err(invalid("Select at least one submission."));
    }
    let mut done = 0;
    for id in ids {
        // Ids of other hubs, or malformed ones, simply match nothing here.
        let Ok(id) = Uuid::parse_str(&id) else {
            continue;
        };
        if service::review(&hub.db, id, decision, reviewer.id, note_of(&note)).await? {
            done += 1;
        }
    }
    let verb = if decision == Review::Approve {
        "Approved"
    } else {
        "Rejected"
    };
    let flash = Flash::notice("review", format!("{verb} {done} submission(s)."));
    Ok(back(&session, "/admin/completions", flash).await)
}

/// An upload challenge's answer: the file (an image or a PDF, decided by its content) is
/// stored under the advocate's contact, then submitted like any answer. A submission that
/// is refused (closed, used up) leaves no file behind.
pub async fn submit_upload(
    State(state): State<AppState>,
    Member { hub, contact, .. }: Member<Advocate>,
    session: Session,
    Path(id): Path<String>,
    multipart: Multipart,
) -> FormResult {
    let challenge = open_challenge(&hub, &id).await?;
    let to = format!("/challenges/{}", challenge.id);
    if service::kind_of(&challenge) != super::Kind::Upload {
        return Err(AppError::NotFound);
    }
    // Closed or used up: said before any file is read or decoded.
    if let Err(why) = service::check_open(&hub.db, &challenge, contact.id, crate::db::now()).await?
    {
        return Err(AppError::invalid(
            &to,
            Flash::new("submit").with_error("form", why.to_string()),
        ));
    }
    let form = crate::web::upload::read(multipart, "file").await?;
    let checked = content::check_off_thread(form.file, Accept::ImagesAndPdf, content::MAX_SIDE)
        .await
        .map_err(|e| {
            AppError::invalid(&to, Flash::new("submit").with_error("file", e.to_string()))
        })?;
    let key = keys::answer(contact.id, checked.file_type);
    state
        .storage
        .put(hub.tenant.id, &key, checked.bytes)
        .await
        .map_err(AppError::unavailable)?;
    let answer = super::Answer::Upload {
        key: key.clone(),
        file_type: checked.file_type.mime().to_string(),
    };
    let result = finish_submit(&hub, &session, &challenge, &contact, &answer).await;
    if result.is_err() {
        if let Err(e) = state.storage.delete(hub.tenant.id, &key).await {
            tracing::warn!(%key, error = %e, "could not delete a refused upload");
        }
    }
    result
}

/// A challenge's image (marketers): shown on its page.
pub async fn upload_image(
    State(state): State<AppState>,
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    multipart: Multipart,
) -> FormResult {
    let c = existing::<challenges::Entity>(&hub.db, &id).await?;
    let to = format!("/admin/challenges/{c}");
    let form = crate::web::upload::read(multipart, "file").await?;
    let checked = content::check_off_thread(form.file, Accept::Images, content::MAX_SIDE)
        .await
        .map_err(|e| {
            AppError::invalid(
                &to,
                Flash::new("challenge-image").with_error("file", e.to_string()),
            )
        })?;
    let key = keys::challenge_image(checked.file_type);
    state
        .storage
        .put(hub.tenant.id, &key, checked.bytes)
        .await
        .map_err(AppError::unavailable)?;
    set_image(&state, &hub, c, Some(key)).await?;
    Ok(back(
        &session,
        &to,
        Flash::notice("challenge-image", "Image uploaded."),
    )
    .await)
}

pub async fn remove_image(
    State(state): State<AppState>,
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    let c = existing::<challenges::Entity>(&hub.db, &id).await?;
    set_image(&state, &hub, c, None).await?;
    let to = format!("/admin/challenges/{c}");
    Ok(back(
        &session,
        &to,
        Flash::notice("challenge-image", "Image removed."),
    )
    .await)
}

async fn set_image(
    state: &AppState,
    hub: &crate::web::site::HubRequest,
    id: Uuid,
    key: Option<String>,
) -> Result<(), AppError> {
    let before = hub
        .db
        .find_by_id::<challenges::Entity>(id)
        .await?
        .and_then(|c| c.image_key);
    hub.db
        .update(challenges::ActiveModel {
            id: sea_orm::Set(id),
            image_key: sea_orm::Set(key),
            updated_at: sea_orm::Set(crate::db::now()),
            ..Default::default()
        })
        .await?;
    if let Some(old) = before {
        if let Err(e) = state.storage.delete(hub.tenant.id, &old).await {
            tracing::warn!(key = %old, error = %e, "could not delete a replaced image");
        }
    }
    Ok(())
}
