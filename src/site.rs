//! What the current host serves, as the pages see it. The server decides this from the
//! Host header before any page runs (see `server::site`); pages read it through
//! [`get_site`], which the hydrated browser receives with the page instead of calling back.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A hub's public branding, memoized on the server from its shard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubView {
    pub slug: String,
    pub name: String,
    pub tagline: String,
    /// `#rrggbb`, validated when stored.
    pub brand_color: String,
    /// Black or white: whichever reads on the brand colour.
    pub brand_contrast: String,
    pub logo_url: Option<String>,
    /// Joining needs an invitation.
    pub invite_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SiteView {
    Accounts,
    Hub(HubView),
}

/// The site of the current request.
#[server]
pub async fn get_site() -> Result<SiteView, ServerFnError> {
    use crate::server::site::Site;
    let axum::Extension(site) = leptos_axum::extract::<axum::Extension<Site>>().await?;
    Ok(match site {
        Site::Accounts => SiteView::Accounts,
        Site::Hub(hub) => SiteView::Hub((*hub.view).clone()),
    })
}

/// The site resource, provided once by `App` and shared by every page.
pub type SiteResource = Resource<Result<SiteView, ServerFnError>>;
