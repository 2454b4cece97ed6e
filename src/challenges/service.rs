//! Challenges and completions on the shard, through the tenant handle. Two rules carry the
//! weight under concurrency:
//!
//! - a submission takes attempt number `n + 1` and the unique index on (tenant, challenge,
//!   advocate, attempt) lets only one of two simultaneous submissions have it;
//! - approval is one `UPDATE … WHERE status = 'pending'`, and the points go to the ledger
//!   under the key `completion:<id>`, so two approvals at once award once.
use super::{
    Answer, ChallengeInput, ChallengeStatus, Kind, COMPLETION_APPROVED, COMPLETION_PENDING,
    COMPLETION_REJECTED, STATUS_DRAFT, STATUS_PUBLISHED,
};
use crate::db::tenant::{challenges, completions, contacts, group_members, referrals};
use crate::db::{is_unique_violation, new_id, now, TenantDb, TenantScope};
use crate::points::ledger;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DbErr, Set};
use uuid::Uuid;

fn day_start((y, m, d): (i32, u32, u32)) -> Option<DateTime<Utc>> {
    NaiveDate::from_ymd_opt(y, m, d)?
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
}

fn row(input: &ChallengeInput) -> Result<challenges::ActiveModel, DbErr> {
    let group = match &input.target_group {
        Some(g) => Some(Uuid::parse_str(g).map_err(|_| DbErr::Custom("bad group id".into()))?),
        None => None,
    };
    Ok(challenges::ActiveModel {
        id: NotSet,
        tenant_id: NotSet,
        title: Set(input.title.clone()),
        description: Set(input.description.clone()),
        kind: Set(input.kind),
        points: Set(input.points),
        requires_approval: Set(input.requires_approval),
        starts_at: Set(input.starts_on.and_then(day_start)),
        // Inclusive end day: open until the next midnight.
        ends_at: Set(input
            .ends_on
            .and_then(day_start)
            .map(|d| d + chrono::Duration::days(1))),
        max_per_advocate: Set(input.max_per_advocate),
        target_group_id: Set(group),
        action_url: Set(input.action_url.clone()),
        // Set by its own form (`handlers::upload_image`), never by the text form.
        image_key: NotSet,
        status: NotSet,
        created_at: NotSet,
        updated_at: Set(now()),
    })
}

pub async fn create(db: &TenantDb, input: &ChallengeInput) -> Result<challenges::Model, DbErr> {
    let mut r = row(input)?;
    r.id = Set(new_id());
    r.status = Set(STATUS_DRAFT);
    r.created_at = Set(now());
    db.insert(r).await
}

/// Returns rows changed (0: no such challenge in this hub).
pub async fn update(db: &TenantDb, id: Uuid, input: &ChallengeInput) -> Result<u64, DbErr> {
    let mut r = row(input)?;
    r.id = Set(id);
    db.update(r).await
}

pub async fn set_status(db: &TenantDb, id: Uuid, status: ChallengeStatus) -> Result<u64, DbErr> {
    db.update(challenges::ActiveModel {
        id: Set(id),
        status: Set(status),
        updated_at: Set(now()),
        ..Default::default()
    })
    .await
}

/// Why a challenge cannot be completed now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Closed {
    #[error("this challenge is not open")]
    NotPublished,
    #[error("this challenge has not started yet")]
    NotStarted,
    #[error("this challenge has ended")]
    Ended,
    #[error("this challenge is for another group")]
    NotTargeted,
    #[error("you have already completed this challenge as often as it allows")]
    UsedUp,
}

/// How many of an advocate's attempts count (pending or approved) and exist at all.
pub async fn attempts<C: ConnectionTrait>(
    db: &TenantScope<C>,
    challenge_id: Uuid,
    contact_id: Uuid,
) -> Result<(i64, i64), DbErr> {
    let all = db
        .select::<completions::Entity>()
        .filter(completions::Column::ChallengeId.eq(challenge_id))
        .filter(completions::Column::ContactId.eq(contact_id))
        .all()
        .await?;
    let counting = all
        .iter()
        .filter(|c| c.status != COMPLETION_REJECTED)
        .count() as i64;
    Ok((counting, all.iter().map(|c| c.seq).max().unwrap_or(0)))
}

async fn in_group<C: ConnectionTrait>(
    db: &TenantScope<C>,
    group: Uuid,
    contact_id: Uuid,
) -> Result<bool, DbErr> {
    Ok(db
        .select::<group_members::Entity>()
        .filter(group_members::Column::GroupId.eq(group))
        .filter(group_members::Column::ContactId.eq(contact_id))
        .one()
        .await?
        .is_some())
}

