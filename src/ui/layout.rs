//! Page frames as layout routes, and the one way a page shows its data or its error.
//!
//! [`SiteLayout`] is the parent route of every page: on a hub it draws the hub frame
//! (header with the hub's brand, navigation, account area, footer) around the page's
//! [`Outlet`]; on the accounts host the page draws [`AccountsFrame`] itself (its header
//! depends on the page's own data). Features render only their own content, through
//! [`page`].
use super::forms::FlashMessages;
use super::{Footer, RallyMark};
use crate::domain::Role;
use crate::web::context::return_to;
use crate::web::site_view::{current_site, HubView, SiteView};
use crate::web::viewer::{page_viewer, AccountView, HubViewer};
use crate::web::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use std::future::Future;

/// The parent route of every page.
///
/// Here and in the page helpers below a branch is an `Either`, not `into_any()`: making
/// an `AnyView` first makes an owned copy of the view, allocating every static class and
/// attribute string of the subtree again; on the frame and a page body that was a few
/// hundred allocations per request.
///
/// The visitor (who is signed in, their role, the join feedback) is loaded before the
/// page renders (`web::viewer::load_for_page`), so the frame draws without waiting.
#[component]
pub fn SiteLayout() -> impl IntoView {
    match current_site() {
        Some(SiteView::Hub(hub)) => Either::Left(view! { <HubFrame hub><Outlet /></HubFrame> }),
        _ => Either::Right(view! { <Outlet /> }),
    }
}

/// Frame of every hub page: the brand colour as CSS variables (Tailwind's `brand` colours
/// read them), and a header with the hub's name.
#[component]
fn HubFrame(hub: HubView, children: Children) -> impl IntoView {
    let style = hub.palette.css_vars();
    let favicon = hub.favicon_url.clone();
    let initial = hub
        .name
        .chars()
        .next()
        .unwrap_or('?')
        .to_uppercase()
        .to_string();
    view! {
        {favicon.map(|href| view! { <leptos_meta::Link rel="icon" href=href /> })}
        <div style=style class="flex min-h-screen flex-col">
            // The header has what it shows (the visitor is loaded before the page).
            {drawn_at_once(view! {
                <header class="bg-brand text-brand-contrast shadow-sm" data-testid="hub-header">
                    <div class="mx-auto flex max-w-5xl items-center justify-between px-4 py-4 sm:px-6">
                        <a href="/" class="flex items-center gap-3 text-lg font-semibold">
                            {match hub.logo_url.clone() {
                                Some(src) => Either::Left(view! {
                                    <img src=src alt="" class="h-9 w-9 rounded-lg bg-white object-contain" data-testid="hub-logo" />
                                }),
                                None => Either::Right(view! {
                                    <span
                                        aria-hidden="true"
                                        class="grid h-9 w-9 place-items-center rounded-lg bg-white/20 font-bold"
                                    >
                                        {initial}
                                    </span>
                                }),
                            }}
                            <span>{hub.name.clone()}</span>
                        </a>
                        <AccountArea />
                    </div>
                </header>
            })}
            <JoinFeedback />
            <div class="flex-1">{children()}</div>
            <Footer />
        </div>
    }
}

/// What the last join attempt said ("Welcome to …!", "… is invite-only"), on whichever
/// hub page joining led to.
#[component]
fn JoinFeedback() -> impl IntoView {
    let flash = page_viewer().ok().and_then(|v| v.flash)?;
    Some(view! {
        <div class="mx-auto max-w-5xl px-4 pt-6 sm:px-6">
            <FlashMessages flash=Some(flash) />
        </div>
    })
}

/// Right side of the hub header: "Sign in", or who is signed in, their navigation and
/// "Sign out".
#[component]
fn AccountArea() -> impl IntoView {
    match page_viewer() {
        Ok(HubViewer {
            account: Some(a),
            role,
            ..
        }) => Either::Left(view! {
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
                <SignOutButton class="rounded-lg border border-current px-3 py-1.5 font-medium hover:underline" />
            </div>
        }),
        _ => Either::Right(view! {
            <a href=sign_in_href() rel="external" class="rounded-lg bg-white px-3 py-1.5 text-sm font-semibold text-slate-900 shadow-sm hover:bg-slate-100">
                "Sign in"
            </a>
        }),
    }
}

/// "Sign in" leads back to this page.
fn sign_in_href() -> String {
    let return_to =
        with_context::<http::request::Parts, _>(return_to).unwrap_or_else(|| "/".into());
    // An invitation's token stays on this hub (the invite page keeps it in the session):
    // it must not travel through the accounts host in a return address.
    let return_to = if return_to.starts_with("/invite?") {
        "/invite"
    } else {
        &return_to
    };
    format!(
        "/sso/start?return_to={}",
        url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect::<String>()
    )
}

