//! The "Join this hub" panel: shown on the hub home and on `/join` to a signed-in visitor
//! who is not a member. What a join attempt said is shown by the hub frame.
use crate::web::viewer::page_viewer;
use leptos::either::Either;
use leptos::prelude::*;

/// For a signed-in visitor who is not a member: "Join <hub>" (or why they cannot).
#[component]
pub fn JoinPanel(
    hub_name: String,
    invite_only: bool,
    /// Where joining leads (a path on this hub).
    #[prop(default = "/".to_string())]
    return_to: String,
) -> impl IntoView {
    let Ok(v) = page_viewer() else { return None };
    match (&v.account, v.role) {
        (Some(_), None) => Some(Either::Left(view! {
            <section class="mt-6 space-y-3 rounded-xl border border-brand/40 bg-white p-5 shadow-sm" aria-label="Join">
                {if invite_only {
                    Either::Left(view! {
                        <p data-testid="invite-only">
                            {hub_name} " is invite-only: you need an invitation from its team to join."
                        </p>
                    })
                } else {
                    Either::Right(view! {
                        <form method="post" action="/join" class="flex flex-wrap items-center justify-between gap-3">
                            <input type="hidden" name="return_to" value=return_to />
                            <p>"You are not a member of " {hub_name.clone()} " yet."</p>
                            <button type="submit" class="rounded-lg bg-brand px-4 py-2 font-semibold text-brand-contrast shadow-sm hover:opacity-90">
                                "Join " {hub_name}
                            </button>
                        </form>
                    })
                }}
            </section>
        })),
        (Some(_), Some(role)) => Some(Either::Right(view! {
            <div class="mt-6 space-y-3">
                <p class="text-sm text-slate-600" data-testid="member-role">
                    "You are a member of " {hub_name} " (" {role.label()} ")."
                </p>
            </div>
        })),
        _ => None,
    }
}
