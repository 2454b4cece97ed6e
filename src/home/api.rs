//! Loaders of the member's own pages: the dashboard, `/me`, and the team's `/admin`.
use crate::domain::{ContactStatus, Role};
use crate::points::LevelProgress;
use crate::ui::cards::ChallengeCard;
use crate::web::AppError;
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

/// The hub home of a member: balance, level, what to do next, what happened lately.
pub async fn load_dashboard() -> Result<Option<Dashboard>, AppError> {
    use crate::challenges::api::load_challenges;
    use crate::web::context::request_ctx;

    let ctx = request_ctx()?;
    let hub = ctx.hub()?;
    let Some(contact) = ctx.contact().await? else {
        return Ok(None);
    };
    let db = &hub.db;
    let (totals, level) = server::level(&ctx, hub, contact.id).await?;
    let mut next_challenges = load_challenges().await?;
    next_challenges.truncate(3);
    let feed = ctx
        .state
        .hub_cache
        .get(hub.tenant.id, "feed", "", || server::feed(db))
        .await?;
    Ok(Some(Dashboard {
        balance: totals.balance,
        lifetime: totals.lifetime,
        level,
        next_challenges,
        feed: feed.as_ref().clone(),
    }))
}

#[cfg(feature = "ssr")]
mod server {
    use super::FeedItem;
    use crate::challenges::COMPLETION_APPROVED;
    use crate::db::tenant::{badge_awards, completions};
    use crate::db::TenantDb;
    use crate::points::{ledger, totals::Totals, LevelProgress};
    use crate::web::context::RequestCtx;
    use crate::web::site::HubRequest;
    use sea_orm::{ColumnTrait, DbErr};

    /// The viewer's totals and where they put them on the hub's ladder (memoized).
    pub async fn level(
        ctx: &RequestCtx,
        hub: &HubRequest,
        contact: uuid::Uuid,
    ) -> Result<(Totals, LevelProgress), DbErr> {
        let totals = crate::points::totals::of(&hub.db, contact).await?;
        let ladder = ctx
            .state
            .hub_cache
            .get(hub.tenant.id, "ladder", "", || ledger::ladder(&hub.db))
            .await?;
        Ok((totals, crate::points::progress(totals.lifetime, &ladder)))
    }

    /// What happened lately in the hub: approvals and badges, newest first.
    pub async fn feed(db: &TenantDb) -> Result<Vec<FeedItem>, DbErr> {
        let approved = db
            .select::<completions::Entity>()
            .filter(completions::Column::Status.eq(COMPLETION_APPROVED))
            .order_by_desc(completions::Column::ReviewedAt)
            .limit(15)
            .all()
            .await?;
        let badges = db
            .select::<badge_awards::Entity>()
            .order_by_desc(badge_awards::Column::AwardedAt)
            .limit(15)
            .all()
            .await?;
        let mut ids: Vec<_> = approved.iter().map(|c| c.contact_id).collect();
        ids.extend(badges.iter().map(|b| b.contact_id));
        let names = ledger::names(db, ids).await?;
        let titles = ledger::titles(db, approved.iter().map(|c| c.challenge_id).collect()).await?;
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
                    crate::points::badge_label(&b.badge)
                ),
            )
        }));
        feed.sort_by_key(|item| std::cmp::Reverse(item.0));
        feed.truncate(15);
        Ok(feed
            .into_iter()
            .map(|(t, text)| FeedItem {
                when: t.format("%Y-%m-%d").to_string(),
                text,
            })
            .collect())
    }
}

/// `/me`: the member's points history, badges and submissions.
pub async fn load_me() -> Result<Me, AppError> {
    use crate::db::tenant::{badge_awards, completions, points_ledger};
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;
    use sea_orm::ColumnTrait;

    let (ctx, contact) = hub_with_role(Role::Advocate).await?;
    let hub = ctx.hub()?;
    let db = &hub.db;
    let (totals, level) = server::level(&ctx, hub, contact.id).await?;
    let history = db
        .select::<points_ledger::Entity>()
        .filter(points_ledger::Column::ContactId.eq(contact.id))
        .order_by_desc(points_ledger::Column::CreatedAt)
        .limit(100)
        .all()
        .await?
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
        .await?
        .into_iter()
        .map(|b| {
            (
                crate::points::badge_label(&b.badge),
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
        .await?;
    Ok(Me {
        name: contact.display_name.clone(),
        balance: totals.balance,
        lifetime: totals.lifetime,
        level,
        history,
        badges,
        completions: crate::challenges::api::own_rows(&ctx, &contact, mine).await?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub display_name: String,
    pub role: Role,
    pub status: ContactStatus,
}

/// The hub's people, for its team: marketers and admins only (checked here, on the
/// server; advocates and visitors get 403).
pub async fn hub_members() -> Result<Vec<MemberRow>, AppError> {
    use crate::db::tenant::contacts;
    use crate::web::guard::hub_with_role;
    use sea_orm::Order;

    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let rows = ctx
        .hub()?
        .db
        .select::<contacts::Entity>()
        .order_by(contacts::Column::DisplayName, Order::Asc)
        .limit(200)
        .all()
        .await?;
    Ok(rows
        .into_iter()
        .map(|c| MemberRow {
            display_name: c.display_name,
            role: c.role,
            status: c.status,
        })
        .collect())
}
