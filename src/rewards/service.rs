//! Redemptions under concurrency. One shard transaction per redemption:
//!
//! 1. touch the advocate's contact row (a write: on PostgreSQL it locks that row, on
//!    SQLite it takes the write lock), so one advocate's redemptions run one at a time and
//!    the balance read next cannot be overtaken;
//! 2. read the balance from the ledger; too low → nothing changed;
//! 3. `stock = stock - 1 WHERE stock > 0`: zero rows → out of stock, nothing changed;
//! 4. the redemption, the ledger debit (keyed `redemption:<id>`) and the mail to the
//!    advocate, then commit.
//!
//! Cancel is one `UPDATE … WHERE status = 'requested'` then the refund (keyed
//! `refund:<id>`) and the stock back, so two cancels at once refund once.
use super::{RewardInput, CANCELLED, FULFILLED, REQUESTED};
use crate::db::tenant::{contacts, redemptions, rewards};
use crate::db::{new_id, now, TenantDb, TenantTx};
use crate::mail::outbox::queue_for_tenant;
use crate::points::ledger;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::NotSet, ColumnTrait, Condition, DbErr, Set};
use uuid::Uuid;

pub async fn create(db: &TenantDb, input: &RewardInput) -> Result<rewards::Model, DbErr> {
    db.insert(rewards::ActiveModel {
        id: Set(new_id()),
        tenant_id: NotSet,
        name: Set(input.name.clone()),
        description: Set(input.description.clone()),
        cost: Set(input.cost),
        stock: Set(input.stock),
        active: Set(input.active),
        created_at: Set(now()),
        updated_at: Set(now()),
    })
    .await
}

pub async fn update(db: &TenantDb, id: Uuid, input: &RewardInput) -> Result<u64, DbErr> {
    db.update(rewards::ActiveModel {
        id: Set(id),
        name: Set(input.name.clone()),
        description: Set(input.description.clone()),
        cost: Set(input.cost),
        stock: Set(input.stock),
        active: Set(input.active),
        updated_at: Set(now()),
        ..Default::default()
    })
    .await
}

#[derive(Debug, thiserror::Error)]
pub enum RedeemError {
    #[error("there is no such reward")]
    NotFound,
    #[error("this reward is not available")]
    NotAvailable,
    #[error("you need {0} more points for this reward")]
    InsufficientPoints(i64),
    #[error("this reward is out of stock")]
    OutOfStock,
    #[error("your access to this hub has been deactivated")]
    Deactivated,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Who the mail goes to, and what to call things in it.
pub struct MailContext<'a> {
    pub hub_name: &'a str,
    pub request_id: Option<String>,
}

async fn mail(
    tx: &TenantTx,
    contact: &contacts::Model,
    subject: String,
    body: String,
    ctx: &MailContext<'_>,
) -> Result<(), DbErr> {
    if let Some(to) = &contact.email {
        queue_for_tenant(tx, to, &subject, body, ctx.request_id.clone()).await?;
    }
    Ok(())
}

pub async fn redeem(
    db: &TenantDb,
    reward_id: Uuid,
    contact: &contacts::Model,
    ctx: &MailContext<'_>,
) -> Result<redemptions::Model, RedeemError> {
    let tx = db.begin().await?;
    let touched = tx
        .update_exprs_where::<contacts::Entity>(
            vec![(
                contacts::Column::Status,
                Expr::value(crate::domain::ContactStatus::Active),
            )],
            Condition::all()
                .add(contacts::Column::Id.eq(contact.id))
                .add(contacts::Column::Status.eq(crate::domain::ContactStatus::Active)),
        )
        .await?;
    if touched != 1 {
        return Err(RedeemError::Deactivated);
    }
    let reward = tx
        .find_by_id::<rewards::Entity>(reward_id)
        .await?
        .ok_or(RedeemError::NotFound)?;
    if !reward.active {
        return Err(RedeemError::NotAvailable);
    }
    // Said first, as the page says it: nobody can have it, whatever their balance.
    if reward.stock == Some(0) {
        return Err(RedeemError::OutOfStock);
    }
    let balance = ledger::totals(&tx, contact.id).await?.balance;
    if balance < reward.cost {
        return Err(RedeemError::InsufficientPoints(reward.cost - balance));
    }
    if reward.stock.is_some() {
        let taken = tx
            .update_exprs_where::<rewards::Entity>(
                vec![(
                    rewards::Column::Stock,
                    Expr::col(rewards::Column::Stock).sub(1),
                )],
                Condition::all()
                    .add(rewards::Column::Id.eq(reward.id))
                    .add(rewards::Column::Stock.gt(0)),
            )
            .await?;
        if taken != 1 {
            return Err(RedeemError::OutOfStock);
        }
    }
    let redemption = tx
        .insert(redemptions::ActiveModel {
            id: Set(new_id()),
            tenant_id: NotSet,
            reward_id: Set(reward.id),
            contact_id: Set(contact.id),
            cost: Set(reward.cost),
            status: Set(REQUESTED),
            created_at: Set(now()),
            updated_at: Set(now()),
        })
        .await?;
    ledger::award(
        &tx,
        contact.id,
        -reward.cost,
        &format!("Redeemed “{}”", reward.name),
        &format!("redemption:{}", redemption.id),
    )
    .await?;
    mail(
        &tx,
        contact,
        format!("You redeemed {} — {}", reward.name, ctx.hub_name),
        format!(
            "Hello {},\n\nYou redeemed “{}” for {} points in {}. The team will be in touch when it is on its way.\n",
            contact.display_name, reward.name, reward.cost, ctx.hub_name
        ),
        ctx,
    )
    .await?;
    let data = serde_json::json!({
        "redemption_id": redemption.id,
        "reward_id": reward.id,
        "reward_name": reward.name,
        "contact_id": contact.id,
        "cost": reward.cost,
    });
    crate::webhooks::emit(&tx, crate::webhooks::Event::RewardRedeemed, data).await?;
    tx.commit().await?;
    Ok(redemption)
}

