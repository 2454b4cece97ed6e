//! Scale benchmarks (issue 15), each printing its comparison side by side in one run:
//!
//! - `big`: a hub of 50,000 advocates and 2,000,000 ledger lines — p50 of the dashboard,
//!   the leaderboard, `/me` and `/admin/contacts`, next to the same pages of the demo hub,
//!   on embedded SQLite and on PostgreSQL; then the write pause of moving it (and the demo
//!   hub) to another shard.
//! - `hubs`: 10,000 hubs over 4 shards against 10 hubs — p50 of a hub's home page, hubs
//!   taken at random, and the database connections open.
//! - `bare`: a bare axum handler running the member dashboard's SQL and writing its HTML
//!   with `format!`, against Rally's dashboard page: requests per second of each (wrk).
//!
//!   scripts/bench-scale.sh                 (all)
//!   BENCH=big ADVOCATES=5000 LINES=40 scripts/bench-scale.sh
//!
//! `big` and `hubs` are built with the dev profile (optimised dependencies, Rally's own code
//! not), like the other benchmarks: their comparisons are within one build, side by side.
//! `bare` compares a rate production is held to, so `scripts/bench-scale.sh` builds it as
//! the release server is built (`release_cargo` in `scripts/env.sh`).
use rally::db::tenant::{contacts, points_ledger};
use rally::db::{new_id, sea_orm, ShardRegistry};
use rally::domain::{ContactStatus, Role};
use rally::platform::{members, moves, seed, shards, tenants};
use sea_orm::{ActiveValue::NotSet, Set};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A browser enough for the benchmark: one cookie per host, redirects by hand.
struct Client {
    http: reqwest::Client,
    addr: SocketAddr,
    jar: HashMap<String, String>,
}

