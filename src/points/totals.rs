//! Maintained totals: each advocate's balance, lifetime points and monthly earnings, kept
//! in `point_totals` and `point_months` by [`add`], which runs in the transaction of the
//! ledger line that changes them. A page reads one row (or the top of an index) instead of
//! summing a hub's whole history; the ledger stays the source of truth, and [`verify`]
//! recomputes everything from it and reports any difference.
use crate::db::tenant::{point_months, point_totals, points_ledger};
use crate::db::{new_id, TenantScope, TenantTx};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict, SimpleExpr};
use sea_orm::{
    ActiveValue::NotSet, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, Order,
    QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// What can be spent: every line.
    pub balance: i64,
    /// What was ever earned: positive lines only (levels are on this).
    pub lifetime: i64,
}

/// One row of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub rank: usize,
    pub contact_id: Uuid,
    pub points: i64,
}

/// The calendar month (UTC) a moment falls in, as `point_months` keys it.
pub fn month_of(at: DateTime<Utc>) -> String {
    at.format("%Y-%m").to_string()
}

fn excluded(col: impl sea_orm::sea_query::IntoIden) -> Expr {
    Expr::col((Alias::new("excluded"), col))
}

/// `own + excluded` for a running total.
fn plus<E: sea_orm::EntityTrait>(col: E::Column) -> SimpleExpr
where
    E::Column: sea_orm::sea_query::IntoIden + Copy,
{
    use sea_orm::sea_query::ExprTrait;
    Expr::col((E::default(), col)).add(excluded(col))
}

/// The later of the stored and the new moment (the new one may be NULL: no earning).
fn later<E: sea_orm::EntityTrait>(col: E::Column) -> SimpleExpr
where
    E::Column: sea_orm::sea_query::IntoIden + Copy,
{
    use sea_orm::sea_query::ExprTrait;
    let own = || Expr::col((E::default(), col));
    Expr::case(
        Condition::all().add(excluded(col).is_not_null()).add(
            Condition::any()
                .add(own().is_null())
                .add(excluded(col).gt(own())),
        ),
        excluded(col),
    )
    .finally(own())
    .into()
}

/// Applies one new ledger line to the totals, in the line's transaction.
pub(super) async fn add(
    db: &TenantTx,
    contact_id: Uuid,
    delta: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    use point_totals::Column as T;
    let earned = delta.max(0);
    db.upsert(
        point_totals::ActiveModel {
            id: Set(new_id()),
            tenant_id: NotSet,
            contact_id: Set(contact_id),
            balance: Set(delta),
            lifetime: Set(earned),
            last_earned_at: Set((earned > 0).then_some(at)),
        },
        OnConflict::columns([T::TenantId, T::ContactId])
            .value(T::Balance, plus::<point_totals::Entity>(T::Balance))
            .value(T::Lifetime, plus::<point_totals::Entity>(T::Lifetime))
            .value(
                T::LastEarnedAt,
                later::<point_totals::Entity>(T::LastEarnedAt),
            )
            .to_owned(),
    )
    .await?;
    if earned > 0 {
        use point_months::Column as M;
        db.upsert(
            point_months::ActiveModel {
                id: Set(new_id()),
                tenant_id: NotSet,
                contact_id: Set(contact_id),
                month: Set(month_of(at)),
                earned: Set(earned),
                last_earned_at: Set(at),
            },
            OnConflict::columns([M::TenantId, M::Month, M::ContactId])
                .value(M::Earned, plus::<point_months::Entity>(M::Earned))
                .value(
                    M::LastEarnedAt,
                    later::<point_months::Entity>(M::LastEarnedAt),
                )
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

/// An advocate's totals (one row read, whatever their history).
pub async fn of<C: ConnectionTrait>(
    db: &TenantScope<C>,
    contact_id: Uuid,
) -> Result<Totals, DbErr> {
    Ok(db
        .select::<point_totals::Entity>()
        .filter(point_totals::Column::ContactId.eq(contact_id))
        .one()
        .await?
        .map(|t| Totals {
            balance: t.balance,
            lifetime: t.lifetime,
        })
        .unwrap_or_default())
}

/// A leaderboard: its first lines, and the viewer's own line when it is further down.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Board {
    pub top: Vec<Standing>,
    pub own: Option<Standing>,
}

/// Who earned most, all time (`month: None`) or in one month (`YYYY-MM`); ties go to
/// whoever reached the total first. Read from the maintained totals in rank order, so it
/// costs the same with 50 or 50,000 advocates — except for the viewer's rank below the
/// top, which counts the lines above theirs.
pub async fn leaderboard<C: ConnectionTrait>(
    db: &TenantScope<C>,
    month: Option<&str>,
    top: usize,
    viewer: Option<Uuid>,
) -> Result<Board, DbErr> {
    let rows = ranked(db, month, Some(top as u64)).await?;
    let top: Vec<Standing> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (contact_id, points, _))| Standing {
            rank: i + 1,
            contact_id,
            points,
        })
        .collect();
    let own = match viewer {
        Some(v) if !top.iter().any(|s| s.contact_id == v) => rank_of(db, month, v).await?,
        _ => None,
    };
    Ok(Board { top, own })
}

