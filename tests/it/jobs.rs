//! The durable job queue: tenant isolation, retries into the dead state and back, a
//! worker killed mid-job, and two servers' workers draining one queue.
use crate::helpers::*;
use rally::db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use rally::db::tenant::{contacts, groups, jobs as job_rows};
use rally::jobs::{self, Handlers, JobCtx, JobStatus, Worker};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The group a test job writes: named after the job, so a test can count it.
fn job_group(ctx: &JobCtx) -> groups::ActiveModel {
    groups::ActiveModel {
        id: rally::db::sea_orm::Set(rally::db::new_id()),
        tenant_id: rally::db::sea_orm::NotSet,
        name: rally::db::sea_orm::Set(format!("job-{}", ctx.id)),
        created_at: rally::db::sea_orm::Set(rally::db::now()),
    }
}

/// What each census job saw: its tenant and the contacts it listed.
type Seen = Arc<Mutex<Vec<(uuid::Uuid, Vec<uuid::Uuid>)>>>;

/// A job that lists its hub's contacts and writes a group named after the job: what it
/// saw is recorded for the test to compare.
async fn census(seen: Seen, ctx: JobCtx) -> Result<(), String> {
    let db = ctx.tenant()?;
    let ids = db
        .select::<contacts::Entity>()
        .all()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|c| c.id)
        .collect();
    seen.lock().unwrap().push((db.tenant_id(), ids));
    db.insert(job_group(&ctx))
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

#[tokio::test]
async fn a_job_of_one_hub_sees_and_writes_only_that_hubs_rows() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let (acme, globex) = (hub_db(&app, "acme").await, hub_db(&app, "globex").await);
        let a = jobs::enqueue(&acme, "test.census", &(), None)
            .await
            .unwrap();
        let g = jobs::enqueue(&globex, "test.census", &(), None)
            .await
            .unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handlers = Handlers::default().add("test.census", {
            let seen = seen.clone();
            move |ctx| census(seen.clone(), ctx)
        });
        let worker = Worker::new(
            app.state.registry.clone(),
            handlers,
            Duration::from_secs(30),
        );
        let pass = worker.run_once().await.unwrap();
        assert!(pass.done >= 2, "{pass:?}");
        for (db, job) in [(&acme, a), (&globex, g)] {
            let own: Vec<uuid::Uuid> = db
                .select::<contacts::Entity>()
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.id)
                .collect();
            let ids = seen
                .lock()
                .unwrap()
                .iter()
                .find(|(t, _)| *t == db.tenant_id())
                .map(|(_, ids)| ids.clone())
                .unwrap();
            assert_eq!(ids, own, "a job sees its own hub's contacts, all and only");
            // Its write landed in its own hub, and nowhere else.
            let name = format!("job-{job}");
            let here = db
                .select::<groups::Entity>()
                .filter(groups::Column::Name.eq(&name))
                .all()
                .await
                .unwrap();
            assert_eq!(here.len(), 1);
            let other = if db.tenant_id() == acme.tenant_id() {
                &globex
            } else {
                &acme
            };
            let there = other
                .select::<groups::Entity>()
                .filter(groups::Column::Name.eq(&name))
                .all()
                .await
                .unwrap();
            assert!(there.is_empty());
            let row = db
                .find_by_id::<job_rows::Entity>(job)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.status, JobStatus::Done);
        }
    }
}

