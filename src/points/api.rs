//! Server functions behind the member pages: dashboard, leaderboard, "me".
use super::LevelProgress;
use crate::challenges::api::ChallengeCard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedItem {
    pub when: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub balance: i64,
    pub lifetime: i64,
    pub level: LevelProgress,
    pub next_challenges: Vec<ChallengeCard>,
    pub feed: Vec<FeedItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rank {
    pub rank: usize,
    pub name: String,
    pub points: i64,
    pub is_viewer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaderboard {
    pub top: Vec<Rank>,
    /// The viewer's own line when they are outside the top (or have no points yet: None).
    pub own: Option<Rank>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub when: String,
    pub reason: String,
    pub delta: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub balance: i64,
    pub lifetime: i64,
    pub level: LevelProgress,
    pub history: Vec<HistoryLine>,
    pub badges: Vec<(String, String)>,
    pub completions: Vec<crate::challenges::api::QueueRow>,
}

/// How many lines the leaderboard shows (the viewer's own line is added below).
#[cfg(feature = "ssr")]
const TOP: usize = 25;

/// The hub home of a member: balance, level, what to do next, what happened lately.
#[server(endpoint = "load_dashboard")]
pub async fn load_dashboard() -> Result<Option<Dashboard>, ServerFnError> {
    use super::ledger;
    use crate::challenges::api::load_challenges;
    use crate::challenges::COMPLETION_APPROVED;
    use crate::db::tenant::{badge_awards, completions};
    use crate::domain::Role;
    use crate::server::context::{internal, request_ctx};
    use sea_orm::ColumnTrait;

    let ctx = request_ctx().await?;
    let hub = ctx.hub()?;
    let Some(contact) = crate::membership::require_role(&ctx, Role::Advocate).await? else {
        return Ok(None);
    };
    let db = &hub.db;
    let (totals, level) = ledger::level_of(db, contact.id).await.map_err(internal)?;
    let mut next_challenges = load_challenges().await?;
    next_challenges.truncate(3);

    let approved = db
        .select::<completions::Entity>()
        .filter(completions::Column::Status.eq(COMPLETION_APPROVED))
        .order_by_desc(completions::Column::ReviewedAt)
        .limit(15)
        .all()
        .await
        .map_err(internal)?;
    let badges = db
        .select::<badge_awards::Entity>()
        .order_by_desc(badge_awards::Column::AwardedAt)
        .limit(15)
        .all()
        .await
        .map_err(internal)?;
    let mut ids: Vec<_> = approved.iter().map(|c| c.contact_id).collect();
    ids.extend(badges.iter().map(|b| b.contact_id));
    let names = ledger::names(db, ids).await.map_err(internal)?;
    let titles = ledger::titles(db, approved.iter().map(|c| c.challenge_id).collect())
        .await
        .map_err(internal)?;
    let name = |id| names.get(&id).cloned().unwrap_or_else(|| "Someone".into());
    let mut feed: Vec<(chrono::DateTime<chrono::Utc>, String)> = approved
        .iter()
        .map(|c| {
            (
                c.reviewed_at.unwrap_or(c.created_at),
                format!(
                    "{} completed “{}”",
                    name(c.contact_id),
                    titles.get(&c.challenge_id).cloned().unwrap_or_default()
                ),
            )
        })
        .collect();
    feed.extend(badges.iter().map(|b| {
        (
            b.awarded_at,
            format!(
                "{} earned the badge “{}”",
                name(b.contact_id),
                super::badge_label(&b.badge)
            ),
        )
    }));
    feed.sort_by_key(|item| std::cmp::Reverse(item.0));
    feed.truncate(15);
    Ok(Some(Dashboard {
        balance: totals.balance,
        lifetime: totals.lifetime,
        level,
        next_challenges,
        feed: feed
            .into_iter()
            .map(|(t, text)| FeedItem {
                when: t.format("%Y-%m-%d").to_string(),
                text,
            })
            .collect(),
    }))
}

/// `/leaderboard`: `period` is `all` or `month`.
#[server(endpoint = "load_leaderboard")]
pub async fn load_leaderboard(period: String) -> Result<Leaderboard, ServerFnError> {
    use super::ledger;
    use crate::domain::Role;
    use crate::server::context::{hub_with_role, internal};
    use chrono::Datelike;

    let (ctx, contact) = hub_with_role(Role::Advocate).await?;
    let hub = ctx.hub()?;
    let since = (period == "month").then(|| {
        let now = chrono::Utc::now();
        chrono::NaiveDate::from_ymd_opt(now.year(), now.month(), 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
            .unwrap_or(now)
    });
    let standings = ledger::standings(&hub.db, since).await.map_err(internal)?;
    let mut wanted: Vec<_> = standings.iter().take(TOP).map(|s| s.contact_id).collect();
    wanted.push(contact.id);
    let names = ledger::names(&hub.db, wanted).await.map_err(internal)?;
    let line = |s: &ledger::Standing| Rank {
        rank: s.rank,
        name: names.get(&s.contact_id).cloned().unwrap_or_default(),
        points: s.points,
        is_viewer: s.contact_id == contact.id,
    };
    let top = standings.iter().take(TOP).map(line).collect();
    let own = standings
        .iter()
        .skip(TOP)
        .find(|s| s.contact_id == contact.id)
        .map(line);
    Ok(Leaderboard { top, own })
}

/// `/me`: the member's points history, badges and submissions.
#[server(endpoint = "load_me")]
pub async fn load_me() -> Result<Me, ServerFnError> {
    use super::ledger;
    use crate::db::tenant::{badge_awards, completions, points_ledger};
    use crate::domain::Role;
    use crate::server::context::{hub_with_role, internal};
    use sea_orm::ColumnTrait;

    let (ctx, contact) = hub_with_role(Role::Advocate).await?;
    let hub = ctx.hub()?;
    let db = &hub.db;
    let (totals, level) = ledger::level_of(db, contact.id).await.map_err(internal)?;
    let history = db
        .select::<points_ledger::Entity>()
        .filter(points_ledger::Column::ContactId.eq(contact.id))
        .order_by_desc(points_ledger::Column::CreatedAt)
        .limit(100)
        .all()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|l| HistoryLine {
            when: l.created_at.format("%Y-%m-%d").to_string(),
            reason: l.reason,
            delta: l.delta,
        })
        .collect();
    let badges = db
        .select::<badge_awards::Entity>()
        .filter(badge_awards::Column::ContactId.eq(contact.id))
        .order_by_asc(badge_awards::Column::AwardedAt)
        .all()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|b| {
            (
                super::badge_label(&b.badge),
                b.awarded_at.format("%Y-%m-%d").to_string(),
            )
        })
        .collect();
    let mine = db
        .select::<completions::Entity>()
        .filter(completions::Column::ContactId.eq(contact.id))
        .order_by_desc(completions::Column::CreatedAt)
        .limit(50)
        .all()
        .await
        .map_err(internal)?;
    Ok(Me {
        name: contact.display_name.clone(),
        balance: totals.balance,
        lifetime: totals.lifetime,
        level,
        history,
        badges,
        completions: crate::challenges::api::queue_rows_for(db, mine).await?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelsPage {
    pub ladder: Vec<super::Level>,
    /// Whether the hub set its own ladder (otherwise the default applies).
    pub custom: bool,
    pub flash: Option<crate::forms::Flash>,
}

/// `/admin/levels` (admins): the hub's ladder.
#[server(endpoint = "admin_levels")]
pub async fn load_admin_levels() -> Result<LevelsPage, ServerFnError> {
    use crate::db::tenant::levels;
    use crate::domain::Role;
    use crate::server::context::hub_with_role;
    use crate::server::context::internal;
    let (ctx, _) = hub_with_role(Role::Admin).await?;
    let db = &ctx.hub()?.db;
    let custom = db
        .select::<levels::Entity>()
        .count()
        .await
        .map_err(internal)?
        > 0;
    Ok(LevelsPage {
        ladder: super::ledger::ladder(db).await.map_err(internal)?,
        custom,
        flash: ctx.flash("levels").await,
    })
}