/// Lines in rank order: (advocate, points, when they last earned).
type Ranked = (Uuid, i64, Option<DateTime<Utc>>);

async fn ranked<C: ConnectionTrait>(
    db: &TenantScope<C>,
    month: Option<&str>,
    limit: Option<u64>,
) -> Result<Vec<Ranked>, DbErr> {
    match month {
        None => {
            use point_totals::Column as T;
            let mut q = db
                .select::<point_totals::Entity>()
                .filter(T::Lifetime.gt(0))
                .order_by(T::Lifetime, Order::Desc)
                .order_by(T::LastEarnedAt, Order::Asc)
                .order_by(T::ContactId, Order::Asc);
            if let Some(n) = limit {
                q = q.limit(n);
            }
            q.tuples(|s| {
                s.select_only()
                    .column(T::ContactId)
                    .column(T::Lifetime)
                    .column(T::LastEarnedAt)
            })
            .await
        }
        Some(month) => {
            use point_months::Column as M;
            let mut q = db
                .select::<point_months::Entity>()
                .filter(M::Month.eq(month))
                .order_by(M::Earned, Order::Desc)
                .order_by(M::LastEarnedAt, Order::Asc)
                .order_by(M::ContactId, Order::Asc);
            if let Some(n) = limit {
                q = q.limit(n);
            }
            let rows: Vec<(Uuid, i64, DateTime<Utc>)> = q
                .tuples(|s| {
                    s.select_only()
                        .column(M::ContactId)
                        .column(M::Earned)
                        .column(M::LastEarnedAt)
                })
                .await?;
            Ok(rows
                .into_iter()
                .map(|(c, p, at)| (c, p, Some(at)))
                .collect())
        }
    }
}

/// The viewer's line: their points, and 1 + how many lines rank above them (`None`: they
/// earned nothing in the period).
pub async fn rank_of<C: ConnectionTrait>(
    db: &TenantScope<C>,
    month: Option<&str>,
    viewer: Uuid,
) -> Result<Option<Standing>, DbErr> {
    // Ahead: more points; or as many, reached earlier; or the same moment, smaller id.
    fn ahead<Col: ColumnTrait>(
        points: Col,
        at: Col,
        contact: Col,
        mine: (i64, Option<DateTime<Utc>>, Uuid),
    ) -> Condition {
        let (p, t, c) = mine;
        let mut same_points = Condition::any();
        if let Some(t) = t {
            same_points = same_points
                .add(at.lt(t))
                .add(Condition::all().add(at.eq(t)).add(contact.lt(c)));
        }
        Condition::any()
            .add(points.gt(p))
            .add(Condition::all().add(points.eq(p)).add(same_points))
    }
    let standing = |points: i64, above: u64| Standing {
        rank: above as usize + 1,
        contact_id: viewer,
        points,
    };
    match month {
        None => {
            use point_totals::Column as T;
            let Some(me) = db
                .select::<point_totals::Entity>()
                .filter(T::ContactId.eq(viewer))
                .filter(T::Lifetime.gt(0))
                .one()
                .await?
            else {
                return Ok(None);
            };
            let above = db
                .select::<point_totals::Entity>()
                .filter(T::Lifetime.gt(0))
                .filter(ahead(
                    T::Lifetime,
                    T::LastEarnedAt,
                    T::ContactId,
                    (me.lifetime, me.last_earned_at, viewer),
                ))
                .count()
                .await?;
            Ok(Some(standing(me.lifetime, above)))
        }
        Some(month) => {
            use point_months::Column as M;
            let Some(me) = db
                .select::<point_months::Entity>()
                .filter(M::Month.eq(month))
                .filter(M::ContactId.eq(viewer))
                .one()
                .await?
            else {
                return Ok(None);
            };
            let above = db
                .select::<point_months::Entity>()
                .filter(M::Month.eq(month))
                .filter(ahead(
                    M::Earned,
                    M::LastEarnedAt,
                    M::ContactId,
                    (me.earned, Some(me.last_earned_at), viewer),
                ))
                .count()
                .await?;
            Ok(Some(standing(me.earned, above)))
        }
    }
}

