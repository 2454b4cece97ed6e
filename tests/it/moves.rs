//! Moving a hub to another shard while it is used: submissions, approvals and
//! redemptions go on during the move (refused with "moving" only while writes are paused),
//! none is lost or doubled, reads never fail, and afterwards every row is on the target and
//! none on the source. A move killed at any phase is finished by running it again. A job
//! running when the hub would pause is waited for, so it runs once.
use crate::helpers::{
    backends, hub_db, job_row, raw_statement, shard_row, spawn_demo, tenant, TestApp, TestEnv,
};
use rally::challenges::{service, Answer, ChallengeForm, STATUS_PUBLISHED};
use rally::db::sea_orm::sea_query::Expr;
use rally::db::sea_orm::{ColumnTrait, ConnectionTrait, NotSet, Set, Statement};
use rally::db::tenant::{completions, contacts, groups, jobs as job_rows, redemptions};
use rally::db::{uuid::Uuid, TenantDb};
use rally::jobs::{self, Handlers, JobCtx, JobStatus, Pass, Worker};
use rally::platform::moves::{self, MoveSettings};
use rally::rewards::service::{self as rewards, MailContext};
use rally::web::AppState;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The hub's handle as an app server finds it: through its (cached) directory lookup.
async fn served_db(state: &AppState, tenant: Uuid) -> TenantDb {
    let t = state.tenants.resolve_id(tenant).await.unwrap().unwrap();
    state.registry.tenant_db(tenant, t.shard_id).await.unwrap()
}

