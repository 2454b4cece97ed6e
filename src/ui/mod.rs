//! Components shared by every feature: page frame, header, footer, status pages, forms.
pub mod forms;
pub mod style;

use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the response status while rendering on the server (no-op in the browser).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(code) {
            res.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// The Rally wordmark used on Rally's own hosts.
#[component]
pub fn RallyMark() -> impl IntoView {
    view! {
        <span class="inline-flex items-center gap-2 font-semibold tracking-tight">
            <span
                aria-hidden="true"
                class="grid h-8 w-8 place-items-center rounded-lg bg-indigo-600 text-white"
            >
                "R"
            </span>
            "Rally"
        </span>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="border-t border-slate-200 bg-white">
            <div class="mx-auto max-w-5xl px-4 py-6 text-sm text-slate-500 sm:px-6">
                "Powered by " <span class="font-medium text-slate-700">"Rally"</span>
                " · advocate marketing hubs"
            </div>
        </footer>
    }
}

/// A centred message page (not found, unavailable).
#[component]
fn StatusPage(title: &'static str, message: &'static str) -> impl IntoView {
    view! {
        <Title text=title />
        <main class="mx-auto grid min-h-screen max-w-lg place-items-center px-4 text-center">
            <div>
                <h1 class="text-2xl font-semibold">{title}</h1>
                <p class="mt-2 text-slate-600">{message}</p>
                <a href="/" class="mt-6 inline-block text-indigo-700 underline">
                    "Go to the home page"
                </a>
            </div>
        </main>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! { <StatusPage title="Page not found" message="There is nothing at this address." /> }
}

#[component]
pub fn ServiceUnavailable() -> impl IntoView {
    set_status(503);
    view! {
        <StatusPage
            title="Temporarily unavailable"
            message="This page cannot be shown right now. Please try again in a moment."
        />
    }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    set_status(403);
    view! {
        <StatusPage
            title="Not allowed"
            message="Your role in this hub does not give access to this page."
        />
    }
}

/// Error codes server functions use for pages (the message of a `ServerFnError`).
pub const NOT_FOUND: &str = "not-found";
pub const FORBIDDEN: &str = "forbidden";

/// The status page for a page's server-function error.
#[component]
pub fn ErrorView(error: ServerFnError) -> impl IntoView {
    match error {
        ServerFnError::ServerError(code) if code == NOT_FOUND => view! { <NotFound /> }.into_any(),
        ServerFnError::ServerError(code) if code == FORBIDDEN => view! { <Forbidden /> }.into_any(),
        _ => view! { <ServiceUnavailable /> }.into_any(),
    }
}
