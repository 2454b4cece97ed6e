//! The HTML shell and the router. Every host shares this router; what a path shows depends
//! on the site of the request (accounts host or a hub), decided by the server before any
//! page runs and read here through [`get_site`].
use crate::accounts::{AccountsHome, DevMailPage, ForgotPage, LoginPage, ResetPage, SignupPage};
use crate::challenges::pages::{
    AdminChallengePage, AdminChallengesPage, ChallengePage, ChallengesPage, CompletionsPage,
    ReferralsPage,
};
use crate::hub::{HubAdminPage, HubHome};
use crate::invitations::pages::{AdminInvitationsPage, InvitePage};
use crate::people::pages::{ContactsPage, GroupPage, GroupsPage};
use crate::points::pages::{LeaderboardPage, LevelsPage, MePage};
use crate::rewards::pages::{AdminRedemptionsPage, AdminRewardPage, AdminRewardsPage, RewardsPage};
use crate::site::{get_site, SiteResource, SiteView};
use crate::ui::{NotFound, ServiceUnavailable};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
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
                <AutoReload options=options.clone() />
                <HydrationScripts options />
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
    // Blocking: the page's <head> (title, brand) needs the site before it is sent.
    let site: SiteResource = Resource::new_blocking(|| (), |_| get_site());
    provide_context(site);

    view! {
        <Stylesheet id="leptos" href="/pkg/rally.css" />
        <Title formatter=|text: String| if text.is_empty() { "Rally".to_string() } else { format!("{text} · Rally") } />
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                // Async: the whole page is rendered before it is sent, so it works with
                // JavaScript off and a page can still set its status code.
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/signup") view=SignupPage ssr=SsrMode::Async />
                <Route path=path!("/password/forgot") view=ForgotPage ssr=SsrMode::Async />
                <Route path=path!("/password/reset") view=ResetPage ssr=SsrMode::Async />
                <Route path=path!("/dev/mail") view=DevMailPage ssr=SsrMode::Async />
                <Route path=path!("/admin") view=HubAdminPage ssr=SsrMode::Async />
                <Route path=path!("/challenges") view=ChallengesPage ssr=SsrMode::Async />
                <Route path=path!("/challenges/:id") view=ChallengePage ssr=SsrMode::Async />
                <Route path=path!("/admin/challenges") view=AdminChallengesPage ssr=SsrMode::Async />
                <Route path=path!("/admin/challenges/:id") view=AdminChallengePage ssr=SsrMode::Async />
                <Route path=path!("/admin/completions") view=CompletionsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/referrals") view=ReferralsPage ssr=SsrMode::Async />
                <Route path=path!("/leaderboard") view=LeaderboardPage ssr=SsrMode::Async />
                <Route path=path!("/me") view=MePage ssr=SsrMode::Async />
                <Route path=path!("/admin/levels") view=LevelsPage ssr=SsrMode::Async />
                <Route path=path!("/rewards") view=RewardsPage ssr=SsrMode::Async />
                <Route path=path!("/invite") view=InvitePage ssr=SsrMode::Async />
                <Route path=path!("/admin/contacts") view=ContactsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/groups") view=GroupsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/groups/:id") view=GroupPage ssr=SsrMode::Async />
                <Route path=path!("/admin/invitations") view=AdminInvitationsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/rewards") view=AdminRewardsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/rewards/:id") view=AdminRewardPage ssr=SsrMode::Async />
                <Route path=path!("/admin/redemptions") view=AdminRedemptionsPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// `/`: the hub's home on a hub host, "My hubs" (or the landing page) on the accounts host.
#[component]
fn HomePage() -> impl IntoView {
    let site = expect_context::<SiteResource>();
    // Loaded here, not in the components below: those are built inside the Suspense,
    // which builds them again once the site is known (each would load twice).
    crate::hub::provide_viewer();
    let dashboard = crate::points::pages::dashboard_resource();
    let account_home = crate::accounts::pages::account_home_resource();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match site.await {
                    Ok(SiteView::Hub(hub)) => view! { <HubHome hub dashboard /> }.into_any(),
                    Ok(SiteView::Accounts) => view! { <AccountsHome data=account_home /> }.into_any(),
                    Err(_) => view! { <ServiceUnavailable /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
