//! Loaders of the challenge pages (run on the server while the page renders). Every one checks the role it needs on the
//! server (through `web::guard`) and reads only through the tenant handle;
//! an id that is not this hub's is a 404.
use super::{ChallengeStatus, CompletionStatus};
pub use crate::ui::cards::ChallengeCard;
use crate::web::flash::Flash;
use crate::web::AppError;
use serde::{Deserialize, Serialize};

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
    /// The challenge's image (a signed URL).
    pub image_url: Option<String>,
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
    pub status: ChallengeStatus,
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
    pub status: ChallengeStatus,
    pub image_url: Option<String>,
    pub image_flash: Option<Flash>,
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
    /// An upload challenge's file: its signed URL, and whether it is an image (else a PDF).
    pub file: Option<(String, bool)>,
    pub submitted: String,
    pub status: CompletionStatus,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub pending: Vec<QueueRow>,
    pub recent: Vec<QueueRow>,
    pub flash: Option<Flash>,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    pub use crate::challenges::service::{check_open as open_check, kind_of as kind};
    pub use crate::challenges::COMPLETION_PENDING as PENDING;
    use crate::challenges::{Answer, ChallengeForm};
    use crate::db::tenant::{challenges, completions, groups};
    use crate::db::TenantDb;
    pub use crate::storage::signing::UrlSigner;

    pub use crate::web::context::parse_id;
    pub use crate::web::guard::hub_with_role;

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

    pub async fn group_options(db: &TenantDb) -> Result<Vec<GroupOption>, AppError> {
        Ok(db
            .select::<groups::Entity>()
            .order_by_asc(groups::Column::Name)
            .all()
            .await?
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
            kind: c.kind.as_str().to_string(),
            points: c.points.to_string(),
            requires_approval: c.requires_approval.then(|| "on".to_string()),
            starts_on: day(c.starts_at, false).unwrap_or_default(),
            ends_on: day(c.ends_at, true).unwrap_or_default(),
            max_per_advocate: c.max_per_advocate.to_string(),
            target_group: c.target_group_id.map(|g| g.to_string()).unwrap_or_default(),
            action_url: c.action_url.clone().unwrap_or_default(),
        }
    }

    /// A signed URL of one of the tenant's files, valid for an hour or two.
    pub fn file_url(signer: &UrlSigner, db: &TenantDb, key: &str) -> String {
        signer.url(db.tenant_id(), key, chrono::Utc::now().timestamp())
    }

    /// Completions as rows, with their advocates' names and challenges' titles at hand.
    pub fn rows_named(
        db: &TenantDb,
        signer: &UrlSigner,
        rows: Vec<completions::Model>,
        names: &std::collections::HashMap<uuid::Uuid, String>,
        titles: &std::collections::HashMap<uuid::Uuid, String>,
    ) -> Vec<QueueRow> {
        rows.into_iter()
            .map(|r| QueueRow {
                id: r.id.to_string(),
                challenge: titles.get(&r.challenge_id).cloned().unwrap_or_default(),
                advocate: names.get(&r.contact_id).cloned().unwrap_or_default(),
                answer: serde_json::from_str::<Answer>(&r.answer)
                    .map(|a| a.summary())
                    .unwrap_or_default(),
                file: r.answer_file_key.as_deref().map(|k| {
                    let image = r.answer_file_type.as_deref() != Some("application/pdf");
                    (file_url(signer, db, k), image)
                }),
                submitted: r.created_at.format("%Y-%m-%d %H:%M").to_string(),
                status: r.status,
                note: r.review_note,
            })
            .collect()
    }
}

/// A member's own completions as list rows: their name is known, and the hub's challenge
/// titles are memoized for the hub (no query here).
#[cfg(feature = "ssr")]
pub async fn own_rows(
    ctx: &crate::web::context::RequestCtx,
    contact: &crate::db::tenant::contacts::Model,
    rows: Vec<crate::db::tenant::completions::Model>,
) -> Result<Vec<QueueRow>, AppError> {
    let hub = ctx.hub()?;
    let db = &hub.db;
    let titles = titles_of(&all_challenges(ctx).await?);
    let names = std::collections::HashMap::from([(contact.id, contact.display_name.clone())]);
    Ok(server::rows_named(
        db,
        &ctx.state.signer,
        rows,
        &names,
        &titles,
    ))
}

/// Every challenge of the hub, drafts and archived ones too (memoized for the hub: titles
/// for lists, without a query per page).
#[cfg(feature = "ssr")]
pub async fn all_challenges(
    ctx: &crate::web::context::RequestCtx,
) -> Result<std::sync::Arc<Vec<crate::db::tenant::challenges::Model>>, AppError> {
    let hub = ctx.hub()?;
    Ok(ctx
        .state
        .hub_cache
        .get(hub.tenant.id, "all challenges", "", || {
            hub.db
                .select::<crate::db::tenant::challenges::Entity>()
                .order_by_asc(crate::db::tenant::challenges::Column::Title)
                .all()
        })
        .await?)
}

#[cfg(feature = "ssr")]
fn titles_of(
    all: &[crate::db::tenant::challenges::Model],
) -> std::collections::HashMap<uuid::Uuid, String> {
    all.iter().map(|c| (c.id, c.title.clone())).collect()
}

