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
    let board =
        super::totals::leaderboard(&hub.db, month.as_deref(), TOP, Some(contact.id)).await?;
    let mut wanted: Vec<_> = board.top.iter().map(|s| s.contact_id).collect();
    wanted.extend(board.own.as_ref().map(|s| s.contact_id));
    let names = ledger::names(&hub.db, wanted).await?;
    let line = |s: &ledger::Standing| Rank {
        rank: s.rank,
        name: names.get(&s.contact_id).cloned().unwrap_or_default(),
        points: s.points,
        is_viewer: s.contact_id == contact.id,
    };
    let top = board.top.iter().map(line).collect();
    let own = board.own.as_ref().map(line);
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
