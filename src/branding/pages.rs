//! `/admin/branding`: the hub's look, for its admins.
use super::api::*;
use crate::ui::forms::{Field, FlashMessages, TextArea};
use crate::ui::hub_page;
use crate::ui::style::{BUTTON, CARD, SECONDARY, SMALL};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn BrandingAdminPage() -> impl IntoView {
    hub_page(load_branding, |_, data: BrandingPage| {
        let flash = data.flash.clone().unwrap_or_default();
        let e = |f: &str| flash.error(f).unwrap_or_default();
        let f = data.form.clone();
        view! {
            <Title text="Branding" />
            <main class="mx-auto max-w-3xl px-4 py-10 sm:px-6">
                <a href="/admin" class="text-sm text-slate-600 hover:underline">"← Admin"</a>
                <h1 class="mt-3 text-2xl font-bold">"Branding"</h1>
                {data.preview.clone().map(|p| view! { <PreviewPanel p /> })}
                <form method="post" action="/admin/branding" class=format!("mt-6 space-y-4 {CARD}") novalidate data-testid="branding-form">
                    <FlashMessages flash=Some(flash.clone()) />
                    <Field label="Hub name" name="name" value=f.name.clone() error=e("name") />
                    <Field label="Tagline" name="tagline" value=f.tagline.clone() error=e("tagline") />
                    <TextArea label="Welcome text (on the hub's home page)" name="welcome_text" value=f.welcome_text.clone() error=e("welcome_text") />
                    <div class="grid gap-4 sm:grid-cols-2">
                        <Field label="Brand colour (header and buttons)" name="brand_color" value=f.brand_color.clone() error=e("brand_color")
                            hint="A hex colour such as #e11d48. Text on it is made white or dark, whichever reads." />
                        <Field label="Accent colour (links; optional)" name="accent_color" value=f.accent_color.clone() error=e("accent_color")
                            hint="Must read on white: a contrast of at least 4.5:1. Empty: a dark enough shade of the brand colour." />
                    </div>
                    <TextArea label="Sign-in page text" name="signin_text" value=f.signin_text.clone() error=e("signin_text") />
                    <div class="flex flex-wrap gap-3">
                        <button type="submit" name="intent" value="preview" class=SECONDARY>"Preview"</button>
                        <button type="submit" name="intent" value="save" class=BUTTON>"Save"</button>
                    </div>
                </form>
                <h2 class="mt-10 text-xl font-semibold">"Images"</h2>
                <p class="mt-1 text-sm text-slate-600">"PNG, JPEG, WebP or ICO, up to 5 MB. SVG is not accepted. Images are re-encoded without their metadata."</p>
                <div class="mt-4 grid gap-4 sm:grid-cols-3">
                    {data.images.into_iter().map(|item| view! { <ImageForm item /> }).collect_view()}
                </div>
            </main>
        }
    })
}

/// The typed settings drawn as the hub's header and a button, before saving.
#[component]
fn PreviewPanel(p: Preview) -> impl IntoView {
    view! {
        <section class="mt-6 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" style=p.palette.css_vars() data-testid="branding-preview" aria-label="Preview">
            <div class="bg-brand px-5 py-4 text-brand-contrast">
                <p class="text-lg font-semibold">{p.name}</p>
                <p class="text-sm">{p.tagline}</p>
            </div>
            <div class="space-y-3 p-5">
                <p class="whitespace-pre-line text-slate-700">{p.welcome_text}</p>
                <p><a href="#" class="font-medium text-accent underline">"A link"</a></p>
                <span class="inline-block rounded-lg bg-brand px-4 py-2 font-semibold text-brand-contrast">"A button"</span>
                <p class="text-sm text-slate-600" data-testid="preview-contrast">{p.header_contrast}</p>
            </div>
        </section>
    }
}

#[component]
fn ImageForm(item: ImageSlot) -> impl IntoView {
    let slot = item;
    let flash = slot.flash.clone().unwrap_or_default();
    let segment = slot.image.segment();
    let error = flash.error("file");
    let error_id = format!("{segment}-error");
    view! {
        <section class=CARD data-testid=format!("image-{segment}")>
            <h3 class="font-semibold">{slot.image.label()}</h3>
            <div class="mt-3 grid h-24 place-items-center rounded-lg bg-slate-100">
                {match slot.url.clone() {
                    Some(src) => view! { <img src=src alt=format!("Current {}", slot.image.label().to_lowercase()) class="max-h-20 max-w-full object-contain" /> }.into_any(),
                    None => view! { <span class="text-sm text-slate-600">"None yet"</span> }.into_any(),
                }}
            </div>
            {flash.notice.clone().map(|n| view! { <p role="status" class="mt-2 text-sm text-emerald-800" data-testid="notice">{n}</p> })}
            <form method="post" action=format!("/admin/branding/{segment}") enctype="multipart/form-data" class="mt-3 space-y-2">
                <label for=format!("file-{segment}") class="block text-sm font-medium text-slate-700">{format!("New {}", slot.image.label().to_lowercase())}</label>
                <input id=format!("file-{segment}") type="file" name="file" accept="image/png,image/jpeg,image/webp,image/x-icon"
                    aria-invalid=error.is_some().then_some("true") aria-describedby=error.is_some().then_some(error_id.clone())
                    class="block w-full text-sm" />
                {error.map(|e| view! { <p id=error_id class="text-sm text-rose-700" data-testid="error-file">{e}</p> })}
                <button type="submit" class=SMALL>"Upload"</button>
            </form>
            {slot.url.is_some().then(|| view! {
                <form method="post" action=format!("/admin/branding/{segment}/remove") class="mt-2">
                    <button type="submit" class=SMALL>"Remove"</button>
                </form>
            })}
        </section>
    }
}

crate::ui::routes::page_routes!(
    /// This feature's page, placed by the app's router inside the site layout.
    BrandingRoutes {
        "/admin/branding" => BrandingAdminPage,
    }
);
