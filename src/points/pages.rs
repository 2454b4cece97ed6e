//! Member pages: the dashboard on the hub home, `/leaderboard`, `/me`.
use super::api::*;
use super::LevelProgress;
use crate::challenges::pages::ChallengeCardView;
use crate::hub::hub_page;
use crate::ui::style::{BUTTON, CARD, SECONDARY};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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

/// The dashboard's data, loaded by the home page (see `provide_viewer` for why there).
pub type DashboardResource = Resource<Result<Option<Dashboard>, ServerFnError>>;

/// Loads the dashboard on a hub host; nothing elsewhere.
pub fn dashboard_resource() -> DashboardResource {
    let site = expect_context::<crate::site::SiteResource>();
    Resource::new(
        || (),
        move |_| async move {
            match site.await {
                Ok(crate::site::SiteView::Hub(_)) => load_dashboard().await,
                _ => Ok(None),
            }
        },
    )
}

/// The member's dashboard on the hub home (nothing for visitors).
#[component]
pub fn DashboardPanel(data: DashboardResource) -> impl IntoView {
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(d)) => view! { <DashboardView d /> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
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
                    <a href="/challenges" class="text-sm font-medium text-brand hover:underline">"All challenges"</a>
                </div>
                {if d.next_challenges.is_empty() {
                    view! { <p class="mt-4 text-slate-600">"You are all caught up."</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-4 space-y-3">
                            {d.next_challenges.into_iter().map(|card| view! { <ChallengeCardView card /> }).collect_view()}
                        </ul>
                    }.into_any()
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
pub fn LeaderboardPage() -> impl IntoView {
    let period = use_query_map()
        .get_untracked()
        .get("period")
        .filter(|p| p == "month")
        .unwrap_or_else(|| "all".to_string());
    let p = period.clone();
    hub_page(
        move || load_leaderboard(p.clone()),
        move |_, board: Leaderboard| {
            let tab = |value: &'static str, label: &'static str| {
                let active = period == value;
                view! {
                    <a href=format!("/leaderboard?period={value}") aria-current=active.then_some("page")
                        class=if active { "rounded-lg bg-brand px-3 py-1.5 font-medium text-brand-contrast" } else { "rounded-lg px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-100" }>
                        {label}
                    </a>
                }
            };
            view! {
                <Title text="Leaderboard" />
                <main class="mx-auto max-w-3xl px-4 py-10 sm:px-6">
                    <h1 class="text-3xl font-bold">"Leaderboard"</h1>
                    <nav class="mt-4 flex gap-2 text-sm" aria-label="Period">
                        {tab("all", "All time")}
                        {tab("month", "This month")}
                    </nav>
                    <ol class="mt-6 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="leaderboard">
                        {board.top.into_iter().map(|r| view! { <RankRow r /> }).collect_view()}
                    </ol>
                    {board.own.map(|r| view! {
                        <ol class="mt-4 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="own-rank">
                            <RankRow r />
                        </ol>
                    })}
                </main>
            }
        },
    )
}

#[component]
fn RankRow(r: Rank) -> impl IntoView {
    let class = if r.is_viewer {
        "flex items-center justify-between border-t border-slate-100 bg-brand/10 px-4 py-2 font-semibold first:border-t-0"
    } else {
        "flex items-center justify-between border-t border-slate-100 px-4 py-2 first:border-t-0"
    };
    view! {
        <li class=class data-testid=r.is_viewer.then_some("viewer-rank")>
            <span><span class="inline-block w-8 text-slate-500">{r.rank} "."</span>{r.name}</span>
            <span>{r.points} " pts"</span>
        </li>
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
                                    <span class="font-medium">{c.challenge}</span> " · " <span data-testid="submission-status">{c.status}</span>
                                    {c.note.map(|n| view! { <span class="text-slate-500">" — " {n}</span> })}
                                </li>
                            }).collect_view()}
                        </ol>
                    </section>
                </div>
            </main>
        }
    })
}

/// `/admin/levels`: the ladder as rows of name and points; blank rows are dropped.
#[component]
pub fn LevelsPage() -> impl IntoView {
    use crate::ui::forms::FlashMessages;
    hub_page(load_admin_levels, |_, data: LevelsPage| {
        let flash = data.flash.clone().unwrap_or_default();
        // After a refused save, show what was typed; otherwise the ladder.
        let typed = flash.has_errors();
        let rows = (0..super::MAX_LEVELS).map(|i| {
            let (name, points) = if typed {
                (flash.value(&format!("name_{i}")), flash.value(&format!("points_{i}")))
            } else {
                data.ladder
                    .get(i)
                    .map(|l| (l.name.clone(), l.min_points.to_string()))
                    .unwrap_or_default()
            };
            let name_error = flash.error(&format!("name_{i}"));
            let points_error = flash.error(&format!("points_{i}"));
            view! {
                <tr class="border-t border-slate-100 align-top">
                    <td class="px-4 py-2">
                        <input name=format!("name_{i}") value=name aria-label=format!("Level {} name", i + 1)
                            aria-invalid=name_error.is_some().then_some("true")
                            class="block w-full rounded-lg border border-slate-300 px-3 py-2 aria-[invalid=true]:border-rose-500" />
                        {name_error.map(|e| view! { <p class="mt-1 text-sm text-rose-700" data-testid=format!("error-name_{i}")>{e}</p> })}
                    </td>
                    <td class="px-4 py-2">
                        <input name=format!("points_{i}") value=points inputmode="numeric" aria-label=format!("Level {} points", i + 1)
                            aria-invalid=points_error.is_some().then_some("true")
                            class="block w-full rounded-lg border border-slate-300 px-3 py-2 aria-[invalid=true]:border-rose-500" />
                        {points_error.map(|e| view! { <p class="mt-1 text-sm text-rose-700" data-testid=format!("error-points_{i}")>{e}</p> })}
                    </td>
                </tr>
            }
        }).collect_view();
        view! {
            <Title text="Levels" />
            <main class="mx-auto max-w-3xl px-4 py-10 sm:px-6">
                <h1 class="text-3xl font-bold">"Levels"</h1>
                <p class="mt-2 text-slate-600">
                    "Advocates climb these on the points they have ever earned (spending does not lower them). "
                    {if data.custom { "This hub has its own ladder." } else { "This hub uses the default ladder." }}
                </p>
                <form method="post" action="/admin/levels" class=format!("mt-6 space-y-4 {CARD}") novalidate>
                    <FlashMessages flash=Some(flash.clone()) />
                    <table class="w-full text-left text-sm" data-testid="levels">
                        <thead class="text-slate-600">
                            <tr><th class="px-4 py-2">"Name"</th><th class="px-4 py-2">"From points"</th></tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <p class="text-xs text-slate-500">"One level must start at 0. Leave a row blank to drop it."</p>
                    <button type="submit" class=BUTTON>"Save levels"</button>
                </form>
                {data.custom.then(|| view! {
                    <form method="post" action="/admin/levels/reset" class="mt-6">
                        <button type="submit" class=SECONDARY>"Use the default levels"</button>
                    </form>
                })}
            </main>
        }
    })
}
