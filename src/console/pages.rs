//! `/platform`: the operators' console, one page in sections.
use super::api::*;
use crate::ui::forms::FlashMessages;
use crate::ui::layout::{AccountsFrame, ErrorPage};
use crate::ui::style::{CARD, SMALL};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const INPUT: &str = "rounded-lg border border-slate-300 px-3 py-1.5 text-sm";
const TABLE: &str = "mt-3 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-left text-sm shadow-sm";

#[component]
pub fn ConsolePage() -> impl IntoView {
    let q = use_query_map().get_untracked();
    let tenant_query = q.get("q").unwrap_or_default();
    let people_query = q.get("who").unwrap_or_default();
    let data = Resource::new(
        move || (tenant_query.clone(), people_query.clone()),
        |(t, p)| load_console(t, p),
    );
    view! {
        <Title text="Platform" />
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(c) => {
                        let account = Some(c.account.clone());
                        view! { <AccountsFrame account><ConsoleBody c /></AccountsFrame> }.into_any()
                    }
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConsoleBody(c: Console) -> impl IntoView {
    let shard_names: Vec<String> = c.shards.iter().map(|s| s.name.clone()).collect();
    view! {
        <main class="mx-auto w-full max-w-6xl space-y-10 px-4 py-10 sm:px-6" data-testid="console">
            <div>
                <h1 class="text-2xl font-bold">"Platform"</h1>
                <p class="mt-1 text-sm text-slate-600">"Every action here is recorded in the audit log below, and each one is also a `rally` command."</p>
                <div class="mt-4"><FlashMessages flash=c.flash.clone() /></div>
            </div>

            <section aria-labelledby="tenants-title">
                <h2 id="tenants-title" class="text-xl font-semibold">"Tenants"</h2>
                <form method="get" action="/platform" class="mt-3 flex gap-2">
                    <input type="search" name="q" value=c.tenant_query.clone() placeholder="Slug or name" aria-label="Search tenants" class=INPUT />
                    <button type="submit" class=SMALL>"Search"</button>
                </form>
                <table class=TABLE data-testid="tenants">
                    <thead class="bg-slate-50 text-slate-700"><tr>
                        <th class="px-3 py-2">"Hub"</th><th class="px-3 py-2">"Shard"</th><th class="px-3 py-2">"Status"</th>
                        <th class="px-3 py-2">"Debug"</th><th class="px-3 py-2">"Mail"</th><th class="px-3 py-2">"Move"</th>
                    </tr></thead>
                    <tbody>
                        {c.tenants.into_iter().map(|t| {
                            let shards = shard_names.clone();
                            view! { <TenantLine t shards /> }
                        }).collect_view()}
                    </tbody>
                </table>
                <form method="post" action="/platform/tenants" class=format!("mt-4 flex flex-wrap items-end gap-2 {CARD}")>
                    <label class="text-sm">"Slug" <input name="slug" required class=format!("ml-1 {INPUT}") /></label>
                    <label class="text-sm">"Name" <input name="name" required class=format!("ml-1 {INPUT}") /></label>
                    <label class="text-sm">"Shard"
                        <select name="shard" class=format!("ml-1 {INPUT}")>
                            <option value="">"Least loaded"</option>
                            {shard_names.clone().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" class=SMALL>"Create tenant"</button>
                </form>
            </section>

            <section aria-labelledby="shards-title">
                <h2 id="shards-title" class="text-xl font-semibold">"Shards"</h2>
                <table class=TABLE data-testid="shards">
                    <thead class="bg-slate-50 text-slate-700"><tr>
                        <th class="px-3 py-2">"Shard"</th><th class="px-3 py-2">"Status"</th><th class="px-3 py-2">"Ping"</th>
                        <th class="px-3 py-2">"Tenants"</th><th class="px-3 py-2">"Size"</th><th class="px-3 py-2">"Mark"</th>
                    </tr></thead>
                    <tbody>
                        {c.shards.into_iter().map(|s| view! {
                            <tr class="border-t border-slate-100" data-testid="shard-row">
                                <td class="px-3 py-2 font-medium">{s.name.clone()}</td>
                                <td class="px-3 py-2" data-testid="shard-status">{s.status.clone()}</td>
                                <td class="px-3 py-2">{s.ping.clone()}</td>
                                <td class="px-3 py-2">{s.tenants}</td>
                                <td class="px-3 py-2">{s.size.clone()}</td>
                                <td class="px-3 py-2">
                                    <form method="post" action=format!("/platform/shards/{}/status", s.name) class="flex gap-1">
                                        <select name="status" aria-label=format!("New status of {}", s.name) class=INPUT>
                                            {["active", "read-only", "draining", "offline"].into_iter().map(|v| view! {
                                                <option value=v selected=s.status == v>{v}</option>
                                            }).collect_view()}
                                        </select>
                                        <button type="submit" class=SMALL>"Set"</button>
                                    </form>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <form method="post" action="/platform/shards" class=format!("mt-4 flex flex-wrap items-end gap-2 {CARD}")>
                    <label class="text-sm">"Name" <input name="name" required class=format!("ml-1 {INPUT}") /></label>
                    <label class="text-sm">"Database URL" <input name="url" required placeholder="postgres://…" class=format!("ml-1 w-72 {INPUT}") /></label>
                    <button type="submit" class=SMALL>"Add shard"</button>
                </form>
            </section>

            <section aria-labelledby="moves-title">
                <h2 id="moves-title" class="text-xl font-semibold">"Moves"</h2>
                <p class="mt-1 text-sm text-slate-600">"A hub stays live while it is copied; its writes pause for the switch only. The page shows each move's progress when reloaded."</p>
                {if c.moves.is_empty() {
                    view! { <p class="mt-2 text-sm text-slate-600" data-testid="no-moves">"No hub has been moved yet."</p> }.into_any()
                } else {
                    view! {
                        <table class=TABLE data-testid="moves">
                            <thead class="bg-slate-50 text-slate-700"><tr>
                                <th class="px-3 py-2">"Hub"</th><th class="px-3 py-2">"From → to"</th><th class="px-3 py-2">"Phase"</th>
                                <th class="px-3 py-2">"Progress"</th><th class="px-3 py-2">"Writes paused"</th><th class="px-3 py-2">"Started (UTC)"</th>
                            </tr></thead>
                            <tbody>
                                {c.moves.into_iter().map(|m| view! {
                                    <tr class="border-t border-slate-100" data-testid="move-row" data-slug=m.slug.clone()>
                                        <td class="px-3 py-2 font-medium">{m.slug.clone()}</td>
                                        <td class="px-3 py-2">{format!("{} → {}", m.from, m.to)}</td>
                                        <td class="px-3 py-2" data-testid="move-phase">{m.phase.clone()}
                                            {(!m.error.is_empty()).then(|| view! { <br /><span class="text-red-700">{m.error.clone()}</span> })}
                                        </td>
                                        <td class="px-3 py-2">
                                            <progress max="100" value=m.percent.to_string() aria-label=format!("Progress of moving {}", m.slug)>{format!("{}%", m.percent)}</progress>
                                            <span class="ml-2 text-xs text-slate-600">{m.rows.clone()}</span>
                                        </td>
                                        <td class="px-3 py-2" data-testid="move-pause">{m.pause.clone()}</td>
                                        <td class="px-3 py-2 whitespace-nowrap">{m.started.clone()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>

            <section aria-labelledby="people-title">
                <h2 id="people-title" class="text-xl font-semibold">"People"</h2>
                <form method="get" action="/platform" class="mt-3 flex gap-2">
                    <input type="search" name="who" value=c.people_query.clone() placeholder="Email or name" aria-label="Search people" class=INPUT />
                    <button type="submit" class=SMALL>"Find"</button>
                </form>
                <table class=TABLE data-testid="people">
                    <tbody>
                        {c.people.into_iter().map(|p| view! {
                            <tr class="border-t border-slate-100" data-testid="person">
                                <td class="px-3 py-2">{p.email.clone()}</td>
                                <td class="px-3 py-2">{p.name.clone()}</td>
                                <td class="px-3 py-2">{if p.operator { "operator" } else { "" }}</td>
                                <td class="flex gap-1 px-3 py-2">
                                    {(!p.operator).then(|| view! {
                                        <form method="post" action="/platform/people/promote">
                                            <input type="hidden" name="email" value=p.email.clone() />
                                            <button type="submit" class=SMALL aria-label=format!("Make {} an operator", p.email)>"Make operator"</button>
                                        </form>
                                    })}
                                    <form method="post" action="/platform/people/sign-out">
                                        <input type="hidden" name="email" value=p.email.clone() />
                                        <button type="submit" class=SMALL aria-label=format!("Sign {} out everywhere", p.email)>"Sign out everywhere"</button>
                                    </form>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>

            <section aria-labelledby="jobs-title">
                <h2 id="jobs-title" class="text-xl font-semibold">"Dead jobs"</h2>
                {if c.dead_jobs.is_empty() {
                    view! { <p class="mt-2 text-sm text-slate-600" data-testid="no-dead-jobs">"None: every job finished or is still being tried."</p> }.into_any()
                } else {
                    view! {
                        <table class=TABLE data-testid="dead-jobs">
                            <tbody>
                                {c.dead_jobs.into_iter().map(|j| view! {
                                    <tr class="border-t border-slate-100">
                                        <td class="px-3 py-2 font-mono text-xs">{j.id.clone()}</td>
                                        <td class="px-3 py-2">{j.place.clone()}</td>
                                        <td class="px-3 py-2">{j.kind.clone()}</td>
                                        <td class="px-3 py-2">{j.attempts} " attempts"</td>
                                        <td class="px-3 py-2 text-slate-700">{j.error.clone()}</td>
                                        <td class="px-3 py-2">
                                            <form method="post" action=format!("/platform/jobs/{}/retry", j.id)>
                                                <button type="submit" class=SMALL>"Retry"</button>
                                            </form>
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>

            <section aria-labelledby="audit-title">
                <h2 id="audit-title" class="text-xl font-semibold">"Audit log"</h2>
                <table class=TABLE data-testid="audit">
                    <thead class="bg-slate-50 text-slate-700"><tr>
                        <th class="px-3 py-2">"When (UTC)"</th><th class="px-3 py-2">"Who"</th><th class="px-3 py-2">"What"</th>
                        <th class="px-3 py-2">"On"</th><th class="px-3 py-2">"Detail"</th><th class="px-3 py-2">"Request"</th>
                    </tr></thead>
                    <tbody>
                        {c.audit.into_iter().map(|a| view! {
                            <tr class="border-t border-slate-100" data-testid="audit-row">
                                <td class="px-3 py-2 whitespace-nowrap">{a.when.clone()}</td>
                                <td class="px-3 py-2">{a.actor.clone()}</td>
                                <td class="px-3 py-2 font-medium">{a.action.clone()}</td>
                                <td class="px-3 py-2">{a.target.clone()}</td>
                                <td class="px-3 py-2">{a.detail.clone()}</td>
                                <td class="px-3 py-2 font-mono text-xs">{a.request_id.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </main>
    }
}

#[component]
fn TenantLine(t: TenantRow, shards: Vec<String>) -> impl IntoView {
    let slug = t.slug.clone();
    let others: Vec<String> = shards.into_iter().filter(|s| *s != t.shard).collect();
    view! {
        <tr class="border-t border-slate-100 align-top" data-testid="tenant-row" data-slug=slug.clone()>
            <td class="px-3 py-2"><span class="font-medium">{t.slug.clone()}</span><br /><span class="text-slate-600">{t.name.clone()}</span></td>
            <td class="px-3 py-2">{t.shard.clone()}</td>
            <td class="px-3 py-2">
                <span data-testid="tenant-status">{t.status.clone()}</span>
                <form method="post" action=format!("/platform/tenants/{slug}/status") class="mt-1 flex gap-1">
                    <select name="status" aria-label=format!("New status of {slug}") class=INPUT>
                        {["active", "suspended", "maintenance"].into_iter().map(|v| view! {
                            <option value=v selected=t.status == v>{v}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class=SMALL aria-label=format!("Set the status of {slug}")>"Set"</button>
                </form>
            </td>
            <td class="px-3 py-2">
                <span>{t.debug_until.clone().unwrap_or_else(|| "off".into())}</span>
                <form method="post" action=format!("/platform/tenants/{slug}/debug") class="mt-1 flex gap-1">
                    <input name="minutes" value="15" inputmode="numeric" aria-label=format!("Debug minutes for {slug}") class=format!("w-16 {INPUT}") />
                    <button type="submit" class=SMALL aria-label=format!("Debug {slug}")>"Debug"</button>
                </form>
            </td>
            <td class="px-3 py-2">
                <form method="post" action=format!("/platform/tenants/{slug}/mail") class="flex flex-wrap items-center gap-1">
                    <input name="spam_score" value=t.spam_score.to_string() inputmode="numeric" aria-label=format!("Spam score of {slug}") class=format!("w-16 {INPUT}") />
                    <label class="text-xs"><input type="checkbox" name="suppressed" value="on" checked=t.mail_suppressed />" suppressed"</label>
                    <button type="submit" class=SMALL aria-label=format!("Save the mail switches of {slug}")>"Save"</button>
                </form>
            </td>
            <td class="px-3 py-2">
                <form method="post" action=format!("/platform/tenants/{slug}/move") class="flex gap-1">
                    <select name="to" aria-label=format!("Shard to move {slug} to") class=INPUT>
                        {others.into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                    </select>
                    <button type="submit" class=SMALL aria-label=format!("Move {slug}")>"Move"</button>
                </form>
            </td>
        </tr>
    }
}

crate::ui::routes::page_routes!(
    /// This feature's page, placed by the app's router inside the site layout.
    ConsoleRoutes {
        "/platform" => ConsolePage,
    }
);
