//! Hub pages (served on a tenant's subdomain or custom domain).
pub mod api;

use crate::accounts::pages::SignOutButton;
use crate::domain::Role;
use crate::site::HubView;
use crate::ui::forms::FlashMessages;
use crate::ui::{ErrorView, Footer};
use api::{hub_members, load_hub_viewer, HubViewer};
use leptos::prelude::*;
use leptos_meta::Title;

/// Frame of every hub page: the brand colour as CSS variables (Tailwind's `brand` colours
/// read them), and a header with the hub's name.
#[component]
pub fn HubFrame(hub: HubView, children: Children) -> impl IntoView {
    let style = format!(
        "--brand: {}; --brand-contrast: {};",
        hub.brand_color, hub.brand_contrast
    );
    let initial = hub
        .name
        .chars()
        .next()
        .unwrap_or('?')
        .to_uppercase()
        .to_string();
    view! {
        <div style=style class="flex min-h-screen flex-col">
            <header class="bg-brand text-brand-contrast shadow-sm" data-testid="hub-header">
                <div class="mx-auto flex max-w-5xl items-center justify-between px-4 py-4 sm:px-6">
                    <a href="/" class="flex items-center gap-3 text-lg font-semibold">
                        {match hub.logo_url.clone() {
                            Some(src) => view! {
                                <img src=src alt="" class="h-9 w-9 rounded-lg bg-white object-contain" />
                            }.into_any(),
                            None => view! {
                                <span
                                    aria-hidden="true"
                                    class="grid h-9 w-9 place-items-center rounded-lg bg-white/20 font-bold"
                                >
                                    {initial}
                                </span>
                            }.into_any(),
                        }}
                        <span>{hub.name.clone()}</span>
                    </a>
                    <AccountArea />
                </div>
            </header>
            <div class="flex-1">{children()}</div>
            <Footer />
        </div>
    }
}

/// The visitor of the current hub page, loaded once per page.
type ViewerResource = Resource<Result<HubViewer, ServerFnError>>;

/// Loads the visitor of a hub page and provides it to the page's components. Call it
/// where the page is created, never inside a `Suspense` (whose children are built again
/// when what they wait for resolves: a resource made there would load again each time).
/// Off a hub it loads nothing, so it sets no status for pages that are not hub pages.
pub fn provide_viewer() -> ViewerResource {
    let site = expect_context::<crate::site::SiteResource>();
    let viewer = Resource::new(
        || (),
        move |_| async move {
            match site.await {
                Ok(crate::site::SiteView::Hub(_)) => load_hub_viewer().await,
                _ => Err(ServerFnError::new(crate::ui::NOT_FOUND)),
            }
        },
    );
    provide_context(viewer);
    viewer
}

/// Right side of the hub header: "Sign in", or who is signed in and "Sign out".
#[component]
fn AccountArea() -> impl IntoView {
    let viewer = use_context::<ViewerResource>();
    view! {
        <Suspense>
            {move || viewer.map(|viewer| Suspend::new(async move {
                match viewer.await {
                    Ok(HubViewer { account: Some(a), role, .. }) => view! {
                        <div class="flex items-center gap-3 text-sm">
                            <span data-testid="hub-signed-in-as">{a.display_name}</span>
                            {role.map(|_| view! {
                                <nav aria-label="Hub" class="hidden items-center gap-1 md:flex">
                                    <a href="/challenges" class="rounded-md px-2 py-1 font-medium hover:bg-white/20">"Challenges"</a>
                                    <a href="/leaderboard" class="rounded-md px-2 py-1 font-medium hover:bg-white/20">"Leaderboard"</a>
                                    <a href="/rewards" class="rounded-md px-2 py-1 font-medium hover:bg-white/20">"Rewards"</a>
                                    <a href="/me" class="rounded-md px-2 py-1 font-medium hover:bg-white/20">"My points"</a>
                                </nav>
                            })}
                            {role.filter(|r| *r >= Role::Marketer).map(|_| view! {
                                <nav aria-label="Team" class="flex items-center gap-1">
                                    <a href="/admin/completions" class="rounded-md px-2 py-1 font-medium hover:bg-white/20">"Review"</a>
                                    <a href="/admin" class="rounded-md px-2 py-1 font-medium hover:bg-white/20">"Admin"</a>
                                </nav>
                            })}
                            <SignOutButton class="rounded-lg bg-white/20 px-3 py-1.5 font-medium hover:bg-white/30" />
                        </div>
                    }.into_any(),
                    _ => view! {
                        // A server route, not a page: the router must not handle it.
                        <a href="/sso/start?return_to=/" rel="external" class="rounded-lg bg-white px-3 py-1.5 text-sm font-semibold text-slate-900 shadow-sm hover:bg-slate-100">
                            "Sign in"
                        </a>
                    }.into_any(),
                }
            }))}
        </Suspense>
    }
}

