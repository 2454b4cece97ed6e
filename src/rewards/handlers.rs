//! Form posts of the reward pages. Roles are checked by the [`Member`] guard; every
//! failure is an [`AppError`] (field errors go back with the typed form).
use super::service::{self, MailContext, RedeemError};
use super::RewardForm;
use crate::web::context::parse_id;
use crate::web::flash::Flash;
use crate::web::guard::{Advocate, Marketer, Member};
use crate::web::respond::{back, existing, once, request_id_of, FormResult};
use crate::web::AppError;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::Form;
use tower_sessions::Session;

fn validated(form: &RewardForm, to: &str) -> Result<super::RewardInput, AppError> {
    form.validate().map_err(|errors| {
        AppError::invalid(to, Flash::new("reward").with_form(form).with_errors(errors))
    })
}

pub async fn create(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Form(form): Form<RewardForm>,
) -> FormResult {
    let input = validated(&form, "/admin/rewards")?;
    let r = service::create(&hub.db, &input).await?;
    let flash = Flash::notice("reward", format!("Added “{}”.", r.name));
    Ok(back(&session, "/admin/rewards", flash).await)
}

pub async fn update(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<RewardForm>,
) -> FormResult {
    let id = parse_id(&id)?;
    let to = format!("/admin/rewards/{id}");
    let input = validated(&form, &to)?;
    match service::update(&hub.db, id, &input).await? {
        0 => Err(AppError::NotFound),
        _ => Ok(back(&session, &to, Flash::notice("reward", "Saved.")).await),
    }
}

pub async fn redeem(
    Member { hub, contact, .. }: Member<Advocate>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> FormResult {
    let id = parse_id(&id)?;
    let ctx = MailContext {
        hub_name: &hub.view.name,
        request_id: request_id_of(&headers),
    };
    match service::redeem(&hub.db, id, &contact, &ctx).await {
        Ok(_) => {
            let flash = Flash::notice("redeem", "Redeemed! We have mailed you the details.");
            Ok(back(&session, "/rewards", flash).await)
        }
        Err(RedeemError::NotFound) => Err(AppError::NotFound),
        Err(RedeemError::Db(e)) => Err(e.into()),
        Err(refused) => Err(AppError::invalid(
            "/rewards",
            Flash::new("redeem").with_error("form", refused.to_string()),
        )),
    }
}

async fn finish(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    headers: HeaderMap,
    id: String,
    cancel: bool,
) -> FormResult {
    let id = existing::<crate::db::tenant::redemptions::Entity>(&hub.db, &id).await?;
    let ctx = MailContext {
        hub_name: &hub.view.name,
        request_id: request_id_of(&headers),
    };
    let done = if cancel {
        service::cancel(&hub.db, id, &ctx).await
    } else {
        service::fulfil(&hub.db, id, &ctx).await
    };
    let text = if cancel {
        "Cancelled: the points were refunded."
    } else {
        "Marked as fulfilled."
    };
    let already = "That redemption was already handled.";
    once(
        &session,
        "/admin/redemptions",
        "redemption",
        done,
        text,
        already,
    )
    .await
}

pub async fn fulfil(
    member: Member<Marketer>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> FormResult {
    finish(member, session, headers, id, false).await
}

pub async fn cancel(
    member: Member<Marketer>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> FormResult {
    finish(member, session, headers, id, true).await
}
