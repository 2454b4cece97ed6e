//! The UI layer, shared by every feature: layouts (page frames as layout routes), the
//! error page, form pieces and cards. Server-rendered only; islands live beside their page.
pub mod assets;
pub mod cards;
pub mod forms;
pub mod join;
pub mod layout;
pub mod routes;
pub mod style;

pub use layout::{
    drawn_at_once, hub_page, page, AccountsFrame, ErrorPage, SignOutButton, SiteLayout,
};

use leptos::prelude::*;

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

/// The router's fallback: no page at this path.
#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=crate::web::AppError::NotFound /> }
}
