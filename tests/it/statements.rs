//! What a hub page costs the databases: every hub page, warm, signed in (the session
//! lookup counts), issues at most five SQL statements, on the global database and every
//! shard together. Statements are counted per database by the process
//! (`db::statements_sent`); the app's background work (job polling, configuration polling)
//! can land inside a measurement, so each page is measured several times and the least is
//! kept — a page that issues more than five never measures five or fewer.
use crate::helpers::{signed_in, spawn_demo, Browser, TestApp, TestEnv};

const LIMIT: u64 = 5;

fn sent(app: &TestApp) -> u64 {
    let mut n = rally::db::statements_sent(&app.state.config.database_url);
    for s in app.state.registry.shards() {
        n += rally::db::statements_sent(&s.writer_url);
    }
    n
}

async fn statements_of(app: &TestApp, b: &mut Browser<'_>, path: &str) -> u64 {
    let host = app.host("acme.localhost");
    // Warm: caches filled, pools open.
    for _ in 0..2 {
        let r = b.get(&host, path).await;
        assert_eq!(r.status, 200, "{path}");
    }
    let mut least = u64::MAX;
    for _ in 0..7 {
        let before = sent(app);
        let r = b.get(&host, path).await;
        let after = sent(app);
        assert_eq!(r.status, 200, "{path}");
        least = least.min(after - before);
    }
    least
}

#[tokio::test]
async fn every_hub_page_issues_at_most_five_statements_when_warm() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let mut over = Vec::new();
    let mut seen = Vec::new();
    let mut alice = signed_in(&app, "alice@example.com", &app.host("acme.localhost")).await;
    for path in [
        "/",
        "/challenges",
        "/leaderboard",
        "/leaderboard?period=month",
        "/me",
        "/rewards",
    ] {
        let n = statements_of(&app, &mut alice, path).await;
        seen.push(format!("{path}: {n}"));
        if n > LIMIT {
            over.push(format!("{path}: {n}"));
        }
    }
    let mut owner = signed_in(&app, "owner@example.com", &app.host("acme.localhost")).await;
    for path in [
        "/admin",
        "/admin/contacts",
        "/admin/challenges",
        "/admin/completions",
        "/admin/rewards",
        "/admin/redemptions",
        "/admin/groups",
        "/admin/invitations",
        "/admin/referrals",
        "/admin/levels",
        "/admin/branding",
        "/admin/domains",
        "/admin/api",
        "/admin/webhooks",
    ] {
        let n = statements_of(&app, &mut owner, path).await;
        seen.push(format!("{path}: {n}"));
        if n > LIMIT {
            over.push(format!("{path}: {n}"));
        }
    }
    println!("statements per warm page: {}", seen.join(", "));
    assert!(
        over.is_empty(),
        "pages over {LIMIT} statements: {over:?} (all: {seen:?})"
    );
}