/// Header and footer of every accounts page.
#[component]
pub fn AccountsFrame(account: Option<AccountView>, children: Children) -> impl IntoView {
    view! {
        <div class="flex min-h-screen flex-col">
            <header class="border-b border-slate-200 bg-white">
                <div class="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-4 sm:px-6">
                    <a href="/" aria-label="Rally accounts home">
                        <RallyMark />
                    </a>
                    {match account {
                        Some(a) => Either::Left(view! {
                            <div class="flex items-center gap-3 text-sm">
                                <span class="hidden text-slate-600 sm:inline" data-testid="signed-in-as">
                                    {a.display_name}
                                </span>
                                <SignOutButton />
                            </div>
                        }),
                        None => Either::Right(view! {
                            <nav class="flex items-center gap-3 text-sm" aria-label="Account">
                                <a href="/login" class="font-medium text-slate-700 hover:text-slate-900">"Sign in"</a>
                                <a href="/signup" class="rounded-lg bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700">
                                    "Create account"
                                </a>
                            </nav>
                        }),
                    }}
                </div>
            </header>
            <div class="flex-1">{children()}</div>
            <Footer />
        </div>
    }
}

/// Sign-out is a POST (state-changing requests never are GETs).
#[component]
pub fn SignOutButton(#[prop(optional)] class: &'static str) -> impl IntoView {
    let class = if class.is_empty() {
        "rounded-lg border border-slate-300 px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-50"
    } else {
        class
    };
    view! {
        <form method="post" action="/logout">
            <button type="submit" class=class>"Sign out"</button>
        </form>
    }
}

/// What a page shows for an error: the status, `Retry-After` or redirect are set on the
/// response by [`AppError::set_on_page`]; the words are the error's own, the same as a
/// form post's error page.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    error.set_on_page();
    let title = error.title();
    view! {
        <Title text=title />
        <main class="mx-auto grid min-h-[50vh] max-w-lg place-items-center px-4 text-center" data-testid="error-page">
            <div>
                <h1 class="text-2xl font-semibold">{title}</h1>
                <p class="mt-2 text-slate-600">{error.message()}</p>
                <a href="/" class="mt-6 inline-block text-slate-900 underline">
                    "Go to the home page"
                </a>
            </div>
        </main>
    }
}

/// A page with data: `load` runs once (with the request's context), then `render` draws
/// the content, or [`ErrorPage`] draws its error. The frame is the layout's. What `render`
/// returns is drawn at once ([`drawn_at_once`]): it must not wait on anything itself.
///
/// A bare `Suspend`, not a `Resource` under a `Suspense`: the page is drawn on the server
/// only and sent once everything is loaded (`SsrMode::Async`), so there is no fallback to
/// show and nothing to reload in the browser. A resource spawned a task, a channel and an
/// owner and copied its loader's future about eleven times; a `Suspense` added an owner,
/// a memo and a second build of its children. Under callgrind the two on the hub home
/// were a quarter of its instructions.
pub fn page<T, F, Fut, V, R>(load: F, render: R) -> impl IntoView
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + Send + 'static,
    R: FnOnce(T) -> V + Send + 'static,
{
    let load = load();
    Suspend::new(async move {
        match load.await {
            Ok(d) => Either::Left(drawn_at_once(render(d))),
            Err(error) => Either::Right(view! { <ErrorPage error /> }),
        }
    })
}

/// `view` written out as HTML at once, for a part of a page that has all it shows (its data
/// loaded, nothing left to wait for).
///
/// Why: a page is rendered as a stream (`SsrMode::Async`), and on that path every element
/// is written into buffers of its own and copied into the stream's chunks, two or three
/// allocations an element. Written in one go into one string, the same markup costs less:
/// drawing the dashboard's content and the hub header this way took the page from 0.90 M
/// to 0.83 M instructions per request (see the README's benchmark notes).
///
/// `view` must not wait on anything: a `Suspense`, `Suspend` or `Await` inside it would be
/// drawn only if already resolved, and otherwise left out. Pages that wait do so before
/// this (in [`page`]'s loader), not inside it.
pub fn drawn_at_once(view: impl RenderHtml) -> leptos::tachys::html::InertElement {
    leptos::tachys::html::InertElement::new(view.to_html())
}

/// The hub of the page being rendered (pages that need its name or settings).
pub fn current_hub() -> Option<HubView> {
    match current_site()? {
        SiteView::Hub(hub) => Some(hub),
        SiteView::Accounts => None,
    }
}

/// [`page`] for hub pages: `render` also gets the hub (its name, its settings). Off a
/// hub it is a 404.
pub fn hub_page<T, F, Fut, V, R>(load: F, render: R) -> impl IntoView
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + Send + 'static,
    R: FnOnce(HubView, T) -> V + Send + 'static,
{
    // Loaders answer 404 off a hub themselves (their guard asks for the hub first).
    page(load, move |d| match current_hub() {
        Some(h) => Either::Left(render(h, d)),
        None => Either::Right(view! { <ErrorPage error=AppError::NotFound /> }),
    })
}

/// For a page that answers with its own content but not a 200 (an invitation that is used
/// up is a 410 with an explanation): sets the response's status.
pub fn set_status(status: http::StatusCode) {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(status);
    }
}
