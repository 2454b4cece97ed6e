//! Pages of the accounts host. Forms are plain `method="post"` forms handled by
//! [`super::handlers`], so they work with JavaScript off.
use super::api::{dev_mail, load_account_home, load_auth_page, AccountHome, AuthPage, MailView};
use super::AccountView;
use crate::sso::SsoParams;
use crate::ui::forms::{Field, FlashMessages, SubmitButton};
use crate::ui::{page, AccountsFrame, ErrorPage};
use crate::web::site_view::HubView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/` on the accounts host: "My hubs" when signed in, the landing page otherwise.
#[component]
pub fn AccountsHome() -> impl IntoView {
    page(load_account_home, |home: AccountHome| match home.account {
        Some(account) => view! { <MyHubs account hubs=home.hubs /> }.into_any(),
        None => view! { <Landing /> }.into_any(),
    })
}

#[component]
fn MyHubs(account: AccountView, hubs: Vec<super::HubLink>) -> impl IntoView {
    let name = account.display_name.clone();
    view! {
        <Title text="My hubs" />
        <AccountsFrame account=Some(account)>
            <main class="mx-auto w-full max-w-5xl px-4 py-12 sm:px-6">
                <h1 class="text-3xl font-bold tracking-tight">"My hubs"</h1>
                <p class="mt-2 text-slate-600">"Signed in as " {name} "."</p>
                {if hubs.is_empty() {
                    view! {
                        <p class="mt-8 rounded-xl border border-dashed border-slate-300 bg-white p-6 text-slate-600" data-testid="no-hubs">
                            "You have not joined a hub yet. Open a hub's address and choose “Join” to become an advocate."
                        </p>
                    }.into_any()
                } else {
                    view! {
                        <ul class="mt-8 grid gap-4 sm:grid-cols-2" data-testid="my-hubs">
                            {hubs.into_iter().map(|h| view! {
                                <li class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
                                    <a href=h.url.clone() class="text-lg font-semibold text-accent hover:underline">{h.name}</a>
                                    <p class="mt-1 text-sm text-slate-500">{h.url}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </main>
        </AccountsFrame>
    }
}

#[component]
fn Landing() -> impl IntoView {
    view! {
        <Title text="Accounts" />
        <AccountsFrame account=None>
            <main class="mx-auto w-full max-w-5xl px-4 py-16 sm:px-6">
                <h1 class="max-w-2xl text-4xl font-bold tracking-tight sm:text-5xl">
                    "One account for every advocate hub"
                </h1>
                <p class="mt-4 max-w-2xl text-lg text-slate-600">
                    "Rally hubs are where companies thank the customers who champion them. "
                    "Your Rally account signs you in to every hub you belong to — on its Rally "
                    "address or on the company's own domain."
                </p>
                <div class="mt-8 flex gap-3">
                    <a href="/signup" class="rounded-lg bg-indigo-600 px-4 py-2.5 font-semibold text-white hover:bg-indigo-700">"Create an account"</a>
                    <a href="/login" class="rounded-lg border border-slate-300 bg-white px-4 py-2.5 font-semibold text-slate-700 hover:bg-slate-50">"Sign in"</a>
                </div>
                <ul class="mt-12 grid gap-4 sm:grid-cols-3">
                    <Feature title="Sign in once">
                        "Move between hubs without typing your password again."
                    </Feature>
                    <Feature title="All your hubs">
                        "See every hub you belong to in one place."
                    </Feature>
                    <Feature title="Yours to control">
                        "Sign out everywhere at once, from any hub."
                    </Feature>
                </ul>
            </main>
        </AccountsFrame>
    }
}

#[component]
fn Feature(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 class="font-semibold">{title}</h2>
            <p class="mt-1 text-sm text-slate-600">{children()}</p>
        </li>
    }
}

/// The SSO parameters of the current URL.
fn sso_from_query() -> SsoParams {
    let q = use_query_map().get_untracked();
    SsoParams {
        host: q.get("host"),
        state: q.get("state"),
        return_to: q.get("return_to"),
    }
}

/// A centred card for the sign-in style forms, branded with the hub when inside an SSO
/// round trip.
#[component]
fn AuthCard(
    title: &'static str,
    hub: Option<HubView>,
    account: Option<AccountView>,
    children: Children,
) -> impl IntoView {
    let brand = hub.as_ref().map(|h| h.palette.css_vars());
    view! {
        <Title text=title />
        <AccountsFrame account>
            <main class="mx-auto w-full max-w-md px-4 py-12" style=brand>
                {hub.map(|h| view! {
                    <div class="mb-6 rounded-xl bg-brand px-5 py-4 text-brand-contrast shadow-sm" data-testid="sso-hub">
                        <p class="text-sm">"Continue to"</p>
                        <p class="text-lg font-semibold">{h.name}</p>
                        {h.signin_image_url.map(|src| view! {
                            <img src=src alt="" class="mt-3 max-h-40 w-full rounded-lg bg-white object-contain" data-testid="sso-hub-image" />
                        })}
                        {(!h.signin_text.is_empty()).then(|| view! {
                            <p class="mt-3 whitespace-pre-line text-sm" data-testid="sso-hub-text">{h.signin_text}</p>
                        })}
                    </div>
                })}
                <div class="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
                    <h1 class="text-2xl font-bold tracking-tight">{title}</h1>
                    {children()}
                </div>
            </main>
        </AccountsFrame>
    }
}

/// Loads an auth page's data (flash for `form`, hub branding) and renders `page` with it.
fn with_auth_page<V: IntoView + 'static>(
    form: &'static str,
    page: impl Fn(AuthPage, SsoParams) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let sso = sso_from_query();
    let host = sso.host.clone();
    let data = Resource::new(
        move || host.clone(),
        move |host| load_auth_page(form.into(), host),
    );
    view! {
        <Suspense>
            {move || {
                let page = page.clone();
                let sso = sso.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(d) => page(d, sso).into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    with_auth_page("login", |d: AuthPage, sso: SsoParams| {
        let flash = d.flash.unwrap_or_default();
        let signup_href = format!("/signup{}", sso.query());
        view! {
            <AuthCard title="Sign in" hub=d.hub account=d.account>
                <form method="post" action="/login" class="mt-6 space-y-4" novalidate>
                    <FlashMessages flash=Some(flash.clone()) />
                    <Field label="Email" name="email" kind="email" value=flash.value("email") autocomplete="email" />
                    <Field label="Password" name="password" kind="password" autocomplete="current-password" />
                    <SsoHiddenFields sso />
                    <SubmitButton label="Sign in" />
                </form>
                <div class="mt-6 flex justify-between text-sm">
                    <a href=signup_href class="text-accent hover:underline">"Create an account"</a>
                    <a href="/password/forgot" class="text-accent hover:underline">"Forgot your password?"</a>
                </div>
            </AuthCard>
        }
    })
}

/// `/signup/sent`: where a sign-up lands, whether the address was new or not (the page
/// cannot tell): look for our mail, then sign in.
#[component]
pub fn SignupSentPage() -> impl IntoView {
    with_auth_page("signup", move |d: AuthPage, sso: SsoParams| {
        let login_href = format!("/login{}", sso.query());
        view! {
            <AuthCard title="Check your inbox" hub=d.hub account=d.account>
                <p class="mt-4 text-slate-700" data-testid="signup-sent">
                    "We sent a mail to the address you gave. If it is new to Rally, your account is ready: sign in, and follow the link in the mail to confirm the address. If it already had an account, the mail says so."
                </p>
                <a href=login_href data-testid="signup-sent-sign-in" class="mt-6 inline-block rounded-lg bg-slate-900 px-4 py-2.5 font-semibold text-white hover:bg-slate-700">
                    "Sign in"
                </a>
            </AuthCard>
        }
    })
}

/// `/sso/consent`: "Continue to <hub> as <email>?", asked on the first sign-in to a hub the
/// person is not a member of (see `sso::consent`).
#[component]
pub fn ConsentPage() -> impl IntoView {
    with_auth_page("consent", |d: AuthPage, sso: SsoParams| {
        match (d.hub, d.account) {
            (Some(hub), Some(account)) => {
                let hub_name = hub.name.clone();
                view! {
                <AuthCard title="Continue to this hub?" hub=Some(hub) account=Some(account.clone())>
                    <p class="mt-4 text-slate-700" data-testid="consent-question">
                        "Continue to " <strong>{hub_name.clone()}</strong> " as "
                        <strong>{account.email.clone()}</strong> "?"
                    </p>
                    <p class="mt-2 text-sm text-slate-600">
                        {hub_name} " will see your name and email address. You will not be asked again for this hub."
                    </p>
                    <form method="post" action="/sso/consent" class="mt-6 flex gap-3">
                        <SsoHiddenFields sso />
                        <button type="submit" name="decision" value="continue"
                            class="flex-1 rounded-lg bg-slate-900 px-4 py-2.5 font-semibold text-white hover:bg-slate-700">
                            "Continue"
                        </button>
                        <button type="submit" name="decision" value="cancel"
                            class="rounded-lg border border-slate-300 px-4 py-2.5 font-medium text-slate-700 hover:bg-slate-50">
                            "Cancel"
                        </button>
                    </form>
                </AuthCard>
            }
            .into_any()
            }
            // Signed out: sign in first (the round trip then comes back through authorize).
            (Some(_), None) => view! {
                <ErrorPage error=crate::web::AppError::invalid(
                    format!("/login{}", sso.query()),
                    crate::web::flash::Flash::new("login"),
                ) />
            }
            .into_any(),
            (None, _) => view! { <ErrorPage error=crate::web::AppError::NotFound /> }.into_any(),
        }
    })
}

#[component]
pub fn SignupPage() -> impl IntoView {
    with_auth_page("signup", |d: AuthPage, sso: SsoParams| {
        let flash = d.flash.unwrap_or_default();
        let login_href = format!("/login{}", sso.query());
        view! {
            <AuthCard title="Create your account" hub=d.hub account=d.account>
                <form method="post" action="/signup" class="mt-6 space-y-4" novalidate>
                    <FlashMessages flash=Some(flash.clone()) />
                    <Field label="Your name" name="display_name" value=flash.value("display_name") error=flash.error("display_name").unwrap_or_default() autocomplete="name" />
                    <Field label="Email" name="email" kind="email" value=flash.value("email") error=flash.error("email").unwrap_or_default() autocomplete="email" />
                    <Field label="Password" name="password" kind="password" error=flash.error("password").unwrap_or_default() autocomplete="new-password" hint="At least 10 characters." />
                    <SsoHiddenFields sso />
                    <SubmitButton label="Create account" />
                </form>
                <p class="mt-6 text-sm">
                    "Already have an account? "
                    <a href=login_href class="text-accent hover:underline">"Sign in"</a>
                </p>
            </AuthCard>
        }
    })
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    // `?sent=1`: the request was taken. Said by the URL, not a flash, so the answer to the
    // form is the same bytes whether or not the address has an account.
    let sent = use_query_map().get_untracked().get("sent").is_some();
    with_auth_page("forgot", move |d: AuthPage, _| {
        let flash = match d.flash {
            Some(f) => f,
            None if sent => crate::web::flash::Flash::notice("forgot", super::handlers::RESET_SENT),
            None => Default::default(),
        };
        view! {
            <AuthCard title="Reset your password" hub=None account=d.account>
                <p class="mt-2 text-sm text-slate-600">
                    "Enter the email of your account and we will mail you a link to choose a new password."
                </p>
                <form method="post" action="/password/forgot" class="mt-6 space-y-4" novalidate>
                    <FlashMessages flash=Some(flash.clone()) />
                    <Field label="Email" name="email" kind="email" value=flash.value("email") error=flash.error("email").unwrap_or_default() autocomplete="email" />
                    <SubmitButton label="Send reset link" />
                </form>
            </AuthCard>
        }
    })
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let token = use_query_map()
        .get_untracked()
        .get("token")
        .unwrap_or_default();
    with_auth_page("reset", move |d: AuthPage, _| {
        let flash = d.flash.unwrap_or_default();
        let token = token.clone();
        view! {
            <AuthCard title="Choose a new password" hub=None account=d.account>
                <form method="post" action="/password/reset" class="mt-6 space-y-4" novalidate>
                    <FlashMessages flash=Some(flash.clone()) />
                    <input type="hidden" name="token" value=token />
                    <Field label="New password" name="password" kind="password" error=flash.error("password").unwrap_or_default() autocomplete="new-password" hint="At least 10 characters." />
                    <SubmitButton label="Set new password" />
                </form>
            </AuthCard>
        }
    })
}

/// `/dev/mail`: what Rally would have mailed (development only).
#[component]
pub fn DevMailPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| dev_mail());
    view! {
        <Title text="Mail (development)" />
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(mails) => view! {
                        <AccountsFrame account=None>
                            <main class="mx-auto w-full max-w-3xl px-4 py-10 sm:px-6">
                                <h1 class="text-2xl font-bold">"Mail (development)"</h1>
                                <p class="mt-1 text-sm text-slate-600">
                                    "Without SMTP configured, mail is kept here instead of sent. Newest first."
                                </p>
                                {if mails.is_empty() {
                                    view! { <p class="mt-8 text-slate-600">"No mail yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <ol class="mt-6 space-y-4">
                                            {mails.into_iter().map(|m| view! { <MailCard mail=m /> }).collect_view()}
                                        </ol>
                                    }.into_any()
                                }}
                            </main>
                        </AccountsFrame>
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MailCard(mail: MailView) -> impl IntoView {
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" data-testid="mail">
            <p class="text-sm text-slate-500">
                "To " <span data-testid="mail-to">{mail.to}</span> " · " {mail.created_at} " · " {mail.status}
            </p>
            <h2 class="mt-1 font-semibold">{mail.subject}</h2>
            <p class="mt-3 whitespace-pre-wrap break-words text-sm">{linkify(&mail.body)}</p>
        </li>
    }
}

/// Text with its http(s) URLs as links.
fn linkify(text: &str) -> impl IntoView {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = [rest.find("http://"), rest.find("https://")]
        .into_iter()
        .flatten()
        .min()
    {
        let (before, from) = rest.split_at(start);
        let end = from.find(char::is_whitespace).unwrap_or(from.len());
        let (url, after) = from.split_at(end);
        parts.push(before.to_string().into_any());
        let (href, text) = (url.to_string(), url.to_string());
        parts.push(
            view! { <a href=href rel="external" class="text-accent underline">{text}</a> }
                .into_any(),
        );
        rest = after;
    }
    parts.push(rest.to_string().into_any());
    parts
}

/// Hidden inputs that carry the SSO round trip (which hub, its `state`, where to return)
/// through the sign-in and sign-up forms.
#[component]
pub fn SsoHiddenFields(sso: SsoParams) -> impl IntoView {
    view! {
        {sso.host.map(|v| view! { <input type="hidden" name="host" value=v /> })}
        {sso.state.map(|v| view! { <input type="hidden" name="state" value=v /> })}
        {sso.return_to.map(|v| view! { <input type="hidden" name="return_to" value=v /> })}
    }
}

crate::ui::routes::page_routes!(
    /// This feature's pages, placed by the app's router inside the site layout.
    AccountsRoutes {
        "/login" => LoginPage,
        "/signup" => SignupPage,
        "/password/forgot" => ForgotPage,
        "/password/reset" => ResetPage,
        "/dev/mail" => DevMailPage,
        "/sso/consent" => ConsentPage,
        "/signup/sent" => SignupSentPage,
    }
);
