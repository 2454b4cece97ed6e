//! Loader of `/admin/branding` (runs on the server while the page renders).
use super::BrandingForm;
use crate::web::flash::Flash;
use crate::web::AppError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandingPage {
    /// What the fields show: what was typed (after an error or a preview), else what is
    /// saved.
    pub form: BrandingForm,
    pub flash: Option<Flash>,
    /// The typed settings' colours and text, when "Preview" was pressed.
    pub preview: Option<Preview>,
    /// Logo, favicon and sign-in image: each its own upload form.
    pub images: Vec<ImageSlot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageSlot {
    pub image: super::BrandImage,
    /// The current image's signed URL.
    pub url: Option<String>,
    /// This form's error or notice.
    pub flash: Option<Flash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub name: String,
    pub tagline: String,
    pub welcome_text: String,
    pub palette: crate::domain::Palette,
    /// "white on #e11d48: 4.70:1".
    pub header_contrast: String,
}

/// `/admin/branding` (hub admins).
pub async fn load_branding() -> Result<BrandingPage, AppError> {
    use super::BrandImage;
    use crate::db::tenant::hub_settings;
    use crate::domain::{format_ratio, BrandColor, Palette, Role};
    use crate::web::guard::hub_with_role;
    let (ctx, _) = hub_with_role(Role::Admin).await?;
    let hub = ctx.hub()?;
    let saved = hub
        .db
        .select::<hub_settings::Entity>()
        .one()
        .await?
        .map(|s| BrandingForm {
            name: s.name,
            tagline: s.tagline,
            welcome_text: s.welcome_text,
            brand_color: s.brand_color,
            accent_color: s.accent_color.unwrap_or_default(),
            signin_text: s.signin_text,
            intent: String::new(),
        })
        .unwrap_or_else(|| BrandingForm {
            name: hub.view.name.clone(),
            brand_color: hub.view.palette.brand.clone(),
            ..Default::default()
        });
    let flash = ctx.flash("branding").await;
    let typed = flash.as_ref().and_then(|f| f.form::<BrandingForm>());
    let preview = typed
        .as_ref()
        .filter(|f| f.intent == "preview" && !flash.as_ref().is_some_and(|f| f.has_errors()))
        .and_then(|f| {
            let brand = BrandColor::parse(&f.brand_color).ok()?;
            let accent = BrandColor::parse(&f.accent_color).ok();
            let palette = Palette::derive(&brand, accent.as_ref());
            let text = BrandColor::parse(&palette.on_brand).ok()?;
            let which = if palette.on_brand == "#ffffff" {
                "White"
            } else {
                "Dark"
            };
            Some(Preview {
                name: f.name.trim().to_string(),
                tagline: f.tagline.trim().to_string(),
                welcome_text: f.welcome_text.trim().to_string(),
                header_contrast: format!(
                    "{which} text on {brand}: {}",
                    format_ratio(text.contrast(&brand))
                ),
                palette,
            })
        });
    Ok(BrandingPage {
        form: typed.unwrap_or(saved),
        flash,
        preview,
        images: vec![
            ImageSlot {
                image: BrandImage::Logo,
                url: hub.view.logo_url.clone(),
                flash: ctx.flash("branding-logo").await,
            },
            ImageSlot {
                image: BrandImage::Favicon,
                url: hub.view.favicon_url.clone(),
                flash: ctx.flash("branding-favicon").await,
            },
            ImageSlot {
                image: BrandImage::SigninImage,
                url: hub.view.signin_image_url.clone(),
                flash: ctx.flash("branding-signin-image").await,
            },
        ],
    })
}
