//! Form posts of the reward pages.
use super::service::{self, MailContext, RedeemError};
use super::RewardForm;
use crate::forms::Flash;
use crate::membership::handlers::{Advocate, Marketer, Member};
use crate::server::pages;
use crate::server::respond::{back, existing, once, request_id_of, unavailable};
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use tower_sessions::Session;
use uuid::Uuid;

fn reward_flash(form: &RewardForm, errors: Vec<(String, String)>) -> Flash {
    let mut f = Flash::new("reward")
        .with_value("name", form.name.as_str())
        .with_value("description", form.description.as_str())
        .with_value("cost", form.cost.as_str())
        .with_value("stock", form.stock.as_str());
    if form.active.is_some() {
        f = f.with_value("active", "on");
    }
    for (field, message) in errors {
        f = f.with_error(&field, message);
    }
    f
}

pub async fn create(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Form(form): Form<RewardForm>,
) -> Response {
    match form.validate() {
        Err(errors) => back(&session, "/admin/rewards", reward_flash(&form, errors)).await,
        Ok(input) => match service::create(&hub.db, &input).await {
            Ok(r) => {
                back(
                    &session,
                    "/admin/rewards",
                    Flash::notice("reward", format!("Added “{}”.", r.name)),
                )
                .await
            }
            Err(e) => unavailable(e),
        },
    }
}

pub async fn update(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<RewardForm>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return pages::not_here();
    };
    let to = format!("/admin/rewards/{id}");
    match form.validate() {
        Err(errors) => back(&session, &to, reward_flash(&form, errors)).await,
        Ok(input) => match service::update(&hub.db, id, &input).await {
            Ok(0) => pages::not_here(),
            Ok(_) => back(&session, &to, Flash::notice("reward", "Saved.")).await,
            Err(e) => unavailable(e),
        },
    }
}

pub async fn redeem(
    Member { hub, contact, .. }: Member<Advocate>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return pages::not_here();
    };
    let ctx = MailContext {
        hub_name: &hub.view.name,
        request_id: request_id_of(&headers),
    };
    match service::redeem(&hub.db, id, &contact, &ctx).await {
        Ok(_) => {
            back(
                &session,
                "/rewards",
                Flash::notice("redeem", "Redeemed! We have mailed you the details."),
            )
            .await
        }
        Err(RedeemError::NotFound) => pages::not_here(),
        Err(RedeemError::Db(e)) => unavailable(e),
        Err(refused) => {
            back(
                &session,
                "/rewards",
                Flash::new("redeem").with_error("form", refused.to_string()),
            )
            .await
        }
    }
}

async fn finish(
    Member { hub, .. }: Member<Marketer>,
    session: Session,
    headers: HeaderMap,
    id: String,
    cancel: bool,
) -> Response {
    let id = match existing::<crate::db::tenant::redemptions::Entity>(&hub.db, &id).await {
        Ok(id) => id,
        Err(res) => return res,
    };
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
) -> Response {
    finish(member, session, headers, id, false).await
}

pub async fn cancel(
    member: Member<Marketer>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    finish(member, session, headers, id, true).await
}
