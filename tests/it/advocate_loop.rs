//! The advocate loop over real HTTP and real databases: submit → approve → points, level,
//! badge, rank; no double awards under concurrency; roles and tenant boundaries enforced.
use crate::helpers::{backends, hub_db, signed_in, spawn_demo, testid_text, TestApp, TestEnv};
use rally::challenges::service::{self, Review};
use rally::challenges::{Answer, ChallengeForm};
use rally::db::sea_orm::ColumnTrait;
use rally::db::tenant::{badge_awards, completions, points_ledger};
use rally::db::TenantDb;

async fn contact_of(
    db: &TenantDb,
    app: &TestApp,
    email: &str,
) -> rally::db::tenant::contacts::Model {
    use rally::db::sea_orm::{EntityTrait, QueryFilter};
    let user = rally::db::global::users::Entity::find()
        .filter(rally::db::global::users::Column::Email.eq(email))
        .one(app.state.registry.global())
        .await
        .unwrap()
        .unwrap();
    rally::db::tenant::contacts::active(db, user.id)
        .await
        .unwrap()
        .unwrap()
}

/// A published challenge made through the service.
async fn challenge(db: &TenantDb, form: ChallengeForm) -> rally::db::tenant::challenges::Model {
    let c = service::create(db, &form.validate().unwrap())
        .await
        .unwrap();
    service::set_status(db, c.id, rally::challenges::STATUS_PUBLISHED)
        .await
        .unwrap();
    c
}

