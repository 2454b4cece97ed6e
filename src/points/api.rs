//! Loaders of the points pages: the leaderboard and the levels editor.
use crate::web::AppError;
use serde::{Deserialize, Serialize};

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

/// How many lines the leaderboard shows (the viewer's own line is added below).
#[cfg(feature = "ssr")]
const TOP: usize = 25;

/// `/leaderboard`: `period` is `all` or `month`.
pub async fn load_leaderboard(period: String) -> Result<Leaderboard, AppError> {
    use super::ledger;
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;

    let (ctx, contact) = hub_with_role(Role::Advocate).await?;
    let hub = ctx.hub()?;
    let month = (period == "month").then(|| super::totals::month_of(chrono::Utc::now()));
    let db = &hub.db;
    // The top is the same for every member: memoized for the hub, names included.
    let top = ctx
        .state
        .hub_cache
        .get(
            hub.tenant.id,
            "leaderboard",
            month.as_deref().unwrap_or("all"),
            || async {
                let board = super::totals::leaderboard(db, month.as_deref(), TOP, None).await?;
                let ids = board.top.iter().map(|s| s.contact_id).collect();
                let names = ledger::names(db, ids).await?;
                Ok::<_, sea_orm::DbErr>(
                    board
                        .top
                        .into_iter()
                        .map(|s| {
                            let name = names.get(&s.contact_id).cloned().unwrap_or_default();
                            (s, name)
                        })
                        .collect::<Vec<_>>(),
                )
            },
        )
        .await?;
    let line = |s: &ledger::Standing, name: String| Rank {
        rank: s.rank,
        name,
        points: s.points,
        is_viewer: s.contact_id == contact.id,
    };
    let own = if top.iter().any(|(s, _)| s.contact_id == contact.id) {
        None
    } else {
        super::totals::rank_of(db, month.as_deref(), contact.id)
            .await?
            .map(|s| line(&s, contact.display_name.clone()))
    };
    let top = top.iter().map(|(s, n)| line(s, n.clone())).collect();
    Ok(Leaderboard { top, own })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelsPage {
    pub ladder: Vec<super::Level>,
    /// Whether the hub set its own ladder (otherwise the default applies).
    pub custom: bool,
    pub flash: Option<crate::web::flash::Flash>,
}

/// `/admin/levels` (admins): the hub's ladder.
pub async fn load_admin_levels() -> Result<LevelsPage, AppError> {
    use crate::db::tenant::levels;
    use crate::domain::Role;
    use crate::web::guard::hub_with_role;
    let (ctx, _) = hub_with_role(Role::Admin).await?;
    let db = &ctx.hub()?.db;
    let custom = db.select::<levels::Entity>().count().await? > 0;
    Ok(LevelsPage {
        ladder: super::ledger::ladder(db).await?,
        custom,
        flash: ctx.flash("levels").await,
    })
}