/// Every advocate who earned anything, with their lifetime points, in rank order.
pub async fn all_standings<C: ConnectionTrait>(
    db: &TenantScope<C>,
    month: Option<&str>,
) -> Result<Vec<Standing>, DbErr> {
    Ok(ranked(db, month, None)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, (contact_id, points, _))| Standing {
            rank: i + 1,
            contact_id,
            points,
        })
        .collect())
}

/// What the ledger adds up to, computed from every line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct FromLedger {
    totals: HashMap<Uuid, (i64, i64, Option<DateTime<Utc>>)>,
    months: HashMap<(Uuid, String), (i64, DateTime<Utc>)>,
}

/// Lines read per query while recomputing (keyset pages, so memory stays flat).
const PAGE: u64 = 10_000;

async fn from_ledger<C: ConnectionTrait>(db: &TenantScope<C>) -> Result<FromLedger, DbErr> {
    use points_ledger::Column as L;
    let mut out = FromLedger::default();
    let mut after: Option<Uuid> = None;
    loop {
        let mut q = db.select::<points_ledger::Entity>();
        if let Some(id) = after {
            q = q.filter(L::Id.gt(id));
        }
        let page: Vec<(Uuid, Uuid, i64, DateTime<Utc>)> = q
            .order_by_asc(L::Id)
            .limit(PAGE)
            .tuples(|s| {
                s.select_only()
                    .column(L::Id)
                    .column(L::ContactId)
                    .column(L::Delta)
                    .column(L::CreatedAt)
            })
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.0);
        for (_, contact, delta, at) in page {
            let t = out.totals.entry(contact).or_insert((0, 0, None));
            t.0 += delta;
            if delta > 0 {
                t.1 += delta;
                t.2 = Some(t.2.map_or(at, |prev| prev.max(at)));
                let m = out.months.entry((contact, month_of(at))).or_insert((0, at));
                m.0 += delta;
                m.1 = m.1.max(at);
            }
        }
    }
    Ok(out)
}

async fn stored<C: ConnectionTrait>(db: &TenantScope<C>) -> Result<FromLedger, DbErr> {
    let mut out = FromLedger::default();
    for t in db.select::<point_totals::Entity>().all().await? {
        out.totals
            .insert(t.contact_id, (t.balance, t.lifetime, t.last_earned_at));
    }
    for m in db.select::<point_months::Entity>().all().await? {
        out.months
            .insert((m.contact_id, m.month), (m.earned, m.last_earned_at));
    }
    Ok(out)
}

/// One advocate whose maintained totals are not what their ledger adds up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub contact_id: Uuid,
    /// `balance`, `lifetime`, `last earned` or `earned in YYYY-MM`.
    pub what: String,
    pub ledger: String,
    pub stored: String,
}