fn question(points: &str, approval: bool) -> ChallengeForm {
    ChallengeForm {
        title: "Why Acme?".into(),
        description: "Tell us **why**. <script>alert(1)</script>".into(),
        kind: "question".into(),
        points: points.into(),
        requires_approval: approval.then(|| "on".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn answer_approve_then_points_level_badge_and_rank() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let db = hub_db(&app, "acme").await;
    let c = challenge(&db, question("600", true)).await;

    let mut alice = signed_in(&app, "alice@example.com", &acme).await;
    let page = alice.get(&acme, &format!("/challenges/{}", c.id)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<strong>why</strong>"),
        "Markdown rendered"
    );
    assert!(!page.body.contains("<script>alert"), "and sanitised");
    // An empty answer is a field error; an emoji answer round-trips.
    let r = alice
        .post_form(&acme, &format!("/challenges/{}", c.id), &[("text", "  ")])
        .await;
    assert_eq!(r.status, 303);
    let page = alice.get(&acme, r.location()).await;
    assert!(page.body.contains("error-text"));
    let answer = "Because it just works 🎉🚀";
    let r = alice
        .post_form(&acme, &format!("/challenges/{}", c.id), &[("text", answer)])
        .await;
    let page = alice.get(&acme, r.location()).await;
    assert!(page.body.contains("waiting for the team"), "{}", page.body);

    let mut mia = signed_in(&app, "mia@example.com", &acme).await;
    let queue = mia.get(&acme, "/admin/completions").await;
    assert_eq!(queue.status, 200);
    assert!(
        queue.body.contains(answer),
        "emoji answer shown to the marketer"
    );
    let pending = db
        .select::<completions::Entity>()
        .filter(completions::Column::ChallengeId.eq(c.id))
        .one()
        .await
        .unwrap()
        .unwrap();
    let r = mia
        .post_form(
            &acme,
            &format!("/admin/completions/{}/approve", pending.id),
            &[("note", "Lovely, thanks!")],
        )
        .await;
    assert_eq!(r.location(), "/admin/completions");

    let home = alice.get(&acme, "/").await;
    assert_eq!(
        testid_text(&home.body, "balance").as_deref(),
        Some("600"),
        "{}",
        home.body
    );
    assert!(
        home.body.contains("Insider"),
        "600 lifetime points reach Insider"
    );
    let me = alice.get(&acme, "/me").await;
    assert!(me.body.contains("First challenge"));
    assert!(me.body.contains("Reached Insider"));
    assert!(
        me.body.contains("Lovely, thanks!"),
        "the advocate sees the outcome and note"
    );
    let board = alice.get(&acme, "/leaderboard").await;
    assert!(board.body.contains("viewer-rank"), "{}", board.body);
    assert!(board.body.contains("600 pts"));
    let month = alice.get(&acme, "/leaderboard?period=month").await;
    assert!(month.body.contains("viewer-rank"));
}

#[tokio::test]
async fn concurrent_approvals_and_submissions_award_once() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let db = hub_db(&app, "acme").await;
        let alice = contact_of(&db, &app, "alice@example.com").await;
        let answer = Answer::Question {
            text: "🎯".into()
        };

        // The same completion approved by two requests at once, several times over.
        let reviewed = challenge(
            &db,
            ChallengeForm {
                max_per_advocate: "10".into(),
                ..question("100", true)
            },
        )
        .await;
        for _ in 0..5 {
            let done = service::submit(&db, reviewed.id, &alice, &answer)
                .await
                .unwrap();
            let (a, b) = tokio::join!(
                service::review(&db, done.id, Review::Approve, alice.id, None),
                service::review(&db, done.id, Review::Approve, alice.id, None)
            );
            let wins = [a.unwrap(), b.unwrap()].iter().filter(|w| **w).count();
            assert_eq!(wins, 1, "exactly one approval takes effect");
        }

        // The same instant-award challenge submitted twice at once.
        let instant = challenge(
            &db,
            ChallengeForm {
                title: "Follow".into(),
                ..question("40", false)
            },
        )
        .await;
        let (a, b) = tokio::join!(
            service::submit(&db, instant.id, &alice, &answer),
            service::submit(&db, instant.id, &alice, &answer)
        );
        assert_eq!(
            [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count(),
            1,
            "{a:?} {b:?}"
        );

        let ledger = db
            .select::<points_ledger::Entity>()
            .filter(points_ledger::Column::ContactId.eq(alice.id))
            .all()
            .await
            .unwrap();
        assert_eq!(ledger.len(), 6, "five approvals and one instant award");
        assert_eq!(ledger.iter().map(|l| l.delta).sum::<i64>(), 540);
        let badges = db
            .select::<badge_awards::Entity>()
            .filter(badge_awards::Column::ContactId.eq(alice.id))
            .all()
            .await
            .unwrap();
        let mut keys: Vec<_> = badges.iter().map(|b| b.badge.as_str()).collect();
        keys.sort();
        assert_eq!(
            keys,
            ["first-challenge", "five-challenges", "level:Insider"]
        );
    }
}

#[tokio::test]
async fn closed_and_used_up_challenges_cannot_be_completed() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let db = hub_db(&app, "acme").await;
    let today = chrono::Utc::now().date_naive();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let ended = challenge(
        &db,
        ChallengeForm {
            ends_on: day(today - chrono::Duration::days(2)),
            ..question("10", false)
        },
    )
    .await;
    let future = challenge(
        &db,
        ChallengeForm {
            starts_on: day(today + chrono::Duration::days(2)),
            ..question("10", false)
        },
    )
    .await;
    // Needs approval, so its one attempt can be rejected below.
    let once = challenge(&db, question("10", true)).await;

    let mut alice = signed_in(&app, "alice@example.com", &acme).await;
    let list = alice.get(&acme, "/challenges").await;
    assert!(
        !list.body.contains(&ended.id.to_string()) && !list.body.contains(&future.id.to_string())
    );
    assert!(list.body.contains(&once.id.to_string()));
    for (c, why) in [(&ended, "has ended"), (&future, "has not started")] {
        let r = alice
            .post_form(&acme, &format!("/challenges/{}", c.id), &[("text", "hi")])
            .await;
        let page = alice.get(&acme, r.location()).await;
        assert!(page.body.contains(why), "{why}");
    }
    alice
        .post_form(
            &acme,
            &format!("/challenges/{}", once.id),
            &[("text", "first")],
        )
        .await;
    let r = alice
        .post_form(
            &acme,
            &format!("/challenges/{}", once.id),
            &[("text", "again")],
        )
        .await;
    let page = alice.get(&acme, r.location()).await;
    assert!(page.body.contains("as often as it allows"));
    let n = db
        .select::<completions::Entity>()
        .filter(completions::Column::ChallengeId.eq(once.id))
        .count()
        .await
        .unwrap();
    assert_eq!(n, 1);
    // Used up, it leaves the list; a rejected attempt does not count, so it comes back.
    let list = alice.get(&acme, "/challenges").await;
    assert!(!list.body.contains(&once.id.to_string()));
    let done = db
        .select::<completions::Entity>()
        .filter(completions::Column::ChallengeId.eq(once.id))
        .one()
        .await
        .unwrap()
        .unwrap();
    let mia = contact_of(&db, &app, "mia@example.com").await;
    assert!(service::review(&db, done.id, Review::Reject, mia.id, None)
        .await
        .unwrap());
    let list = alice.get(&acme, "/challenges").await;
    assert!(list.body.contains(&once.id.to_string()));

    // A review with rating 6 and a bad URL: field errors, nothing stored.
    let review = challenge(
        &db,
        ChallengeForm {
            kind: "review".into(),
            ..question("10", true)
        },
    )
    .await;
    let r = alice
        .post_form(
            &acme,
            &format!("/challenges/{}", review.id),
            &[("url", "not a url"), ("rating", "6"), ("text", "ok")],
        )
        .await;
    let page = alice.get(&acme, r.location()).await;
    assert!(page.body.contains("error-url") && page.body.contains("error-rating"));
}

