//! Form posts of the challenge pages: marketers create, edit, publish and archive; an
//! advocate submits; marketers approve or reject (one or many). Roles are checked here.
use super::service::{self, Review, SubmitError};
use super::{AnswerForm, ChallengeForm, STATUS_ARCHIVED, STATUS_PUBLISHED};
use crate::db::tenant::challenges;
use crate::forms::Flash;
use crate::membership::handlers::{Advocate, Marketer, Member};
use crate::server::pages;
use crate::server::respond::{back, existing, once, unavailable};
use axum::extract::Path;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

fn challenge_flash(form: &ChallengeForm, errors: super::FieldErrors) -> Flash {
    let mut f = Flash::new("challenge");
    for (k, v) in [
        ("title", &form.title),
        ("description", &form.description),
        ("kind", &form.kind),
        ("points", &form.points),
        ("starts_on", &form.starts_on),
        ("ends_on", &form.ends_on),
        ("max_per_advocate", &form.max_per_advocate),
        ("target_group", &form.target_group),
        ("action_url", &form.action_url),
    ] {
        f = f.with_value(k, v.as_str());
    }
    if form.requires_approval.is_some() {
        f = f.with_value("requires_approval", "on");
    }
    for (field, message) in errors {
        f = f.with_error(&field, message);
    }
    f
}

/// The form as a challenge, or the redirect back to `to` with its field errors. A target
/// group must be one of this hub's groups.
async fn validated(
    hub: &crate::server::site::HubRequest,
    session: &Session,
    form: &ChallengeForm,
    to: &str,
) -> Result<super::ChallengeInput, Response> {
    let group = form.target_group.trim();
    let group_ok = group.is_empty()
        || match Uuid::parse_str(group) {
            Ok(id) => hub
                .db
                .find_by_id::<crate::db::tenant::groups::Entity>(id)
                .await
                .map_err(unavailable)?
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
            Err(back(session, to, challenge_flash(form, errors)).await)
        }
    }
}

pub async fn create(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Form(form): Form<ChallengeForm>,
) -> Response {
    let input = match validated(&hub, &session, &form, "/admin/challenges").await {
        Ok(i) => i,
        Err(res) => return res,
    };
    match service::create(&hub.db, &input).await {
        Ok(c) => {
            let flash = Flash::notice(
                "challenge",
                format!(
                    "Created “{}” as a draft. Publish it when it is ready.",
                    c.title
                ),
            );
            back(&session, &format!("/admin/challenges/{}", c.id), flash).await
        }
        Err(e) => unavailable(e),
    }
}

pub async fn update(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<ChallengeForm>,
) -> Response {
    let id = match existing::<challenges::Entity>(&hub.db, &id).await {
        Ok(id) => id,
        Err(res) => return res,
    };
    let to = format!("/admin/challenges/{id}");
    let input = match validated(&hub, &session, &form, &to).await {
        Ok(i) => i,
        Err(res) => return res,
    };
    match service::update(&hub.db, id, &input).await {
        Ok(0) => pages::not_here(),
        Ok(_) => back(&session, &to, Flash::notice("challenge", "Saved.")).await,
        Err(e) => unavailable(e),
    }
}

async fn set_status(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    id: String,
    status: &'static str,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return pages::not_here();
    };
    match service::set_status(&hub.db, id, status).await {
        Ok(0) => pages::not_here(),
        Ok(_) => {
            let text = if status == STATUS_PUBLISHED {
                "Published: advocates can see it now."
            } else {
                "Archived: advocates no longer see it."
            };
            back(
                &session,
                &format!("/admin/challenges/{id}"),
                Flash::notice("challenge", text),
            )
            .await
        }
        Err(e) => unavailable(e),
    }
}

pub async fn publish(
    member: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    set_status(member, session, id, STATUS_PUBLISHED).await
}

pub async fn archive(
    member: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    set_status(member, session, id, STATUS_ARCHIVED).await
}

/// An advocate's submission.
pub async fn submit(
    Member { hub, contact, .. }: Member<Advocate>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return pages::not_here();
    };
    let challenge = match hub.db.find_by_id::<challenges::Entity>(id).await {
        Ok(Some(c)) if c.status != super::STATUS_DRAFT => c,
        Ok(_) => return pages::not_here(),
        Err(e) => return unavailable(e),
    };
    let to = format!("/challenges/{id}");
    let answer = match form.validate(service::kind_of(&challenge)) {
        Ok(a) => a,
        Err(errors) => {
            let mut f = Flash::new("submit")
                .with_value("text", form.text.as_str())
                .with_value("url", form.url.as_str())
                .with_value("rating", form.rating.as_str())
                .with_value("name", form.name.as_str())
                .with_value("email", form.email.as_str())
                .with_value("company", form.company.as_str());
            for (field, message) in errors {
                f = f.with_error(&field, message);
            }
            return back(&session, &to, f).await;
        }
    };
    match service::submit(&hub.db, id, &contact, &answer).await {
        Ok(c) => {
            let text = if c.status == super::COMPLETION_APPROVED {
                format!("Done! You earned {} points.", challenge.points)
            } else {
                "Submitted! Your answer is waiting for the team's approval.".to_string()
            };
            back(&session, &to, Flash::notice("submit", text)).await
        }
        Err(SubmitError::NotFound) => pages::not_here(),
        Err(SubmitError::Closed(why)) => {
            back(
                &session,
                &to,
                Flash::new("submit").with_error("form", why.to_string()),
            )
            .await
        }
        Err(SubmitError::Db(e)) => unavailable(e),
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
) -> Response {
    let id = match existing::<crate::db::tenant::completions::Entity>(&hub.db, &id).await {
        Ok(id) => id,
        Err(res) => return res,
    };
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
) -> Response {
    review_one(member, session, id, f.note, Review::Approve).await
}

pub async fn reject(
    member: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> Response {
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
) -> Response {
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
    let decision = match action.as_str() {
        "approve" => Review::Approve,
        "reject" => Review::Reject,
        _ => {
            return back(
                &session,
                "/admin/completions",
                Flash::new("review").with_error("form", "Choose approve or reject."),
            )
            .await
        }
    };
    if ids.is_empty() {
        return back(
            &session,
            "/admin/completions",
            Flash::new("review").with_error("form", "Select at least one submission."),
        )
        .await;
    }
    let mut done = 0;
    for id in ids {
        // Ids of other hubs, or malformed ones, simply match nothing here.
        let Ok(id) = Uuid::parse_str(&id) else {
            continue;
        };
        match service::review(&hub.db, id, decision, reviewer.id, note_of(&note)).await {
            Ok(true) => done += 1,
            Ok(false) => {}
            Err(e) => return unavailable(e),
        }
    }
    let verb = if decision == Review::Approve {
        "Approved"
    } else {
        "Rejected"
    };
    back(
        &session,
        "/admin/completions",
        Flash::notice("review", format!("{verb} {done} submission(s).")),
    )
    .await
}
