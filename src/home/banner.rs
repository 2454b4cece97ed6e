//! The hub home's welcome banner: the one interactive part of Rally's pages, an island.
use leptos::prelude::*;

/// A welcome message the visitor can dismiss. The dismiss button needs the page to be
/// hydrated, so it stays hidden until then (with JavaScript off there is no dead button).
#[island]
pub fn WelcomeBanner(hub_name: String) -> impl IntoView {
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