#[tokio::test]
async fn invalid_challenges_are_field_errors() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let mut mia = signed_in(&app, "mia@example.com", &acme).await;
    let r = mia
        .post_form(
            &acme,
            "/admin/challenges",
            &[
                ("title", "Bad"),
                ("kind", "question"),
                ("points", "0"),
                ("starts_on", "2026-12-10"),
                ("ends_on", "2026-12-01"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/admin/challenges");
    let page = mia.get(&acme, "/admin/challenges").await;
    assert!(
        page.body.contains("error-points") && page.body.contains("error-ends_on"),
        "{}",
        page.body
    );
    // A good one is created as a draft, then published.
    let r = mia
        .post_form(
            &acme,
            "/admin/challenges",
            &[
                ("title", "Tell us 🎤"),
                ("kind", "question"),
                ("points", "25"),
            ],
        )
        .await;
    let edit = r.location().to_string();
    assert!(edit.starts_with("/admin/challenges/"));
    let page = mia.get(&acme, &edit).await;
    assert!(page.body.contains("Tell us 🎤") && page.body.contains("draft"));
    let r = mia.post_form(&acme, &format!("{edit}/publish"), &[]).await;
    assert_eq!(r.status, 303);
    let page = mia.get(&acme, &edit).await;
    assert_eq!(
        testid_text(&page.body, "challenge-status").as_deref(),
        Some("published")
    );
    // A target group must be one of this hub's: not garbage, not another hub's group.
    let theirs = rally::db::tenant::groups::ActiveModel {
        id: rally::db::sea_orm::Set(rally::db::new_id()),
        name: rally::db::sea_orm::Set("Globex group".into()),
        created_at: rally::db::sea_orm::Set(rally::db::now()),
        ..Default::default()
    };
    let theirs = hub_db(&app, "globex").await.insert(theirs).await.unwrap();
    for group in ["not-a-group".to_string(), theirs.id.to_string()] {
        let fields = [
            ("title", "Tell us 🎤"),
            ("kind", "question"),
            ("points", "25"),
            ("target_group", group.as_str()),
        ];
        let r = mia.post_form(&acme, &edit, &fields).await;
        assert_eq!(r.location(), edit, "back to the form");
        let page = mia.get(&acme, &edit).await;
        assert!(page.body.contains("error-target_group"), "{group}");
    }
}

#[tokio::test]
async fn advocates_are_refused_and_other_hubs_ids_are_404() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let db = hub_db(&app, "acme").await;
    let gdb = hub_db(&app, "globex").await;
    let mine = challenge(&db, question("10", true)).await;
    let theirs = challenge(&gdb, question("10", true)).await;
    let globex_alice = contact_of(&gdb, &app, "alice@example.com").await;
    let their_completion = service::submit(
        &gdb,
        theirs.id,
        &globex_alice,
        &Answer::Question { text: "x".into() },
    )
    .await
    .unwrap();

    let mut alice = signed_in(&app, "alice@example.com", &acme).await;
    for path in [
        "/admin",
        "/admin/challenges",
        &format!("/admin/challenges/{}", mine.id),
        "/admin/completions",
        "/admin/referrals",
    ] {
        assert_eq!(alice.get(&acme, path).await.status, 403, "GET {path}");
    }
    for api in [
        "hub_members",
        "admin_challenges",
        "admin_completions",
        "admin_referrals",
    ] {
        // No data endpoint exists beside the pages (they load on the server).
        let r = alice.post_form(&acme, &format!("/api/{api}"), &[]).await;
        assert_eq!(r.status, 404, "POST /api/{api}");
    }
    let r = alice
        .post_form(
            &acme,
            "/api/admin_challenge",
            &[("id", &mine.id.to_string())],
        )
        .await;
    assert_eq!(r.status, 404);
    let id = mine.id.to_string();
    for path in [
        "/admin/challenges".to_string(),
        format!("/admin/challenges/{id}"),
        format!("/admin/challenges/{id}/publish"),
        format!("/admin/challenges/{id}/archive"),
        "/admin/completions/bulk".to_string(),
        format!("/admin/completions/{}/approve", their_completion.id),
    ] {
        let r = alice
            .post_form(
                &acme,
                &path,
                &[("title", "x"), ("kind", "question"), ("points", "5")],
            )
            .await;
        assert_eq!(r.status, 403, "POST {path}");
    }

    // Another hub's ids, used on acme by people entitled to the route: 404 everywhere.
    let mut mia = signed_in(&app, "mia@example.com", &acme).await;
    let tid = theirs.id.to_string();
    let cid = their_completion.id.to_string();
    assert_eq!(
        alice.get(&acme, &format!("/challenges/{tid}")).await.status,
        404
    );
    assert_eq!(
        alice
            .post_form(&acme, &format!("/challenges/{tid}"), &[("text", "x")])
            .await
            .status,
        404
    );
    let r = alice
        .post_form(&acme, "/api/load_challenge", &[("id", &tid)])
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        mia.get(&acme, &format!("/admin/challenges/{tid}"))
            .await
            .status,
        404
    );
    for path in [
        format!("/admin/challenges/{tid}"),
        format!("/admin/challenges/{tid}/publish"),
        format!("/admin/challenges/{tid}/archive"),
        format!("/admin/completions/{cid}/approve"),
        format!("/admin/completions/{cid}/reject"),
    ] {
        let r = mia
            .post_form(
                &acme,
                &path,
                &[("title", "x"), ("kind", "question"), ("points", "5")],
            )
            .await;
        assert_eq!(r.status, 404, "POST {path}");
    }
    let r = mia
        .post_form(&acme, "/api/admin_challenge", &[("id", &tid)])
        .await;
    assert_eq!(r.status, 404);
    // Malformed ids are 404 too, not 500.
    assert_eq!(
        mia.get(&acme, "/admin/challenges/not-a-uuid").await.status,
        404
    );
    assert_eq!(alice.get(&acme, "/challenges/42").await.status, 404);
    // Bulk approval with another hub's id changes nothing there.
    mia.post_form(
        &acme,
        "/admin/completions/bulk",
        &[("ids", &cid), ("action", "approve")],
    )
    .await;
    let still = gdb
        .find_by_id::<completions::Entity>(their_completion.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.status.as_str(), "pending");
}

