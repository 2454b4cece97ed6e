//! Loaders of the reward pages (run on the server while the page renders).
use crate::web::flash::Flash;
use crate::web::AppError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardCard {
    pub id: String,
    pub name: String,
    pub description: String,
    pub cost: i64,
    pub stock: Option<i64>,
    /// Why it cannot be redeemed now (too few points, out of stock).
    pub blocked: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedemptionRow {
    pub id: String,
    pub reward: String,
    pub advocate: String,
    pub cost: i64,
    pub status: String,
    pub when: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub balance: i64,
    pub rewards: Vec<RewardCard>,
    pub mine: Vec<RedemptionRow>,
    pub flash: Option<Flash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminRewardRow {
    pub id: String,
    pub name: String,
    pub cost: i64,
    pub stock: Option<i64>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminRewards {
    pub rows: Vec<AdminRewardRow>,
    pub flash: Option<Flash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminReward {
    pub id: String,
    pub form: super::RewardForm,
    pub flash: Option<Flash>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminRedemptions {
    pub open: Vec<RedemptionRow>,
    pub done: Vec<RedemptionRow>,
    pub flash: Option<Flash>,
}

/// The names of every reward of the hub, retired ones too (memoized for the hub).
#[cfg(feature = "ssr")]
async fn reward_names(
    ctx: &crate::web::context::RequestCtx,
) -> Result<std::sync::Arc<std::collections::HashMap<uuid::Uuid, String>>, AppError> {
    use crate::db::tenant::rewards;
    let hub = ctx.hub()?;
    Ok(ctx
        .state
        .hub_cache
        .get(hub.tenant.id, "reward names", "", || async {
            Ok::<_, sea_orm::DbErr>(
                hub.db
                    .select::<rewards::Entity>()
                    .all()
                    .await?
                    .into_iter()
                    .map(|r| (r.id, r.name))
                    .collect(),
            )
        })
        .await?)
}

#[cfg(feature = "ssr")]
fn rows(
    list: Vec<crate::db::tenant::redemptions::Model>,
    names: &std::collections::HashMap<uuid::Uuid, String>,
    rewards: &std::collections::HashMap<uuid::Uuid, String>,
) -> Vec<RedemptionRow> {
    list.into_iter()
        .map(|r| RedemptionRow {
            id: r.id.to_string(),
            reward: rewards.get(&r.reward_id).cloned().unwrap_or_default(),
            advocate: names.get(&r.contact_id).cloned().unwrap_or_default(),
            cost: r.cost,
            status: r.status.to_string(),
            when: r.created_at.format("%Y-%m-%d %H:%M").to_string(),
        })
        .collect()
}

/// `/rewards`: what the member can redeem, and what they did.
pub async fn load_rewards() -> Result<Catalogue, AppError> {
    use crate::db::tenant::{redemptions, rewards};
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;
    use sea_orm::ColumnTrait;
    let (ctx, contact) = hub_with_role(Role::Advocate).await?;
    let db = &ctx.hub()?.db;
    let balance = crate::points::ledger::totals(db, contact.id).await?.balance;
    let list = db
        .select::<rewards::Entity>()
        .filter(rewards::Column::Active.eq(true))
        .order_by_asc(rewards::Column::Cost)
        .all()
        .await?;
    let mine = db
        .select::<redemptions::Entity>()
        .filter(redemptions::Column::ContactId.eq(contact.id))
        .order_by_desc(redemptions::Column::CreatedAt)
        .limit(50)
        .all()
        .await?;
    Ok(Catalogue {
        balance,
        rewards: list
            .into_iter()
            .map(|r| RewardCard {
                id: r.id.to_string(),
                blocked: super::redeem_blocker(balance, r.cost, r.stock),
                name: r.name,
                description: r.description,
                cost: r.cost,
                stock: r.stock,
            })
            .collect(),
        mine: rows(
            mine,
            &std::collections::HashMap::from([(contact.id, contact.display_name.clone())]),
            &*reward_names(&ctx).await?,
        ),
        flash: ctx.flash("redeem").await,
    })
}

/// `/admin/rewards`: the catalogue (marketers and admins).
pub async fn load_admin_rewards() -> Result<AdminRewards, AppError> {
    use crate::db::tenant::rewards;
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let list = db
        .select::<rewards::Entity>()
        .order_by_asc(rewards::Column::Name)
        .all()
        .await?;
    Ok(AdminRewards {
        rows: list
            .into_iter()
            .map(|r| AdminRewardRow {
                id: r.id.to_string(),
                name: r.name,
                cost: r.cost,
                stock: r.stock,
                active: r.active,
            })
            .collect(),
        flash: ctx.flash("reward").await,
    })
}

/// `/admin/rewards/{id}`.
pub async fn load_admin_reward(id: String) -> Result<AdminReward, AppError> {
    use crate::db::tenant::rewards;
    use crate::domain::Role;
    use crate::web::context::parse_id;
    use crate::web::guard::hub_with_role;

    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let r = db
        .find_by_id::<rewards::Entity>(parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let flash = ctx.flash("reward").await;
    // What was typed when the form comes back with errors, else the stored reward.
    let form = match flash.as_ref().and_then(|f| f.form::<super::RewardForm>()) {
        Some(typed) => typed,
        None => super::RewardForm {
            name: r.name.clone(),
            description: r.description.clone(),
            cost: r.cost.to_string(),
            stock: r.stock.map(|s| s.to_string()).unwrap_or_default(),
            active: r.active.then(|| "on".to_string()),
        },
    };
    Ok(AdminReward {
        id: r.id.to_string(),
        form,
        flash,
    })
}

/// `/admin/redemptions`: requested ones to fulfil or cancel, and the latest done.
pub async fn load_admin_redemptions() -> Result<AdminRedemptions, AppError> {
    use crate::db::tenant::redemptions;
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;
    use sea_orm::ColumnTrait;
    let (ctx, _) = hub_with_role(Role::Marketer).await?;
    let db = &ctx.hub()?.db;
    let open = db
        .select::<redemptions::Entity>()
        .filter(redemptions::Column::Status.eq(super::REQUESTED))
        .order_by_asc(redemptions::Column::CreatedAt)
        .limit(200)
        .all()
        .await?;
    let done = db
        .select::<redemptions::Entity>()
        .filter(redemptions::Column::Status.ne(super::REQUESTED))
        .order_by_desc(redemptions::Column::UpdatedAt)
        .limit(30)
        .all()
        .await?;
    let ids = open.iter().chain(&done).map(|r| r.contact_id).collect();
    let names = crate::points::ledger::names(db, ids).await?;
    let rewards = reward_names(&ctx).await?;
    Ok(AdminRedemptions {
        open: rows(open, &names, &rewards),
        done: rows(done, &names, &rewards),
        flash: ctx.flash("redemption").await,
    })
}
