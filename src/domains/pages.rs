//! `/admin/domains`: the hub's addresses, for its admins.
use super::api::*;
use crate::ui::forms::{Field, FlashMessages};
use crate::ui::hub_page;
use crate::ui::style::{BUTTON, CARD, SMALL};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DomainsAdminPage() -> impl IntoView {
    hub_page(load_domains, |_, data: DomainsPage| {
        let flash = data.flash.clone().unwrap_or_default();
        view! {
            <Title text="Domains" />
            <main class="mx-auto max-w-3xl px-4 py-10 sm:px-6">
                <a href="/admin" class="text-sm text-slate-600 hover:underline">"← Admin"</a>
                <h1 class="mt-3 text-2xl font-bold">"Domains"</h1>
                <p class="mt-2 text-slate-700">
                    "The hub is always at " <strong>{data.subdomain.clone()}</strong>
                    ". Add your own domain, prove you own it with a DNS record, and choose which address is the hub's: the others lead there."
                </p>
                <div class="mt-4"><FlashMessages flash=Some(flash.clone()) /></div>
                <ul class="mt-6 space-y-4" data-testid="domains">
                    <li class=CARD>
                        <div class="flex flex-wrap items-center justify-between gap-3">
                            <span class="font-semibold">{data.subdomain.clone()}</span>
                            {if data.subdomain_primary {
                                view! { <span class="rounded-full bg-brand px-3 py-1 text-sm font-semibold text-brand-contrast">"Primary"</span> }.into_any()
                            } else {
                                view! {
                                    <form method="post" action="/admin/domains/subdomain/primary">
                                        <button type="submit" class=SMALL>"Make primary"</button>
                                    </form>
                                }.into_any()
                            }}
                        </div>
                    </li>
                    {data.rows.into_iter().map(|d| view! { <DomainCard d /> }).collect_view()}
                </ul>
                <form method="post" action="/admin/domains" class=format!("mt-8 space-y-4 {CARD}") novalidate>
                    <h2 class="text-lg font-semibold">"Add a domain"</h2>
                    <Field label="Domain" name="host" value=data.typed.clone() error=flash.error("host").unwrap_or_default()
                        hint="For example hub.example.com. Point it at Rally with a CNAME record, too." />
                    <button type="submit" class=BUTTON>"Add domain"</button>
                </form>
            </main>
        }
    })
}

#[component]
fn DomainCard(d: DomainRow) -> impl IntoView {
    let id = d.id.clone();
    view! {
        <li class=CARD data-testid="domain" data-host=d.host.clone()>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <span class="font-semibold">{d.host.clone()}</span>
                {d.primary.then(|| view! { <span class="rounded-full bg-brand px-3 py-1 text-sm font-semibold text-brand-contrast">"Primary"</span> })}
            </div>
            <p class="mt-1 text-sm text-slate-700" data-testid="domain-status">{d.status.clone()}</p>
            {(!d.verified || d.failing).then(|| view! {
                <div class="mt-3 rounded-lg bg-slate-100 p-3 text-sm">
                    <p>"Create this DNS record at your DNS provider:"</p>
                    <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 font-mono">
                        <dt class="text-slate-700">"Name"</dt><dd data-testid="record-name">{d.record_name.clone()}</dd>
                        <dt class="text-slate-700">"Type"</dt><dd>"TXT"</dd>
                        <dt class="text-slate-700">"Value"</dt><dd class="break-all" data-testid="record-value">{d.token.clone()}</dd>
                    </dl>
                </div>
            })}
            <div class="mt-3 flex flex-wrap gap-2">
                <form method="post" action=format!("/admin/domains/{id}/verify")>
                    <button type="submit" class=SMALL>{if d.verified { "Check again" } else { "Verify" }}</button>
                </form>
                {(d.verified && !d.primary).then(|| view! {
                    <form method="post" action=format!("/admin/domains/{}/primary", d.id)>
                        <button type="submit" class=SMALL>"Make primary"</button>
                    </form>
                })}
                <form method="post" action=format!("/admin/domains/{}/remove", d.id)>
                    <button type="submit" class=SMALL aria-label=format!("Remove {}", d.host)>"Remove"</button>
                </form>
            </div>
        </li>
    }
}

crate::ui::routes::page_routes!(
    /// This feature's page, placed by the app's router inside the site layout.
    DomainRoutes {
        "/admin/domains" => DomainsAdminPage,
    }
);
