//! What the current host serves, as the pages see it. The server decides this from the
//! Host header before any page runs (see `web::site`); pages read it through
//! [`current_site`].
use serde::{Deserialize, Serialize};

/// A hub's public branding, memoized on the server from its shard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubView {
    pub slug: String,
    pub name: String,
    pub tagline: String,
    /// Shown on the hub home above the challenges.
    pub welcome_text: String,
    /// The colours its pages use, all derived so that their text passes WCAG AA.
    pub palette: crate::domain::Palette,
    /// Signed, expiring URLs of the uploaded images.
    pub logo_url: Option<String>,
    pub favicon_url: Option<String>,
    /// The sign-in page's text and image, when signing in to this hub.
    pub signin_text: String,
    pub signin_image_url: Option<String>,
    /// Joining needs an invitation.
    pub invite_only: bool,
}

// One per rendered page, never stored in bulk: boxing the hub would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SiteView {
    Accounts,
    Hub(HubView),
}

/// The site of the page being rendered: decided by host routing before any page runs,
/// read from the request (no query). `None` outside a request.
pub fn current_site() -> Option<SiteView> {
    use crate::web::site::Site;
    leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
        Some(match parts.extensions.get::<Site>()? {
            Site::Accounts => SiteView::Accounts,
            Site::Hub(hub) => SiteView::Hub((*hub.view).clone()),
        })
    })?
}