#[tokio::test]
async fn the_demo_history_gives_the_hub_a_leaderboard() {
    let env = TestEnv::sqlite().await;
    let app = crate::helpers::spawn_app(&env).await;
    rally::platform::seed::demo(&app.state.registry, "localhost")
        .await
        .unwrap();
    // Idempotent: a second run adds nothing.
    rally::platform::seed::demo(&app.state.registry, "localhost")
        .await
        .unwrap();
    let db = hub_db(&app, "acme").await;
    let challenges = db
        .select::<rally::db::tenant::challenges::Entity>()
        .count()
        .await
        .unwrap();
    assert_eq!(challenges, 12);
    let standings = rally::points::totals::all_standings(&db, None)
        .await
        .unwrap();
    assert!(
        standings.len() >= 35,
        "{} advocates with points",
        standings.len()
    );
    let pending = db
        .select::<completions::Entity>()
        .filter(completions::Column::Status.eq("pending"))
        .count()
        .await
        .unwrap();
    assert!(pending > 0, "something waits in the queue");
    let rewards = db
        .select::<rally::db::tenant::rewards::Entity>()
        .count()
        .await
        .unwrap();
    assert_eq!(rewards, 4, "a catalogue to spend points on");
    let redeemed = db
        .select::<rally::db::tenant::redemptions::Entity>()
        .count()
        .await
        .unwrap();
    assert_eq!(redeemed, 3);
}

