//! Points pages: `/leaderboard` and the levels editor `/admin/levels`.
use super::api::*;
use crate::ui::hub_page;
use crate::ui::style::{BUTTON, CARD, SECONDARY};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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
        "flex items-center justify-between border-t border-slate-100 bg-brand-tint px-4 py-2 font-semibold first:border-t-0"
    } else {
        "flex items-center justify-between border-t border-slate-100 px-4 py-2 first:border-t-0"
    };
    view! {
        <li class=class data-testid=r.is_viewer.then_some("viewer-rank")>
            <span><span class="inline-block w-8 text-slate-700">{r.rank} "."</span>{r.name}</span>
            <span>{r.points} " pts"</span>
        </li>
    }
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

crate::ui::routes::page_routes!(
    /// This feature's pages, placed by the app's router inside the site layout.
    PointsRoutes {
        "/leaderboard" => LeaderboardPage,
        "/admin/levels" => LevelsPage,
    }
);
