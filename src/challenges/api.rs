//! Server functions behind the challenge pages. Every one checks the role it needs on the
//! server (through `membership::require_role`) and reads only through the tenant handle;
//! an id that is not this hub's is a 404.
use crate::forms::Flash;
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeDetail {
    pub id: String,
    pub title: String,
    /// Sanitised HTML from the Markdown description.
    pub description_html: String,
    pub kind: super::Kind,
    pub points: i64,
    pub requires_approval: bool,
    pub action_url: Option<String>,
    /// Why it cannot be done now, if it cannot.
    pub closed: Option<String>,
    pub flash: Option<Flash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminChallengeRow {
    pub id: String,
    pub title: String,
    pub kind_label: String,
    pub points: i64,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOption {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminChallenges {
    pub rows: Vec<AdminChallengeRow>,
    pub groups: Vec<GroupOption>,
    pub flash: Option<Flash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminChallenge {
    pub id: String,
    pub status: String,
    pub form: super::ChallengeForm,
    pub groups: Vec<GroupOption>,
    pub flash: Option<Flash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub id: String,
    pub challenge: String,
    pub advocate: String,
    pub answer: String,
    pub submitted: String,
    pub status: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub pending: Vec<QueueRow>,
    pub recent: Vec<QueueRow>,
    pub flash: Option<Flash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralRow {
    pub lead: String,
    pub email: String,
    pub company: String,
    pub advocate: String,
    pub status: String,
    pub submitted: String,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    pub use crate::challenges::service::{check_open as open_check, kind_of as kind};
    pub use crate::challenges::COMPLETION_PENDING as PENDING;
    use crate::challenges::{Answer, ChallengeForm};
    use crate::db::tenant::{challenges, completions, groups};
    use crate::db::TenantDb;

    pub use crate::server::context::{hub_with_role, internal, not_found, parse_id};

    pub fn day(t: Option<chrono::DateTime<chrono::Utc>>, minus_one: bool) -> Option<String> {
        t.map(|t| {
            let t = if minus_one {
                t - chrono::Duration::days(1)
            } else {
                t
            };
            t.format("%Y-%m-%d").to_string()
        })
    }

    pub fn markdown(src: &str) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(src));
        ammonia::clean(&html)
    }

    pub async fn group_options(db: &TenantDb) -> Result<Vec<GroupOption>, ServerFnError> {
        Ok(db
            .select::<groups::Entity>()
            .order_by_asc(groups::Column::Name)
            .all()
            .await
            .map_err(internal)?
            .into_iter()
            .map(|g| GroupOption {
                id: g.id.to_string(),
                name: g.name,
            })
            .collect())
    }

    pub fn form_of(c: &challenges::Model) -> ChallengeForm {
        ChallengeForm {
            title: c.title.clone(),
            description: c.description.clone(),
            kind: c.kind.clone(),
            points: c.points.to_string(),
            requires_approval: c.requires_approval.then(|| "on".to_string()),
            starts_on: day(c.starts_at, false).unwrap_or_default(),
            ends_on: day(c.ends_at, true).unwrap_or_default(),
            max_per_advocate: c.max_per_advocate.to_string(),
            target_group: c.target_group_id.map(|g| g.to_string()).unwrap_or_default(),
            action_url: c.action_url.clone().unwrap_or_default(),
        }
    }

    pub async fn queue_rows(
        db: &TenantDb,
        rows: Vec<completions::Model>,
    ) -> Result<Vec<QueueRow>, ServerFnError> {
        use crate::points::ledger::{names, titles};
        let names = names(db, rows.iter().map(|r| r.contact_id).collect())
            .await
            .map_err(internal)?;
        let titles = titles(db, rows.iter().map(|r| r.challenge_id).collect())
            .await
            .map_err(internal)?;
        Ok(rows
            .into_iter()
            .map(|r| QueueRow {
                id: r.id.to_string(),
                challenge: titles.get(&r.challenge_id).cloned().unwrap_or_default(),
                advocate: names.get(&r.contact_id).cloned().unwrap_or_default(),
                answer: serde_json::from_str::<Answer>(&r.answer)
                    .map(|a| a.summary())
                    .unwrap_or_default(),
                submitted: r.created_at.format("%Y-%m-%d %H:%M").to_string(),
                status: r.status,
                note: r.review_note,
            })
            .collect())
    }
}

/// Completions as list rows (for the member's own page).
#[cfg(feature = "ssr")]
pub async fn queue_rows_for(
    db: &crate::db::TenantDb,
    rows: Vec<crate::db::tenant::completions::Model>,
) -> Result<Vec<QueueRow>, ServerFnError> {
    server::queue_rows(db, rows).await
}

/// `/challenges`: what the signed-in member can do now.
#[server(endpoint = "load_challenges")]
pub async fn load_challenges() -> Result<Vec<ChallengeCard>, ServerFnError> {
    use crate::domain::Role;
    use crate::server::context::internal;
    use server::*;
    let (ctx, contact) = hub_with_role(Role::Advocate).await?;
    let open = crate::challenges::service::open_for(&ctx.hub()?.db, contact.id)
        .await
        .map_err(internal)?;
    Ok(open
        .into_iter()
        .map(|(c, used)| ChallengeCard {
            id: c.id.to_string(),
            kind_label: kind(&c).label().to_string(),
            ends_on: day(c.ends_at, true),
            title: c.title,
            points: c.points,
            used,
            max_per_advocate: c.max_per_advocate,
        })
        .collect())
}

/// `/challenges/{id}`: one challenge, with what stops the viewer from doing it, if anything.
#[server(endpoint = "load_challenge")]
pub async fn load_challenge(id: String) -> Result<ChallengeDetail, ServerFnError> {
    use crate::db::tenant::challenges;
    use crate::domain::Role;
    use crate::server::context::internal;
    use server::*;
    let (ctx, contact) = hub_with_role(Role::Advocate).await?;
    let db = &ctx.hub()?.db;
    let c = db
        .find_by_id::<challenges::Entity>(parse_id(&id)?)
        .await
        .map_err(internal)?
        // Drafts are not for advocates' eyes: as good as missing.
        .filter(|c| c.status != crate::challenges::STATUS_DRAFT)
        .ok_or_else(not_found)?;
    let closed = open_check(db, &c, contact.id, crate::db::now())
        .await
        .map_err(internal)?
        .err()
        .map(|e| e.to_string());
    Ok(ChallengeDetail {
        id: c.id.to_string(),
        description_html: markdown(&c.description),
        kind: kind(&c),
        points: c.points,
        requires_approval: c.requires_approval,
        action_url: c.action_url.clone(),
        title: c.title,
        closed,
        flash: ctx.flash("submit").await,
    })
}

/// `/admin/challenges`: every challenge of the hub (marketers and admins).
#[server(endpoint = "admin_challenges")]
pub async fn load_admin_challenges() -> Result<AdminChallenges, ServerFnError> {
    use crate::db::tenant::challenges;
    use crate::domain::Role;
    use crate::server::context::internal;
    use server::*;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let rows = db
        .select::<challenges::Entity>()
        .order_by_desc(challenges::Column::CreatedAt)
        .all()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|c| AdminChallengeRow {
            id: c.id.to_string(),
            kind_label: kind(&c).label().to_string(),
            title: c.title,
            points: c.points,
            status: c.status,
        })
        .collect();
    Ok(AdminChallenges {
        rows,
        groups: group_options(db).await?,
        flash: ctx.flash("challenge").await,
    })
}

/// `/admin/challenges/{id}`: one challenge, for editing.
#[server(endpoint = "admin_challenge")]
pub async fn load_admin_challenge(id: String) -> Result<AdminChallenge, ServerFnError> {
    use crate::db::tenant::challenges;
    use crate::domain::Role;
    use crate::server::context::internal;
    use server::*;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let c = db
        .find_by_id::<challenges::Entity>(parse_id(&id)?)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let flash = ctx.flash("challenge").await;
    // After a failed save the form shows what was typed, not what is stored.
    let form = flash
        .as_ref()
        .filter(|f| f.has_errors())
        .map(|f| crate::challenges::ChallengeForm {
            title: f.value("title"),
            description: f.value("description"),
            kind: f.value("kind"),
            points: f.value("points"),
            requires_approval: Some(f.value("requires_approval")).filter(|v| !v.is_empty()),
            starts_on: f.value("starts_on"),
            ends_on: f.value("ends_on"),
            max_per_advocate: f.value("max_per_advocate"),
            target_group: f.value("target_group"),
            action_url: f.value("action_url"),
        })
        .unwrap_or_else(|| form_of(&c));
    Ok(AdminChallenge {
        id: c.id.to_string(),
        status: c.status,
        form,
        groups: group_options(db).await?,
        flash,
    })
}

/// `/admin/completions`: the approval queue (oldest first) and the latest decisions.
#[server(endpoint = "admin_completions")]
pub async fn load_admin_completions() -> Result<Queue, ServerFnError> {
    use crate::db::tenant::completions;
    use crate::domain::Role;
    use crate::server::context::internal;
    use sea_orm::ColumnTrait;
    use server::*;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let pending = db
        .select::<completions::Entity>()
        .filter(completions::Column::Status.eq(PENDING))
        .order_by_asc(completions::Column::CreatedAt)
        .limit(200)
        .all()
        .await
        .map_err(internal)?;
    let recent = db
        .select::<completions::Entity>()
        .filter(completions::Column::Status.ne(PENDING))
        .order_by_desc(completions::Column::ReviewedAt)
        .limit(20)
        .all()
        .await
        .map_err(internal)?;
    Ok(Queue {
        pending: queue_rows(db, pending).await?,
        recent: queue_rows(db, recent).await?,
        flash: ctx.flash("review").await,
    })
}

/// `/admin/referrals`: the leads advocates referred.
#[server(endpoint = "admin_referrals")]
pub async fn load_admin_referrals() -> Result<Vec<ReferralRow>, ServerFnError> {
    use crate::challenges::Answer;
    use crate::db::tenant::completions;
    use crate::domain::Role;
    use crate::server::context::internal;
    use server::*;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let rows = db
        .select::<completions::Entity>()
        .order_by_desc(completions::Column::CreatedAt)
        .limit(500)
        .all()
        .await
        .map_err(internal)?;
    let names = crate::points::ledger::names(db, rows.iter().map(|r| r.contact_id).collect())
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| match serde_json::from_str::<Answer>(&r.answer) {
            Ok(Answer::Referral {
                name,
                email,
                company,
            }) => Some(ReferralRow {
                lead: name,
                email,
                company,
                advocate: names.get(&r.contact_id).cloned().unwrap_or_default(),
                status: r.status,
                submitted: r.created_at.format("%Y-%m-%d").to_string(),
            }),
            _ => None,
        })
        .collect())
}