#[tokio::test]
async fn a_failing_job_backs_off_dies_and_can_be_retried() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = hub_db(&app, "acme").await;
    let id = jobs::enqueue(&acme, "test.flaky", &(), Some("req-42".into()))
        .await
        .unwrap();
    // Two attempts allowed, for the test.
    acme.update(job_rows::ActiveModel {
        id: rally::db::sea_orm::Set(id),
        max_attempts: rally::db::sea_orm::Set(2),
        ..Default::default()
    })
    .await
    .unwrap();
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let handlers = Handlers::default().add("test.flaky", {
        let fail = fail.clone();
        move |ctx: JobCtx| {
            let fail = fail.load(std::sync::atomic::Ordering::SeqCst);
            async move {
                assert_eq!(ctx.request_id.as_deref(), Some("req-42"));
                if fail {
                    Err("the receiver said no".to_string())
                } else {
                    Ok(())
                }
            }
        }
    });
    let worker = Worker::new(
        app.state.registry.clone(),
        handlers,
        Duration::from_secs(30),
    );
    let row = || async {
        acme.find_by_id::<job_rows::Entity>(id)
            .await
            .unwrap()
            .unwrap()
    };

    worker.run_once().await.unwrap();
    let first = row().await;
    assert_eq!(first.status, JobStatus::Queued);
    assert_eq!(first.attempts, 1);
    assert_eq!(first.last_error.as_deref(), Some("the receiver said no"));
    let wait = first.run_at - rally::db::now();
    assert!(
        wait.num_seconds() >= 8 && wait.num_seconds() <= 10,
        "backoff {wait}"
    );
    // Not due yet: a pass leaves it alone.
    worker.run_once().await.unwrap();
    assert_eq!(row().await.attempts, 1);
    // Due (its backoff moved into the past): the last attempt fails, and it is dead.
    acme.update(job_rows::ActiveModel {
        id: rally::db::sea_orm::Set(id),
        run_at: rally::db::sea_orm::Set(rally::db::now()),
        ..Default::default()
    })
    .await
    .unwrap();
    worker.run_once().await.unwrap();
    assert_eq!(row().await.status, JobStatus::Dead);
    let dead = jobs::dead(&app.state.registry).await.unwrap();
    assert!(dead.iter().any(|d| d.job.id == id && d.shard.is_some()));
    // An operator retries it; this time it works.
    assert!(jobs::retry(&app.state.registry, id).await.unwrap());
    assert!(
        !jobs::retry(&app.state.registry, id).await.unwrap(),
        "only dead jobs"
    );
    fail.store(false, std::sync::atomic::Ordering::SeqCst);
    worker.run_once().await.unwrap();
    let done = row().await;
    assert_eq!(done.status, JobStatus::Done);
    assert_eq!(done.attempts, 1, "a retried job starts its attempts afresh");
    // A kind this worker does not handle is left for one that does (a newer server).
    let other = jobs::enqueue(&acme, "test.newer", &(), None).await.unwrap();
    worker.run_once().await.unwrap();
    let o = acme
        .find_by_id::<job_rows::Entity>(other)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((o.status, o.attempts), (JobStatus::Queued, 0));
}

const CHILD_DIR: &str = "RALLY_JOB_TEST_DATA_DIR";