#[tokio::test]
async fn admins_set_the_hubs_levels_and_progress_follows() {
    use rally::db::tenant::levels;
    use rally::points::ledger;
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let db = hub_db(&app, "acme").await;
    let gdb = hub_db(&app, "globex").await;
    let alice_contact = contact_of(&db, &app, "alice@example.com").await;
    award(&db, alice_contact.id, 150, "test", "test:150").await;

    // Levels are hub settings: advocates and marketers are refused.
    let mut alice = signed_in(&app, "alice@example.com", &acme).await;
    let mut mia = signed_in(&app, "mia@example.com", &acme).await;
    for b in [&mut alice, &mut mia] {
        assert_eq!(b.get(&acme, "/admin/levels").await.status, 403);
        let r = b
            .post_form(
                &acme,
                "/admin/levels",
                &[("name_0", "X"), ("points_0", "0")],
            )
            .await;
        assert_eq!(r.status, 403);
        assert_eq!(
            b.post_form(&acme, "/admin/levels/reset", &[]).await.status,
            403
        );
        // No data endpoint exists beside the page (pages load on the server).
        assert_eq!(
            b.post_form(&acme, "/api/admin_levels", &[]).await.status,
            404
        );
    }
    assert_eq!(db.select::<levels::Entity>().count().await.unwrap(), 0);

    let mut owner = signed_in(&app, "owner@example.com", &acme).await;
    let page = owner.get(&acme, "/admin/levels").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("uses the default ladder"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"Champion\""));

    // Invalid: field errors, what was typed comes back, nothing saved.
    let r = owner
        .post_form(
            &acme,
            "/admin/levels",
            &[
                ("name_0", "Newcomer"),
                ("points_0", "0"),
                ("name_1", "Regular"),
                ("points_1", "lots"),
                ("name_2", "newcomer"),
                ("points_2", "50"),
            ],
        )
        .await;
    assert_eq!((r.status, r.location()), (303, "/admin/levels"));
    let page = owner.get(&acme, "/admin/levels").await;
    assert!(page.body.contains("error-points_1"), "{}", page.body);
    assert!(page.body.contains("error-name_2"));
    assert!(page.body.contains("value=\"lots\""), "typed values kept");
    assert_eq!(db.select::<levels::Entity>().count().await.unwrap(), 0);
    let r = owner
        .post_form(
            &acme,
            "/admin/levels",
            &[("name_0", "Start"), ("points_0", "5")],
        )
        .await;
    let page = owner.get(&acme, r.location()).await;
    assert!(
        page.body.contains("must start at 0 points"),
        "{}",
        page.body
    );

    // Valid, typed out of order and with a blank row in between.
    let r = owner
        .post_form(
            &acme,
            "/admin/levels",
            &[
                ("name_0", "Star 🌟"),
                ("points_0", "1000"),
                ("name_2", "Newcomer"),
                ("points_2", "0"),
                ("name_3", "Regular"),
                ("points_3", "100"),
            ],
        )
        .await;
    let page = owner.get(&acme, r.location()).await;
    assert!(page.body.contains("Levels saved"), "{}", page.body);
    assert!(
        page.body.contains("badges awarded"),
        "alice is past Regular already"
    );
    assert!(page.body.contains("has its own ladder"));
    let ladder = ledger::ladder(&db).await.unwrap();
    let names: Vec<_> = ladder.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Newcomer", "Regular", "Star 🌟"]);
    let home = alice.get(&acme, "/").await;
    assert_eq!(
        testid_text(&home.body, "level-name").as_deref(),
        Some("Regular")
    );
    assert!(
        home.body.contains("850 more points to Star 🌟"),
        "{}",
        home.body
    );
    // Another hub on the other shard keeps the default ladder.
    assert_eq!(ledger::ladder(&gdb).await.unwrap().len(), 4);

    // Back to the default ladder.
    let r = owner.post_form(&acme, "/admin/levels/reset", &[]).await;
    assert_eq!(r.location(), "/admin/levels");
    assert_eq!(db.select::<levels::Entity>().count().await.unwrap(), 0);
    let home = alice.get(&acme, "/").await;
    assert_eq!(
        testid_text(&home.body, "level-name").as_deref(),
        Some("Rookie")
    );
}

