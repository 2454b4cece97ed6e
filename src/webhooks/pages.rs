//! `/admin/webhooks`: the hub's webhooks and their delivery logs, for its admins.
use super::api::*;
use crate::ui::forms::{Field, FlashMessages};
use crate::ui::hub_page;
use crate::ui::style::{BUTTON, CARD, SMALL};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WebhooksAdminPage() -> impl IntoView {
    hub_page(load_webhooks, |_, data: WebhooksPage| {
        let flash = data.flash.clone().unwrap_or_default();
        let secret = flash.value("secret");
        let typed_url = if flash.has_errors() {
            flash.value("url")
        } else {
            String::new()
        };
        let checked = {
            let flash = flash.clone();
            move |name: &str| flash.has_errors() && flash.value(&format!("event:{name}")) == "on"
        };
        view! {
            <Title text="Webhooks" />
            <main class="mx-auto max-w-4xl px-4 py-10 sm:px-6">
                <a href="/admin" class="text-sm text-slate-600 hover:underline">"← Admin"</a>
                <h1 class="mt-3 text-2xl font-bold">"Webhooks"</h1>
                <p class="mt-2 text-slate-700">
                    "Rally posts a signed JSON message to your URL when something happens in the hub. Check each message's "
                    <code>"webhook-signature"</code>
                    " (HMAC-SHA256 over id, timestamp and body, the Standard Webhooks scheme) with the signing secret. A message that is not answered with a 2xx is sent again, waiting longer each time."
                </p>
                <div class="mt-4"><FlashMessages flash=Some(flash.clone()) /></div>
                {(!secret.is_empty()).then(|| view! {
                    <div class="mt-4 rounded-lg border border-amber-300 bg-amber-50 p-4">
                        <p class="font-semibold">"Signing secret"</p>
                        <code class="mt-1 block break-all font-mono" data-testid="webhook-secret">{secret.clone()}</code>
                    </div>
                })}
                <ul class="mt-6 space-y-4" data-testid="webhooks">
                    {data.rows.into_iter().map(|w| view! { <WebhookCard w /> }).collect_view()}
                </ul>
                <form method="post" action="/admin/webhooks" class=format!("mt-8 space-y-4 {CARD}") novalidate>
                    <h2 class="text-lg font-semibold">"Add a webhook"</h2>
                    <Field label="URL" name="url" kind="url" value=typed_url error=flash.error("url").unwrap_or_default()
                        hint="For example https://example.com/hooks/rally. Public addresses only." />
                    <fieldset>
                        <legend class="text-sm font-medium text-slate-700">"Events"</legend>
                        <div class="mt-2 grid gap-2 sm:grid-cols-2">
                            {data.events.into_iter().map(|(name, label)| {
                                let id = format!("event-{}", name.replace('.', "-"));
                                let label_for = id.clone();
                                let on = checked(&name);
                                view! {
                                    <label for=label_for class="flex items-center gap-2 text-sm">
                                        <input id=id type="checkbox" name="event" value=name.clone() checked=on />
                                        {label} " " <code class="text-xs text-slate-600">{name.clone()}</code>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                    <button type="submit" class=BUTTON>"Add webhook"</button>
                </form>
            </main>
        }
    })
}

#[component]
fn WebhookCard(w: WebhookRow) -> impl IntoView {
    let id = w.id.clone();
    view! {
        <li class=CARD data-testid="webhook" data-url=w.url.clone()>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <span class="break-all font-semibold">{w.url.clone()}</span>
                <form method="post" action=format!("/admin/webhooks/{id}/remove")>
                    <button type="submit" class=SMALL aria-label=format!("Remove the webhook for {}", w.url)>"Remove"</button>
                </form>
            </div>
            <p class="mt-1 text-sm text-slate-700">{w.events.join(", ")}</p>
            <h3 class="mt-4 text-sm font-semibold">"Recent deliveries"</h3>
            {if w.deliveries.is_empty() {
                view! { <p class="mt-1 text-sm text-slate-600">"None yet."</p> }.into_any()
            } else {
                view! {
                    <table class="mt-2 w-full text-left text-sm">
                        <thead><tr class="text-slate-600">
                            <th class="py-1 pr-2">"When"</th><th class="pr-2">"Event"</th><th class="pr-2">"Status"</th>
                            <th class="pr-2">"Attempts"</th><th class="pr-2">"Result"</th><th><span class="sr-only">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            {w.deliveries.into_iter().map(|d| {
                                let action = format!("/admin/webhooks/{}/deliveries/{}/redeliver", id, d.id);
                                view! {
                                    <tr class="border-t border-slate-100 align-top" data-testid="delivery" data-status=d.status.clone()>
                                        <td class="py-1 pr-2 whitespace-nowrap">{d.at}</td>
                                        <td class="pr-2">{d.event}</td>
                                        <td class="pr-2">{d.status.clone()}</td>
                                        <td class="pr-2">{d.attempts}</td>
                                        <td class="pr-2">
                                            {d.result}
                                            {(!d.excerpt.is_empty()).then(|| view! {
                                                <code class="mt-1 block max-w-xs truncate text-xs text-slate-600">{d.excerpt.clone()}</code>
                                            })}
                                        </td>
                                        <td>
                                            {d.can_redeliver.then(|| view! {
                                                <form method="post" action=action>
                                                    <button type="submit" class=SMALL>"Redeliver"</button>
                                                </form>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </li>
    }
}

crate::ui::routes::page_routes!(
    /// This feature's page, placed by the app's router inside the site layout.
    WebhookRoutes {
        "/admin/webhooks" => WebhooksAdminPage,
    }
);