/// Rows of the hub in every tenant table of one shard.
async fn rows_on(app: &TestApp, shard: Uuid, tenant: Uuid) -> u64 {
    let conn = app.state.registry.shard_connection(shard).await.unwrap();
    let mut n = 0;
    for table in moves::table_names() {
        let backend = conn.get_database_backend();
        let sql = match backend {
            rally::db::sea_orm::DbBackend::Postgres => {
                format!("SELECT COUNT(*) AS n FROM \"{table}\" WHERE tenant_id = $1")
            }
            _ => format!("SELECT COUNT(*) AS n FROM \"{table}\" WHERE tenant_id = ?"),
        };
        let row = conn
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [tenant.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        n += row.try_get::<i64>("", "n").unwrap() as u64;
    }
    n
}

fn is_moving(e: &rally::db::sea_orm::DbErr) -> bool {
    rally::db::is_tenant_moving(e)
}

#[derive(Default)]
struct Acknowledged {
    submitted: Vec<Uuid>,
    approved: Vec<Uuid>,
    redeemed: Vec<Uuid>,
    refused: usize,
    reads: usize,
}

/// An advocate submitting, a marketer approving and the advocate redeeming, over and over,
/// each write through the hub's handle as a server would find it at that moment. A write
/// refused because the hub is moving is counted and tried again later; any other failure
/// fails the test. Every read must succeed.
async fn keep_writing(
    state: AppState,
    tenant: Uuid,
    challenge: Uuid,
    reward: Uuid,
    advocate: contacts::Model,
    reviewer: Uuid,
    stop: Arc<AtomicBool>,
) -> Acknowledged {
    let mut ack = Acknowledged::default();
    let ctx = MailContext {
        hub_name: "Acme",
        request_id: None,
    };
    let answer = Answer::Question {
        text: "still here".into(),
    };
    let mut pending: Vec<Uuid> = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let db = served_db(&state, tenant).await;
        rally::points::totals::of(&db, advocate.id)
            .await
            .expect("reads succeed throughout the move");
        ack.reads += 1;
        match service::submit(&db, challenge, &advocate, &answer).await {
            Ok(c) => {
                ack.submitted.push(c.id);
                pending.push(c.id);
            }
            Err(service::SubmitError::Db(e)) if is_moving(&e) => ack.refused += 1,
            Err(e) => panic!("a submission failed: {e}"),
        }
        if let Some(id) = pending.first().copied() {
            match service::review(&db, id, service::Review::Approve, reviewer, None).await {
                Ok(true) => {
                    ack.approved.push(id);
                    pending.remove(0);
                }
                Ok(false) => panic!("a pending completion was not pending"),
                Err(e) if is_moving(&e) => ack.refused += 1,
                Err(e) => panic!("an approval failed: {e}"),
            }
        }
        match rewards::redeem(&db, reward, &advocate, &ctx).await {
            Ok(r) => ack.redeemed.push(r.id),
            Err(rewards::RedeemError::InsufficientPoints(_)) => {}
            Err(rewards::RedeemError::Db(e)) if is_moving(&e) => ack.refused += 1,
            Err(e) => panic!("a redemption failed: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    ack
}

/// The demo app, its acme hub, and the shard acme is not on.
async fn acme_and_elsewhere(
    env: &TestEnv,
) -> (
    TestApp,
    rally::db::global::tenants::Model,
    rally::db::global::shards::Model,
) {
    let app = spawn_demo(env).await;
    let tenant = tenant(&app, "acme").await;
    let target = app
        .state
        .registry
        .shards()
        .into_iter()
        .find(|s| s.id != tenant.shard_id)
        .unwrap();
    (app, tenant, target)
}

async fn move_under_writes(env: &TestEnv) {
    let (app, tenant, target) = acme_and_elsewhere(env).await;
    let registry = app.state.registry.clone();
    let source = tenant.shard_id;

    let db = served_db(&app.state, tenant.id).await;
    let form = ChallengeForm {
        title: "Say hello again".into(),
        kind: "question".into(),
        points: "30".into(),
        requires_approval: Some("on".into()),
        max_per_advocate: "1000".into(),
        ..Default::default()
    };
    let challenge = service::create(&db, &form.validate().unwrap())
        .await
        .unwrap();
    service::set_status(&db, challenge.id, STATUS_PUBLISHED)
        .await
        .unwrap();
    let reward = rewards::create(
        &db,
        &rally::rewards::RewardInput {
            name: "Sticker".into(),
            description: String::new(),
            cost: 20,
            stock: None,
            active: true,
        },
    )
    .await
    .unwrap();
    let people = db.select::<contacts::Entity>().all().await.unwrap();
    let alice = people
        .iter()
        .find(|c| c.email.as_deref() == Some("alice@example.com"))
        .unwrap()
        .clone();
    let reviewer = Uuid::now_v7();
    let before_total = rows_on(&app, source, tenant.id).await;

    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn(keep_writing(
        app.state.clone(),
        tenant.id,
        challenge.id,
        reward.id,
        alice.clone(),
        reviewer,
        stop.clone(),
    ));
    // Writes are under way before the move starts, and go on after it ends.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = moves::start(&registry, "acme", &target.name).await.unwrap();
    let settings = MoveSettings {
        lease: Duration::from_secs(10),
        drain: Duration::from_secs(10),
        settle: Duration::from_millis(1500),
    };
    let done = moves::run(&registry, started.id, settings, &|_| {})
        .await
        .expect("the move finishes");
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let ack = writer.await.unwrap();

    assert_eq!(done.phase, moves::DONE);
    assert!(done.pause_ms.is_some(), "the pause is measured");
    assert!(
        ack.submitted.len() >= 5,
        "writes went on: {}",
        ack.submitted.len()
    );
    assert!(ack.reads > 5);
    // Exactly one shard has the hub: the directory says the target, the source is empty.
    let now_on = rally::platform::tenants::find_by_slug(&registry, "acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now_on.shard_id, target.id);
    assert_eq!(
        rows_on(&app, source, tenant.id).await,
        0,
        "nothing left on the source"
    );
    assert!(rows_on(&app, target.id, tenant.id).await >= before_total);

    // Every acknowledged write is there once; nothing unacknowledged is.
    let db = registry.tenant_db(tenant.id, target.id).await.unwrap();
    let mine = db
        .select::<completions::Entity>()
        .filter(completions::Column::ChallengeId.eq(challenge.id))
        .all()
        .await
        .unwrap();
    let ids: HashSet<Uuid> = mine.iter().map(|c| c.id).collect();
    assert_eq!(
        mine.len(),
        ack.submitted.len(),
        "no submission lost or doubled"
    );
    assert!(ack.submitted.iter().all(|id| ids.contains(id)));
    for c in &mine {
        let approved = ack.approved.contains(&c.id);
        assert_eq!(
            c.status == rally::challenges::COMPLETION_APPROVED,
            approved,
            "an approval lost or made up"
        );
    }
    let redeemed = db
        .select::<redemptions::Entity>()
        .filter(redemptions::Column::RewardId.eq(reward.id))
        .all()
        .await
        .unwrap();
    assert_eq!(
        redeemed.len(),
        ack.redeemed.len(),
        "no redemption lost or doubled"
    );
    // One ledger line per approval and per redemption, and totals that agree with them.
    let lines = db
        .select::<rally::db::tenant::points_ledger::Entity>()
        .filter(rally::db::tenant::points_ledger::Column::ContactId.eq(alice.id))
        .all()
        .await
        .unwrap();
    let keys: HashSet<String> = lines.iter().map(|l| l.source_key.clone()).collect();
    for id in &ack.approved {
        assert!(keys.contains(&format!("completion:{id}")));
    }
    for id in &ack.redeemed {
        assert!(keys.contains(&format!("redemption:{id}")));
    }
    assert!(rally::points::totals::verify(&db).await.unwrap().is_empty());
    // The hub is writable on its new shard.
    let answer = Answer::Question {
        text: "moved".into(),
    };
    service::submit(&db, challenge.id, &alice, &answer)
        .await
        .expect("writes go on at the target");
}

#[tokio::test]
async fn a_hub_moves_under_concurrent_writes_losing_and_doubling_none() {
    for env in backends().await {
        move_under_writes(&env).await;
    }
}

/// The hub's rows on each shard, and which shard the directory names.
async fn placement(app: &TestApp, tenant: Uuid) -> (Uuid, Vec<(Uuid, u64)>) {
    let t = rally::platform::tenants::find_by_slug(&app.state.registry, "acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.id, tenant);
    let mut on = Vec::new();
    for s in app.state.registry.shards() {
        on.push((s.id, rows_on(app, s.id, tenant).await));
    }
    (t.shard_id, on)
}

#[tokio::test]
async fn a_move_killed_at_each_phase_is_finished_by_running_it_again() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let tenant = tenant(&app, "acme").await;
    let (_, on) = placement(&app, tenant.id).await;
    let total: u64 = on.iter().map(|(_, n)| n).sum();
    let name_of = |id: Uuid| shard_row(&app, id).name;
    let cli = |to: &str, crash: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rally"));
        cmd.args(["tenant", "move", "acme", "--to", to])
            .env_clear()
            .env("RALLY_DATA_DIR", env.dir.path())
            .env("RALLY_LOG", "error")
            .env("RALLY_MOVE_LEASE_SECONDS", "1")
            .env("RALLY_MOVE_SETTLE_SECONDS", "0");
        if let Some(c) = crash {
            cmd.env("RALLY_CRASH_AT", c);
        }
        cmd.output().expect("run rally")
    };
    for phase in [
        "move:copying",
        "move:drained",
        "move:paused",
        "move:verified",
        "move:switched",
        "move:cleaning",
    ] {
        let (from, _) = placement(&app, tenant.id).await;
        let to = app
            .state
            .registry
            .shards()
            .into_iter()
            .find(|s| s.id != from)
            .unwrap();
        let killed = cli(&to.name, Some(phase));
        assert!(!killed.status.success(), "{phase}: the process was killed");
        assert!(
            String::from_utf8_lossy(&killed.stderr).contains(&format!("crash point {phase}")),
            "{phase}: {}",
            String::from_utf8_lossy(&killed.stderr)
        );
        // Killed: the shard the directory names holds every row of the hub.
        let (named, on) = placement(&app, tenant.id).await;
        let there = on.iter().find(|(s, _)| *s == named).unwrap().1;
        assert_eq!(
            there, total,
            "{phase}: the serving shard has all the hub's rows"
        );

        let again = cli(&to.name, None);
        assert!(
            again.status.success(),
            "{phase}: {}",
            String::from_utf8_lossy(&again.stderr)
        );
        assert!(String::from_utf8_lossy(&again.stdout).contains("writes paused"));
        let (named, on) = placement(&app, tenant.id).await;
        assert_eq!(
            named,
            to.id,
            "{phase}: the directory names {}",
            name_of(to.id)
        );
        for (shard, n) in on {
            let want = if shard == to.id { total } else { 0 };
            assert_eq!(n, want, "{phase}: rows on {}", name_of(shard));
        }
    }
    // The hub works where it ended up.
    let db = served_db(&app.state, tenant.id).await;
    assert!(rally::points::totals::verify(&db).await.unwrap().is_empty());

    // Refusals are one clear line: no such shard, the shard it is on already.
    let o = cli("nowhere", None);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no shard named 'nowhere'"));
    let (on_now, _) = placement(&app, tenant.id).await;
    let o = cli(&name_of(on_now), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already on shard"));
}

#[tokio::test]
async fn rebalance_proposes_moves_that_even_out_shards() {
    let env = TestEnv::sqlite().await;
    let registry = env.registry().await;
    let [a, _] = env.shard_names();
    for i in 0..5 {
        rally::platform::tenants::create(
            &registry,
            &format!("hub-{i}"),
            "Hub",
            Some(a),
            Default::default(),
        )
        .await
        .unwrap();
    }
    let p = moves::propose_rebalance(&registry).await.unwrap();
    // 5 and 0: two hubs move, leaving 3 and 2.
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p.iter().all(|m| m.from == a && m.to != a));
}

/// Sets (or lifts) the hub's fence on a shard by hand, as a move does.
async fn fence(conn: &rally::db::sea_orm::DatabaseConnection, tenant: Uuid, state: Option<&str>) {
    let (sql, values): (&str, Vec<rally::db::sea_orm::Value>) = match state {
        Some(s) => (
            "INSERT INTO tenant_fences (tenant_id, state, updated_at) VALUES ($1, $2, $3)",
            vec![tenant.into(), s.into(), rally::db::now().into()],
        ),
        None => (
            "DELETE FROM tenant_fences WHERE tenant_id = $1",
            vec![tenant.into()],
        ),
    };
    conn.execute_raw(raw_statement(conn, sql, values))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_write_while_the_hub_is_paused_gets_a_503_with_retry_after_and_reads_go_on() {
    use crate::helpers::signed_in;
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let hub = app.host("acme.localhost");
        let mut owner = signed_in(&app, "owner@example.com", &hub).await;
        let t = rally::platform::tenants::find_by_slug(&app.state.registry, "acme")
            .await
            .unwrap()
            .unwrap();
        let conn = app
            .state
            .registry
            .shard_connection(t.shard_id)
            .await
            .unwrap();
        let ladder = [
            ("name_0", "Start"),
            ("points_0", "0"),
            ("name_1", "Pro"),
            ("points_1", "100"),
        ];

        fence(&conn, t.id, Some("paused")).await;
        let r = owner.post_form(&hub, "/admin/levels", &ladder).await;
        assert_eq!(r.status, 503, "{}", r.body);
        assert_eq!(r.headers.get("retry-after").map(String::as_str), Some("2"));
        assert!(r.body.contains("moving"), "{}", r.body);
        // Reads go on, and nothing was written.
        let page = owner.get(&hub, "/admin/levels").await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("\"Pro\""));
        assert_eq!(owner.get(&hub, "/").await.status, 200);

        // Once the hub has left a shard, a server that still sends it there is refused too.
        fence(&conn, t.id, None).await;
        fence(&conn, t.id, Some("gone")).await;
        let r = owner.post_form(&hub, "/admin/levels", &ladder).await;
        assert_eq!(r.status, 503, "{}", r.body);

        fence(&conn, t.id, None).await;
        let r = owner.post_form(&hub, "/admin/levels", &ladder).await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
}

#[tokio::test]
async fn a_move_copies_every_tenant_table_of_the_schema() {
    // A tenant table the mover does not know would be left behind by a move.
    for env in backends().await {
        let registry = env.registry().await;
        let shard = registry.shards()[0].id;
        let conn = registry.shard_connection(shard).await.unwrap();
        let backend = conn.get_database_backend();
        let sql = match backend {
            rally::db::sea_orm::DbBackend::Postgres => {
                "SELECT table_name AS t FROM information_schema.columns \
                 WHERE table_schema = 'public' AND column_name = 'tenant_id'"
            }
            _ => {
                "SELECT m.name AS t FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND p.name = 'tenant_id'"
            }
        };
        let mut in_schema: Vec<String> = conn
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.try_get::<String>("", "t").unwrap())
            // The move's own bookkeeping, not the hub's data.
            .filter(|t| t != "tenant_fences" && t != "tenant_move_changes")
            .collect();
        in_schema.sort();
        let mut moved: Vec<String> = moves::table_names().iter().map(|t| t.to_string()).collect();
        moved.sort();
        assert_eq!(moved, in_schema);
    }
}

/// The hub's fence on a shard, if it has one.
async fn fence_state(
    conn: &rally::db::sea_orm::DatabaseConnection,
    tenant: Uuid,
) -> Option<String> {
    conn.query_one_raw(raw_statement(
        conn,
        "SELECT state FROM tenant_fences WHERE tenant_id = $1",
        vec![tenant.into()],
    ))
    .await
    .unwrap()
    .map(|r| r.try_get::<String>("", "state").unwrap())
}

/// A group of the hub, named after the job that wrote it.
fn group_of_job(job: Uuid) -> groups::ActiveModel {
    groups::ActiveModel {
        id: Set(rally::db::new_id()),
        tenant_id: NotSet,
        name: Set(format!("job-{job}")),
        created_at: Set(rally::db::now()),
    }
}

/// A job that counts its runs, waits until the test lets it go on, then writes a group of
/// its hub: a job that is in flight for as long as the test wants.
async fn held_job(
    runs: Arc<AtomicUsize>,
    go_on: Arc<AtomicBool>,
    ctx: JobCtx,
) -> Result<(), String> {
    runs.fetch_add(1, Ordering::SeqCst);
    while !go_on.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    ctx.tenant()?
        .insert(group_of_job(ctx.id))
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

async fn a_job_in_flight_through_a_move(env: &TestEnv) {
    let (app, tenant, target) = acme_and_elsewhere(env).await;
    let registry = app.state.registry.clone();
    let source = tenant.shard_id;
    let from = registry.shard_connection(source).await.unwrap();
    let db = served_db(&app.state, tenant.id).await;

    // Two jobs, claimed by one worker in one batch: the held one runs first, the next
    // waits its turn.
    let held = jobs::enqueue(&db, "test.held", &(), None).await.unwrap();
    let next = jobs::enqueue(&db, "test.quick", &(), None).await.unwrap();
    let (runs, quick_runs, go_on) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let handlers = Handlers::default()
        .add("test.held", {
            let (runs, go_on) = (runs.clone(), go_on.clone());
            move |ctx| held_job(runs.clone(), go_on.clone(), ctx)
        })
        .add("test.quick", {
            let quick_runs = quick_runs.clone();
            move |_| {
                quick_runs.fetch_add(1, Ordering::SeqCst);
                async { Ok(()) }
            }
        });
    // A lease far longer than the test, so the held job is never cut off by its own.
    let worker = Arc::new(Worker::new(
        registry.clone(),
        handlers,
        Duration::from_secs(300),
    ));
    let first_pass = tokio::spawn({
        let worker = worker.clone();
        async move { worker.run_once().await.unwrap() }
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while runs.load(Ordering::SeqCst) == 0 {
        assert!(
            std::time::Instant::now() < deadline && !first_pass.is_finished(),
            "the held job never started"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // A job that outlasts the wait: the move steps back, and the hub's writes never paused.
    let started = moves::start(&registry, "acme", &target.name).await.unwrap();
    let settings = |drain| MoveSettings {
        lease: Duration::from_secs(10),
        drain,
        settle: Duration::from_millis(300),
    };
    let err = moves::run(
        &registry,
        started.id,
        settings(Duration::from_millis(200)),
        &|_| {},
    )
    .await
    .expect_err("the move waits for the job no longer than its drain");
    assert!(err.to_string().contains("ran longer than"), "{err}");
    assert_eq!(
        fence_state(&from, tenant.id).await.as_deref(),
        Some("capturing")
    );
    let t = rally::platform::tenants::find_by_slug(&registry, "acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.shard_id, source, "the hub stays where it was");
    let written_meanwhile = Uuid::now_v7();
    served_db(&app.state, tenant.id)
        .await
        .insert(group_of_job(written_meanwhile))
        .await
        .expect("the hub takes writes while its move waits");

    // Run again: it waits at `draining` for the job, which is let go on only then.
    let again = tokio::spawn({
        let registry = registry.clone();
        async move {
            moves::run(
                &registry,
                started.id,
                settings(Duration::from_secs(20)),
                &|_| {},
            )
            .await
        }
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while fence_state(&from, tenant.id).await.as_deref() != Some("draining") {
        assert!(
            std::time::Instant::now() < deadline && !again.is_finished(),
            "the move never waited for the running job"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // While draining, writes pass and no job of the hub is claimed.
    let quick = jobs::enqueue(
        &served_db(&app.state, tenant.id).await,
        "test.quick",
        &(),
        None,
    )
    .await
    .expect("writes pass while the hub drains");
    let pass = worker.run_once().await.unwrap();
    assert_eq!(
        pass.done + pass.failed,
        0,
        "nothing claimed while draining: {pass:?}"
    );
    go_on.store(true, Ordering::SeqCst);

    let done = again.await.unwrap().expect("the move finishes");
    assert_eq!(done.phase, moves::DONE);
    // The held job finished on the source before the pause; the next one of its batch was
    // not started once the hub drained, but handed back.
    assert_eq!(first_pass.await.unwrap(), Pass { done: 1, failed: 1 });
    assert_eq!(quick_runs.load(Ordering::SeqCst), 0);
    // On the target: the held job done, its write there once, the write made while the move
    // waited there too; the job queued while draining runs there, and nothing runs twice.
    let there = registry.tenant_db(tenant.id, target.id).await.unwrap();
    assert_eq!(job_row(&there, held).await.status, JobStatus::Done);
    for id in [held, written_meanwhile] {
        let n = there
            .select::<groups::Entity>()
            .filter(groups::Column::Name.eq(format!("job-{id}")))
            .count()
            .await
            .unwrap();
        assert_eq!(n, 1, "job-{id}");
    }
    let pass = worker.run_once().await.unwrap();
    assert_eq!(pass, Pass { done: 2, failed: 0 });
    for id in [next, quick] {
        let row = job_row(&there, id).await;
        assert_eq!(row.status, JobStatus::Done);
        assert_eq!(row.attempts, 1, "an attempt handed back is not counted");
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the held job ran once");
    assert_eq!(
        quick_runs.load(Ordering::SeqCst),
        2,
        "the others ran once each"
    );
}

#[tokio::test]
async fn a_job_running_when_a_move_would_pause_its_hub_finishes_first_and_runs_once() {
    for env in backends().await {
        a_job_in_flight_through_a_move(&env).await;
    }
}

#[tokio::test]
async fn a_draining_hub_records_its_writes_and_refuses_job_claims() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let db = hub_db(&app, "acme").await;
        let conn = app
            .state
            .registry
            .shard_connection(tenant(&app, "acme").await.shard_id)
            .await
            .unwrap();
        let job = jobs::enqueue(&db, "test.quick", &(), None).await.unwrap();
        // What a worker writes to claim a job or start it: a holder and a lease.
        let claim = |by: Option<&'static str>| {
            let db = db.clone();
            let until = by.map(|_| rally::db::now() + chrono::Duration::seconds(60));
            async move {
                db.update_exprs_where::<job_rows::Entity>(
                    vec![
                        (job_rows::Column::LockedBy, Expr::value(by)),
                        (job_rows::Column::LockedUntil, Expr::value(until)),
                    ],
                    job_rows::Column::Id.eq(job),
                )
                .await
            }
        };
        claim(Some("before"))
            .await
            .expect("claims pass before draining");

        fence(&conn, db.tenant_id(), Some("draining")).await;
        // A claim is refused, even one made without reading the fences; so is starting a
        // job already claimed (a new lease).
        for by in ["racer", "before"] {
            let refused = claim(Some(by))
                .await
                .expect_err("a lease taken while draining");
            assert!(rally::db::is_tenant_moving(&refused), "{refused}");
        }
        // A job's end passes, and is recorded with every other write.
        claim(None).await.expect("a job's end passes");
        let group = db.insert(group_of_job(job)).await.expect("writes pass");
        let changes = conn
            .query_all_raw(Statement::from_string(
                conn.get_database_backend(),
                "SELECT table_name, row_id FROM tenant_move_changes",
            ))
            .await
            .unwrap();
        let recorded: HashSet<(String, Uuid)> = changes
            .iter()
            .map(|r| {
                (
                    r.try_get("", "table_name").unwrap(),
                    r.try_get("", "row_id").unwrap(),
                )
            })
            .collect();
        assert!(
            recorded.contains(&("jobs".to_string(), job)),
            "{recorded:?}"
        );
        assert!(
            recorded.contains(&("groups".to_string(), group.id)),
            "{recorded:?}"
        );
        fence(&conn, db.tenant_id(), None).await;
        claim(Some("after"))
            .await
            .expect("claims pass again once the fence is lifted");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_cut_off_mid_way_lets_go_of_its_lease_and_is_finished_by_the_next_run() {
    let env = TestEnv::sqlite().await;
    let (app, tenant, target) = acme_and_elsewhere(&env).await;
    let registry = app.state.registry.clone();
    let started = moves::start(&registry, "acme", &target.name).await.unwrap();
    let settings = MoveSettings {
        lease: Duration::from_secs(1),
        drain: Duration::from_secs(10),
        settle: Duration::ZERO,
    };
    // The first run is dropped while it copies, as the job runner drops a move's job it
    // cuts off (its claim lost, or its time up): it stops in its progress report long enough to be.
    let copying = Arc::new(AtomicBool::new(false));
    let first = tokio::spawn({
        let (registry, copying) = (registry.clone(), copying.clone());
        async move {
            let report = |m: &rally::db::global::tenant_moves::Model| {
                if m.phase == moves::COPYING
                    && m.copied > 0
                    && !copying.swap(true, Ordering::SeqCst)
                {
                    std::thread::sleep(Duration::from_millis(300));
                }
            };
            moves::run(&registry, started.id, settings, &report).await
        }
    });
    while !copying.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.abort();
    assert!(first.await.unwrap_err().is_cancelled());

    // The next run takes the move over once the dropped run's lease has run out.
    let done = moves::run(&registry, started.id, settings, &|_| {})
        .await
        .expect("the next run takes the move over");
    assert_eq!(done.phase, moves::DONE);
    let (named, on) = placement(&app, tenant.id).await;
    assert_eq!(named, target.id);
    assert_eq!(rows_on(&app, tenant.shard_id, tenant.id).await, 0);
    assert!(on.iter().any(|(s, n)| *s == target.id && *n > 0));
}

#[tokio::test]
async fn a_shard_without_the_latest_fence_is_refused_until_migrated() {
    for env in backends().await {
        let (app, tenant, target) = acme_and_elsewhere(&env).await;
        let registry = app.state.registry.clone();
        // The target as a shard migrated before the fence learnt `draining` would look.
        let conn = registry.shard_connection(target.id).await.unwrap();
        conn.execute_raw(raw_statement(
            &conn,
            "DELETE FROM rally_tenant_migrations WHERE version = $1",
            vec![migrations::LATEST_FENCE_MIGRATION.into()],
        ))
        .await
        .unwrap();

        let started = moves::start(&registry, "acme", &target.name).await.unwrap();
        let settings = MoveSettings {
            lease: Duration::from_secs(10),
            drain: Duration::from_secs(10),
            settle: Duration::ZERO,
        };
        let err = moves::run(&registry, started.id, settings, &|_| {})
            .await
            .expect_err("a shard with an older fence is refused");
        let said = err.to_string();
        assert!(
            said.contains("its fence is older") && said.contains("rally migrate"),
            "{said}"
        );
        let (named, _) = placement(&app, tenant.id).await;
        assert_eq!(named, tenant.shard_id, "the hub stays where it was");
        assert_eq!(rows_on(&app, target.id, tenant.id).await, 0);

        // Migrating brings the fence up to date (again, on a shard that had it), and the
        // same move then finishes.
        rally::platform::migrate::migrate_shards(&registry, None)
            .await
            .unwrap();
        let done = moves::run(&registry, started.id, settings, &|_| {})
            .await
            .expect("the move goes on once the shard is migrated");
        assert_eq!(done.phase, moves::DONE);
        assert_eq!(placement(&app, tenant.id).await.0, target.id);
    }
}
