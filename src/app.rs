//! The HTML shell and the page router. Every host shares this router; what a path shows
//! depends on the site of the request (accounts host or a hub), decided by host routing
//! before any page runs. Each feature lists its own pages (its `…Routes` component); they
//! are placed here inside the site layout, whose frame surrounds them.
use crate::accounts::pages::{AccountsHome, AccountsRoutes};
use crate::api_clients::pages::ApiAdminRoutes;
use crate::branding::pages::BrandingRoutes;
use crate::challenges::pages::ChallengeRoutes;
use crate::console::pages::ConsoleRoutes;
use crate::domains::pages::DomainRoutes;
use crate::home::pages::{HomeRoutes, HubHome};
use crate::invitations::pages::InvitationRoutes;
use crate::membership::pages::MembershipRoutes;
use crate::people::pages::PeopleRoutes;
use crate::points::pages::PointsRoutes;
use crate::rewards::pages::RewardRoutes;
use crate::ui::assets::{watching, BundleStylesheet, IslandScripts};
use crate::ui::{NotFound, SiteLayout};
use crate::web::site_view::{current_site, SiteView};
use crate::webhooks::pages::WebhookRoutes;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload disable_watch=!watching() options=options.clone() />
                // `rally.css`, or `rally.<hash>.css` in a release build with hashed names.
                <BundleStylesheet options=options.clone() />
                <IslandScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The page's CSP names the nonce its hydration script carries.
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(csp) = http::HeaderValue::from_str(&crate::web::headers::page_csp(&nonce)) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, csp);
        }
    }
    view! {
        <Title formatter=|text: String| if text.is_empty() { "Rally".to_string() } else { format!("{text} · Rally") } />
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                <ParentRoute path=path!("") view=SiteLayout ssr=SsrMode::Async>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <AccountsRoutes />
                    <MembershipRoutes />
                    <HomeRoutes />
                    <ChallengeRoutes />
                    <PointsRoutes />
                    <RewardRoutes />
                    <InvitationRoutes />
                    <PeopleRoutes />
                    <BrandingRoutes />
                    <DomainRoutes />
                    <ApiAdminRoutes />
                    <WebhookRoutes />
                    <ConsoleRoutes />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// `/`: the hub's home on a hub host, "My hubs" (or the landing page) on the accounts host.
/// An `Either`, not `into_any()` (why: `ui::layout::SiteLayout`).
#[component]
fn HomePage() -> impl IntoView {
    match current_site() {
        Some(SiteView::Hub(hub)) => Either::Left(view! { <HubHome hub /> }),
        _ => Either::Right(view! { <AccountsHome /> }),
    }
}
