//! Form posts of `/admin/webhooks` (hub admins). Every change is in the hub's audit log.
use super::service::{self, WebhookError};
use super::Event;
use crate::platform::audit;
use crate::web::context::parse_id;
use crate::web::flash::Flash;
use crate::web::form_fields::FormFields;
use crate::web::guard::{Admin, Member};
use crate::web::respond::{back, FormResult};
use crate::web::{AppError, AppState};
use axum::extract::{Path, State};
use tower_sessions::Session;

const PAGE: &str = "/admin/webhooks";

/// `url=…&event=completion.approved&event=…` (a checkbox per event).
pub async fn subscribe(
    State(state): State<AppState>,
    member: Member<Admin>,
    session: Session,
    fields: FormFields,
) -> FormResult {
    let url = fields.one("url");
    let events: Vec<Event> = fields.all("event").filter_map(Event::parse).collect();
    let made = service::subscribe(
        &member.hub.db,
        &state.sealer,
        &state.webhook_targets,
        &url,
        &events,
    )
    .await;
    let (hook, secret) = match made {
        Ok(made) => made,
        Err(WebhookError::Invalid(m)) => {
            let mut flash = Flash::new("webhooks")
                .with_value("url", url)
                .with_error("url", m);
            for e in &events {
                flash = flash.with_value(&format!("event:{}", e.name()), "on");
            }
            return Err(AppError::invalid(PAGE, flash));
        }
        Err(WebhookError::Db(e)) => return Err(e.into()),
    };
    audit::by_hub_admin(
        &state,
        &member,
        "webhook.create",
        &hook.url,
        format!("events: {}", hook.events),
    )
    .await?;
    let flash = Flash::notice(
        "webhooks",
        format!(
            "Added the webhook for {}. Copy its signing secret now: it is not shown again.",
            hook.url
        ),
    )
    .with_value("secret", secret);
    Ok(back(&session, PAGE, flash).await)
}

pub async fn remove(
    State(state): State<AppState>,
    member: Member<Admin>,
    session: Session,
    Path(id): Path<String>,
) -> FormResult {
    let id = parse_id(&id)?;
    let hook = member
        .hub
        .db
        .find_by_id::<crate::db::tenant::webhooks::Entity>(id)
        .await?
        .ok_or(AppError::NotFound)?;
    service::remove(&member.hub.db, id).await?;
    audit::by_hub_admin(&state, &member, "webhook.remove", &hook.url, String::new()).await?;
    let flash = Flash::notice("webhooks", format!("Removed the webhook for {}.", hook.url));
    Ok(back(&session, PAGE, flash).await)
}

pub async fn redeliver(
    State(state): State<AppState>,
    member: Member<Admin>,
    session: Session,
    Path((id, delivery)): Path<(String, String)>,
) -> FormResult {
    let (id, delivery) = (parse_id(&id)?, parse_id(&delivery)?);
    use crate::db::tenant::webhook_deliveries as deliveries;
    use sea_orm::ColumnTrait;
    member
        .hub
        .db
        .select::<deliveries::Entity>()
        .filter(deliveries::Column::Id.eq(delivery))
        .filter(deliveries::Column::WebhookId.eq(id))
        .one()
        .await?
        .ok_or(AppError::NotFound)?;
    let queued = service::redeliver(&member.hub.db, id, delivery).await?;
    let flash = if queued {
        audit::by_hub_admin(
            &state,
            &member,
            "webhook.redeliver",
            &delivery.to_string(),
            String::new(),
        )
        .await?;
        Flash::notice("webhooks", "Queued to be sent again.")
    } else {
        Flash::notice("webhooks", "That delivery is already waiting to be sent.")
    };
    Ok(back(&session, PAGE, flash).await)
}