/// The crashing job's handler: its write and the crash point sit inside one transaction.
async fn write_then_maybe_crash(ctx: JobCtx) -> Result<(), String> {
    let db = ctx.tenant()?;
    let tx = db.begin().await.map_err(|e| e.to_string())?;
    tx.insert(job_group(&ctx))
        .await
        .map_err(|e| e.to_string())?;
    rally::crash::point("job:before-commit");
    tx.commit().await.map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_worker_killed_mid_job_leaves_it_to_run_again_exactly_once() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = hub_db(&app, "acme").await;
    let id = jobs::enqueue(&acme, "test.write", &(), None).await.unwrap();
    // Another process's worker takes the job and dies inside it.
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "jobs::work_in_a_child_process",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env("RALLY_CRASH_AT", "job:before-commit")
        .env(CHILD_DIR, env.dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert!(!child.status.success(), "the child was meant to crash");
    assert!(
        stderr.contains("crash point job:before-commit"),
        "it crashed elsewhere: {stderr}"
    );
    let row = acme
        .find_by_id::<job_rows::Entity>(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.status,
        JobStatus::Running,
        "the dead worker still holds it"
    );
    let name = format!("job-{id}");
    let written = || async {
        acme.select::<groups::Entity>()
            .filter(groups::Column::Name.eq(&name))
            .all()
            .await
            .unwrap()
            .len()
    };
    assert_eq!(written().await, 0, "the crashed attempt left nothing");
    // Once its lease (1 s in the child) is over, a worker here takes it and finishes it.
    let worker = Worker::new(
        app.state.registry.clone(),
        Handlers::default().add("test.write", write_then_maybe_crash),
        Duration::from_secs(30),
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    worker.run_once().await.unwrap();
    let row = acme
        .find_by_id::<job_rows::Entity>(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, JobStatus::Done);
    assert_eq!(row.attempts, 2);
    assert_eq!(written().await, 1, "done exactly once");
    // And never again.
    worker.run_once().await.unwrap();
    assert_eq!(written().await, 1);
}

/// The crashing half of the test above, run in a child process by it (ignored otherwise).
#[tokio::test]
#[ignore = "run in a child process by the job crash test"]
async fn work_in_a_child_process() {
    let dir = std::env::var(CHILD_DIR).expect("run by the job crash test");
    let config =
        rally::web::Config::from_lookup(|k| (k == "RALLY_DATA_DIR").then(|| dir.clone())).unwrap();
    let registry = rally::startup::open_databases(&config).await.unwrap();
    let worker = Worker::new(
        registry,
        Handlers::default().add("test.write", write_then_maybe_crash),
        Duration::from_secs(1),
    );
    let _ = worker.run_once().await;
    unreachable!("the crash point aborts the process before this");
}

/// Two app servers (each its own pools) drain 1,000 jobs at once on PostgreSQL: every job
/// runs, none twice.
#[tokio::test]
async fn two_servers_drain_a_thousand_jobs_with_none_run_twice() {
    let Some(env) = TestEnv::postgres().await else {
        return;
    };
    let app = spawn_demo(&env).await;
    let acme = hub_db(&app, "acme").await;
    let mut ids = Vec::new();
    for n in 0..1000 {
        ids.push(jobs::enqueue(&acme, "test.count", &n, None).await.unwrap());
    }
    let runs: Arc<Mutex<HashMap<uuid::Uuid, u32>>> = Arc::default();
    let handlers = Handlers::default().add("test.count", {
        let runs = runs.clone();
        move |ctx: JobCtx| {
            let runs = runs.clone();
            async move {
                *runs.lock().unwrap().entry(ctx.id).or_default() += 1;
                // A little work, so the two workers really overlap.
                tokio::time::sleep(Duration::from_millis(1)).await;
                Ok(())
            }
        }
    });
    let second_server = env.registry().await;
    let workers = [
        Arc::new(Worker::new(
            app.state.registry.clone(),
            handlers.clone(),
            Duration::from_secs(120),
        )),
        Arc::new(Worker::new(
            second_server,
            handlers,
            Duration::from_secs(120),
        )),
    ];
    let drain = |w: Arc<Worker>| async move {
        let mut total = 0;
        loop {
            let p = w.run_once().await.unwrap();
            if p.done + p.failed == 0 {
                return total;
            }
            total += p.done;
        }
    };
    let (a, b) = tokio::join!(drain(workers[0].clone()), drain(workers[1].clone()));
    assert_eq!(a + b, 1000, "every job ran once: {a} + {b}");
    assert!(a > 0 && b > 0, "both servers took part: {a} + {b}");
    let runs = runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 1000, "none lost");
    assert!(runs.values().all(|&n| n == 1), "none run twice");
    let left = job_rows::Entity::find()
        .filter(job_rows::Column::Status.ne(JobStatus::Done))
        .all(
            &app.state
                .registry
                .shard_connection(acme_shard(&app).await)
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(left.is_empty(), "{} jobs not done", left.len());
}

async fn acme_shard(app: &TestApp) -> uuid::Uuid {
    rally::platform::tenants::find_by_slug(&app.state.registry, "acme")
        .await
        .unwrap()
        .unwrap()
        .shard_id
}

/// Mail runs on the queue: queueing a message queues its `mail.deliver` job in the same
/// database, and the server's worker delivers it (kept for the viewer, in development).
#[tokio::test]
async fn queued_mail_is_delivered_by_a_job() {
    use rally::db::global::mail_outbox;
    use rally::mail::outbox::{queue, NewMail};
    let env = TestEnv::sqlite().await;
    let app = spawn_app(&env).await;
    let global = app.state.registry.global().clone();
    let id = queue(
        &global,
        NewMail {
            tenant_id: None,
            to: "queued@example.com",
            subject: "Hello",
            body: "Hi".into(),
            request_id: Some("req-mail-1".into()),
        },
    )
    .await
    .unwrap();
    let job = job_rows::Entity::find()
        .filter(job_rows::Column::Kind.eq(rally::mail::DELIVER))
        .filter(job_rows::Column::Payload.contains(id.to_string()))
        .one(&global)
        .await
        .unwrap()
        .expect("a delivery job was queued with the message");
    assert_eq!(job.request_id.as_deref(), Some("req-mail-1"));
    let delivered = eventually(Duration::from_secs(10), || async {
        let m = mail_outbox::Entity::find_by_id(id)
            .one(&global)
            .await
            .unwrap()
            .unwrap();
        let j = job_rows::Entity::find_by_id(job.id)
            .one(&global)
            .await
            .unwrap()
            .unwrap();
        m.status == mail_outbox::STATUS_KEPT && j.status == JobStatus::Done
    })
    .await;
    assert!(delivered, "the worker delivered it and finished the job");
}

/// A server that cannot deliver mail (no SMTP, no viewer) leaves delivery jobs waiting for
/// one that can, instead of failing them into the dead list.
#[tokio::test]
async fn a_server_without_mail_leaves_delivery_jobs_waiting() {
    use rally::mail::outbox::{queue, NewMail};
    let env = TestEnv::sqlite_with(&[("RALLY_MAIL_VIEWER", "off")]).await;
    let app = spawn_app(&env).await;
    let global = app.state.registry.global().clone();
    let id = queue(
        &global,
        NewMail {
            tenant_id: None,
            to: "waiting@example.com",
            subject: "Later",
            body: "Hi".into(),
            request_id: None,
        },
    )
    .await
    .unwrap();
    // Several worker passes later (it looks every half second), untouched.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let job = job_rows::Entity::find()
        .filter(job_rows::Column::Payload.contains(id.to_string()))
        .one(&global)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((job.status, job.attempts), (JobStatus::Queued, 0));
}

#[tokio::test]
async fn a_job_past_its_lease_is_cut_off_unless_its_kind_is_held_longer() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = hub_db(&app, "acme").await;
    // Twice the lease: the long kind's claim is renewed several times, with room to spare
    // on a loaded machine.
    let slow = |_| async {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        Ok(())
    };
    let handlers = Handlers::default().add("test.slow", slow).add_long(
        "test.long",
        Duration::from_secs(30),
        slow,
    );
    let worker = Worker::new(
        app.state.registry.clone(),
        handlers,
        Duration::from_millis(1200),
    );
    let row = |id| job_row(&acme, id);
    // One at a time: in one batch the second's claim would run out while the first ran.
    let long = jobs::enqueue(&acme, "test.long", &(), None).await.unwrap();
    assert_eq!(
        worker.run_once().await.unwrap(),
        jobs::Pass { done: 1, failed: 0 }
    );
    assert_eq!(row(long).await.status, JobStatus::Done);

    let short = jobs::enqueue(&acme, "test.slow", &(), None).await.unwrap();
    assert_eq!(
        worker.run_once().await.unwrap(),
        jobs::Pass { done: 0, failed: 1 }
    );
    let cut = row(short).await;
    assert_eq!(cut.status, JobStatus::Queued, "tried again later");
    assert!(
        cut.last_error
            .as_deref()
            .is_some_and(|e| e.contains("ran longer than")),
        "{:?}",
        cut.last_error
    );
}

/// A long kind's claim is renewed while it runs: a worker that stops mid-job (its future
/// dropped, as its process would die) stops the job too, and another worker takes it
/// over within one lease, not at the kind's limit; a worker whose claim was taken over
/// stops its run and records nothing.
#[tokio::test]
async fn a_long_job_is_taken_over_within_one_lease_and_stopped_when_its_claim_is_lost() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = hub_db(&app, "acme").await;
    // The first attempt would take far longer than the test, holding a sender that tells
    // when it is dropped (stopped); later attempts end at once.
    let completed = Arc::new(Mutex::new(Vec::<i64>::new()));
    let (running, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = Arc::new(Mutex::new(Some(running)));
    let handlers = {
        let completed = completed.clone();
        Handlers::default().add_long("test.long", Duration::from_secs(600), move |ctx| {
            let completed = completed.clone();
            let running = running.lock().unwrap().take();
            async move {
                if ctx.attempt == 1 {
                    let _running = running;
                    tokio::time::sleep(Duration::from_secs(60)).await;
                }
                completed.lock().unwrap().push(ctx.attempt);
                Ok(())
            }
        })
    };
    let lease = Duration::from_millis(1500);
    let first = Worker::new(app.state.registry.clone(), handlers.clone(), lease);
    let second = Worker::new(app.state.registry.clone(), handlers, lease);
    let row = |id| job_row(&acme, id);

    let id = jobs::enqueue(&acme, "test.long", &(), None).await.unwrap();
    // Held past several leases by its renewals, then its worker stops.
    assert!(
        tokio::time::timeout(lease * 3, first.run_once())
            .await
            .is_err(),
        "still running when its worker stopped"
    );
    let held = row(id).await;
    assert_eq!(held.status, JobStatus::Running);
    assert!(
        held.locked_until.unwrap() > rally::db::now(),
        "its claim was renewed past the first lease"
    );
    assert!(
        tokio::time::timeout(Duration::from_secs(2), stopped)
            .await
            .expect("the run stopped with its worker")
            .is_err(),
        "stopped, not finished"
    );
    // The other worker takes it over once the last renewal runs out.
    assert!(
        eventually(Duration::from_secs(10), || async {
            second.run_once().await.unwrap().done == 1
        })
        .await
    );
    let done = row(id).await;
    assert_eq!((done.status, done.attempts), (JobStatus::Done, 2));
    assert_eq!(*completed.lock().unwrap(), vec![2]);

    // A run whose claim another worker took (here: written over) stops at its next
    // renewal, and leaves the row to the claim's holder.
    let id = jobs::enqueue(&acme, "test.long", &(), None).await.unwrap();
    let (started, running) = tokio::sync::oneshot::channel::<()>();
    let started = Arc::new(Mutex::new(Some(started)));
    let run = tokio::spawn({
        let first = Worker::new(
            app.state.registry.clone(),
            Handlers::default().add_long("test.long", Duration::from_secs(600), move |_| {
                let started = started.lock().unwrap().take();
                async move {
                    let _ = started.unwrap().send(());
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    Ok(())
                }
            }),
            lease,
        );
        async move { first.run_once().await.unwrap() }
    });
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("the job started")
        .unwrap();
    let taken = rally::db::sea_orm::Set(Some("another-worker".to_string()));
    let mut taken_over: job_rows::ActiveModel = row(id).await.into();
    taken_over.locked_by = taken;
    acme.update(taken_over).await.unwrap();
    let pass = tokio::time::timeout(lease * 4, run)
        .await
        .expect("stopped at its next renewal")
        .unwrap();
    assert_eq!(pass, jobs::Pass { done: 0, failed: 1 });
    let left = row(id).await;
    assert_eq!(
        (left.status, left.locked_by.as_deref(), left.last_error),
        (JobStatus::Running, Some("another-worker"), None),
        "the holder's claim is untouched"
    );
}

/// A server's worker for long kinds takes one job at a time (a batch's others would lapse
/// waiting behind a long one, and lose attempts), and only platform jobs.
#[tokio::test]
async fn a_worker_for_long_kinds_takes_one_platform_job_at_a_time() {
    use rally::db::sea_orm::EntityTrait as _;
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let global = app.state.registry.global();
    let acme = hub_db(&app, "acme").await;
    let handlers =
        Handlers::default().add_long("test.long", Duration::from_secs(60), |_| async { Ok(()) });
    let worker =
        Worker::new(app.state.registry.clone(), handlers, Duration::from_secs(5)).for_long_kinds();
    let mut queued = Vec::new();
    for _ in 0..2 {
        queued.push(
            jobs::enqueue_global(global, None, "test.long", &(), None)
                .await
                .unwrap(),
        );
    }
    let on_shard = jobs::enqueue(&acme, "test.long", &(), None).await.unwrap();
    let global_row = |id| async move {
        job_rows::Entity::find_by_id(id)
            .one(global)
            .await
            .unwrap()
            .unwrap()
    };

    let one = jobs::Pass { done: 1, failed: 0 };
    assert_eq!(worker.run_once().await.unwrap(), one);
    let second = global_row(queued[1]).await;
    assert_eq!(
        (second.status, second.attempts),
        (JobStatus::Queued, 0),
        "not claimed while the first ran"
    );
    assert_eq!(worker.run_once().await.unwrap(), one);
    assert_eq!(global_row(queued[1]).await.status, JobStatus::Done);
    assert_eq!(worker.run_once().await.unwrap(), jobs::Pass::default());
    let shard_job = job_row(&acme, on_shard).await;
    assert_eq!(
        (shard_job.status, shard_job.attempts),
        (JobStatus::Queued, 0)
    );
}
