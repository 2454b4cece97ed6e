//! `/admin/contacts`, `/admin/groups`, `/admin/groups/{id}`.
use super::api::*;
use crate::domain::{ContactStatus, Role};
use crate::ui::forms::{Field, FlashMessages};
use crate::ui::hub_page;
use crate::ui::style::{BUTTON, CARD, SMALL};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let q = use_query_map().get_untracked();
    let query = q.get("q");
    let page = q.get("page").and_then(|p| p.parse::<u64>().ok());
    hub_page(
        move || load_admin_contacts(query.clone(), page),
        |_, data: ContactsPage| {
            let qs = encode(&data.query);
            let prev =
                (data.page > 1).then(|| format!("/admin/contacts?q={qs}&page={}", data.page - 1));
            let next = (data.page < data.pages)
                .then(|| format!("/admin/contacts?q={qs}&page={}", data.page + 1));
            let admin = data.viewer_is_admin;
            let me = data.viewer_contact.clone();
            view! {
                <Title text="Contacts" />
                <main class="mx-auto max-w-6xl px-4 py-10 sm:px-6">
                    <div class="flex flex-wrap items-center justify-between gap-3">
                        <h1 class="text-3xl font-bold">"Contacts"</h1>
                        <a href=format!("/admin/contacts.csv?q={qs}") rel="external" class=SMALL download>"Export CSV"</a>
                    </div>
                    <form method="get" action="/admin/contacts" class="mt-4 flex gap-2" role="search">
                        <input type="search" name="q" value=data.query.clone() placeholder="Search by name or email" aria-label="Search contacts"
                            class="w-full max-w-md rounded-lg border border-slate-300 px-3 py-2" />
                        <button type="submit" class=BUTTON>"Search"</button>
                    </form>
                    <div class="mt-4"><FlashMessages flash=data.flash.clone() /></div>
                    <p class="mt-4 text-sm text-slate-500" data-testid="contacts-count">{data.total} " contacts · page " {data.page} " of " {data.pages}</p>
                    <table class="mt-2 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-left text-sm shadow-sm" data-testid="contacts">
                        <thead class="bg-slate-50 text-slate-600">
                            <tr><th class="px-4 py-2">"Name"</th><th class="px-4 py-2">"Email"</th><th class="px-4 py-2">"Role"</th><th class="px-4 py-2">"Status"</th><th class="px-4 py-2"></th></tr>
                        </thead>
                        <tbody>
                            {data.rows.into_iter().map(|c| {
                                let mine = c.id == me;
                                let active = c.status == ContactStatus::Active;
                                let role = c.role;
                                view! {
                                    <tr class="border-t border-slate-100" data-testid="contact-row">
                                        <td class="px-4 py-2">{c.name.clone()}</td>
                                        <td class="px-4 py-2">{c.email.clone()}</td>
                                        <td class="px-4 py-2">
                                            {if admin && !mine {
                                                view! {
                                                    <form method="post" action=format!("/admin/contacts/{}/role", c.id) class="flex items-center gap-1">
                                                        <select name="role" aria-label=format!("Role of {}", c.name) class="rounded border border-slate-300 px-1 py-0.5">
                                                            {[Role::Advocate, Role::Marketer, Role::Admin].into_iter().map(|r| view! {
                                                                <option value=r.as_str() selected=role == r>{r.label()}</option>
                                                            }).collect_view()}
                                                        </select>
                                                        <button type="submit" class=SMALL>"Set"</button>
                                                    </form>
                                                }.into_any()
                                            } else {
                                                view! { <span>{c.role.as_str()}</span> }.into_any()
                                            }}
                                        </td>
                                        <td class="px-4 py-2">{c.status.as_str()}</td>
                                        <td class="px-4 py-2">
                                            {(!mine).then(|| view! {
                                                <form method="post" action=format!("/admin/contacts/{}/status", c.id)>
                                                    <input type="hidden" name="status" value=if active { "deactivated" } else { "active" } />
                                                    <button type="submit" class=SMALL>{if active { "Deactivate" } else { "Reactivate" }}</button>
                                                </form>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <nav class="mt-4 flex justify-between text-sm" aria-label="Pages">
                        {prev.map(|h| view! { <a href=h class="text-accent hover:underline">"← Previous"</a> })}
                        <span></span>
                        {next.map(|h| view! { <a href=h class="text-accent hover:underline">"Next →"</a> })}
                    </nav>
                </main>
            }
        },
    )
}

#[component]
pub fn GroupsPage() -> impl IntoView {
    hub_page(load_admin_groups, |_, data: GroupsPage| {
        let flash = data.flash.clone().unwrap_or_default();
        view! {
            <Title text="Groups" />
            <main class="mx-auto max-w-3xl px-4 py-10 sm:px-6">
                <h1 class="text-3xl font-bold">"Groups"</h1>
                <ul class="mt-6 space-y-2" data-testid="groups">
                    {data.groups.into_iter().map(|g| view! {
                        <li class=format!("{CARD} flex justify-between")>
                            <a href=format!("/admin/groups/{}", g.id) class="font-medium text-accent hover:underline">{g.name}</a>
                            <span class="text-sm text-slate-500" data-testid="group-size">
                                {if g.members == 1 { "1 member".to_string() } else { format!("{} members", g.members) }}
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
                <form method="post" action="/admin/groups" class=format!("mt-8 space-y-3 {CARD}") novalidate>
                    <FlashMessages flash=Some(flash.clone()) />
                    <Field label="New group" name="name" value=flash.value("name") error=flash.error("name").unwrap_or_default() />
                    <button type="submit" class=BUTTON>"Create group"</button>
                </form>
            </main>
        }
    })
}

#[component]
pub fn GroupPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .unwrap_or_default();
    hub_page(
        move || load_admin_group(id.clone()),
        |_, g: GroupPage| {
            let flash = g.flash.clone().unwrap_or_default();
            let base = format!("/admin/groups/{}", g.id);
            view! {
                <Title text=g.name.clone() />
                <main class="mx-auto max-w-3xl px-4 py-10 sm:px-6">
                    <a href="/admin/groups" class="text-sm text-slate-600 hover:underline">"← Groups"</a>
                    <h1 class="mt-3 text-2xl font-bold">{g.name.clone()}</h1>
                    <div class="mt-4"><FlashMessages flash=Some(flash.clone()) /></div>
                    <form method="post" action=format!("{base}/rename") class=format!("mt-4 flex items-end gap-2 {CARD}") novalidate>
                        <div class="flex-1"><Field label="Name" name="name" value=g.name.clone() error=flash.error("name").unwrap_or_default() /></div>
                        <button type="submit" class=BUTTON>"Rename"</button>
                    </form>
                    <h2 class="mt-8 text-xl font-semibold">"Members"</h2>
                    <ul class="mt-3 space-y-2" data-testid="group-members">
                        {g.members.into_iter().map(|m| view! {
                            <li class="flex items-center justify-between rounded-lg bg-white px-4 py-2 shadow-sm">
                                <span>{m.name.clone()} <span class="text-sm text-slate-500">" " {m.email.clone()}</span></span>
                                <form method="post" action=format!("{base}/members/{}/remove", m.id)>
                                    <button type="submit" class=SMALL aria-label=format!("Remove {}", m.name)>"Remove"</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                    <form method="post" action=format!("{base}/members") class=format!("mt-4 flex items-end gap-2 {CARD}")>
                        <div class="flex-1">
                            <label for="field-contact" class="block text-sm font-medium text-slate-700">"Add someone"</label>
                            <select id="field-contact" name="contact" class="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2">
                                {g.others.into_iter().map(|c| view! { <option value=c.id>{c.name} " (" {c.email} ")"</option> }).collect_view()}
                            </select>
                            {flash.error("contact").map(|m| view! { <p class="mt-1 text-sm text-rose-700">{m}</p> })}
                        </div>
                        <button type="submit" class=BUTTON>"Add"</button>
                    </form>
                    <form method="post" action=format!("{base}/delete") class="mt-10">
                        <button type="submit" class="rounded-lg border border-rose-300 bg-white px-3 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50">"Delete this group"</button>
                    </form>
                </main>
            }
        },
    )
}

crate::ui::routes::page_routes!(
    /// This feature's pages, placed by the app's router inside the site layout.
    PeopleRoutes {
        "/admin/contacts" => ContactsPage,
        "/admin/groups" => GroupsPage,
        "/admin/groups/:id" => GroupPage,
    }
);
