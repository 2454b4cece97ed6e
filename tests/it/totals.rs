//! Maintained points totals: after concurrent awards, redemptions (spending), refunds and
//! cancellations they equal what the ledger adds up to, on both backends; a planted
//! difference is reported by `rally points verify` (exit 1), and `--repair` rebuilds.
use crate::helpers::{backends, hub_db, spawn_demo, TestEnv};
use rally::db::sea_orm::sea_query::{Expr, ExprTrait};
use rally::db::sea_orm::ColumnTrait;
use rally::db::tenant::{contacts, point_totals, points_ledger};
use rally::db::TenantDb;
use rally::points::{ledger, totals};
use rally::rewards::service::{self as rewards, MailContext};
use std::collections::HashMap;

/// What the ledger says, summed here from every line.
async fn summed(db: &TenantDb) -> HashMap<rally::db::uuid::Uuid, (i64, i64)> {
    let mut out: HashMap<_, (i64, i64)> = HashMap::new();
    for l in db.select::<points_ledger::Entity>().all().await.unwrap() {
        let e = out.entry(l.contact_id).or_default();
        e.0 += l.delta;
        e.1 += std::cmp::max(l.delta, 0);
    }
    out
}

fn cli(env: &TestEnv, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rally"));
    cmd.args(args)
        .env_clear()
        .env("RALLY_DATA_DIR", env.dir.path())
        .env("RALLY_LOG", "error");
    if let Some(pg) = &env.pg {
        cmd.env("RALLY_DATABASE_URL", pg.url("global"));
    }
    cmd.output().expect("run rally")
}

async fn totals_follow_the_ledger(env: &TestEnv) {
    let app = spawn_demo(env).await;
    let db = hub_db(&app, "acme").await;
    let people = db.select::<contacts::Entity>().all().await.unwrap();
    assert!(people.len() >= 2);
    let reward = rewards::create(
        &db,
        &rally::rewards::RewardInput {
            name: "Mug".into(),
            description: String::new(),
            cost: 15,
            stock: None,
            active: true,
        },
    )
    .await
    .unwrap();

    // Eight writers at once: awards (some negative: corrections), and redemptions of
    // which every other one is cancelled (a refund).
    let mut tasks = Vec::new();
    for w in 0..8 {
        let db = db.clone();
        let people = people.clone();
        tasks.push(tokio::spawn(async move {
            let ctx = MailContext {
                hub_name: "Acme",
                request_id: None,
            };
            for i in 0..12 {
                let who = &people[(w + i) % people.len()];
                let delta = if i % 5 == 4 {
                    -7
                } else {
                    10 + (w * i) as i64 % 13
                };
                let tx = db.begin().await.unwrap();
                ledger::award(&tx, who.id, delta, "test", &format!("test:{w}:{i}"))
                    .await
                    .unwrap();
                // The same key again adds nothing.
                assert!(
                    !ledger::award(&tx, who.id, delta, "test", &format!("test:{w}:{i}"))
                        .await
                        .unwrap()
                );
                tx.commit().await.unwrap();
                if i % 3 == 0 {
                    match rewards::redeem(&db, reward.id, who, &ctx).await {
                        Ok(r) if i % 2 == 0 => {
                            assert!(rewards::cancel(&db, r.id, &ctx).await.unwrap());
                        }
                        Ok(_)
                        | Err(rewards::RedeemError::InsufficientPoints(_))
                        | Err(rewards::RedeemError::Deactivated) => {}
                        Err(e) => panic!("redeem: {e}"),
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }

    assert_eq!(totals::verify(&db).await.unwrap(), vec![]);
    let want = summed(&db).await;
    for p in &people {
        let t = totals::of(&db, p.id).await.unwrap();
        let (balance, lifetime) = want.get(&p.id).copied().unwrap_or_default();
        assert_eq!(
            (t.balance, t.lifetime),
            (balance, lifetime),
            "{}",
            p.display_name
        );
        assert!(t.balance >= 0, "nobody spends more than they have");
    }
    // The leaderboard reads the totals in rank order.
    let board = totals::leaderboard(&db, None, 3, Some(people[0].id))
        .await
        .unwrap();
    let mut ranked: Vec<_> = want.iter().filter(|(_, v)| v.1 > 0).collect();
    ranked.sort_by_key(|b| std::cmp::Reverse(b.1 .1));
    assert_eq!(board.top[0].points, ranked[0].1 .1);

    // A planted difference is found by the library and by the CLI, and repaired.
    let victim = people[1].id;
    db.update_exprs_where::<point_totals::Entity>(
        vec![(
            point_totals::Column::Balance,
            Expr::col(point_totals::Column::Balance).add(7),
        )],
        point_totals::Column::ContactId.eq(victim),
    )
    .await
    .unwrap();
    let diffs = totals::verify(&db).await.unwrap();
    assert_eq!(diffs.len(), 1, "{diffs:?}");
    assert_eq!(
        (diffs[0].contact_id, diffs[0].what.as_str()),
        (victim, "balance")
    );
    let o = cli(env, &["points", "verify", "acme"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(&victim.to_string()) && out.contains("balance"),
        "{out}"
    );
    let o = cli(env, &["points", "verify", "acme", "--repair"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(totals::verify(&db).await.unwrap(), vec![]);
    let o = cli(env, &["points", "verify"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let o = cli(env, &["points", "verify", "nope"]);
    assert_eq!(o.status.code(), Some(1));

    // Hubs from before totals were kept get them from their ledger when migrated.
    db.delete_where::<point_totals::Entity>(point_totals::Column::Balance.is_not_null())
        .await
        .unwrap();
    assert_ne!(totals::verify(&db).await.unwrap(), vec![]);
    let t = rally::platform::tenants::find_by_slug(&app.state.registry, "acme")
        .await
        .unwrap()
        .unwrap();
    let shard = app
        .state
        .registry
        .shard_connection(t.shard_id)
        .await
        .unwrap();
    rally::platform::migrate::migrate_shard_database(&shard)
        .await
        .unwrap();
    assert_eq!(totals::verify(&db).await.unwrap(), vec![]);
}

#[tokio::test]
async fn maintained_totals_equal_the_ledger_after_concurrent_writes() {
    for env in backends().await {
        totals_follow_the_ledger(&env).await;
    }
}
