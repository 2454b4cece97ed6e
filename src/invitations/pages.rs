//! `/invite` (the link in the mail) and `/admin/invitations`.
use super::api::*;
use crate::ui::forms::FlashMessages;
use crate::ui::hub_page;
use crate::ui::style::{BUTTON, CARD, SECONDARY};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InvitePage() -> impl IntoView {
    let token = use_query_map().get_untracked().get("token");
    hub_page(
        move || load_invite(token.clone()),
        |_, v: InviteView| {
            let body = if let Some(why) = v.refused.clone() {
                view! { <p class="mt-4 rounded-lg bg-slate-100 px-4 py-3" data-testid="invite-refused">{why}</p> }.into_any()
            } else if v.member {
                view! {
                <p class="mt-4" data-testid="invite-member">"You are already a member of " {v.hub_name.clone()} "."</p>
                <a href="/" class=format!("mt-4 inline-block {BUTTON}")>"Go to the hub"</a>
            }.into_any()
            } else if let Some(name) = v.signed_in_as.clone() {
                view! {
                <p class="mt-4 text-slate-600">"Signed in as " {name} "."</p>
                <form method="post" action="/invite/accept" class="mt-4">
                    <input type="hidden" name="token" value=v.token.clone() />
                    <button type="submit" class=BUTTON>"Accept and join " {v.hub_name.clone()}</button>
                </form>
            }.into_any()
            } else {
                let href = if v.new_person {
                    "/sso/start?return_to=/invite&signup=1"
                } else {
                    "/sso/start?return_to=/invite"
                };
                view! {
                <p class="mt-4 text-slate-600">
                    {if v.new_person { "Create your Rally account to accept — it takes a minute." } else { "Sign in with your Rally account to accept." }}
                </p>
                <a href=href rel="external" class=format!("mt-4 inline-block {BUTTON}")>
                    {if v.new_person { "Sign up to accept" } else { "Sign in to accept" }}
                </a>
            }.into_any()
            };
            view! {
                <Title text="Invitation" />
                <main class="mx-auto max-w-xl px-4 py-16 sm:px-6">
                    <div class=CARD>
                        <h1 class="text-2xl font-bold">"You are invited to " {v.hub_name.clone()}</h1>
                        {(!v.email.is_empty()).then(|| view! { <p class="mt-1 text-sm text-slate-500">"Invitation for " {v.email.clone()}</p> })}
                        {body}
                    </div>
                </main>
            }
        },
    )
}

#[component]
pub fn AdminInvitationsPage() -> impl IntoView {
    hub_page(load_admin_invitations, |_, data: AdminInvitations| {
        let flash = data.flash.clone().unwrap_or_default();
        let row_errors: Vec<String> = flash
            .errors
            .iter()
            .filter(|(f, _)| f.starts_with("row:"))
            .map(|(_, m)| m.clone())
            .collect();
        view! {
            <Title text="Invitations" />
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <h1 class="text-3xl font-bold">"Invitations"</h1>
                <section class=format!("mt-6 {CARD}") aria-labelledby="invite-people">
                    <h2 id="invite-people" class="text-xl font-semibold">"Invite people"</h2>
                    <form method="post" action="/admin/invitations" class="mt-4 space-y-3">
                        <FlashMessages flash=Some(flash.clone()) />
                        <label for="field-emails" class="block text-sm font-medium text-slate-700">
                            "Email addresses — one per line, or paste a CSV with an email column"
                        </label>
                        <textarea id="field-emails" name="emails" rows="5" class="block w-full rounded-lg border border-slate-300 px-3 py-2 font-mono text-sm"></textarea>
                        {flash.error("emails").map(|m| view! { <p class="text-sm text-rose-700" data-testid="error-emails">{m}</p> })}
                        <button type="submit" class=BUTTON>"Send invitations"</button>
                    </form>
                    {(!row_errors.is_empty()).then(|| view! {
                        <div class="mt-4 rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm" role="alert">
                            <p class="font-semibold">"These lines were not invited:"</p>
                            <ul class="mt-2 list-disc pl-5" data-testid="invite-errors">
                                {row_errors.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                            </ul>
                        </div>
                    })}
                </section>
                <table class="mt-8 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-left text-sm shadow-sm" data-testid="invitations">
                    <thead class="bg-slate-50 text-slate-600">
                        <tr><th class="px-4 py-2">"Email"</th><th class="px-4 py-2">"Status"</th><th class="px-4 py-2">"Sent"</th><th class="px-4 py-2"></th></tr>
                    </thead>
                    <tbody>
                        {data.rows.into_iter().map(|r| {
                            let open = r.status.can_resend();
                            view! {
                                <tr class="border-t border-slate-100">
                                    <td class="px-4 py-2">{r.email.clone()}</td>
                                    <td class="px-4 py-2">{r.status.as_str()}</td>
                                    <td class="px-4 py-2">{r.sent.clone()}</td>
                                    <td class="flex gap-2 px-4 py-2">
                                        {open.then(|| view! {
                                            <form method="post" action=format!("/admin/invitations/{}/resend", r.id)><button type="submit" class=SECONDARY>"Resend"</button></form>
                                        })}
                                        {(r.status == InvitationState::Pending).then(|| view! {
                                            <form method="post" action=format!("/admin/invitations/{}/revoke", r.id)><button type="submit" class=SECONDARY>"Revoke"</button></form>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </main>
        }
    })
}

crate::ui::routes::page_routes!(
    /// This feature's pages, placed by the app's router inside the site layout.
    InvitationRoutes {
        "/invite" => InvitePage,
        "/admin/invitations" => AdminInvitationsPage,
    }
);
