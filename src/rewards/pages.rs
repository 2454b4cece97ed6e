//! Reward pages: `/rewards` for members, `/admin/rewards…` and `/admin/redemptions` for
//! the team.
use super::api::*;
use super::RewardForm;
use crate::ui::forms::TextArea;
use crate::ui::forms::{Field, FlashMessages, SubmitButton};
use crate::ui::hub_page;
use crate::ui::style::{BUTTON, CARD, SECONDARY};
use crate::web::flash::Flash;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RewardsPage() -> impl IntoView {
    hub_page(load_rewards, |_, c: Catalogue| {
        view! {
            <Title text="Rewards" />
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <div class="flex flex-wrap items-baseline justify-between gap-3">
                    <h1 class="text-3xl font-bold">"Rewards"</h1>
                    <p class="text-slate-600">"Your balance: " <span class="font-semibold" data-testid="balance">{c.balance}</span> " points"</p>
                </div>
                <div class="mt-4"><FlashMessages flash=c.flash.clone() /></div>
                <ul class="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                    {c.rewards.into_iter().map(|r| {
                        let blocked = r.blocked.clone();
                        view! {
                            <li class=CARD data-testid="reward">
                                <h2 class="text-lg font-semibold">{r.name.clone()}</h2>
                                <p class="mt-1 text-sm text-slate-600">{r.description.clone()}</p>
                                <p class="mt-3 font-semibold">{r.cost} " points"</p>
                                <p class="text-sm text-slate-500">{match r.stock { Some(n) => format!("{n} left"), None => "Unlimited".to_string() }}</p>
                                <form method="post" action=format!("/rewards/{}/redeem", r.id) class="mt-4">
                                    <button type="submit" class=BUTTON disabled=blocked.is_some() aria-label=format!("Redeem {}", r.name)>"Redeem"</button>
                                    {blocked.map(|why| view! { <p class="mt-2 text-sm text-slate-500" data-testid="reward-blocked">{why}</p> })}
                                </form>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <h2 class="mt-12 text-xl font-semibold">"Your redemptions"</h2>
                <ul class="mt-4 space-y-2 text-sm" data-testid="my-redemptions">
                    {c.mine.into_iter().map(|r| view! {
                        <li class="rounded-lg bg-white px-4 py-2 shadow-sm">{r.when} " · " <span class="font-medium">{r.reward}</span> " · " {r.cost} " points · " <span>{r.status}</span></li>
                    }).collect_view()}
                </ul>
            </main>
        }
    })
}

#[component]
fn RewardFields(form: RewardForm, flash: Flash) -> impl IntoView {
    let e = |f: &str| flash.error(f).unwrap_or_default();
    view! {
        <Field label="Name" name="name" value=form.name.clone() error=e("name") />
        <TextArea label="Description" name="description" value=form.description.clone() error=e("description") />
        <div class="grid gap-4 sm:grid-cols-2">
            <Field label="Cost in points" name="cost" kind="number" value=form.cost.clone() error=e("cost") />
            <Field label="Stock (empty: unlimited)" name="stock" kind="number" value=form.stock.clone() error=e("stock") />
        </div>
        <label class="flex items-center gap-2">
            <input type="checkbox" name="active" value="on" checked=form.active.is_some() />
            "Active (advocates can see and redeem it)"
        </label>
    }
}

#[component]
pub fn AdminRewardsPage() -> impl IntoView {
    hub_page(load_admin_rewards, |_, data: AdminRewards| {
        let flash = data.flash.clone().unwrap_or_default();
        let form = flash.form::<RewardForm>().unwrap_or_else(|| RewardForm {
            active: Some("on".into()),
            ..Default::default()
        });
        view! {
            <Title text="Rewards catalogue" />
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <h1 class="text-3xl font-bold">"Rewards catalogue"</h1>
                <table class="mt-6 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-left text-sm shadow-sm" data-testid="admin-rewards">
                    <thead class="bg-slate-50 text-slate-600">
                        <tr><th class="px-4 py-2">"Name"</th><th class="px-4 py-2">"Cost"</th><th class="px-4 py-2">"Stock"</th><th class="px-4 py-2">"Active"</th></tr>
                    </thead>
                    <tbody>
                        {data.rows.into_iter().map(|r| view! {
                            <tr class="border-t border-slate-100">
                                <td class="px-4 py-2"><a href=format!("/admin/rewards/{}", r.id) class="font-medium text-accent hover:underline">{r.name}</a></td>
                                <td class="px-4 py-2">{r.cost}</td>
                                <td class="px-4 py-2">{r.stock.map(|s| s.to_string()).unwrap_or_else(|| "unlimited".into())}</td>
                                <td class="px-4 py-2">{if r.active { "yes" } else { "no" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <section class=format!("mt-10 {CARD}") aria-labelledby="new-reward">
                    <h2 id="new-reward" class="text-xl font-semibold">"New reward"</h2>
                    <form method="post" action="/admin/rewards" class="mt-4 space-y-4" novalidate>
                        <FlashMessages flash=Some(flash.clone()) />
                        <RewardFields form flash=flash.clone() />
                        <div class="max-w-xs"><SubmitButton label="Add reward" /></div>
                    </form>
                </section>
            </main>
        }
    })
}

#[component]
pub fn AdminRewardPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .unwrap_or_default();
    hub_page(
        move || load_admin_reward(id.clone()),
        |_, data: AdminReward| {
            let flash = data.flash.clone().unwrap_or_default();
            view! {
                <Title text=data.form.name.clone() />
                <main class="mx-auto max-w-3xl px-4 py-10 sm:px-6">
                    <a href="/admin/rewards" class="text-sm text-slate-600 hover:underline">"← Catalogue"</a>
                    <h1 class="mt-3 text-2xl font-bold">{data.form.name.clone()}</h1>
                    <form method="post" action=format!("/admin/rewards/{}", data.id) class=format!("mt-6 space-y-4 {CARD}") novalidate>
                        <FlashMessages flash=Some(flash.clone()) />
                        <RewardFields form=data.form.clone() flash=flash.clone() />
                        <div class="max-w-xs"><SubmitButton label="Save" /></div>
                    </form>
                </main>
            }
        },
    )
}

#[component]
pub fn AdminRedemptionsPage() -> impl IntoView {
    hub_page(load_admin_redemptions, |_, data: AdminRedemptions| {
        view! {
            <Title text="Redemptions" />
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <h1 class="text-3xl font-bold">"Redemptions"</h1>
                <div class="mt-4"><FlashMessages flash=data.flash.clone() /></div>
                <ul class="mt-6 space-y-3" data-testid="open-redemptions">
                    {data.open.into_iter().map(|r| view! {
                        <li class=format!("{CARD} flex flex-wrap items-center justify-between gap-3") data-testid="redemption">
                            <div>
                                <p class="font-semibold">{r.advocate.clone()} " — " {r.reward.clone()}</p>
                                <p class="text-sm text-slate-500">{r.when.clone()} " · " {r.cost} " points"</p>
                            </div>
                            <div class="flex gap-2">
                                <form method="post" action=format!("/admin/redemptions/{}/fulfil", r.id)><button type="submit" class=BUTTON>"Fulfil"</button></form>
                                <form method="post" action=format!("/admin/redemptions/{}/cancel", r.id)><button type="submit" class=SECONDARY>"Cancel and refund"</button></form>
                            </div>
                        </li>
                    }).collect_view()}
                </ul>
                <h2 class="mt-12 text-xl font-semibold">"Handled"</h2>
                <ul class="mt-4 space-y-2 text-sm">
                    {data.done.into_iter().map(|r| view! {
                        <li class="rounded-lg bg-white px-4 py-2 shadow-sm">{r.when} " · " {r.advocate} " — " {r.reward} " · " {r.status}</li>
                    }).collect_view()}
                </ul>
            </main>
        }
    })
}

crate::ui::routes::page_routes!(
    /// This feature's pages, placed by the app's router inside the site layout.
    RewardRoutes {
        "/rewards" => RewardsPage,
        "/admin/rewards" => AdminRewardsPage,
        "/admin/rewards/:id" => AdminRewardPage,
        "/admin/redemptions" => AdminRedemptionsPage,
    }
);
