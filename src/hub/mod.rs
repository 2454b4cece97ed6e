//! Hub pages (served on a tenant's subdomain or custom domain).
use crate::site::HubView;
use crate::ui::Footer;
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
                </div>
            </header>
            <div class="flex-1">{children()}</div>
            <Footer />
        </div>
    }
}

#[component]
pub fn HubHome(hub: HubView) -> impl IntoView {
    let name = hub.name.clone();
    let tagline = hub.tagline.clone();
    view! {
        <Title text=name.clone() />
        <HubFrame hub>
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <WelcomeBanner hub_name=name.clone() />
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
