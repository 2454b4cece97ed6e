//! Cards shown by more than one page (a challenge in the list and on the dashboard).
use super::style::CARD;
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
