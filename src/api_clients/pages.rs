//! `/admin/api`: the hub's API clients, their keys, the Events API's event types and the
//! audit log of changes, for its admins.
use super::api::*;
use crate::ui::forms::{Field, FlashMessages};
use crate::ui::hub_page;
use crate::ui::style::{BUTTON, CARD, SMALL};
use crate::web::flash::Flash;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiAdminPage() -> impl IntoView {
    hub_page(load_api_admin, |_, data: ApiPage| {
        let flash = data.flash.clone().unwrap_or_default();
        let secret = flash.value("secret");
        let reference = format!("{}/v1/reference", data.api_base);
        let openapi = format!("{}/v1/openapi.json", data.api_base);
        view! {
            <Title text="API" />
            <main class="mx-auto max-w-4xl px-4 py-10 sm:px-6">
                <a href="/admin" class="text-sm text-slate-600 hover:underline">"← Admin"</a>
                <h1 class="mt-3 text-2xl font-bold">"API"</h1>
                <p class="mt-2 text-slate-700">
                    "Your other systems call Rally at " <code>{data.api_base.clone()}</code>
                    " with a short-lived JWT: " <code>"iss"</code> " is the client's issuer id, "
                    <code>"aud"</code> " is " <code>"rally"</code> ", and " <code>"exp"</code>
                    " at most five minutes ahead. Read the "
                    <a class="text-brand-ink underline" href=reference>"API reference"</a>
                    " or its " <a class="text-brand-ink underline" href=openapi>"OpenAPI document"</a> "."
                </p>
                <div class="mt-4"><FlashMessages flash=Some(flash.clone()) /></div>
                {(!secret.is_empty()).then(|| view! {
                    <div class="mt-4 rounded-lg border border-amber-300 bg-amber-50 p-4">
                        <p class="font-semibold">"Secret (HS256)"</p>
                        <code class="mt-1 block break-all font-mono" data-testid="api-secret">{secret.clone()}</code>
                    </div>
                })}
                <h2 class="mt-8 text-xl font-semibold">"Clients"</h2>
                <ul class="mt-4 space-y-4" data-testid="api-clients">
                    {data.clients.into_iter().map(|c| view! { <ClientCard c flash=flash.clone() /> }).collect_view()}
                </ul>
                <form method="post" action="/admin/api/clients" class=format!("mt-6 space-y-4 {CARD}") novalidate>
                    <h3 class="text-lg font-semibold">"Create a client"</h3>
                    <Field label="Name" name="name" value=flash.value("name") error=flash.error("name").unwrap_or_default() />
                    <fieldset>
                        <legend class="text-sm font-medium text-slate-700">"Scopes"</legend>
                        {flash.error("scopes").map(|e| view! { <p class="text-sm text-rose-700" data-testid="error-scopes">{e}</p> })}
                        <div class="mt-2 grid gap-2 sm:grid-cols-2">
                            {data.scopes.into_iter().map(|(name, label)| {
                                let id = format!("scope-{}", name.replace(':', "-"));
                                let label_for = id.clone();
                                view! {
                                    <label for=label_for class="flex items-center gap-2 text-sm">
                                        <input id=id type="checkbox" name="scope" value=name.clone() />
                                        {label} " " <code class="text-xs text-slate-600">{name.clone()}</code>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                    <button type="submit" class=BUTTON>"Create client"</button>
                </form>

                <h2 class="mt-10 text-xl font-semibold">"Event types"</h2>
                <p class="mt-2 text-slate-700">
                    "What " <code>"POST /v1/events"</code> " awards for each " <code>"type"</code> ": points, or a challenge's completion."
                </p>
                <ul class="mt-4 space-y-2" data-testid="event-types">
                    {data.event_types.into_iter().map(|t| view! {
                        <li class="flex items-center justify-between gap-3 rounded-lg border border-slate-200 bg-white px-4 py-2">
                            <span><code class="font-semibold">{t.key.clone()}</code> " — " {t.effect}</span>
                            <form method="post" action=format!("/admin/api/event-types/{}/remove", t.id)>
                                <button type="submit" class=SMALL aria-label=format!("Remove the event type {}", t.key)>"Remove"</button>
                            </form>
                        </li>
                    }).collect_view()}
                </ul>
                <form method="post" action="/admin/api/event-types" class=format!("mt-4 space-y-4 {CARD}") novalidate>
                    <h3 class="text-lg font-semibold">"Add an event type"</h3>
                    <Field label="Type" name="key" value=flash.value("key") error=flash.error("key").unwrap_or_default()
                        hint="For example webinar.attended." />
                    <Field label="Points" name="points" kind="number" value=flash.value("points") error=flash.error("points").unwrap_or_default()
                        hint="Leave empty when the type completes a challenge (its points apply)." />
                    <div>
                        <label for="field-challenge_id" class="block text-sm font-medium text-slate-700">"Completes a challenge (optional)"</label>
                        <select id="field-challenge_id" name="challenge_id" class="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2">
                            <option value="">"No challenge: award the points"</option>
                            {data.challenges.into_iter().map(|(id, title)| view! { <option value=id>{title}</option> }).collect_view()}
                        </select>
                        {flash.error("challenge_id").map(|e| view! { <p class="mt-1 text-sm text-rose-700">{e}</p> })}
                    </div>
                    <button type="submit" class=BUTTON>"Add event type"</button>
                </form>

                <h2 class="mt-10 text-xl font-semibold">"Changes"</h2>
                <table class="mt-3 w-full text-left text-sm" data-testid="audit">
                    <thead><tr class="text-slate-600"><th class="py-1 pr-2">"When"</th><th class="pr-2">"Who"</th><th class="pr-2">"What"</th><th>"On"</th></tr></thead>
                    <tbody>
                        {data.audit.into_iter().map(|a| view! {
                            <tr class="border-t border-slate-100"><td class="py-1 pr-2 whitespace-nowrap">{a.at}</td><td class="pr-2">{a.actor}</td><td class="pr-2">{a.action}</td><td class="break-all">{a.target}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </main>
        }
    })
}

#[component]
fn ClientCard(c: ClientRow, flash: Flash) -> impl IntoView {
    let id = c.id.clone();
    let key_field = format!("public-key-{id}");
    view! {
        <li class=CARD data-testid="api-client" data-name=c.name.clone() data-issuer=c.issuer.clone()>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <span class="font-semibold">{c.name.clone()}</span>
                <form method="post" action=format!("/admin/api/clients/{id}/remove")>
                    <button type="submit" class=SMALL aria-label=format!("Remove the client {}", c.name)>"Remove"</button>
                </form>
            </div>
            <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                <dt class="text-slate-600">"Issuer (iss)"</dt><dd class="break-all font-mono" data-testid="issuer">{c.issuer.clone()}</dd>
                <dt class="text-slate-600">"Scopes"</dt><dd>{c.scopes.join(" ")}</dd>
                <dt class="text-slate-600">"Last used"</dt><dd>{c.last_used.clone()}</dd>
            </dl>
            <h3 class="mt-3 text-sm font-semibold">"Keys"</h3>
            <ul class="mt-1 space-y-1 text-sm">
                {c.keys.into_iter().map(|k| {
                    let revoke = format!("/admin/api/clients/{}/keys/{}/revoke", id, k.id);
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2" data-testid="api-key" data-revoked=k.revoked.is_some().to_string()>
                            <span>
                                {k.kind} ", added " {k.created} ", last used " {k.last_used}
                                {k.revoked.clone().map(|r| view! { <strong>", revoked " {r}</strong> })}
                            </span>
                            {k.revoked.is_none().then(|| view! {
                                <form method="post" action=revoke>
                                    <button type="submit" class=SMALL>"Revoke"</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="mt-3 flex flex-wrap items-start gap-3">
                <form method="post" action=format!("/admin/api/clients/{id}/secrets")>
                    <button type="submit" class=SMALL>"Add a secret"</button>
                </form>
                <form method="post" action=format!("/admin/api/clients/{id}/public-keys") class="flex-1 space-y-2" novalidate>
                    <label for=key_field.clone() class="block text-sm font-medium text-slate-700">"Ed25519 public key (PEM or base64)"</label>
                    <textarea id=key_field name="public_key" rows="3" class="block w-full rounded-lg border border-slate-300 px-3 py-2 font-mono text-xs"></textarea>
                    {flash.error("public_key").map(|e| view! { <p class="text-sm text-rose-700" data-testid="error-public_key">{e}</p> })}
                    <button type="submit" class=SMALL>"Add public key"</button>
                </form>
            </div>
            {flash.error("key").map(|e| view! { <p class="mt-2 text-sm text-rose-700">{e}</p> })}
        </li>
    }
}

crate::ui::routes::page_routes!(
    /// This feature's page, placed by the app's router inside the site layout.
    ApiAdminRoutes {
        "/admin/api" => ApiAdminPage,
    }
);
