//! Crash windows: a process killed (aborted, as `kill -9` would) in the middle of an
//! advocate's submission, between writing the completion and awarding its points, leaves
//! nothing half done, and the advocate can simply submit again.
use crate::helpers::{hub_db, spawn_demo, TestEnv};
use rally::challenges::{service, Answer, ChallengeForm, STATUS_PUBLISHED};
use rally::db::sea_orm::ColumnTrait;
use rally::db::tenant::{completions, contacts, points_ledger};
use std::process::Command;

const CHILD_DIR: &str = "RALLY_CRASH_TEST_DATA_DIR";
const CHILD_IDS: &str = "RALLY_CRASH_TEST_IDS";

#[tokio::test]
async fn a_process_killed_between_completion_and_award_leaves_nothing_half_done() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let db = hub_db(&app, "acme").await;
    let form = ChallengeForm {
        title: "Tell us a story".into(),
        kind: "question".into(),
        points: "25".into(),
        max_per_advocate: "1".into(),
        ..Default::default()
    };
    let challenge = service::create(&db, &form.validate().unwrap())
        .await
        .unwrap();
    service::set_status(&db, challenge.id, STATUS_PUBLISHED)
        .await
        .unwrap();
    let alice = db
        .select::<contacts::Entity>()
        .filter(contacts::Column::Email.eq("alice@example.com"))
        .one()
        .await
        .unwrap()
        .unwrap();
    let tenant = rally::platform::tenants::find_by_slug(&app.state.registry, "acme")
        .await
        .unwrap()
        .unwrap();

    // Another process submits, and dies at the crash point inside its transaction.
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "crash::submit_in_a_child_process",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env("RALLY_CRASH_AT", "submit:before-award")
        .env(CHILD_DIR, env.dir.path())
        .env(
            CHILD_IDS,
            format!(
                "{} {} {} {}",
                tenant.id, tenant.shard_id, challenge.id, alice.id
            ),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert!(!child.status.success(), "the child was meant to crash");
    assert!(
        stderr.contains("crash point submit:before-award"),
        "it crashed elsewhere: {stderr}"
    );

    // Neither the completion nor its points were kept.
    let completions_of_alice = || async {
        db.select::<completions::Entity>()
            .filter(completions::Column::ContactId.eq(alice.id))
            .filter(completions::Column::ChallengeId.eq(challenge.id))
            .all()
            .await
            .unwrap()
            .len()
    };
    let points_of_alice = || async {
        db.select::<points_ledger::Entity>()
            .filter(points_ledger::Column::ContactId.eq(alice.id))
            .all()
            .await
            .unwrap()
            .iter()
            .map(|e| e.delta)
            .sum::<i64>()
    };
    assert_eq!(completions_of_alice().await, 0);
    let before = points_of_alice().await;

    // A retry is not "used up": it counts, once, with its points.
    let answer = Answer::Question {
        text: "Once upon a time".into(),
    };
    service::submit(&db, challenge.id, &alice, &answer)
        .await
        .expect("the retry is accepted");
    assert_eq!(completions_of_alice().await, 1);
    assert_eq!(points_of_alice().await, before + 25);
}

/// The crashing half of the test above, run in a child process by it (ignored otherwise).
#[tokio::test]
#[ignore = "run in a child process by the crash test"]
async fn submit_in_a_child_process() {
    let dir = std::env::var(CHILD_DIR).expect("run by the crash test");
    let ids: Vec<uuid::Uuid> = std::env::var(CHILD_IDS)
        .unwrap()
        .split(' ')
        .map(|s| s.parse().unwrap())
        .collect();
    let config =
        rally::web::Config::from_lookup(|k| (k == "RALLY_DATA_DIR").then(|| dir.clone())).unwrap();
    let registry = rally::startup::open_databases(&config).await.unwrap();
    let db = registry.tenant_db(ids[0], ids[1]).await.unwrap();
    let contact = db
        .find_by_id::<contacts::Entity>(ids[3])
        .await
        .unwrap()
        .unwrap();
    let answer = Answer::Question {
        text: "Once upon a time".into(),
    };
    let _ = service::submit(&db, ids[2], &contact, &answer).await;
    unreachable!("the crash point aborts the process before this");
}
