//! Form posts of `/admin/branding` (hub admins): the settings (saved, or shown as a
//! preview), and each image's upload and removal.
use super::{BrandImage, BrandingForm};
use crate::db::tenant::hub_settings;
use crate::files::keys;
use crate::storage::content::{self, Accept};
use crate::web::flash::Flash;
use crate::web::guard::{Admin, Member};
use crate::web::respond::{back, FormResult};
use crate::web::{AppError, AppState};
use axum::extract::{Multipart, Path, State};
use axum::Form;
use sea_orm::{ActiveValue::Set, Condition};
use tower_sessions::Session;

const PAGE: &str = "/admin/branding";

pub async fn save(
    State(state): State<AppState>,
    Member { hub, .. }: Member<Admin>,
    session: Session,
    Form(form): Form<BrandingForm>,
) -> FormResult {
    let input = form.validate().map_err(|errors| {
        AppError::invalid(
            PAGE,
            Flash::new("branding").with_form(&form).with_errors(errors),
        )
    })?;
    if form.intent == "preview" {
        let flash =
            Flash::notice("branding", "This is a preview: nothing is saved yet.").with_form(&form);
        return Ok(back(&session, PAGE, flash).await);
    }
    let values = hub_settings::ActiveModel {
        name: Set(input.name),
        tagline: Set(input.tagline),
        welcome_text: Set(input.welcome_text),
        brand_color: Set(input.brand_color.to_string()),
        accent_color: Set(input.accent_color.map(|c| c.to_string())),
        signin_text: Set(input.signin_text),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    hub.db.update_where(values, Condition::all()).await?;
    // This server shows it at once; the others when they see the generation move.
    state.hub_config.invalidate(hub.tenant.id).await;
    crate::db::config_generation::bump(state.registry.global()).await?;
    Ok(back(&session, PAGE, Flash::notice("branding", "Saved.")).await)
}

fn current_key(s: &hub_settings::Model, image: BrandImage) -> Option<String> {
    match image {
        BrandImage::Logo => s.logo_key.clone(),
        BrandImage::Favicon => s.favicon_key.clone(),
        BrandImage::SigninImage => s.signin_image_key.clone(),
    }
}

/// Points the hub at `key` for `image` (or at none), and deletes the file it replaces.
async fn set_image(
    state: &AppState,
    hub: &crate::web::site::HubRequest,
    image: BrandImage,
    key: Option<String>,
) -> Result<(), AppError> {
    let before = hub
        .db
        .select::<hub_settings::Entity>()
        .one()
        .await?
        .and_then(|s| current_key(&s, image));
    let mut values = hub_settings::ActiveModel {
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    match image {
        BrandImage::Logo => values.logo_key = Set(key),
        BrandImage::Favicon => values.favicon_key = Set(key),
        BrandImage::SigninImage => values.signin_image_key = Set(key),
    }
    hub.db.update_where(values, Condition::all()).await?;
    state.hub_config.invalidate(hub.tenant.id).await;
    crate::db::config_generation::bump(state.registry.global()).await?;
    if let Some(old) = before {
        // A leftover file is only wasted space; the hub no longer names it.
        if let Err(e) = state.storage.delete(hub.tenant.id, &old).await {
            tracing::warn!(key = %old, error = %e, "could not delete a replaced image");
        }
    }
    Ok(())
}

pub async fn upload(
    State(state): State<AppState>,
    Member { hub, .. }: Member<Admin>,
    session: Session,
    Path(image): Path<String>,
    multipart: Multipart,
) -> FormResult {
    let image = BrandImage::parse(&image).ok_or(AppError::NotFound)?;
    let flash_name = format!("branding-{}", image.segment());
    let form = crate::web::upload::read(multipart, "file").await?;
    let checked = content::check_off_thread(form.file, Accept::Images, image.max_side())
        .await
        .map_err(|e| {
            AppError::invalid(
                PAGE,
                Flash::new(&flash_name).with_error("file", e.to_string()),
            )
        })?;
    let key = keys::branding(image.segment(), checked.file_type);
    state
        .storage
        .put(hub.tenant.id, &key, checked.bytes)
        .await
        .map_err(AppError::unavailable)?;
    set_image(&state, &hub, image, Some(key)).await?;
    let flash = Flash::notice(&flash_name, format!("{} uploaded.", image.label()));
    Ok(back(&session, PAGE, flash).await)
}

pub async fn remove(
    State(state): State<AppState>,
    Member { hub, .. }: Member<Admin>,
    session: Session,
    Path(image): Path<String>,
) -> FormResult {
    let image = BrandImage::parse(&image).ok_or(AppError::NotFound)?;
    set_image(&state, &hub, image, None).await?;
    let flash = Flash::notice(
        &format!("branding-{}", image.segment()),
        format!("{} removed.", image.label()),
    );
    Ok(back(&session, PAGE, flash).await)
}
