//! The ledger: every change of points is a row keyed by its source, so an award can never
//! be granted twice — the unique index on (tenant, source key) decides, not a read first.
//! Balance and lifetime points are kept as totals beside it (`super::totals`), updated in
//! the transaction of each line; levels and badges follow from them.
use super::{progress, Level, LevelProgress, DEFAULT_LEVELS};
use crate::db::tenant::{
    badge_awards, challenges, completions, contacts, levels, points_ledger, referrals,
};
use crate::db::{new_id, now, TenantScope, TenantTx};
use crate::domain::CompletionStatus;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DbErr, Set};
use std::collections::HashMap;
use uuid::Uuid;

pub use super::totals::{Standing, Totals};

/// Adds a ledger line unless one with `source_key` exists, and the advocate's totals with
/// it (a transaction: the line and its totals are committed together or not at all).
/// Returns whether it was added.
pub async fn award(
    db: &TenantTx,
    contact_id: Uuid,
    delta: i64,
    reason: &str,
    source_key: &str,
) -> Result<bool, DbErr> {
    let at = now();
    let added = db
        .insert_or_ignore(
            points_ledger::ActiveModel {
                id: Set(new_id()),
                tenant_id: NotSet,
                contact_id: Set(contact_id),
                delta: Set(delta),
                reason: Set(reason.to_string()),
                source_key: Set(source_key.to_string()),
                created_at: Set(at),
            },
            [
                points_ledger::Column::TenantId,
                points_ledger::Column::SourceKey,
            ],
        )
        .await?;
    if added {
        super::totals::add(db, contact_id, delta, at).await?;
    }
    if added && delta > 0 {
        let data = serde_json::json!({
            "contact_id": contact_id,
            "points": delta,
            "reason": reason,
            "source": source_key,
        });
        crate::webhooks::emit(db, crate::webhooks::Event::PointsAwarded, data).await?;
    }
    Ok(added)
}

/// An advocate's totals (one maintained row, whatever their history).
pub async fn totals<C: ConnectionTrait>(
    db: &TenantScope<C>,
    contact_id: Uuid,
) -> Result<Totals, DbErr> {
    super::totals::of(db, contact_id).await
}

/// Gives `badge` unless the advocate has it; returns whether it was new.
async fn give_badge<C: ConnectionTrait>(
    db: &TenantScope<C>,
    contact_id: Uuid,
    badge: &str,
) -> Result<bool, DbErr> {
    db.insert_or_ignore(
        badge_awards::ActiveModel {
            id: Set(new_id()),
            tenant_id: NotSet,
            contact_id: Set(contact_id),
            badge: Set(badge.to_string()),
            awarded_at: Set(now()),
        },
        [
            badge_awards::Column::TenantId,
            badge_awards::Column::ContactId,
            badge_awards::Column::Badge,
        ],
    )
    .await
}

/// The hub's ladder, lowest first (the default one if it has none).
pub async fn ladder<C: ConnectionTrait>(db: &TenantScope<C>) -> Result<Vec<Level>, DbErr> {
    let rows = db
        .select::<levels::Entity>()
        .order_by_asc(levels::Column::MinPoints)
        .all()
        .await?;
    Ok(if rows.is_empty() {
        DEFAULT_LEVELS
            .iter()
            .map(|(n, p)| Level {
                name: n.to_string(),
                min_points: *p,
            })
            .collect()
    } else {
        rows.into_iter()
            .map(|l| Level {
                name: l.name,
                min_points: l.min_points,
            })
            .collect()
    })
}

pub async fn level_of<C: ConnectionTrait>(
    db: &TenantScope<C>,
    contact_id: Uuid,
) -> Result<(Totals, LevelProgress), DbErr> {
    let totals = totals(db, contact_id).await?;
    let ladder = ladder(db).await?;
    Ok((totals, progress(totals.lifetime, &ladder)))
}

/// Awards the milestone badges the advocate has reached and not yet got. Idempotent.
pub async fn check_badges<C: ConnectionTrait>(
    db: &TenantScope<C>,
    contact_id: Uuid,
) -> Result<Vec<String>, DbErr> {
    let approved = db
        .select::<completions::Entity>()
        .filter(completions::Column::ContactId.eq(contact_id))
        .filter(completions::Column::Status.eq(CompletionStatus::Approved))
        .all()
        .await?;
    // Referrals whose submission was approved.
    let approved_ids: std::collections::HashSet<Uuid> = approved.iter().map(|c| c.id).collect();
    let referrals = db
        .select::<referrals::Entity>()
        .filter(referrals::Column::ContactId.eq(contact_id))
        .all()
        .await?
        .iter()
        .filter(|r| approved_ids.contains(&r.completion_id))
        .count();
    let lifetime = totals(db, contact_id).await?.lifetime;
    let mut earned = Vec::new();
    if !approved.is_empty() {
        earned.push("first-challenge".to_string());
    }
    if approved.len() >= 5 {
        earned.push("five-challenges".to_string());
    }
    if referrals >= 1 {
        earned.push("first-referral".to_string());
    }
    for level in ladder(db).await?.into_iter().filter(|l| l.min_points > 0) {
        if lifetime >= level.min_points {
            earned.push(format!("level:{}", level.name));
        }
    }
    let mut new = Vec::new();
    for badge in earned {
        if give_badge(db, contact_id, &badge).await? {
            new.push(badge);
        }
    }
    Ok(new)
}

/// After a ladder change: gives every advocate the badge of each level their lifetime
/// points already reach (badges held already are left alone). Returns how many were new.
pub async fn award_reached_levels<C: ConnectionTrait>(
    db: &TenantScope<C>,
    ladder: &[Level],
) -> Result<u64, DbErr> {
    let mut added = 0;
    for s in super::totals::all_standings(db, None).await? {
        for level in ladder.iter().filter(|l| l.min_points > 0) {
            if s.points < level.min_points {
                continue;
            }
            let badge = format!("level:{}", level.name);
            added += u64::from(give_badge(db, s.contact_id, &badge).await?);
        }
    }
    Ok(added)
}

/// Display names of contacts, by id.
pub async fn names<C: ConnectionTrait>(
    db: &TenantScope<C>,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, DbErr> {
    Ok(db
        .select::<contacts::Entity>()
        .filter(contacts::Column::Id.is_in(ids))
        .all()
        .await?
        .into_iter()
        .map(|c| (c.id, c.display_name))
        .collect())
}

/// Challenge titles, by id.
pub async fn titles<C: ConnectionTrait>(
    db: &TenantScope<C>,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, DbErr> {
    Ok(db
        .select::<challenges::Entity>()
        .filter(challenges::Column::Id.is_in(ids))
        .all()
        .await?
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect())
}