/// Recomputes the hub's totals from its ledger and lists every difference from the
/// maintained ones (none: they agree).
pub async fn verify<C: ConnectionTrait>(db: &TenantScope<C>) -> Result<Vec<Difference>, DbErr> {
    let want = from_ledger(db).await?;
    let have = stored(db).await?;
    let mut out = Vec::new();
    let show = |v: Option<DateTime<Utc>>| v.map_or("never".to_string(), |t| t.to_rfc3339());
    let mut contacts: Vec<Uuid> = want
        .totals
        .keys()
        .chain(have.totals.keys())
        .copied()
        .collect();
    contacts.sort();
    contacts.dedup();
    for c in contacts {
        let w = want.totals.get(&c).copied().unwrap_or_default();
        let h = have.totals.get(&c).copied().unwrap_or_default();
        let mut differ = |what: &str, ledger: String, stored: String| {
            if ledger != stored {
                out.push(Difference {
                    contact_id: c,
                    what: what.to_string(),
                    ledger,
                    stored,
                });
            }
        };
        differ("balance", w.0.to_string(), h.0.to_string());
        differ("lifetime", w.1.to_string(), h.1.to_string());
        differ("last earned", show(w.2), show(h.2));
    }
    let mut months: Vec<&(Uuid, String)> = want.months.keys().chain(have.months.keys()).collect();
    months.sort();
    months.dedup();
    for key in months {
        let w = want.months.get(key);
        let h = have.months.get(key);
        if w != h {
            let show = |v: Option<&(i64, DateTime<Utc>)>| {
                v.map_or("nothing".to_string(), |(p, at)| {
                    format!("{p} (last {})", at.to_rfc3339())
                })
            };
            out.push(Difference {
                contact_id: key.0,
                what: format!("earned in {}", key.1),
                ledger: show(w),
                stored: show(h),
            });
        }
    }
    Ok(out)
}

/// Rows written per statement when rebuilding.
const WRITE_BATCH: usize = 500;

/// Replaces the hub's maintained totals with what its ledger adds up to (in the caller's
/// transaction). Used to fill them the first time, and to repair.
pub async fn rebuild(db: &TenantTx) -> Result<(), DbErr> {
    // Writers of totals wait until this commits, and the ledger is read after that point:
    // an award whose line this does not see adds its delta after the rebuild, one it sees
    // has already committed. (On SQLite, the deletes come first for the same reason: the
    // first write takes the database's one write lock.)
    db.lock_table::<point_totals::Entity>().await?;
    db.lock_table::<point_months::Entity>().await?;
    db.delete_where::<point_totals::Entity>(Condition::all())
        .await?;
    db.delete_where::<point_months::Entity>(Condition::all())
        .await?;
    let want = from_ledger(db).await?;
    let totals: Vec<_> = want
        .totals
        .into_iter()
        .map(
            |(contact, (balance, lifetime, last))| point_totals::ActiveModel {
                id: Set(new_id()),
                tenant_id: NotSet,
                contact_id: Set(contact),
                balance: Set(balance),
                lifetime: Set(lifetime),
                last_earned_at: Set(last),
            },
        )
        .collect();
    for chunk in totals.chunks(WRITE_BATCH) {
        db.insert_many(chunk.to_vec()).await?;
    }
    let months: Vec<_> = want
        .months
        .into_iter()
        .map(
            |((contact, month), (earned, last))| point_months::ActiveModel {
                id: Set(new_id()),
                tenant_id: NotSet,
                contact_id: Set(contact),
                month: Set(month),
                earned: Set(earned),
                last_earned_at: Set(last),
            },
        )
        .collect();
    for chunk in months.chunks(WRITE_BATCH) {
        db.insert_many(chunk.to_vec()).await?;
    }
    Ok(())
}

/// After migrating a shard: fills the totals of every hub on it that has ledger lines and
/// no totals yet (hubs from before totals were kept). Each hub in its own transaction.
pub async fn backfill(shard: &DatabaseConnection) -> Result<usize, DbErr> {
    use sea_orm::Statement;
    let backend = shard.get_database_backend();
    let sql = "SELECT DISTINCT tenant_id FROM points_ledger WHERE tenant_id NOT IN \
               (SELECT tenant_id FROM point_totals)";
    let rows = shard
        .query_all_raw(Statement::from_string(backend, sql))
        .await?;
    let mut filled = 0;
    for row in rows {
        let tenant: Uuid = row.try_get("", "tenant_id")?;
        let db = crate::db::TenantDb::new(tenant, shard.clone());
        let tx = db.begin().await?;
        rebuild(&tx).await?;
        tx.commit().await?;
        filled += 1;
    }
    Ok(filled)
}
