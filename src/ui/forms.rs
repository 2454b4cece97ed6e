//! Form pieces: labelled inputs with their error, notices. Forms are plain HTML forms that
//! post to server handlers, so they work the same with JavaScript on or off.
use crate::web::flash::Flash;
use leptos::prelude::*;

/// A labelled input; its error (from the flash) is tied to it with `aria-describedby`.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] value: String,
    #[prop(optional)] error: Option<String>,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    // Forms pass `flash.error(f).unwrap_or_default()`: an empty message is no error (it
    // once marked every untouched field invalid, outlined in red).
    let error = error.filter(|e| !e.trim().is_empty());
    let invalid = error.is_some();
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium text-slate-700">
                {label}
            </label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then_some(error_id.clone())
                class="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 shadow-sm focus:border-brand-ink focus:outline-none focus:ring-2 focus:ring-brand-tint aria-[invalid=true]:border-rose-500"
            />
            {(!hint.is_empty()).then(|| view! { <p class="mt-1 text-xs text-slate-500">{hint}</p> })}
            {error.map(|e| view! {
                <p id=error_id class="mt-1 text-sm text-rose-700" data-testid=format!("error-{name}")>
                    {e}
                </p>
            })}
        </div>
    }
}

/// Errors about the whole form, and the notice, from a flash.
#[component]
pub fn FlashMessages(flash: Option<Flash>) -> impl IntoView {
    let flash = flash.unwrap_or_default();
    view! {
        {flash.notice.clone().map(|n| view! {
            <p role="status" class="rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-800" data-testid="notice">
                {n}
            </p>
        })}
        {flash.error("form").map(|e| view! {
            <p role="alert" class="rounded-lg border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800" data-testid="form-error">
                {e}
            </p>
        })}
    }
}

#[component]
pub fn SubmitButton(label: &'static str) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="w-full rounded-lg bg-brand px-4 py-2.5 font-semibold text-brand-contrast shadow-sm hover:opacity-90 focus:outline-none focus:ring-2 focus:ring-brand-ink focus:ring-offset-2"
        >
            {label}
        </button>
    }
}

#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    value: String,
    error: String,
) -> impl IntoView {
    let id = format!("field-{name}");
    let invalid = !error.is_empty();
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium text-slate-700">{label}</label>
            <textarea id=id name=name rows="5" aria-invalid=invalid.then_some("true")
                class="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 shadow-sm focus:border-brand-ink focus:outline-none focus:ring-2 focus:ring-brand-tint">
                {value}
            </textarea>
            {invalid.then(|| view! { <p class="mt-1 text-sm text-rose-700" data-testid=format!("error-{name}")>{error}</p> })}
        </div>
    }
}