/// `/challenges`: what the signed-in member can do now.
pub async fn load_challenges() -> Result<Vec<ChallengeCard>, AppError> {
    use crate::challenges::service;
    use crate::domain::Role;
    use server::*;
    let (ctx, contact) = hub_with_role(Role::Advocate).await?;
    let hub = ctx.hub()?;
    let db = &hub.db;
    let published = ctx
        .state
        .hub_cache
        .get(hub.tenant.id, "published challenges", "", || {
            service::published(db)
        })
        .await?;
    let open = service::open_for(db, &published, contact.id).await?;
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
pub async fn load_challenge(id: String) -> Result<ChallengeDetail, AppError> {
    use crate::db::tenant::challenges;
    use crate::domain::Role;
    use server::*;
    let (ctx, contact) = hub_with_role(Role::Advocate).await?;
    let db = &ctx.hub()?.db;
    let c = db
        .find_by_id::<challenges::Entity>(parse_id(&id)?)
        .await?
        // Drafts are not for advocates' eyes: as good as missing.
        .filter(|c| c.status != crate::challenges::STATUS_DRAFT)
        .ok_or(AppError::NotFound)?;
    let closed = open_check(db, &c, contact.id, crate::db::now())
        .await?
        .err()
        .map(|e| e.to_string());
    Ok(ChallengeDetail {
        id: c.id.to_string(),
        description_html: markdown(&c.description),
        kind: kind(&c),
        points: c.points,
        requires_approval: c.requires_approval,
        action_url: c.action_url.clone(),
        image_url: c
            .image_key
            .as_deref()
            .map(|k| file_url(&ctx.state.signer, db, k)),
        title: c.title,
        closed,
        flash: ctx.flash("submit").await,
    })
}

/// `/admin/challenges`: every challenge of the hub (marketers and admins).
pub async fn load_admin_challenges() -> Result<AdminChallenges, AppError> {
    use crate::db::tenant::challenges;
    use crate::domain::Role;
    use server::*;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let rows = db
        .select::<challenges::Entity>()
        .order_by_desc(challenges::Column::CreatedAt)
        .all()
        .await?
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
pub async fn load_admin_challenge(id: String) -> Result<AdminChallenge, AppError> {
    use crate::db::tenant::challenges;
    use crate::domain::Role;
    use server::*;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let c = db
        .find_by_id::<challenges::Entity>(parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let flash = ctx.flash("challenge").await;
    // After a failed save the form shows what was typed, not what is stored.
    let form = flash
        .as_ref()
        .filter(|f| f.has_errors())
        .and_then(|f| f.form::<crate::challenges::ChallengeForm>())
        .unwrap_or_else(|| form_of(&c));
    Ok(AdminChallenge {
        id: c.id.to_string(),
        status: c.status,
        image_url: c
            .image_key
            .as_deref()
            .map(|k| file_url(&ctx.state.signer, db, k)),
        image_flash: ctx.flash("challenge-image").await,
        form,
        groups: group_options(db).await?,
        flash,
    })
}

/// `/admin/completions`: the approval queue (oldest first) and the latest decisions.
pub async fn load_admin_completions() -> Result<Queue, AppError> {
    use crate::db::tenant::completions;
    use crate::domain::Role;
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
        .await?;
    let recent = db
        .select::<completions::Entity>()
        .filter(completions::Column::Status.ne(PENDING))
        .order_by_desc(completions::Column::ReviewedAt)
        .limit(20)
        .all()
        .await?;
    // One lookup of names for both lists; titles from the hub's memo.
    let ids = pending
        .iter()
        .chain(&recent)
        .map(|c| c.contact_id)
        .collect();
    let names = crate::points::ledger::names(db, ids).await?;
    let titles = titles_of(&all_challenges(&ctx).await?);
    Ok(Queue {
        pending: rows_named(db, &ctx.state.signer, pending, &names, &titles),
        recent: rows_named(db, &ctx.state.signer, recent, &names, &titles),
        flash: ctx.flash("review").await,
    })
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

/// One page of `/admin/referrals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referrals {
    pub rows: Vec<ReferralRow>,
    /// 1-based.
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

/// How many referrals a page of `/admin/referrals` lists.
pub const REFERRALS_PER_PAGE: u64 = 50;

/// `/admin/referrals?page=N`: every lead advocates referred, newest first, paged by the
/// database.
pub async fn load_admin_referrals(page: u64) -> Result<Referrals, AppError> {
    use crate::db::tenant::{completions, referrals};
    use crate::domain::Role;
    use sea_orm::ColumnTrait;
    use server::*;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let total = db.select::<referrals::Entity>().count().await?;
    let pages = total.div_ceil(REFERRALS_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let rows = db
        .select::<referrals::Entity>()
        .order_by_desc(referrals::Column::CreatedAt)
        .order_by_desc(referrals::Column::Id)
        .offset((page - 1) * REFERRALS_PER_PAGE)
        .limit(REFERRALS_PER_PAGE)
        .all()
        .await?;
    let names =
        crate::points::ledger::names(db, rows.iter().map(|r| r.contact_id).collect()).await?;
    let statuses: std::collections::HashMap<_, _> = db
        .select::<completions::Entity>()
        .filter(completions::Column::Id.is_in(rows.iter().map(|r| r.completion_id)))
        .all()
        .await?
        .into_iter()
        .map(|c| (c.id, c.status))
        .collect();
    Ok(Referrals {
        rows: rows
            .into_iter()
            .map(|r| ReferralRow {
                advocate: names.get(&r.contact_id).cloned().unwrap_or_default(),
                status: statuses
                    .get(&r.completion_id)
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                submitted: r.created_at.format("%Y-%m-%d").to_string(),
                lead: r.lead_name,
                email: r.lead_email,
                company: r.lead_company,
            })
            .collect(),
        page,
        pages,
        total,
    })
}
