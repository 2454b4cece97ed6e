//! The member's own pages: the hub home (with the dashboard for members), `/me`, and the
//! team's `/admin`.
use super::api::*;
use super::banner::WelcomeBanner;
use crate::points::LevelProgress;
use crate::ui::cards::ChallengeCardView;
use crate::ui::join::JoinPanel;
use crate::ui::style::CARD;
use crate::ui::{hub_page, page};
use crate::web::site_view::HubView;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn LevelBar(level: LevelProgress, lifetime: i64) -> impl IntoView {
    let width = format!("width: {}%", level.percent);
    view! {
        <div data-testid="level">
            <p class="text-sm text-slate-500">"Level"</p>
            <p class="text-2xl font-bold" data-testid="level-name">{level.current.name.clone()}</p>
            <div class="mt-2 h-2 w-full overflow-hidden rounded-full bg-slate-100" role="progressbar"
                aria-label="Progress to the next level" aria-valuemin="0" aria-valuemax="100" aria-valuenow=level.percent>
                <div class="h-full rounded-full bg-brand" style=width></div>
            </div>
            <p class="mt-1 text-sm text-slate-500" data-testid="level-next">
                {match level.next {
                    Some(n) => format!("{} more points to {}", n.min_points - lifetime, n.name),
                    None => "Top level reached".to_string(),
                }}
            </p>
        </div>
    }
}

