//! Challenge pages: what advocates see (`/challenges`, `/challenges/{id}`) and what the
//! team works with (`/admin/challenges…`, `/admin/completions`, `/admin/referrals`).
use super::api::*;
use super::{ChallengeForm, Kind, STATUS_ARCHIVED, STATUS_PUBLISHED};
use crate::ui::cards::ChallengeCardView;
use crate::ui::cards::FileLink;
use crate::ui::forms::{Field, FlashMessages, SubmitButton, TextArea};
use crate::ui::hub_page;
use crate::ui::style::{BUTTON, CARD, SECONDARY, SMALL};
use crate::web::flash::Flash;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn id_param() -> String {
    use_params_map()
        .get_untracked()
        .get("id")
        .unwrap_or_default()
}

#[component]
pub fn ChallengesPage() -> impl IntoView {
    hub_page(load_challenges, |_, cards: Vec<ChallengeCard>| {
        view! {
            <Title text="Challenges" />
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <h1 class="text-3xl font-bold">"Challenges"</h1>
                <p class="mt-1 text-slate-600">"Take one on, earn points."</p>
                {if cards.is_empty() {
                    view! { <p class="mt-8 text-slate-600">"Nothing open right now — check back soon."</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-6 grid gap-4 sm:grid-cols-2">
                            {cards.into_iter().map(|card| view! { <ChallengeCardView card /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </main>
        }
    })
}

#[component]
pub fn ChallengePage() -> impl IntoView {
    let id = id_param();
    hub_page(
        move || load_challenge(id.clone()),
        |_, c: ChallengeDetail| {
            let flash = c.flash.clone().unwrap_or_default();
            // An upload's file goes as multipart to its own route.
            let upload = c.kind == Kind::Upload;
            let action = if upload {
                format!("/challenges/{}/upload", c.id)
            } else {
                format!("/challenges/{}", c.id)
            };
            let enctype = upload.then_some("multipart/form-data");
            view! {
                <Title text=c.title.clone() />
                <main class="mx-auto max-w-3xl px-4 py-10 sm:px-6">
                    <a href="/challenges" class="text-sm text-slate-600 hover:underline">"← All challenges"</a>
                    <div class="mt-3 flex items-start justify-between gap-4">
                        <h1 class="text-3xl font-bold">{c.title.clone()}</h1>
                        <span class="shrink-0 rounded-full bg-brand px-3 py-1 font-semibold text-brand-contrast" data-testid="challenge-points">{c.points} " pts"</span>
                    </div>
                    {c.image_url.clone().map(|src| view! {
                        <img src=src alt="" class="mt-4 max-h-80 w-full rounded-xl bg-white object-contain" data-testid="challenge-image" />
                    })}
                    <div class="prose mt-4 max-w-none text-slate-700" inner_html=c.description_html.clone()></div>
                    <div class="mt-8 space-y-4">
                        <FlashMessages flash=Some(flash.clone()) />
                        {match c.closed.clone() {
                            Some(why) => view! { <p class="rounded-lg bg-slate-100 px-4 py-3 text-slate-700" data-testid="closed">{why}</p> }.into_any(),
                            None => view! {
                                <form method="post" action=action enctype=enctype class=format!("{CARD} space-y-4") novalidate>
                                    <AnswerFields kind=c.kind flash=flash.clone() action_url=c.action_url.clone() />
                                    <p class="text-sm text-slate-500">
                                        {if c.requires_approval { "The team reviews submissions before points are awarded." } else { "Points are awarded as soon as you submit." }}
                                    </p>
                                    <button type="submit" class=BUTTON>"Submit"</button>
                                </form>
                            }.into_any(),
                        }}
                    </div>
                </main>
            }
        },
    )
}

/// The inputs a challenge kind asks for.
#[component]
fn AnswerFields(kind: Kind, flash: Flash, action_url: Option<String>) -> impl IntoView {
    let e = |f: &str| flash.error(f).unwrap_or_default();
    // What was typed, when the form comes back with errors.
    let typed = flash.form::<super::AnswerForm>().unwrap_or_default();
    match kind {
        Kind::Question => view! {
            <TextArea label="Your answer" name="text" value=typed.text.clone() error=e("text") />
        }.into_any(),
        Kind::Link => view! {
            <Field label="Link to what you shared" name="url" kind="url" value=typed.url.clone() error=e("url") />
        }.into_any(),
        Kind::Review => view! {
            <Field label="Link to your review" name="url" kind="url" value=typed.url.clone() error=e("url") />
            <Field label="Rating (1–5)" name="rating" kind="number" value=typed.rating.clone() error=e("rating") />
            <TextArea label="What you wrote" name="text" value=typed.text.clone() error=e("text") />
        }.into_any(),
        Kind::Referral => view! {
            <Field label="Their name" name="name" value=typed.name.clone() error=e("name") />
            <Field label="Their email" name="email" kind="email" value=typed.email.clone() error=e("email") />
            <Field label="Their company" name="company" value=typed.company.clone() error=e("company") />
        }.into_any(),
        Kind::Action => view! {
            {action_url.map(|u| {
                let href = u.clone();
                view! {
                    <a href=href target="_blank" rel="noopener noreferrer" class="inline-block font-semibold text-accent underline">"Open " {u}</a>
                }
            })}
            <label class="flex items-center gap-2">
                <input type="checkbox" name="confirmed" value="on" />
                "I did it"
            </label>
            {flash.error("confirmed").map(|m| view! { <p class="text-sm text-rose-700" data-testid="error-confirmed">{m}</p> })}
        }.into_any(),
        Kind::Upload => {
            let error = flash.error("file");
            view! {
                <div>
                    <label for="field-file" class="block text-sm font-medium text-slate-700">"Your file"</label>
                    <input id="field-file" type="file" name="file" accept="image/png,image/jpeg,image/webp,image/x-icon,application/pdf"
                        aria-invalid=error.is_some().then_some("true") aria-describedby=error.is_some().then_some("field-file-error")
                        class="mt-1 block w-full text-sm" />
                    <p class="mt-1 text-xs text-slate-600">"An image (PNG, JPEG, WebP, up to 5 MB) or a PDF (up to 10 MB). Only the team sees it."</p>
                    {error.map(|m| view! { <p id="field-file-error" class="mt-1 text-sm text-rose-700" data-testid="error-file">{m}</p> })}
                </div>
            }.into_any()
        }
    }
}

/// The fields of a challenge, for creating and editing.
#[component]
fn ChallengeFields(form: ChallengeForm, flash: Flash, groups: Vec<GroupOption>) -> impl IntoView {
    let e = |f: &str| flash.error(f).unwrap_or_default();
    let kind = form.kind.clone();
    let group = form.target_group.clone();
    view! {
        <Field label="Title" name="title" value=form.title.clone() error=e("title") />
        <TextArea label="Description (Markdown)" name="description" value=form.description.clone() error=e("description") />
        <div>
            <label for="field-kind" class="block text-sm font-medium text-slate-700">"Kind"</label>
            <select id="field-kind" name="kind" class="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2">
                {Kind::ALL.iter().map(|k| view! {
                    <option value=k.as_str() selected=kind == k.as_str()>{k.label()}</option>
                }).collect_view()}
            </select>
            {flash.error("kind").map(|m| view! { <p class="mt-1 text-sm text-rose-700" data-testid="error-kind">{m}</p> })}
        </div>
        <div class="grid gap-4 sm:grid-cols-2">
            <Field label="Points" name="points" kind="number" value=form.points.clone() error=e("points") />
            <Field label="Completions allowed per advocate" name="max_per_advocate" kind="number" value=if form.max_per_advocate.is_empty() { "1".to_string() } else { form.max_per_advocate.clone() } error=e("max_per_advocate") />
            <Field label="Starts on (optional)" name="starts_on" kind="date" value=form.starts_on.clone() error=e("starts_on") />
            <Field label="Ends on (optional)" name="ends_on" kind="date" value=form.ends_on.clone() error=e("ends_on") />
        </div>
        <Field label="Web address (action challenges)" name="action_url" kind="url" value=form.action_url.clone() error=e("action_url") />
        <div>
            <label for="field-target_group" class="block text-sm font-medium text-slate-700">"For"</label>
            <select id="field-target_group" name="target_group" class="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2">
                <option value="">"Every advocate"</option>
                {groups.into_iter().map(|g| view! {
                    <option value=g.id.clone() selected=group == g.id>{g.name}</option>
                }).collect_view()}
            </select>
            {flash.error("target_group").map(|m| view! { <p class="mt-1 text-sm text-rose-700" data-testid="error-target_group">{m}</p> })}
        </div>
        <label class="flex items-center gap-2">
            <input type="checkbox" name="requires_approval" value="on" checked=form.requires_approval.is_some() />
            "Submissions need approval"
        </label>
    }
}

#[component]
pub fn AdminChallengesPage() -> impl IntoView {
    hub_page(load_admin_challenges, |_, data: AdminChallenges| {
        let flash = data.flash.clone().unwrap_or_default();
        let mut form = flash.form::<ChallengeForm>().unwrap_or_default();
        if !flash.has_errors() {
            form.requires_approval = Some("on".into());
        }
        view! {
            <Title text="Manage challenges" />
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <h1 class="text-3xl font-bold">"Challenges"</h1>
                <table class="mt-6 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-left text-sm shadow-sm" data-testid="admin-challenges">
                    <thead class="bg-slate-50 text-slate-600">
                        <tr><th class="px-4 py-2">"Title"</th><th class="px-4 py-2">"Kind"</th><th class="px-4 py-2">"Points"</th><th class="px-4 py-2">"Status"</th></tr>
                    </thead>
                    <tbody>
                        {data.rows.into_iter().map(|r| view! {
                            <tr class="border-t border-slate-100">
                                <td class="px-4 py-2"><a href=format!("/admin/challenges/{}", r.id) class="font-medium text-accent hover:underline">{r.title}</a></td>
                                <td class="px-4 py-2">{r.kind_label}</td>
                                <td class="px-4 py-2">{r.points}</td>
                                <td class="px-4 py-2">{r.status.as_str()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <section class=format!("mt-10 {CARD}") aria-labelledby="new-challenge">
                    <h2 id="new-challenge" class="text-xl font-semibold">"New challenge"</h2>
                    <form method="post" action="/admin/challenges" class="mt-4 space-y-4" novalidate>
                        <FlashMessages flash=Some(flash.clone()) />
                        <ChallengeFields form flash=flash.clone() groups=data.groups.clone() />
                        <div class="max-w-xs"><SubmitButton label="Create challenge" /></div>
                    </form>
                </section>
            </main>
        }
    })
}

#[component]
pub fn AdminChallengePage() -> impl IntoView {
    let id = id_param();
    hub_page(
        move || load_admin_challenge(id.clone()),
        |_, data: AdminChallenge| {
            let flash = data.flash.clone().unwrap_or_default();
            let base = format!("/admin/challenges/{}", data.id);
            view! {
                <Title text=data.form.title.clone() />
                <main class="mx-auto max-w-3xl px-4 py-10 sm:px-6">
                    <a href="/admin/challenges" class="text-sm text-slate-600 hover:underline">"← All challenges"</a>
                    <div class="mt-3 flex flex-wrap items-center justify-between gap-3">
                        <h1 class="text-2xl font-bold">{data.form.title.clone()}</h1>
                        <div class="flex items-center gap-2">
                            <span class="rounded-full bg-slate-100 px-3 py-1 text-sm" data-testid="challenge-status">{data.status.as_str()}</span>
                            {(data.status != STATUS_PUBLISHED).then(|| view! {
                                <form method="post" action=format!("{base}/publish")><button type="submit" class=BUTTON>"Publish"</button></form>
                            })}
                            {(data.status != STATUS_ARCHIVED).then(|| view! {
                                <form method="post" action=format!("{base}/archive")><button type="submit" class=SECONDARY>"Archive"</button></form>
                            })}
                        </div>
                    </div>
                    <form method="post" action=base.clone() class=format!("mt-6 space-y-4 {CARD}") novalidate>
                        <FlashMessages flash=Some(flash.clone()) />
                        <ChallengeFields form=data.form.clone() flash=flash.clone() groups=data.groups.clone() />
                        <div class="max-w-xs"><SubmitButton label="Save" /></div>
                    </form>
                    <ChallengeImageForm base=base.clone() url=data.image_url.clone() flash=data.image_flash.clone().unwrap_or_default() />
                </main>
            }
        },
    )
}

#[component]
pub fn CompletionsPage() -> impl IntoView {
    hub_page(load_admin_completions, |_, q: Queue| {
        view! {
            <Title text="Review submissions" />
            <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                <h1 class="text-3xl font-bold">"Submissions to review"</h1>
                <div class="mt-4"><FlashMessages flash=q.flash.clone() /></div>
                {if q.pending.is_empty() {
                    view! { <p class="mt-6 text-slate-600" data-testid="queue-empty">"Nothing waiting. Well done!"</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-6 space-y-4" data-testid="queue">
                            {q.pending.into_iter().map(|r| view! { <QueueItem row=r /> }).collect_view()}
                        </ul>
                        <form method="post" action="/admin/completions/bulk" id="bulk" class=format!("mt-6 flex flex-wrap items-center gap-3 {CARD}")>
                            <span class="text-sm text-slate-600">"With the selected submissions:"</span>
                            <input type="text" name="note" placeholder="Note (optional)" aria-label="Note for the selected submissions" class="rounded-lg border border-slate-300 px-3 py-1.5 text-sm" />
                            <button type="submit" name="action" value="approve" class=BUTTON>"Approve selected"</button>
                            <button type="submit" name="action" value="reject" class=SECONDARY>"Reject selected"</button>
                        </form>
                    }.into_any()
                }}
                <h2 class="mt-12 text-xl font-semibold">"Recently reviewed"</h2>
                <ul class="mt-4 space-y-2 text-sm">
                    {q.recent.into_iter().map(|r| view! {
                        <li class="rounded-lg bg-white px-4 py-2 shadow-sm">
                            <span class="font-medium">{r.advocate}</span> " · " {r.challenge} " · " <span>{r.status.as_str()}</span>
                            {r.note.map(|n| view! { <span class="text-slate-500">" — " {n}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            </main>
        }
    })
}

#[component]
fn QueueItem(row: QueueRow) -> impl IntoView {
    let base = format!("/admin/completions/{}", row.id);
    let label = format!("Select {}'s submission for {}", row.advocate, row.challenge);
    view! {
        <li class=CARD data-testid="queue-item">
            <div class="flex items-start gap-3">
                // Belongs to the bulk form below (HTML `form` attribute): no nested forms.
                <input type="checkbox" name="ids" value=row.id.clone() form="bulk" aria-label=label class="mt-1.5" />
                <div class="flex-1">
                    <p class="text-sm text-slate-500">{row.submitted.clone()} " · " {row.challenge.clone()}</p>
                    <p class="font-semibold">{row.advocate.clone()}</p>
                    <p class="mt-2 whitespace-pre-wrap break-words" data-testid="queue-answer">{row.answer.clone()}</p>
                    <FileLink file=row.file.clone() />
                    <div class="mt-3 flex flex-wrap items-center gap-2">
                        <form method="post" action=format!("{base}/approve") class="flex items-center gap-2">
                            <input type="text" name="note" placeholder="Note (optional)" aria-label="Note" class="rounded-lg border border-slate-300 px-3 py-1.5 text-sm" />
                            <button type="submit" class=BUTTON>"Approve"</button>
                        </form>
                        <form method="post" action=format!("{base}/reject")>
                            <button type="submit" class=SECONDARY>"Reject"</button>
                        </form>
                    </div>
                </div>
            </div>
        </li>
    }
}

#[component]
pub fn ReferralsPage() -> impl IntoView {
    let page = use_query_map()
        .get_untracked()
        .get("page")
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(1);
    hub_page(
        move || load_admin_referrals(page),
        |_, list: Referrals| {
            let rows = list.rows;
            let link = |page: u64, label: &'static str, rel: &'static str| {
                view! {
                    <a href=format!("/admin/referrals?page={page}") rel=rel class=SECONDARY>{label}</a>
                }
            };
            view! {
                <Title text="Referrals" />
                <main class="mx-auto max-w-5xl px-4 py-10 sm:px-6">
                    <h1 class="text-3xl font-bold">"Referrals"</h1>
                    <p class="mt-1 text-slate-600" data-testid="referrals-count">
                        {list.total} " referred · page " {list.page} " of " {list.pages}
                    </p>
                    <table class="mt-6 w-full overflow-hidden rounded-xl border border-slate-200 bg-white text-left text-sm shadow-sm" data-testid="referrals">
                        <thead class="bg-slate-50 text-slate-600">
                            <tr><th class="px-4 py-2">"Lead"</th><th class="px-4 py-2">"Email"</th><th class="px-4 py-2">"Company"</th><th class="px-4 py-2">"Referred by"</th><th class="px-4 py-2">"Status"</th><th class="px-4 py-2">"Date"</th></tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr class="border-t border-slate-100">
                                    <td class="px-4 py-2">{r.lead}</td><td class="px-4 py-2">{r.email}</td><td class="px-4 py-2">{r.company}</td>
                                    <td class="px-4 py-2">{r.advocate}</td><td class="px-4 py-2">{r.status}</td><td class="px-4 py-2">{r.submitted}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <nav aria-label="Pages" class="mt-4 flex gap-3">
                        {(list.page > 1).then(|| link(list.page - 1, "Previous page", "prev"))}
                        {(list.page < list.pages).then(|| link(list.page + 1, "Next page", "next"))}
                    </nav>
                </main>
            }
        },
    )
}

crate::ui::routes::page_routes!(
    /// This feature's pages, placed by the app's router inside the site layout.
    ChallengeRoutes {
        "/challenges" => ChallengesPage,
        "/challenges/:id" => ChallengePage,
        "/admin/challenges" => AdminChallengesPage,
        "/admin/challenges/:id" => AdminChallengePage,
        "/admin/completions" => CompletionsPage,
        "/admin/referrals" => ReferralsPage,
    }
);

/// The image shown on a challenge's page, uploaded apart from its text form.
#[component]
fn ChallengeImageForm(base: String, url: Option<String>, flash: Flash) -> impl IntoView {
    let error = flash.error("file");
    view! {
        <section class=format!("mt-6 space-y-3 {CARD}") data-testid="challenge-image-form">
            <h2 class="font-semibold">"Image"</h2>
            {flash.notice.clone().map(|n| view! { <p role="status" class="text-sm text-emerald-800" data-testid="notice">{n}</p> })}
            {url.clone().map(|src| view! { <img src=src alt="The challenge's image" class="max-h-40 rounded-lg bg-slate-100 object-contain" /> })}
            <form method="post" action=format!("{base}/image") enctype="multipart/form-data" class="space-y-2">
                <label for="challenge-image-file" class="block text-sm font-medium text-slate-700">"Upload an image (PNG, JPEG or WebP, up to 5 MB)"</label>
                <input id="challenge-image-file" type="file" name="file" accept="image/png,image/jpeg,image/webp"
                    aria-invalid=error.is_some().then_some("true") class="block w-full text-sm" />
                {error.map(|e| view! { <p class="text-sm text-rose-700" data-testid="error-file">{e}</p> })}
                <button type="submit" class=SMALL>"Upload"</button>
            </form>
            {url.is_some().then(|| view! {
                <form method="post" action=format!("{base}/image/remove")>
                    <button type="submit" class=SMALL>"Remove image"</button>
                </form>
            })}
        </section>
    }
}
