//! `/join?return_to=…`: where a signed-in visitor who is not a member is sent when they
//! open a member page; joining brings them back to it.
use crate::domain::ReturnTo;
use crate::ui::hub_page;
use crate::ui::join::JoinPanel;
use crate::web::context::request_ctx;
use crate::web::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Joining needs an account: a signed-out visitor signs in first, then comes back here.
async fn load_join() -> Result<(), AppError> {
    let ctx = request_ctx()?;
    ctx.hub()?;
    match ctx.user().await? {
        Some(_) => Ok(()),
        None => Err(AppError::SignInRequired {
            return_to: ctx.return_to.clone(),
        }),
    }
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let return_to = ReturnTo::sanitize(use_query_map().get_untracked().get("return_to").as_deref());
    hub_page(load_join, move |hub, ()| {
        view! {
            <Title text=format!("Join {}", hub.name) />
            <main class="mx-auto max-w-3xl px-4 py-10 sm:px-6">
                <h1 class="text-3xl font-bold">"Join " {hub.name.clone()}</h1>
                <p class="mt-2 text-slate-600">"This page is for members of " {hub.name.clone()} "."</p>
                <JoinPanel hub_name=hub.name.clone() invite_only=hub.invite_only return_to=return_to.as_str().to_string() />
            </main>
        }
    })
}

crate::ui::routes::page_routes!(
    /// This feature's pages, placed by the app's router inside the site layout.
    MembershipRoutes {
        "/join" => JoinPage,
    }
);