#[component]
fn DashboardView(d: Dashboard) -> impl IntoView {
    view! {
        <section class="mt-6 grid gap-4 sm:grid-cols-3" aria-label="Your points">
            <div class=CARD>
                <p class="text-sm text-slate-500">"Balance"</p>
                <p class="text-3xl font-bold" data-testid="balance">{d.balance}</p>
                <p class="text-sm text-slate-500">{d.lifetime} " earned in all"</p>
            </div>
            <div class=format!("{CARD} sm:col-span-2")><LevelBar level=d.level.clone() lifetime=d.lifetime /></div>
        </section>
        <div class="mt-8 grid gap-8 lg:grid-cols-2">
            <section aria-labelledby="next-up">
                <div class="flex items-baseline justify-between">
                    <h2 id="next-up" class="text-xl font-semibold">"Next up"</h2>
                    <a href="/challenges" class="text-sm font-medium text-accent hover:underline">"All challenges"</a>
                </div>
                {if d.next_challenges.is_empty() {
                    Either::Left(view! { <p class="mt-4 text-slate-600">"You are all caught up."</p> })
                } else {
                    Either::Right(view! {
                        <ul class="mt-4 space-y-3">
                            {d.next_challenges.into_iter().map(|card| view! { <ChallengeCardView card /> }).collect_view()}
                        </ul>
                    })
                }}
            </section>
            <section aria-labelledby="activity">
                <h2 id="activity" class="text-xl font-semibold">"What's happening"</h2>
                <ol class="mt-4 space-y-2" data-testid="feed">
                    {d.feed.into_iter().map(|f| view! {
                        <li class="rounded-lg bg-white px-4 py-2 text-sm shadow-sm">
                            <span class="text-slate-500">{f.when} " · "</span>{f.text}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        </div>
    }
}

#[component]
pub fn MePage() -> impl IntoView {
    hub_page(load_me, |_, me: Me| {
        view! {
            <Title text="My points" />
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <h1 class="text-3xl font-bold">{me.name.clone()}</h1>
                <section class="mt-6 grid gap-4 sm:grid-cols-3">
                    <div class=CARD>
                        <p class="text-sm text-slate-500">"Balance"</p>
                        <p class="text-3xl font-bold" data-testid="balance">{me.balance}</p>
                    </div>
                    <div class=format!("{CARD} sm:col-span-2")><LevelBar level=me.level.clone() lifetime=me.lifetime /></div>
                </section>
                <section class="mt-8" aria-labelledby="badges">
                    <h2 id="badges" class="text-xl font-semibold">"Badges"</h2>
                    <ul class="mt-3 flex flex-wrap gap-2" data-testid="badges">
                        {me.badges.into_iter().map(|(label, when)| view! {
                            <li class="rounded-full border border-brand/40 bg-white px-3 py-1 text-sm" title=when>"🏅 " {label}</li>
                        }).collect_view()}
                    </ul>
                </section>
                <div class="mt-8 grid gap-8 lg:grid-cols-2">
                    <section aria-labelledby="history">
                        <h2 id="history" class="text-xl font-semibold">"Points history"</h2>
                        <ol class="mt-3 space-y-2" data-testid="history">
                            {me.history.into_iter().map(|h| view! {
                                <li class="flex justify-between rounded-lg bg-white px-4 py-2 text-sm shadow-sm">
                                    <span><span class="text-slate-500">{h.when} " · "</span>{h.reason}</span>
                                    <span class="font-semibold">{if h.delta > 0 { format!("+{}", h.delta) } else { h.delta.to_string() }}</span>
                                </li>
                            }).collect_view()}
                        </ol>
                    </section>
                    <section aria-labelledby="submissions">
                        <h2 id="submissions" class="text-xl font-semibold">"My submissions"</h2>
                        <ol class="mt-3 space-y-2" data-testid="submissions">
                            {me.completions.into_iter().map(|c| view! {
                                <li class="rounded-lg bg-white px-4 py-2 text-sm shadow-sm">
                                    <span class="font-medium">{c.challenge}</span> " · " <span data-testid="submission-status">{c.status.as_str()}</span>
                                    {c.note.map(|n| view! { <span class="text-slate-600">" — " {n}</span> })}
                                    <crate::ui::cards::FileLink file=c.file />
                                </li>
                            }).collect_view()}
                        </ol>
                    </section>
                </div>
            </main>
        }
    })
}

/// The hub's home: a member's dashboard (nothing for visitors) and the hub's welcome. The
/// dashboard is loaded first, so the whole page is drawn at once (see [`page`]). A member's
/// dashboard that cannot be loaded is the page's error, as any page's data is (a 503 when
/// the shard fails), not a home page quietly without it.
#[component]
pub fn HubHome(hub: HubView) -> impl IntoView {
    page(load_dashboard, move |dashboard: Option<Dashboard>| {
        let name = hub.name.clone();
        let welcome = hub.welcome_text.clone();
        view! {
            <Title text=name.clone() />
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <WelcomeBanner hub_name=name.clone() />
                <JoinPanel hub_name=name.clone() invite_only=hub.invite_only />
                {dashboard.map(|d| view! { <DashboardView d /> })}
                <section class="py-10" aria-labelledby="hub-title">
                    <h1 id="hub-title" class="text-4xl font-bold tracking-tight sm:text-5xl">
                        {name}
                    </h1>
                    <p class="mt-4 max-w-2xl text-lg text-slate-600" data-testid="hub-tagline">
                        {hub.tagline.clone()}
                    </p>
                    {(!welcome.is_empty()).then(|| view! {
                        <p class="mt-4 max-w-2xl whitespace-pre-line text-slate-700" data-testid="hub-welcome">{welcome}</p>
                    })}
                </section>
                <section aria-labelledby="how-it-works">
                    <h2 id="how-it-works" class="text-xl font-semibold">
                        "How it works"
                    </h2>
                    <ol class="mt-4 grid gap-4 sm:grid-cols-3">
                        <Step n=1 title="Take on challenges" text="Answer questions, write reviews, share links and refer colleagues." />
                        <Step n=2 title="Earn points and badges" text="Every completed challenge earns points; climb the levels as you go." />
                        <Step n=3 title="Redeem rewards" text="Turn your points into rewards picked by the team." />
                    </ol>
                </section>
            </main>
        }
    })
}

#[component]
fn Step(n: u8, title: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <span class="grid h-8 w-8 place-items-center rounded-full bg-brand text-sm font-semibold text-brand-contrast">
                {n}
            </span>
            <h3 class="mt-3 font-semibold">{title}</h3>
            <p class="mt-1 text-sm text-slate-600">{text}</p>
        </li>
    }
}

/// `/admin`: the hub's team page (marketers and admins). The role is checked by its
/// loader on the server; this page only shows its answer.
#[component]
pub fn HubAdminPage() -> impl IntoView {
    hub_page(hub_members, |hub: HubView, rows: Vec<MemberRow>| {
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
                        ("/admin/branding", "Branding (admins)"),
                        ("/admin/domains", "Domains (admins)"),
                        ("/admin/api", "API clients (admins)"),
                        ("/admin/webhooks", "Webhooks (admins)"),
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
                                <td class="px-4 py-2">{r.status.as_str()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </main>
        }
    })
}

crate::ui::routes::page_routes!(
    /// This feature's pages, placed by the app's router inside the site layout.
    HomeRoutes {
        "/me" => MePage,
        "/admin" => HubAdminPage,
    }
);
