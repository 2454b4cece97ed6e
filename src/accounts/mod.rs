//! Pages of the accounts host (`accounts.<root>`): one global account for every hub.
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod users;

use crate::ui::{Footer, RallyMark};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountsLanding() -> impl IntoView {
    view! {
        <Title text="Accounts" />
        <div class="flex min-h-screen flex-col">
            <header class="border-b border-slate-200 bg-white">
                <div class="mx-auto flex max-w-5xl items-center justify-between px-4 py-4 sm:px-6">
                    <a href="/" aria-label="Rally accounts home">
                        <RallyMark />
                    </a>
                    <span class="text-sm text-slate-500">"Accounts"</span>
                </div>
            </header>
            <main class="mx-auto w-full max-w-5xl flex-1 px-4 py-16 sm:px-6">
                <h1 class="max-w-2xl text-4xl font-bold tracking-tight sm:text-5xl">
                    "One account for every advocate hub"
                </h1>
                <p class="mt-4 max-w-2xl text-lg text-slate-600">
                    "Rally hubs are where companies thank the customers who champion them. "
                    "Your Rally account signs you in to every hub you belong to — on its Rally "
                    "address or on the company's own domain."
                </p>
                <ul class="mt-12 grid gap-4 sm:grid-cols-3">
                    <Feature title="Sign in once">
                        "Move between hubs without typing your password again."
                    </Feature>
                    <Feature title="All your hubs">
                        "See every hub you belong to in one place."
                    </Feature>
                    <Feature title="Yours to control">
                        "Sign out everywhere at once, from any hub."
                    </Feature>
                </ul>
            </main>
            <Footer />
        </div>
    }
}

#[component]
fn Feature(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 class="font-semibold">{title}</h2>
            <p class="mt-1 text-sm text-slate-600">{children()}</p>
        </li>
    }
}