/// requested → fulfilled. `false` when it was not requested (or not this hub's).
pub async fn fulfil(db: &TenantDb, id: Uuid, ctx: &MailContext<'_>) -> Result<bool, DbErr> {
    finish(db, id, FULFILLED, ctx).await
}

/// requested → cancelled, with the points refunded and the stock restored, once.
pub async fn cancel(db: &TenantDb, id: Uuid, ctx: &MailContext<'_>) -> Result<bool, DbErr> {
    finish(db, id, CANCELLED, ctx).await
}

async fn finish(
    db: &TenantDb,
    id: Uuid,
    status: super::RedemptionStatus,
    ctx: &MailContext<'_>,
) -> Result<bool, DbErr> {
    let tx = db.begin().await?;
    let changed = tx
        .update_exprs_where::<redemptions::Entity>(
            vec![
                (redemptions::Column::Status, Expr::value(status)),
                (redemptions::Column::UpdatedAt, Expr::value(now())),
            ],
            Condition::all()
                .add(redemptions::Column::Id.eq(id))
                .add(redemptions::Column::Status.eq(REQUESTED)),
        )
        .await?;
    if changed != 1 {
        return Ok(false);
    }
    let r = tx
        .find_by_id::<redemptions::Entity>(id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("redemption".into()))?;
    let reward = tx
        .find_by_id::<rewards::Entity>(r.reward_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("reward".into()))?;
    let contact = tx
        .find_by_id::<contacts::Entity>(r.contact_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("contact".into()))?;
    if status == FULFILLED {
        let data = serde_json::json!({
            "redemption_id": r.id,
            "reward_id": reward.id,
            "reward_name": reward.name,
            "contact_id": r.contact_id,
            "cost": r.cost,
        });
        crate::webhooks::emit(&tx, crate::webhooks::Event::RewardFulfilled, data).await?;
    }
    let (subject, body) = if status == CANCELLED {
        ledger::award(
            &tx,
            r.contact_id,
            r.cost,
            &format!("Refund for “{}”", reward.name),
            &format!("refund:{}", r.id),
        )
        .await?;
        if reward.stock.is_some() {
            tx.update_exprs_where::<rewards::Entity>(
                vec![(
                    rewards::Column::Stock,
                    Expr::col(rewards::Column::Stock).add(1),
                )],
                rewards::Column::Id.eq(reward.id),
            )
            .await?;
        }
        (
            format!("Your redemption of {} was cancelled", reward.name),
            format!("Hello {},\n\nYour redemption of “{}” in {} was cancelled and its {} points are back in your balance.\n", contact.display_name, reward.name, ctx.hub_name, r.cost),
        )
    } else {
        (
            format!("{} is on its way", reward.name),
            format!(
                "Hello {},\n\nGood news: your “{}” from {} has been sent.\n",
                contact.display_name, reward.name, ctx.hub_name
            ),
        )
    };
    mail(&tx, &contact, subject, body, ctx).await?;
    tx.commit().await?;
    Ok(true)
}