#[tokio::test]
async fn standings_sum_earnings_and_break_ties_by_who_got_there_first() {
    use rally::points::totals::{all_standings, leaderboard, month_of};
    let pause = || tokio::time::sleep(std::time::Duration::from_millis(20));
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let db = hub_db(&app, "globex").await;
        let [a, b, c, d] = [(); 4].map(|_| rally::db::new_id());
        award(&db, a, 100, "t", "t:a1").await;
        award(&db, c, 200, "t", "t:c1").await;
        award(&db, c, -100, "spent", "t:c2").await;
        award(&db, d, -5, "spent", "t:d1").await;
        pause().await;
        award(&db, a, 50, "t", "t:a2").await;
        pause().await;
        pause().await;
        award(&db, b, 150, "t", "t:b1").await;

        let all = all_standings(&db, None).await.unwrap();
        let line = |id| all.iter().find(|s| s.contact_id == id).cloned();
        let (la, lb, lc) = (line(a).unwrap(), line(b).unwrap(), line(c).unwrap());
        // Spending does not lower a standing; only earnings count.
        assert_eq!((la.points, lb.points, lc.points), (150, 150, 200));
        assert!(lc.rank < la.rank, "more points rank higher");
        assert!(la.rank < lb.rank, "a reached 150 before b did");
        assert!(line(d).is_none(), "nothing earned, no line");
        let ranks: Vec<_> = all.iter().map(|s| s.rank).collect();
        assert_eq!(ranks, (1..=all.len()).collect::<Vec<_>>());

        // An advocate's totals: balance is every line, lifetime only the earnings.
        let t = |id| rally::points::ledger::totals(&db, id);
        let (tc, td, none) = (
            t(c).await.unwrap(),
            t(d).await.unwrap(),
            t(rally::db::new_id()).await.unwrap(),
        );
        assert_eq!((tc.balance, tc.lifetime), (100, 200));
        assert_eq!((td.balance, td.lifetime), (-5, 0));
        assert_eq!((none.balance, none.lifetime), (0, 0), "an empty ledger");

        // This month's board: every line above is this month's.
        let month = all_standings(&db, Some(&month_of(chrono::Utc::now())))
            .await
            .unwrap();
        assert_eq!(month, all);
        // A viewer below the top gets their own line, ranked.
        let board = leaderboard(&db, None, 1, Some(b)).await.unwrap();
        assert_eq!(board.top.len(), 1);
        assert_eq!(board.top[0].contact_id, c);
        let own = board.own.unwrap();
        assert_eq!((own.contact_id, own.rank, own.points), (b, 3, 150));
        assert!(leaderboard(&db, None, 1, Some(d))
            .await
            .unwrap()
            .own
            .is_none());
    }
}

/// One ledger line in its own transaction.
async fn award(
    db: &rally::db::TenantDb,
    contact: rally::db::uuid::Uuid,
    delta: i64,
    reason: &str,
    key: &str,
) {
    let tx = db.begin().await.unwrap();
    rally::points::ledger::award(&tx, contact, delta, reason, key)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}