/// For a signed-in visitor who is not a member: "Join <hub>" (or why they cannot).
#[component]
fn JoinPanel(hub_name: String, invite_only: bool) -> impl IntoView {
    let viewer = expect_context::<ViewerResource>();
    view! {
        <Suspense>
            {move || {
                let hub_name = hub_name.clone();
                Suspend::new(async move {
                    let Ok(v) = viewer.await else { return ().into_any() };
                    let flash = v.flash.clone();
                    match (&v.account, v.role) {
                        (Some(_), None) => view! {
                            <section class="mt-6 space-y-3 rounded-xl border border-brand/40 bg-white p-5 shadow-sm" aria-label="Join">
                                <FlashMessages flash />
                                {if invite_only {
                                    view! {
                                        <p data-testid="invite-only">
                                            {hub_name.clone()} " is invite-only: you need an invitation from its team to join."
                                        </p>
                                    }.into_any()
                                } else {
                                    view! {
                                        <form method="post" action="/join" class="flex flex-wrap items-center justify-between gap-3">
                                            <p>"You are not a member of " {hub_name.clone()} " yet."</p>
                                            <button type="submit" class="rounded-lg bg-brand px-4 py-2 font-semibold text-brand-contrast shadow-sm hover:opacity-90">
                                                "Join " {hub_name.clone()}
                                            </button>
                                        </form>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any(),
                        (Some(_), Some(role)) => view! {
                            <div class="mt-6 space-y-3">
                                <FlashMessages flash />
                                <p class="text-sm text-slate-600" data-testid="member-role">
                                    "You are a member of " {hub_name.clone()} " (" {role.label()} ")."
                                </p>
                            </div>
                        }.into_any(),
                        _ => ().into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The hub's home; the page (`HomePage`) provides the viewer and loads the dashboard.
#[component]
pub fn HubHome(hub: HubView, dashboard: crate::points::pages::DashboardResource) -> impl IntoView {
    let name = hub.name.clone();
    let tagline = hub.tagline.clone();
    let invite_only = hub.invite_only;
    view! {
        <Title text=name.clone() />
        <HubFrame hub>
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <WelcomeBanner hub_name=name.clone() />
                <JoinPanel hub_name=name.clone() invite_only />
                <crate::points::pages::DashboardPanel data=dashboard />
                <section class="py-10" aria-labelledby="hub-title">
                    <h1 id="hub-title" class="text-4xl font-bold tracking-tight sm:text-5xl">
                        {name}
                    </h1>
                    <p class="mt-4 max-w-2xl text-lg text-slate-600" data-testid="hub-tagline">
                        {tagline}
                    </p>
                </section>
                <section aria-labelledby="how-it-works">
                    <h2 id="how-it-works" class="text-xl font-semibold">
                        "How it works"
                    </h2>
                    <ol class="mt-4 grid gap-4 sm:grid-cols-3">
                        <Step n=1 title="Take on challenges">
                            "Answer questions, write reviews, share links and refer colleagues."
                        </Step>
                        <Step n=2 title="Earn points and badges">
                            "Every completed challenge earns points; climb the levels as you go."
                        </Step>
                        <Step n=3 title="Redeem rewards">
                            "Turn your points into rewards picked by the team."
                        </Step>
                    </ol>
                </section>
            </main>
        </HubFrame>
    }
}

#[component]
fn Step(n: u8, title: &'static str, children: Children) -> impl IntoView {
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <span class="grid h-8 w-8 place-items-center rounded-full bg-brand text-sm font-semibold text-brand-contrast">
                {n}
            </span>
            <h3 class="mt-3 font-semibold">{title}</h3>
            <p class="mt-1 text-sm text-slate-600">{children()}</p>
        </li>
    }
}

/// A welcome message the visitor can dismiss. The dismiss button needs the page to be
/// hydrated, so it stays hidden until then (with JavaScript off there is no dead button).
#[component]
fn WelcomeBanner(hub_name: String) -> impl IntoView {
    let (open, set_open) = signal(true);
    let (hydrated, set_hydrated) = signal(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| set_hydrated.set(true));
    view! {
        <Show when=move || open.get()>
            <div
                role="region"
                aria-label="Welcome"
                data-hydrated=move || hydrated.get().then_some("true")
                class="flex items-start justify-between gap-4 rounded-xl border border-brand/30 bg-white p-4 shadow-sm"
            >
                <p>
                    <span class="font-semibold">"Welcome to " {hub_name.clone()} "!"</span>
                    " This is where advocates take on challenges, earn points and get rewarded."
                </p>
                <button
                    type="button"
                    hidden=move || !hydrated.get()
                    on:click=move |_| set_open.set(false)
                    aria-label="Dismiss welcome message"
                    class="rounded-md px-2 py-1 text-sm font-medium text-slate-600 hover:bg-slate-100"
                >
                    "Dismiss"
                </button>
            </div>
        </Show>
    }
}

/// `/admin`: the hub's team page (marketers and admins). The role is checked by the
/// server function; this page only shows its answer.
#[component]
pub fn HubAdminPage() -> impl IntoView {
    hub_page(hub_members, |hub: HubView, rows: Vec<api::MemberRow>| {
        let name = hub.name.clone();
        view! {
            <Title text=format!("Team · {name}") />
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <h1 class="text-2xl font-bold">"Running " {name.clone()}</h1>
                <nav aria-label="Admin sections" class="mt-6 grid gap-3 sm:grid-cols-3">
                    {[
                        ("/admin/completions", "Review submissions"),
                        ("/admin/challenges", "Challenges"),
                        ("/admin/referrals", "Referrals"),
                        ("/admin/rewards", "Rewards catalogue"),
                        ("/admin/redemptions", "Redemptions"),
                        ("/admin/invitations", "Invitations"),
                        ("/admin/contacts", "Contacts"),
                        ("/admin/groups", "Groups"),
                        ("/admin/levels", "Levels (admins)"),
                    ].into_iter().map(|(href, label)| view! {
                        <a href=href class="rounded-xl border border-slate-200 bg-white p-4 font-semibold shadow-sm hover:border-brand">{label}</a>
                    }).collect_view()}
                </nav>
                <h2 class="mt-10 text-xl font-semibold">"People"</h2>
                <table class="mt-4 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-left text-sm shadow-sm" data-testid="members">
                    <thead class="bg-slate-50 text-slate-600">
                        <tr><th class="px-4 py-2">"Name"</th><th class="px-4 py-2">"Role"</th><th class="px-4 py-2">"Status"</th></tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr class="border-t border-slate-100">
                                <td class="px-4 py-2">{r.display_name}</td>
                                <td class="px-4 py-2">{r.role.label()}</td>
                                <td class="px-4 py-2">{r.status}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </main>
        }
    })
}

/// A hub page with data: the site and `load` are awaited, then `render` draws the body
/// inside the hub's frame. Off a hub: 404; an error from `load` (403, 404): its page.
pub fn hub_page<T, F, Fut, V, R>(load: F, render: R) -> impl IntoView
where
    T: serde::Serialize + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, ServerFnError>> + Send + 'static,
    V: IntoView + Send + 'static,
    R: Fn(HubView, T) -> V + Clone + Send + Sync + 'static,
{
    use crate::site::{SiteResource, SiteView};
    use crate::ui::{NotFound, ServiceUnavailable};
    let site = expect_context::<SiteResource>();
    provide_viewer();
    let data = Resource::new(|| (), move |_| load());
    view! {
        <Suspense>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match (site.await, data.await) {
                        (Ok(SiteView::Hub(hub)), Ok(d)) => {
                            let body = render(hub.clone(), d);
                            view! { <HubFrame hub>{body}</HubFrame> }.into_any()
                        }
                        (Ok(SiteView::Accounts), _) => view! { <NotFound /> }.into_any(),
                        (Ok(_), Err(e)) => view! { <ErrorView error=e /> }.into_any(),
                        (Err(_), _) => view! { <ServiceUnavailable /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
