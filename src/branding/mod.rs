//! A hub's branding, set by its admins at `/admin/branding`: name, tagline, welcome text,
//! brand and accent colours, logo, favicon, and the sign-in page's text and image.
//! Saved settings reach every page of every app server within the hub memo's staleness
//! bound (`web::hub_config`); "Preview" shows them first without saving.
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;

use crate::domain::{check_text_colour, BrandColor};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BrandingForm {
    pub name: String,
    pub tagline: String,
    pub welcome_text: String,
    pub brand_color: String,
    /// Empty: links use the brand colour (made dark enough to read).
    pub accent_color: String,
    pub signin_text: String,
    /// `preview` or `save` (the button pressed).
    pub intent: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandingInput {
    pub name: String,
    pub tagline: String,
    pub welcome_text: String,
    pub brand_color: BrandColor,
    pub accent_color: Option<BrandColor>,
    pub signin_text: String,
}

/// The images a hub can upload, by the path segment of their form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BrandImage {
    Logo,
    Favicon,
    SigninImage,
}

impl BrandImage {
    pub fn parse(segment: &str) -> Option<Self> {
        Some(match segment {
            "logo" => Self::Logo,
            "favicon" => Self::Favicon,
            "signin-image" => Self::SigninImage,
            _ => return None,
        })
    }

    pub fn segment(self) -> &'static str {
        match self {
            Self::Logo => "logo",
            Self::Favicon => "favicon",
            Self::SigninImage => "signin-image",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Logo => "Logo",
            Self::Favicon => "Favicon",
            Self::SigninImage => "Sign-in page image",
        }
    }

    /// Largest side it is kept at.
    pub fn max_side(self) -> u32 {
        match self {
            Self::Logo => 512,
            Self::Favicon => 256,
            Self::SigninImage => 1600,
        }
    }
}

fn limit(e: &mut Vec<(String, String)>, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        e.push((field.into(), format!("use at most {max} characters")));
    }
}

impl BrandingForm {
    pub fn validate(&self) -> Result<BrandingInput, Vec<(String, String)>> {
        let mut e = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            e.push(("name".into(), "enter the hub's name".into()));
        }
        limit(&mut e, "name", &name, 100);
        limit(&mut e, "tagline", self.tagline.trim(), 200);
        limit(&mut e, "welcome_text", self.welcome_text.trim(), 2000);
        limit(&mut e, "signin_text", self.signin_text.trim(), 500);
        let brand_color = match BrandColor::parse(&self.brand_color) {
            Ok(c) => Some(c),
            Err(err) => {
                e.push(("brand_color".into(), err.to_string()));
                None
            }
        };
        let accent_color = match self.accent_color.trim() {
            "" => None,
            raw => match BrandColor::parse(raw) {
                Ok(c) => match check_text_colour(&c) {
                    Ok(()) => Some(c),
                    Err(low) => {
                        e.push(("accent_color".into(), low.to_string()));
                        None
                    }
                },
                Err(err) => {
                    e.push(("accent_color".into(), err.to_string()));
                    None
                }
            },
        };
        match (e.is_empty(), brand_color) {
            (true, Some(brand_color)) => Ok(BrandingInput {
                name,
                tagline: self.tagline.trim().to_string(),
                welcome_text: self.welcome_text.trim().to_string(),
                brand_color,
                accent_color,
                signin_text: self.signin_text.trim().to_string(),
            }),
            _ => Err(e),
        }
    }
}

/// This feature's form posts (its page is in `pages.rs`).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/admin/branding", post(handlers::save))
        .route(
            "/admin/branding/{image}",
            // The body is bounded by `web::limits` (uploads get more room); axum's own
            // 2 MB multipart default would refuse a 3 MB logo before the handler can say
            // why.
            post(handlers::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/admin/branding/{image}/remove", post(handlers::remove))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(brand: &str, accent: &str) -> BrandingForm {
        BrandingForm {
            name: "Acme".into(),
            brand_color: brand.into(),
            accent_color: accent.into(),
            ..Default::default()
        }
    }

    #[test]
    fn any_brand_colour_but_only_a_readable_accent() {
        // Light and dark brand colours are both fine: text on them is chosen to read.
        assert!(form("#fde047", "").validate().is_ok());
        assert!(form("#111111", "").validate().is_ok());
        let errors = form("#fde047", "#facc15").validate().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, "accent_color");
        assert!(errors[0].1.contains("1.53:1"), "{}", errors[0].1);
        let errors = form("pink", "").validate().unwrap_err();
        assert_eq!(errors[0].0, "brand_color");
        let mut blank = form("#123456", "");
        blank.name = "  ".into();
        assert_eq!(blank.validate().unwrap_err()[0].0, "name");
    }
}
