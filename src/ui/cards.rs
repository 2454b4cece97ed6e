//! Cards shown by more than one page (a challenge in the list and on the dashboard).
use super::style::CARD;
use leptos::either::Either;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeCard {
    pub id: String,
    pub title: String,
    pub kind_label: String,
    pub points: i64,
    pub used: i64,
    pub max_per_advocate: i64,
    /// `YYYY-MM-DD`, the last day it is open.
    pub ends_on: Option<String>,
}

/// A challenge in a list: title, kind, points, and a link to do it.
#[component]
pub fn ChallengeCardView(card: ChallengeCard) -> impl IntoView {
    view! {
        <li class=CARD data-testid="challenge-card">
            <div class="flex items-start justify-between gap-3">
                <div>
                    <p class="text-xs font-medium uppercase tracking-wide text-slate-500">{card.kind_label}</p>
                    <a href=format!("/challenges/{}", card.id) class="mt-1 block text-lg font-semibold hover:underline">{card.title}</a>
                </div>
                <span class="shrink-0 rounded-full bg-brand px-3 py-1 text-sm font-semibold text-brand-contrast">{card.points} " pts"</span>
            </div>
            <p class="mt-2 text-sm text-slate-500">
                {(card.max_per_advocate > 1).then(|| format!("Done {} of {} times. ", card.used, card.max_per_advocate))}
                {card.ends_on.map(|d| format!("Open until {d}."))}
            </p>
        </li>
    }
}

/// An upload challenge's file in a list: the image itself, or a link to the PDF.
#[component]
pub fn FileLink(file: Option<(String, bool)>) -> impl IntoView {
    file.map(|(url, image)| {
        if image {
            let href = url.clone();
            Either::Left(view! {
                <a href=href target="_blank" rel="noopener" class="mt-2 block" data-testid="answer-file">
                    <img src=url alt="The submitted image" class="max-h-48 rounded-lg border border-slate-200 bg-white object-contain" />
                </a>
            })
        } else {
            Either::Right(view! {
                <a href=url target="_blank" rel="noopener" class="mt-2 inline-block font-medium text-accent underline" data-testid="answer-file">"Open the PDF"</a>
            })
        }
    })
}
