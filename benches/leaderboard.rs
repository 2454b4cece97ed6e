//! The leaderboard of a large hub on the embedded SQLite default: read from the maintained
//! totals (`points::totals::leaderboard`, the top 25 in index order), against summing the
//! ledger in the database (as Rally did before issue 15) and loading the whole ledger and
//! summing it in Rust (as it did before that).
//!
//!   scripts/bench.sh            (2,000 advocates × 25 ledger lines)
//!   ADVOCATES=500 LINES=10 scripts/bench.sh
use chrono::Datelike;
use rally::db::tenant::points_ledger;
use rally::db::{new_id, sea_orm, TenantDb};
use rally::platform::{migrate, tenants};
use rally::points::totals;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, Set};
use std::collections::HashMap;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Issue 12's way: summed by the database over the whole ledger, one row per advocate.
async fn standings_summed(
    db: &TenantDb,
    since: Option<chrono::DateTime<chrono::Utc>>,
) -> Vec<(uuid::Uuid, i64)> {
    use points_ledger::Column;
    use sea_orm::sea_query::{Alias, Expr, ExprTrait};
    use sea_orm::{Order, QueryOrder, QuerySelect};
    let mut q = db
        .select::<points_ledger::Entity>()
        .filter(Column::Delta.gt(0));
    if let Some(since) = since {
        q = q.filter(Column::CreatedAt.gte(since));
    }
    let sum = Expr::col(Column::Delta).sum();
    q.tuples(|s| {
        s.select_only()
            .column(Column::ContactId)
            .expr_as(sum.clone().cast_as(Alias::new("BIGINT")), "points")
            .group_by(Column::ContactId)
            .order_by(sum, Order::Desc)
            .order_by(Expr::col(Column::CreatedAt).max(), Order::Asc)
            .order_by(Column::ContactId, Order::Asc)
    })
    .await
    .unwrap()
}

/// The first way: every earning line to the app, summed there.
async fn standings_in_rust(db: &TenantDb) -> Vec<(uuid::Uuid, i64)> {
    let rows = db
        .select::<points_ledger::Entity>()
        .filter(points_ledger::Column::Delta.gt(0))
        .order_by_asc(points_ledger::Column::CreatedAt)
        .all()
        .await
        .unwrap();
    let mut sums: HashMap<uuid::Uuid, (i64, usize)> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let e = sums.entry(r.contact_id).or_insert((0, 0));
        e.0 += r.delta;
        e.1 = i;
    }
    let mut list: Vec<_> = sums.into_iter().collect();
    list.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .1.cmp(&b.1 .1)));
    list.into_iter().map(|(c, (p, _))| (c, p)).collect()
}

async fn median<F, Fut, T>(runs: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f().await);
        times.push(start.elapsed());
    }
    times.sort();
    times[runs / 2]
}

#[tokio::main]
async fn main() {
    let advocates = env_or("ADVOCATES", 2000);
    let lines = env_or("LINES", 25);
    let runs = env_or("RUNS", 15);
    let dir = std::env::temp_dir().join(format!("rally-bench-{}", std::process::id()));
    let data_dir = dir.display().to_string();
    let config =
        rally::web::Config::from_lookup(|k| (k == "RALLY_DATA_DIR").then(|| data_dir.clone()))
            .unwrap();
    let registry = rally::startup::open_databases(&config).await.unwrap();
    migrate::migrate_shards(&registry, None).await.unwrap();
    let t = tenants::create(&registry, "bench", "Bench", None, Default::default())
        .await
        .unwrap();
    let db = registry.tenant_db(t.id, t.shard_id).await.unwrap();

    // The ledger: each advocate earns `lines` times and spends once.
    let tx = db.begin().await.unwrap();
    let start = rally::db::now() - chrono::Duration::days(60);
    for a in 0..advocates {
        let contact = new_id();
        for l in 0..=lines {
            let delta = if l == lines {
                -50
            } else {
                ((a * 7 + l * 13) % 200 + 10) as i64
            };
            tx.insert(points_ledger::ActiveModel {
                id: Set(new_id()),
                tenant_id: NotSet,
                contact_id: Set(contact),
                delta: Set(delta),
                reason: Set("bench".into()),
                source_key: Set(format!("bench:{a}:{l}")),
                created_at: Set(start + chrono::Duration::minutes((l * advocates + a) as i64)),
            })
            .await
            .unwrap();
        }
    }
    totals::rebuild(&tx).await.unwrap();
    tx.commit().await.unwrap();

    // Same answer every way, then time them.
    let kept = totals::leaderboard(&db, None, 25, None).await.unwrap();
    let sql = standings_summed(&db, None).await;
    let rust = standings_in_rust(&db).await;
    assert_eq!(sql.len(), rust.len());
    for ((s, r), k) in sql.iter().zip(&rust).zip(&kept.top) {
        assert_eq!(s, r);
        assert_eq!((k.contact_id, k.points), *s);
    }
    let this_month = totals::month_of(rally::db::now());
    let month_start = rally::db::now()
        .date_naive()
        .with_day(1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc());
    let viewer = sql.last().map(|s| s.0);
    let kept_all = median(runs, || totals::leaderboard(&db, None, 25, viewer)).await;
    let kept_month = median(runs, || {
        totals::leaderboard(&db, Some(&this_month), 25, viewer)
    })
    .await;
    let sql_all = median(runs, || standings_summed(&db, None)).await;
    let sql_month = median(runs, || standings_summed(&db, month_start)).await;
    let rust_all = median(runs, || standings_in_rust(&db)).await;
    println!(
        "leaderboard, {advocates} advocates x {lines} earning lines ({} rows), median of {runs}:",
        advocates * (lines + 1)
    );
    println!(
        "  maintained totals, all time      : {:>8.1} ms  (top 25 and the last one's rank)",
        ms(kept_all)
    );
    println!(
        "  maintained totals, this month    : {:>8.1} ms",
        ms(kept_month)
    );
    println!(
        "  summed by the database, all time : {:>8.1} ms",
        ms(sql_all)
    );
    println!(
        "  summed by the database, month    : {:>8.1} ms",
        ms(sql_month)
    );
    println!(
        "  whole ledger summed in Rust      : {:>8.1} ms",
        ms(rust_all)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