/// Why `c` is closed to everyone at `at` (status and dates), if it is.
fn closed_at(c: &challenges::Model, at: DateTime<Utc>) -> Option<Closed> {
    if c.status != STATUS_PUBLISHED {
        Some(Closed::NotPublished)
    } else if c.starts_at.is_some_and(|s| at < s) {
        Some(Closed::NotStarted)
    } else if c.ends_at.is_some_and(|e| at >= e) {
        Some(Closed::Ended)
    } else {
        None
    }
}

/// `Ok(used)` while the advocate has attempts left.
fn within_limit(c: &challenges::Model, used: i64) -> Result<i64, Closed> {
    if used >= c.max_per_advocate {
        Err(Closed::UsedUp)
    } else {
        Ok(used)
    }
}

/// Whether `contact` may complete `c` now; `Ok(used)` when it may.
pub async fn check_open<C: ConnectionTrait>(
    db: &TenantScope<C>,
    c: &challenges::Model,
    contact_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Result<i64, Closed>, DbErr> {
    if let Some(closed) = closed_at(c, at) {
        return Ok(Err(closed));
    }
    if let Some(g) = c.target_group_id {
        if !in_group(db, g, contact_id).await? {
            return Ok(Err(Closed::NotTargeted));
        }
    }
    let (used, _) = attempts(db, c.id, contact_id).await?;
    Ok(within_limit(c, used))
}

/// The hub's published challenges, newest first (hub-wide: pages memoize it).
pub async fn published(db: &TenantDb) -> Result<Vec<challenges::Model>, DbErr> {
    db.select::<challenges::Entity>()
        .filter(challenges::Column::Status.eq(STATUS_PUBLISHED))
        .order_by_desc(challenges::Column::CreatedAt)
        .all()
        .await
}

/// Of the `published` challenges, those `contact` can do now, with how often each was
/// used: the same rules as [`check_open`], from one query of the advocate's own (two when
/// a challenge is for a group), whatever the number of challenges.
pub async fn open_for(
    db: &TenantDb,
    published: &[challenges::Model],
    contact_id: Uuid,
) -> Result<Vec<(challenges::Model, i64)>, DbErr> {
    let at = now();
    let groups: std::collections::HashSet<Uuid> =
        if published.iter().any(|c| c.target_group_id.is_some()) {
            db.select::<group_members::Entity>()
                .filter(group_members::Column::ContactId.eq(contact_id))
                .all()
                .await?
                .into_iter()
                .map(|m| m.group_id)
                .collect()
        } else {
            Default::default()
        };
    let mut used: std::collections::HashMap<Uuid, i64> = std::collections::HashMap::new();
    for done in db
        .select::<completions::Entity>()
        .filter(completions::Column::ContactId.eq(contact_id))
        .filter(completions::Column::Status.ne(COMPLETION_REJECTED))
        .all()
        .await?
    {
        *used.entry(done.challenge_id).or_default() += 1;
    }
    Ok(published
        .iter()
        .filter(|c| closed_at(c, at).is_none())
        .filter(|c| c.target_group_id.is_none_or(|g| groups.contains(&g)))
        .filter_map(|c| {
            let n = used.get(&c.id).copied().unwrap_or(0);
            within_limit(c, n).ok().map(|n| (c.clone(), n))
        })
        .collect())
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("there is no such challenge")]
    NotFound,
    #[error("{0}")]
    Closed(Closed),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Records a completion: pending when the challenge needs approval, approved (and
/// awarded) at once otherwise.
pub async fn submit(
    db: &TenantDb,
    challenge_id: Uuid,
    contact: &contacts::Model,
    answer: &Answer,
) -> Result<completions::Model, SubmitError> {
    let c = db
        .find_by_id::<challenges::Entity>(challenge_id)
        .await?
        .ok_or(SubmitError::NotFound)?;
    check_open(db, &c, contact.id, now())
        .await?
        .map_err(SubmitError::Closed)?;
    // One read for both the count and the next attempt number: a submission racing this
    // one either is counted here, or takes the same attempt number and collides below.
    let (used, last_seq) = attempts(db, c.id, contact.id).await?;
    if used >= c.max_per_advocate {
        return Err(SubmitError::Closed(Closed::UsedUp));
    }
    let status = if c.requires_approval {
        COMPLETION_PENDING
    } else {
        COMPLETION_APPROVED
    };
    // The submission, its referral (if it is one) and, without approval, its points: one
    // transaction, so a crash never leaves one without the others.
    let tx = db.begin().await?;
    let inserted = tx
        .insert(completions::ActiveModel {
            id: Set(new_id()),
            tenant_id: NotSet,
            challenge_id: Set(c.id),
            contact_id: Set(contact.id),
            seq: Set(last_seq + 1),
            status: Set(status),
            answer: Set(serde_json::to_string(answer).map_err(|e| DbErr::Custom(e.to_string()))?),
            answer_file_key: Set(match answer {
                Answer::Upload { key, .. } => Some(key.clone()),
                _ => None,
            }),
            answer_file_type: Set(match answer {
                Answer::Upload { file_type, .. } => Some(file_type.clone()),
                _ => None,
            }),
            review_note: Set(None),
            reviewed_by: Set(None),
            created_at: Set(now()),
            reviewed_at: Set(None),
        })
        .await;
    let completion = match inserted {
        Ok(x) => x,
        // Another submission of the same attempt got there first.
        Err(e) if is_unique_violation(&e) => return Err(SubmitError::Closed(Closed::UsedUp)),
        Err(e) => return Err(e.into()),
    };
    if let Answer::Referral {
        name,
        email,
        company,
    } = answer
    {
        tx.insert(referrals::ActiveModel {
            id: Set(new_id()),
            tenant_id: NotSet,
            completion_id: Set(completion.id),
            contact_id: Set(contact.id),
            lead_name: Set(name.clone()),
            lead_email: Set(email.clone()),
            lead_company: Set(company.clone()),
            created_at: Set(completion.created_at),
        })
        .await?;
    }
    crate::crash::point("submit:before-award");
    if !c.requires_approval {
        grant(&tx, &completion, &c).await?;
    }
    crate::webhooks::emit(
        &tx,
        crate::webhooks::Event::CompletionSubmitted,
        completion_data(&completion, &c),
    )
    .await?;
    tx.commit().await?;
    Ok(completion)
}

/// A completion as webhooks and the API describe it.
pub fn completion_data(
    completion: &completions::Model,
    challenge: &challenges::Model,
) -> serde_json::Value {
    serde_json::json!({
        "completion_id": completion.id,
        "challenge_id": challenge.id,
        "challenge_title": challenge.title,
        "contact_id": completion.contact_id,
        "status": completion.status.as_str(),
        "points": challenge.points,
    })
}

/// The points and badges of an approved completion (idempotent by its ledger key).
async fn grant(
    db: &crate::db::TenantTx,
    completion: &completions::Model,
    challenge: &challenges::Model,
) -> Result<bool, DbErr> {
    let awarded = ledger::award(
        db,
        completion.contact_id,
        challenge.points,
        &format!("Completed “{}”", challenge.title),
        &format!("completion:{}", completion.id),
    )
    .await?;
    ledger::check_badges(db, completion.contact_id).await?;
    Ok(awarded)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    Approve,
    Reject,
}

/// Approves or rejects a pending completion. Returns `false` when it was not pending (not
/// found in this hub, or already reviewed — by a concurrent request, say).
pub async fn review(
    db: &TenantDb,
    completion_id: Uuid,
    decision: Review,
    reviewer: Uuid,
    note: Option<String>,
) -> Result<bool, DbErr> {
    let status = match decision {
        Review::Approve => COMPLETION_APPROVED,
        Review::Reject => COMPLETION_REJECTED,
    };
    let tx = db.begin().await?;
    // Write first: on SQLite this takes the write lock before anything is read.
    let changed = tx
        .update_where(
            completions::ActiveModel {
                status: Set(status),
                review_note: Set(note),
                reviewed_by: Set(Some(reviewer)),
                reviewed_at: Set(Some(now())),
                ..Default::default()
            },
            sea_orm::Condition::all()
                .add(completions::Column::Id.eq(completion_id))
                .add(completions::Column::Status.eq(COMPLETION_PENDING)),
        )
        .await?;
    if changed != 1 {
        return Ok(false);
    }
    let completion = tx
        .find_by_id::<completions::Entity>(completion_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("completion".into()))?;
    let challenge = tx
        .find_by_id::<challenges::Entity>(completion.challenge_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("challenge".into()))?;
    let event = match decision {
        Review::Approve => {
            grant(&tx, &completion, &challenge).await?;
            crate::webhooks::Event::CompletionApproved
        }
        Review::Reject => crate::webhooks::Event::CompletionRejected,
    };
    crate::webhooks::emit(&tx, event, completion_data(&completion, &challenge)).await?;
    tx.commit().await?;
    Ok(true)
}

/// The kind of a stored challenge (rows are written through [`create`], so it parses).
pub fn kind_of(c: &challenges::Model) -> Kind {
    c.kind
}