impl Client {
    fn new(addr: SocketAddr) -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            addr,
            jar: HashMap::new(),
        }
    }

    fn host(&self, name: &str) -> String {
        format!("{name}.localhost:{}", self.addr.port())
    }

    async fn send(
        &mut self,
        host: &str,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> (u16, String) {
        let url = format!("http://{}{path}", self.addr);
        let mut req = match form {
            Some(f) => {
                let body: String = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(f)
                    .finish();
                self.http
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
            }
            None => self.http.get(&url),
        };
        req = req.header("host", host);
        if let Some(c) = self.jar.get(host) {
            req = req.header("cookie", format!("rally_session={c}"));
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        for c in res.headers().get_all("set-cookie") {
            let c = c.to_str().unwrap_or_default();
            if let Some(v) = c
                .split(';')
                .next()
                .and_then(|p| p.strip_prefix("rally_session="))
            {
                self.jar.insert(host.to_string(), v.to_string());
            }
        }
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let _ = res.bytes().await;
        (status, location)
    }

    /// Follows a redirect's location (absolute, or a path on `host`).
    async fn follow(&mut self, location: &str, host: &str) -> (String, u16, String) {
        let (h, p) = match location.strip_prefix("http://") {
            Some(rest) => {
                let (h, p) = rest.split_once('/').unwrap_or((rest, ""));
                (h.to_string(), format!("/{p}"))
            }
            None => (host.to_string(), location.to_string()),
        };
        let (s, l) = self.send(&h, &p, None).await;
        (h, s, l)
    }

    /// Signs in on the accounts host, then on `hub` through the SSO round trip.
    async fn sign_in(&mut self, email: &str, hub: &str) {
        let accounts = self.host("accounts");
        let (s, _) = self
            .send(
                &accounts,
                "/login",
                Some(&[("email", email), ("password", seed::DEMO_PASSWORD)]),
            )
            .await;
        assert_eq!(s, 303, "sign-in of {email}");
        let hub = self.host(hub);
        let (s, mut at) = self.send(&hub, "/sso/start?return_to=%2F", None).await;
        assert_eq!(s, 303);
        let mut host = hub.clone();
        for _ in 0..4 {
            if self.jar.contains_key(&hub) && !at.contains("sso") {
                break;
            }
            let (h, s, l) = self.follow(&at, &host).await;
            assert_eq!(s, 303, "sso at {at}");
            host = h;
            at = l;
        }
        assert!(self.jar.contains_key(&hub), "signed in on {hub}");
    }

    /// The median time of `n` GETs of `path` on `host` (after two to warm up).
    async fn p50(&mut self, host: &str, path: &str, n: usize) -> Duration {
        for _ in 0..2 {
            let (s, _) = self.send(host, path, None).await;
            assert_eq!(s, 200, "{host}{path}");
        }
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let start = Instant::now();
            let (s, _) = self.send(host, path, None).await;
            times.push(start.elapsed());
            assert_eq!(s, 200, "{host}{path}");
        }
        times.sort();
        times[n / 2]
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A server on a fresh data directory (embedded SQLite), or on PostgreSQL databases
/// (`RALLY_DATABASE_URL` for the global one; `shard_urls` added as shards).
async fn server(
    vars: Vec<(&'static str, String)>,
    shard_urls: &[(&str, String)],
) -> (SocketAddr, rally::web::AppState) {
    let dir = std::env::temp_dir().join(format!("rally-scale-{}-{}", std::process::id(), new_id()));
    let mut all: HashMap<String, String> =
        vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    all.insert("RALLY_DATA_DIR".into(), dir.display().to_string());
    // Bound first: the server's own links (the SSO round trip) carry its real port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    all.insert("RALLY_LISTEN".into(), addr.to_string());
    all.insert("RALLY_LOGIN_ATTEMPTS_PER_ACCOUNT".into(), "10000".into());
    all.insert("RALLY_LOGIN_ATTEMPTS_PER_ADDRESS".into(), "10000".into());
    let config = rally::web::Config::from_lookup(|k| all.get(k).cloned()).unwrap();
    if !shard_urls.is_empty() {
        let registry = rally::startup::open_databases(&config).await.unwrap();
        for (name, url) in shard_urls {
            shards::add(registry.global(), name, url, None)
                .await
                .unwrap();
        }
    }
    let app = rally::startup::Application::build(config, rally::startup::leptos_options())
        .await
        .unwrap();
    let state = app.state.clone();
    tokio::spawn(app.run(listener, std::future::pending::<()>()));
    (addr, state)
}

/// A hub of `advocates` advocates with `lines` ledger lines each, alice an advocate in it
/// and owner its admin.
async fn big_hub(registry: &ShardRegistry, slug: &str, advocates: usize, lines: usize) {
    let t = tenants::create(registry, slug, "Big", None, Default::default())
        .await
        .unwrap();
    let db = registry.tenant_db(t.id, t.shard_id).await.unwrap();
    let start = rally::db::now() - chrono::Duration::days(90);
    let tx = db.begin().await.unwrap();
    let mut people = Vec::with_capacity(1000);
    let mut ledger = Vec::with_capacity(1000);
    for a in 0..advocates {
        let contact = new_id();
        people.push(contacts::ActiveModel {
            id: Set(contact),
            tenant_id: NotSet,
            user_id: Set(new_id()),
            display_name: Set(format!("Advocate {a}")),
            email: Set(Some(format!("advocate{a}@big.example"))),
            role: Set(Role::Advocate),
            status: Set(ContactStatus::Active),
            created_at: Set(start),
        });
        for l in 0..lines {
            let delta = if l % 10 == 9 {
                -20
            } else {
                ((a * 7 + l * 13) % 90 + 10) as i64
            };
            ledger.push(points_ledger::ActiveModel {
                id: Set(new_id()),
                tenant_id: NotSet,
                contact_id: Set(contact),
                delta: Set(delta),
                reason: Set("Completed “Bench”".into()),
                source_key: Set(format!("bench:{a}:{l}")),
                created_at: Set(start + chrono::Duration::seconds((l * advocates + a) as i64 * 3)),
            });
            if ledger.len() == 1000 {
                tx.insert_many(std::mem::take(&mut ledger)).await.unwrap();
            }
        }
        if people.len() == 1000 {
            tx.insert_many(std::mem::take(&mut people)).await.unwrap();
        }
    }
    tx.insert_many(people).await.unwrap();
    tx.insert_many(ledger).await.unwrap();
    rally::points::totals::rebuild(&tx).await.unwrap();
    tx.commit().await.unwrap();
    members::add_member(registry, slug, "alice@example.com", Role::Advocate)
        .await
        .unwrap();
    members::add_member(registry, slug, "owner@example.com", Role::Admin)
        .await
        .unwrap();
    // Alice mid-table, so the leaderboard counts the lines above her own.
    let alice = db
        .select::<contacts::Entity>()
        .filter(sea_orm::ColumnTrait::eq(
            &contacts::Column::Email,
            "alice@example.com",
        ))
        .one()
        .await
        .unwrap()
        .unwrap();
    let tx = db.begin().await.unwrap();
    let typical = (lines as i64) * 50;
    rally::points::ledger::award(&tx, alice.id, typical, "Bench", "bench:alice")
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

const PAGES: [(&str, &str); 4] = [
    ("dashboard", "/"),
    ("leaderboard", "/leaderboard"),
    ("/me", "/me"),
    ("/admin/contacts", "/admin/contacts"),
];

async fn big(label: &str, vars: Vec<(&'static str, String)>, shard_urls: &[(&str, String)]) {
    let advocates = env_or("ADVOCATES", 50_000);
    let lines = env_or("LINES", 40);
    let runs = env_or("RUNS", 41);
    let (addr, state) = server(vars, shard_urls).await;
    let registry = state.registry.clone();
    seed::demo(&registry, &state.config.root_domain)
        .await
        .unwrap();
    let seeding = Instant::now();
    big_hub(&registry, "big", advocates, lines).await;
    println!(
        "{label}: seeded {advocates} advocates × {lines} lines ({} ledger lines) in {:.0} s",
        advocates * lines,
        seeding.elapsed().as_secs_f64()
    );
    let mut alice = Client::new(addr);
    alice.sign_in("alice@example.com", "acme").await;
    alice.sign_in("alice@example.com", "big").await;
    let mut owner = Client::new(addr);
    owner.sign_in("owner@example.com", "acme").await;
    owner.sign_in("owner@example.com", "big").await;
    println!("{label}: p50 of {runs} sequential requests, warm");
    println!(
        "  {:<18} {:>12} {:>14}",
        "page", "demo hub", "50k-advocate hub"
    );
    for (name, path) in PAGES {
        let who = if path.starts_with("/admin") {
            &mut owner
        } else {
            &mut alice
        };
        let demo = who.p50(&who.host("acme"), path, runs).await;
        let bigp = who.p50(&who.host("big"), path, runs).await;
        println!("  {name:<18} {:>9.2} ms {:>11.2} ms", ms(demo), ms(bigp));
    }
    // The write pause of a move, demo hub and big hub (MOVES=0: none; MOVES=demo: the
    // demo hub's only — the big hub's copy takes many minutes).
    let which = std::env::var("MOVES").unwrap_or_else(|_| "all".into());
    let slugs: &[&str] = match which.as_str() {
        "0" | "none" => &[],
        "demo" => &["acme"],
        _ => &["acme", "big"],
    };
    for slug in slugs.iter().copied() {
        let t = tenants::find_by_slug(&registry, slug)
            .await
            .unwrap()
            .unwrap();
        let to = registry
            .shards()
            .into_iter()
            .find(|s| s.id != t.shard_id)
            .unwrap();
        let started = Instant::now();
        let m = moves::start(&registry, slug, &to.name).await.unwrap();
        let done = moves::run(
            &registry,
            m.id,
            moves::MoveSettings {
                lease: Duration::from_secs(60),
                drain: Duration::from_secs(30),
                settle: Duration::from_millis(100),
            },
            &|_| {},
        )
        .await
        .unwrap();
        println!(
            "  move of {slug:<5} ({:>9} rows): writes paused {:>6} ms, whole move {:.1} s",
            done.total,
            done.pause_ms.unwrap_or(-1),
            started.elapsed().as_secs_f64()
        );
    }
}

async fn pg_shards() -> Option<(String, Vec<(&'static str, String)>)> {
    let admin = "postgres://postgres@127.0.0.1:5432/postgres";
    let conn = sea_orm::Database::connect(admin).await.ok()?;
    let prefix = format!("rally_bench_{}", std::process::id());
    let mut urls = Vec::new();
    for name in ["global", "s1", "s2"] {
        use sea_orm::ConnectionTrait;
        conn.execute_unprepared(&format!("CREATE DATABASE {prefix}_{name}"))
            .await
            .ok()?;
        urls.push(format!(
            "postgres://postgres@127.0.0.1:5432/{prefix}_{name}"
        ));
    }
    Some((
        urls[0].clone(),
        vec![("s1", urls[1].clone()), ("s2", urls[2].clone())],
    ))
}

/// Drops this run's PostgreSQL databases (the servers' pools are still open: forced).
async fn drop_pg() {
    use sea_orm::ConnectionTrait;
    let Ok(conn) = sea_orm::Database::connect("postgres://postgres@127.0.0.1:5432/postgres").await
    else {
        return;
    };
    let prefix = format!("rally_bench_{}", std::process::id());
    for name in ["global", "s1", "s2"] {
        let _ = conn
            .execute_unprepared(&format!(
                "DROP DATABASE IF EXISTS {prefix}_{name} WITH (FORCE)"
            ))
            .await;
    }
}

async fn hubs() {
    let many = env_or("HUBS", 10_000);
    let runs = env_or("RUNS", 201);
    let mut results = Vec::new();
    for count in [10, many] {
        let dir =
            std::env::temp_dir().join(format!("rally-scale-hubs-{}-{count}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let extra: Vec<(&str, String)> = ["shard3", "shard4"]
            .iter()
            .map(|n| (*n, format!("sqlite://{}/{n}.db", dir.display())))
            .collect();
        let (addr, state) = server(vec![], &extra).await;
        let registry = state.registry.clone();
        let made = Instant::now();
        for i in 0..count {
            tenants::create(
                &registry,
                &format!("hub-{i:05}"),
                "Hub",
                None,
                Default::default(),
            )
            .await
            .unwrap();
        }
        let made = made.elapsed();
        let mut c = Client::new(addr);
        // Every hub seen once (caches as full as they get), then hubs at random.
        if count <= 10 {
            for i in 0..count {
                c.send(&c.host(&format!("hub-{i:05}")), "/", None).await;
            }
        } else {
            for i in 0..count {
                let h = c.host(&format!("hub-{i:05}"));
                c.send(&h, "/", None).await;
            }
        }
        let mut times = Vec::with_capacity(runs);
        let mut seed = 12345u64;
        for _ in 0..runs {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = (seed >> 33) as usize % count;
            let h = c.host(&format!("hub-{i:05}"));
            let start = Instant::now();
            let (s, _) = c.send(&h, "/", None).await;
            times.push(start.elapsed());
            assert_eq!(s, 200);
        }
        times.sort();
        println!(
            "  {count} hubs seen: this process holds {} MB",
            rss_mb().map_or("?".into(), |m| m.to_string())
        );
        let open: u32 = registry
            .shards()
            .iter()
            .map(|s| s.id)
            .collect::<Vec<_>>()
            .len() as u32;
        results.push((
            count,
            times[runs / 2],
            times[runs * 99 / 100],
            made,
            open,
            registry,
        ));
    }
    println!("hub home page, hubs at random, {runs} requests (4 shards, embedded SQLite):");
    println!(
        "  {:>7} {:>10} {:>10} {:>10}",
        "hubs", "p50", "p99", "created in"
    );
    for (count, p50, p99, made, _, _) in &results {
        println!(
            "  {count:>7} {:>7.2} ms {:>7.2} ms {:>8.1} s",
            ms(*p50),
            ms(*p99),
            made.as_secs_f64()
        );
    }
    let (_, small, ..) = &results[0];
    let (_, large, ..) = &results[1];
    println!(
        "  {} hubs take {:+.1} % against 10 (goal: within 10 %)",
        many,
        (ms(*large) / ms(*small) - 1.0) * 100.0
    );
    for (count, .., shards, registry) in &results {
        let pools = registry.pool_sizes().await;
        println!(
            "  with {count} hubs: {shards} shard pools, {} connections open ({pools:?})",
            pools.iter().map(|(_, n)| n).sum::<u32>()
        );
    }
}

/// `wrk` for `secs` seconds, 8 connections, with a Host and a cookie; requests per second.
/// One wrk run: requests per second, and the context switches this process's threads made
/// per request meanwhile (the servers under test all run in this process, one at a time).
struct Rate {
    per_second: f64,
    switches: f64,
}

fn wrk(addr: SocketAddr, host: &str, cookie: Option<&str>, secs: usize) -> Rate {
    let mut cmd = std::process::Command::new("wrk");
    cmd.args(["-t2", "-c8", &format!("-d{secs}s")])
        .args(["-H", &format!("Host: {host}")]);
    if let Some(c) = cookie {
        cmd.args(["-H", &format!("Cookie: rally_session={c}")]);
    }
    let before = context_switches();
    let out = cmd
        .arg(format!("http://{addr}/"))
        .output()
        .expect("wrk (apt-get install wrk)");
    let switches = context_switches() - before;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Non-2xx"), "wrk saw errors: {text}");
    let number = |prefix: &str| -> f64 {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0.0)
    };
    // "12345 requests in 8.00s, …" and "Requests/sec:   1543.21"
    let requests = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in"))
        .and_then(|(n, _)| n.trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    Rate {
        per_second: number("Requests/sec:"),
        switches: switches as f64 / requests.max(1.0),
    }
}

/// Context switches of all of this process's threads so far (Linux).
fn context_switches() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("status")).ok())
        .flat_map(|status| {
            status
                .lines()
                .filter(|l| l.contains("ctxt_switches:"))
                .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .sum()
}

/// What the bare handler knows without asking (as Rally memoizes it): the hub's ladder,
/// published challenges and feed, read once.
struct Bare {
    registry: Arc<ShardRegistry>,
    tenant: uuid::Uuid,
    shard: uuid::Uuid,
    contact: uuid::Uuid,
    ladder: Vec<rally::points::Level>,
    published: Vec<rally::db::tenant::challenges::Model>,
    feed: Vec<String>,
}

/// What the dashboard shows, from the statements Rally's dashboard issues when warm: the
/// session, the advocate's totals, their completions.
struct DashboardData {
    balance: i64,
    lifetime: i64,
    level: String,
    percent: i64,
    /// Title, points, times done.
    next: Vec<(String, i64, usize)>,
}

async fn dashboard_sql(b: &Bare, cookie: String) -> DashboardData {
    use rally::db::global::sessions;
    use sea_orm::EntityTrait;
    let session = sessions::Entity::find_by_id(cookie)
        .one(b.registry.global())
        .await
        .unwrap();
    assert!(session.is_some(), "signed in");
    member_sql(b).await
}

/// The dashboard's statements after the session's: the totals and the completions.
async fn member_sql(b: &Bare) -> DashboardData {
    use rally::db::tenant::completions;
    use sea_orm::ColumnTrait;
    let db = b.registry.tenant_db(b.tenant, b.shard).await.unwrap();
    let totals = rally::points::totals::of(&db, b.contact).await.unwrap();
    let done = db
        .select::<completions::Entity>()
        .filter(completions::Column::ContactId.eq(b.contact))
        .all()
        .await
        .unwrap();
    let level = rally::points::progress(totals.lifetime, &b.ladder);
    DashboardData {
        balance: totals.balance,
        lifetime: totals.lifetime,
        level: level.current.name.clone(),
        percent: level.percent.into(),
        next: b
            .published
            .iter()
            .take(3)
            .map(|c| {
                let used = done.iter().filter(|d| d.challenge_id == c.id).count();
                (c.title.clone(), c.points, used)
            })
            .collect(),
    }
}

fn session_cookie(headers: &axum::http::HeaderMap) -> String {
    headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.strip_prefix("rally_session="))
        .unwrap_or_default()
        .to_string()
}

/// The member dashboard, by hand: its SQL, and HTML written with `format!`.
async fn bare_dashboard(
    axum::extract::State(b): axum::extract::State<Arc<Bare>>,
    headers: axum::http::HeaderMap,
) -> axum::response::Html<String> {
    let d = dashboard_sql(&b, session_cookie(&headers)).await;
    bare_html(&b, d)
}

/// The bare handler with Rally's session layer in front (tower-sessions over Rally's
/// store): the session is read as Rally's pages read it, the rest is the same.
async fn bare_with_session_layer(
    axum::extract::State(b): axum::extract::State<Arc<Bare>>,
    session: tower_sessions::Session,
) -> axum::response::Html<String> {
    let user: Option<serde_json::Value> = session.get("user").await.unwrap();
    assert!(user.is_some(), "signed in");
    bare_html(&b, member_sql(&b).await)
}

fn bare_html(b: &Bare, d: DashboardData) -> axum::response::Html<String> {
    let mut html = format!(
        "<!DOCTYPE html><html><head><title>Acme</title></head><body><h1>Your points</h1>\
         <p>Balance {} · lifetime {} · {} ({}%)</p><h2>Next challenges</h2><ul>",
        d.balance, d.lifetime, d.level, d.percent
    );
    for (title, points, used) in &d.next {
        html.push_str(&format!("<li>{title} — {points} points ({used} done)</li>"));
    }
    html.push_str("</ul><h2>Lately</h2><ul>");
    for f in &b.feed {
        html.push_str(&format!("<li>{f}</li>"));
    }
    html.push_str("</ul></body></html>");
    axum::response::Html(html)
}

/// [`bare_dashboard`] writing a page as long as Rally's (about 11 KB): the list items of
/// [`leptos_floor`]'s filler, with `format!`. What the length costs without a framework.
async fn bare_dashboard_full_size(
    axum::extract::State(b): axum::extract::State<Arc<Bare>>,
    headers: axum::http::HeaderMap,
) -> axum::response::Html<String> {
    let d = dashboard_sql(&b, session_cookie(&headers)).await;
    let axum::response::Html(mut html) = bare_html(&b, d);
    let end = html.split_off(html.len() - "</body></html>".len());
    html.push_str(r#"<ol class="mt-4 space-y-2">"#);
    for i in 0..70 {
        html.push_str(&format!(
            r#"<li class="rounded-lg bg-white px-4 py-2 text-sm shadow-sm"><span class="text-slate-500">2 days ago · </span>Someone completed challenge {i}</li>"#
        ));
    }
    html.push_str("</ol>");
    html.push_str(&end);
    axum::response::Html(html)
}

/// The same page as [`bare_dashboard`], rendered by Leptos the way Rally renders a page:
/// leptos_axum's async rendering, the data awaited in a bare `Suspend` and drawn at once.
/// No router, no middleware, no layout: the cost of the framework alone.
mod leptos_floor {
    use super::{dashboard_sql, session_cookie, Bare};
    use leptos::prelude::*;
    use std::sync::Arc;

    #[component]
    fn Dashboard() -> impl IntoView {
        let b = expect_context::<Arc<Bare>>();
        let cookie = with_context::<http::request::Parts, _>(|p| session_cookie(&p.headers))
            .unwrap_or_default();
        // Behind Rally's kernel the session is read through its session layer, as
        // `bare_with_session_layer` reads it; alone, by its statement.
        let session = with_context::<http::request::Parts, _>(|p| {
            p.extensions.get::<tower_sessions::Session>().cloned()
        })
        .flatten();
        let feed = b.feed.clone();
        // As Rally's pages wait for their data: a bare `Suspend` (no resource, no
        // `Suspense`), the markup drawn at once when it is there (`ui::drawn_at_once`).
        Suspend::new(async move {
            let d = match session {
                Some(session) => {
                    let user: Option<serde_json::Value> = session.get("user").await.unwrap();
                    assert!(user.is_some(), "signed in");
                    super::member_sql(&b).await
                }
                None => dashboard_sql(&b, cookie).await,
            };
            rally::ui::drawn_at_once(view! {
                <h1>"Your points"</h1>
                <p>"Balance " {d.balance} " · lifetime " {d.lifetime} " · " {d.level}
                    " (" {d.percent} "%)"</p>
                <h2>"Next challenges"</h2>
                <ul>{d.next.into_iter().map(|(title, points, used)| view! {
                    <li>{title} " — " {points} " points (" {used} " done)"</li>
                }).collect_view()}</ul>
                <h2>"Lately"</h2>
                <ul>{feed.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
            })
        })
    }

    /// A header that waits for a second resource, as Rally's layout waits for the viewer
    /// (resolved from memory, as Rally's warm viewer is: no statement).
    #[component]
    fn Header() -> impl IntoView {
        let b = expect_context::<Arc<Bare>>();
        let viewer = Resource::new(
            || (),
            move |_| {
                let b = b.clone();
                async move { b.feed.len() }
            },
        );
        view! {
            <Suspense>
                {move || Suspend::new(async move {
                    let n = viewer.await;
                    view! { <header><span>"Signed in"</span> " · " {n}</header> }
                })}
            </Suspense>
        }
    }

    /// Markup as long as Rally's page (about 12 KB in all): styled list items, as the
    /// feed and the cards are.
    #[component]
    fn Filler() -> impl IntoView {
        view! {
            <ol class="mt-4 space-y-2">
                {(0..70).map(|i| view! {
                    <li class="rounded-lg bg-white px-4 py-2 text-sm shadow-sm">
                        <span class="text-slate-500">"2 days ago · "</span>
                        "Someone completed challenge " {i}
                    </li>
                }).collect_view()}
            </ol>
        }
    }

    /// `with_header`: the page also has a [`Header`] with its own resource; `full_size`:
    /// and [`Filler`] to make it as long as Rally's.
    pub fn router(b: Arc<Bare>, with_header: bool, full_size: bool) -> axum::Router {
        let render = leptos_axum::render_app_async_with_context(
            move || provide_context(b.clone()),
            move || {
                view! {
                    <!DOCTYPE html>
                    <html><head><title>"Acme"</title></head><body>
                        {with_header.then(|| view! { <Header /> })}
                        <Dashboard />
                        {full_size.then(|| view! { <Filler /> })}
                    </body></html>
                }
            },
        );
        axum::Router::new().route(
            "/",
            axum::routing::get(move |req: axum::extract::Request| render(req)),
        )
    }
}

async fn bare() {
    let secs = env_or("SECONDS", 10);
    let (addr, state) = server(vec![], &[]).await;
    let registry = state.registry.clone();
    seed::demo(&registry, &state.config.root_domain)
        .await
        .unwrap();
    let mut alice = Client::new(addr);
    alice.sign_in("alice@example.com", "acme").await;
    let acme = alice.host("acme");
    let cookie = alice.jar.get(&acme).cloned().unwrap();
    let t = tenants::find_by_slug(&registry, "acme")
        .await
        .unwrap()
        .unwrap();
    let db = registry.tenant_db(t.id, t.shard_id).await.unwrap();
    let user = {
        use rally::db::global::users;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        users::Entity::find()
            .filter(users::Column::Email.eq("alice@example.com"))
            .one(registry.global())
            .await
            .unwrap()
            .unwrap()
    };
    let contact = contacts::find_for_user(&db, user.id)
        .await
        .unwrap()
        .unwrap();
    let b = Arc::new(Bare {
        registry: registry.clone(),
        tenant: t.id,
        shard: t.shard_id,
        contact: contact.id,
        ladder: rally::points::ledger::ladder(&db).await.unwrap(),
        published: rally::challenges::service::published(&db).await.unwrap(),
        feed: (0..15)
            .map(|i| format!("Someone completed challenge {i}"))
            .collect(),
    });
    let floor = leptos_floor::router(b.clone(), false, false);
    let floor_with_header = leptos_floor::router(b.clone(), true, false);
    let floor_full_size = leptos_floor::router(b.clone(), true, true);
    // The least any Leptos page behind Rally's kernel can cost: the smallest page above,
    // with Rally's middleware (sessions, host routing, headers) in front.
    let floor_with_kernel = rally::startup::around(
        leptos_floor::router(b.clone(), false, false),
        state.clone(),
        rally::web::sessions::AnyStore::database(registry.global()),
    );
    let with_sessions = axum::Router::new()
        .route("/", axum::routing::get(bare_with_session_layer))
        .with_state(b.clone())
        .layer(rally::web::sessions::layer(
            &state.config,
            rally::web::sessions::AnyStore::database(registry.global()),
        ));
    let with_kernel = rally::startup::around(
        axum::Router::new()
            .route("/", axum::routing::get(bare_with_session_layer))
            .with_state(b.clone()),
        state.clone(),
        rally::web::sessions::AnyStore::database(registry.global()),
    );
    let full_size = axum::Router::new()
        .route("/", axum::routing::get(bare_dashboard_full_size))
        .with_state(b.clone());
    let router = axum::Router::new()
        .route("/", axum::routing::get(bare_dashboard))
        .with_state(b);
    let bare_addr = serve(router).await;
    let bare_full_size_addr = serve(full_size).await;
    let kernel_addr = serve(with_kernel).await;
    let header_addr = serve(floor_with_header).await;
    let full_size_addr = serve(floor_full_size).await;
    let floor_addr = serve(floor).await;
    let floor_kernel_addr = serve(floor_with_kernel).await;
    let sessions_addr = serve(with_sessions).await;
    // Each answers before it is timed.
    alice.p50(&acme, "/", 5).await;
    for a in [
        bare_addr,
        bare_full_size_addr,
        floor_addr,
        floor_kernel_addr,
        sessions_addr,
        kernel_addr,
        header_addr,
        full_size_addr,
    ] {
        let page = reqwest::Client::new()
            .get(format!("http://{a}/"))
            // As wrk sends it: the kernel routes by it.
            .header("host", &acme)
            .header("cookie", format!("rally_session={cookie}"))
            .send()
            .await
            .unwrap();
        assert!(page.status().is_success());
        assert!(page.text().await.unwrap().contains("Your points"));
    }

    let lines: [(&str, SocketAddr, Option<&str>); 10] = [
        ("bare axum handler (same SQL)", bare_addr, Some(&cookie)),
        (
            "bare, as long as Rally's page",
            bare_full_size_addr,
            Some(&cookie),
        ),
        (
            "bare, behind Rally's session layer",
            sessions_addr,
            Some(&cookie),
        ),
        (
            "bare, behind Rally's whole kernel",
            kernel_addr,
            Some(&cookie),
        ),
        (
            "Leptos alone (same SQL, a Suspend)",
            floor_addr,
            Some(&cookie),
        ),
        (
            "Leptos alone + a header resource",
            header_addr,
            Some(&cookie),
        ),
        (
            "… and as long as Rally's page",
            full_size_addr,
            Some(&cookie),
        ),
        (
            "Leptos alone, behind Rally's kernel",
            floor_kernel_addr,
            Some(&cookie),
        ),
        ("Rally's dashboard page", addr, Some(&cookie)),
        ("(Rally's hub home, signed out)", addr, None),
    ];
    // PROFILE=1: serve every line, print where, and wait: for a profiler attached from
    // outside (callgrind_control, perf -p), driven by one's own requests.
    if std::env::var("PROFILE").is_ok() {
        for (name, a, c) in &lines {
            println!("LINE {a} {} {name}", c.unwrap_or("-"));
        }
        println!("HOST {acme}");
        std::future::pending::<()>().await;
    }
    // Round after round, so a noisy spell hits every line alike; medians are printed.
    let runs = env_or("RUNS", 3);
    let mut rates: Vec<Vec<Rate>> = lines.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs {
        for (i, (_, a, c)) in lines.iter().enumerate() {
            rates[i].push(wrk(*a, &acme, *c, secs));
        }
    }
    let median = |xs: &mut Vec<f64>| {
        xs.sort_by(|a, b| a.total_cmp(b));
        xs[xs.len() / 2]
    };
    println!("member dashboard, wrk 8 connections × {secs} s, {runs} rounds, the demo's acme hub:");
    println!(
        "  {:<36} {:>10} {:>9} {:>18}",
        "", "req/s", "of bare", "context switches"
    );
    let mut medians = Vec::new();
    for (i, (name, _, _)) in lines.iter().enumerate() {
        let rps = median(&mut rates[i].iter().map(|r| r.per_second).collect());
        let switches = median(&mut rates[i].iter().map(|r| r.switches).collect());
        medians.push(rps);
        println!(
            "  {:<36} {:>10.0} {:>8.0} % {:>11.1} /request",
            name,
            rps,
            rps / medians[0] * 100.0,
            switches
        );
    }
    println!(
        "  Rally serves {:.0} % of the bare handler's rate (goal: at least 60 %)",
        medians[8] / medians[0] * 100.0
    );
    println!(
        "  and {:.0} % of the bare handler writing a page as long as Rally's",
        medians[8] / medians[1] * 100.0
    );
    println!(
        "  and {:.0} % of the smallest Leptos page behind Rally's kernel (the most any page \
         of Rally's could reach: {:.0} % of bare)",
        medians[8] / medians[7] * 100.0,
        medians[7] / medians[0] * 100.0
    );
}

async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// The process's resident memory, in MB (Linux).
fn rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024)
}

#[tokio::main]
async fn main() {
    let which = std::env::var("BENCH").unwrap_or_else(|_| "all".into());
    if which == "all" || which == "big" {
        big("embedded SQLite", vec![], &[]).await;
        match pg_shards().await {
            Some((global, shards)) => {
                big("PostgreSQL", vec![("RALLY_DATABASE_URL", global)], &shards).await;
                drop_pg().await;
            }
            None => println!("PostgreSQL: no server at 127.0.0.1:5432; skipped"),
        }
    }
    if which == "all" || which == "bare" {
        bare().await;
    }
    if which == "all" || which == "hubs" {
        hubs().await;
    }
    let _ = Arc::new(());
}
