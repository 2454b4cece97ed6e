//! The `rally` binary: migrations are idempotent, validation errors are one clear line and
//! a non-zero exit, never a panic.
use crate::helpers::TempDir;
use std::process::{Command, Output};

struct Cli {
    dir: TempDir,
}

impl Cli {
    fn new() -> Self {
        Self {
            dir: TempDir::new(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rally"));
        cmd.args(args)
            .env_clear()
            .env("RALLY_DATA_DIR", self.dir.path())
            .env("RALLY_LOG", "error");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run rally")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A failure: exit 1, one line on stderr that mentions `needle`, no panic.
fn assert_fails_with(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in {err:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn migrate_twice_succeeds() {
    let cli = Cli::new();
    for _ in 0..2 {
        let o = cli.run(&["migrate"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stdout(&o).contains("2 shard(s) are up to date"),
            "{}",
            stdout(&o)
        );
    }
    assert!(cli.dir.path().join("global.db").exists());
    assert!(cli.dir.path().join("shard1.db").exists());
    assert!(cli.dir.path().join("shard2.db").exists());
}

#[test]
fn tenant_create_validates_its_input() {
    let cli = Cli::new();
    assert_fails_with(
        &cli.run(&["tenant", "create", "Bad_Slug", "--name", "X"]),
        "lowercase",
    );
    assert_fails_with(
        &cli.run(&["tenant", "create", "ab", "--name", "X"]),
        "3 to 40",
    );
    assert_fails_with(
        &cli.run(&["tenant", "create", "admin", "--name", "X"]),
        "reserved",
    );
    assert_fails_with(
        &cli.run(&["tenant", "create", "good-one", "--name", "  "]),
        "empty",
    );
    assert_fails_with(
        &cli.run(&[
            "tenant", "create", "good-one", "--name", "X", "--shard", "nope",
        ]),
        "no shard named 'nope'",
    );

    let ok = cli.run(&[
        "tenant",
        "create",
        "good-one",
        "--name",
        "Good One 🎉",
        "--shard",
        "shard2",
    ]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("http://good-one.localhost:3000"));
    assert_fails_with(
        &cli.run(&["tenant", "create", "good-one", "--name", "Again"]),
        "already taken",
    );

    let list = cli.run(&["tenant", "list"]);
    let out = stdout(&list);
    assert!(
        out.contains("good-one") && out.contains("shard2") && out.contains("Good One 🎉"),
        "{out}"
    );
}

#[test]
fn new_tenants_go_to_the_least_loaded_shard() {
    let cli = Cli::new();
    assert!(cli
        .run(&["tenant", "create", "first", "--name", "F", "--shard", "shard1"])
        .status
        .success());
    assert!(cli
        .run(&["tenant", "create", "second", "--name", "S"])
        .status
        .success());
    let out = stdout(&cli.run(&["tenant", "list"]));
    let second = out.lines().find(|l| l.starts_with("second")).unwrap();
    assert!(second.contains("shard2"), "{out}");
}

#[test]
fn shard_and_domain_commands_validate_their_input() {
    let cli = Cli::new();
    let list = stdout(&cli.run(&["shard", "list"]));
    assert!(list.contains("shard1") && list.contains("shard2"), "{list}");
    assert_fails_with(
        &cli.run(&["shard", "add", "Bad Name", "sqlite://x.db"]),
        "not a valid shard name",
    );
    assert_fails_with(
        &cli.run(&["shard", "add", "s3", "mysql://x"]),
        "not a database URL",
    );
    let s3 = cli.dir.path().join("shard3.db");
    let url = format!("sqlite://{}", s3.display());
    let ok = cli.run(&["shard", "add", "shard3", &url]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert_fails_with(
        &cli.run(&["shard", "add", "shard3", &url]),
        "already exists",
    );

    assert!(cli
        .run(&["tenant", "create", "acme", "--name", "Acme"])
        .status
        .success());
    assert_fails_with(
        &cli.run(&["domain", "add", "nobody", "hub.nobody.test"]),
        "no tenant with slug",
    );
    assert_fails_with(
        &cli.run(&["domain", "add", "acme", "not a host"]),
        "not a valid host name",
    );
    assert_fails_with(
        &cli.run(&["domain", "add", "acme", "x.localhost"]),
        "is under localhost",
    );
    // Without --verified a domain waits for its TXT record, which the command prints.
    let added = cli.run(&["domain", "add", "acme", "Hub.Acme.Test"]);
    assert!(added.status.success(), "{}", stderr(&added));
    let out = String::from_utf8_lossy(&added.stdout).to_string();
    assert!(out.contains("_rally.hub.acme.test TXT \"rally-"), "{out}");
    assert_fails_with(
        &cli.run(&["domain", "add", "acme", "hub.acme.test"]),
        "already in use",
    );
    assert!(cli
        .run(&["domain", "add", "acme", "vouched.acme.test", "--verified"])
        .status
        .success());
    let list = cli.run(&["domain", "list", "acme"]);
    let list = String::from_utf8_lossy(&list.stdout).to_string();
    assert!(list.contains("hub.acme.test\tacme\tunverified"), "{list}");
    assert!(list.contains("vouched.acme.test\tacme\tverified"), "{list}");
    assert_fails_with(
        &cli.run(&["domain", "list", "nobody"]),
        "no tenant with slug",
    );
    assert_fails_with(
        &cli.run(&["domain", "verify", "unknown.acme.test"]),
        "no custom domain",
    );
    assert!(cli
        .run(&["domain", "remove", "hub.acme.test"])
        .status
        .success());
    assert_fails_with(
        &cli.run(&["domain", "remove", "hub.acme.test"]),
        "no custom domain",
    );
    let list = cli.run(&["domain", "list"]);
    let list = String::from_utf8_lossy(&list.stdout).to_string();
    assert!(!list.contains("hub.acme.test"), "{list}");
}

#[test]
fn seed_demo_is_idempotent() {
    let cli = Cli::new();
    for _ in 0..2 {
        let o = cli.run(&["seed", "demo"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let out = stdout(&cli.run(&["tenant", "list"]));
    assert_eq!(
        out.lines().filter(|l| l.starts_with("acme ")).count(),
        1,
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("acme ") && l.contains("shard1")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("globex ") && l.contains("shard2")),
        "{out}"
    );
}

#[test]
fn bad_configuration_stops_with_the_variable_named() {
    let cli = Cli::new();
    let o = cli.run_env(&["serve"], &[("RALLY_LISTEN", "not-an-address")]);
    assert_fails_with(&o, "RALLY_LISTEN");
    let o = cli.run_env(&["migrate"], &[("RALLY_ENV", "staging")]);
    assert_fails_with(&o, "RALLY_ENV");
    let o = cli.run_env(
        &["migrate"],
        &[("RALLY_DATABASE_URL", "postgres://postgres@127.0.0.1:1/none")],
    );
    assert_fails_with(&o, "RALLY_DATABASE_URL");
}

/// Production refuses to start on each unsafe setting, in one line naming it; the demo
/// seed (accounts with a published password) is refused too, loaded or to be loaded.
#[test]
fn production_start_is_refused_for_each_unsafe_setting() {
    let cli = Cli::new();
    let safe = [
        ("RALLY_ENV", "production"),
        ("RALLY_PUBLIC_URL", "https://rally.example"),
        ("RALLY_SMTP_URL", "smtp://127.0.0.1:2525"),
        ("RALLY_SECRET_KEY", "0123456789abcdef0123456789abcdef"),
        // Not an address of this machine: were a refusal missing, binding fails instead.
        ("RALLY_LISTEN", "192.0.2.1:80"),
    ];
    let with = |var: &'static str, value: Option<&'static str>| {
        let mut env: Vec<(&str, &str)> = safe.iter().copied().filter(|(k, _)| *k != var).collect();
        if let Some(v) = value {
            env.push((var, v));
        }
        env
    };
    for (var, value) in [
        ("RALLY_PUBLIC_URL", None),
        ("RALLY_PUBLIC_URL", Some("http://rally.example")),
        ("RALLY_MAIL_VIEWER", Some("on")),
        ("RALLY_SMTP_URL", None),
        ("RALLY_SECRET_KEY", None),
    ] {
        let o = cli.run_env(&["serve"], &with(var, value));
        assert_fails_with(&o, var);
        assert!(
            stderr(&o).contains("refusing to start in production"),
            "{}",
            stderr(&o)
        );
    }
    let o = cli.run_env(&["seed", "demo"], &safe);
    assert_fails_with(&o, "demo seed");
    // Seeded in development, then started in production: refused before listening.
    assert!(cli.run(&["seed", "demo"]).status.success());
    let o = cli.run_env(&["serve"], &safe);
    assert_fails_with(&o, "demo seed");
}

/// `rally serve` stops cleanly on SIGTERM (what a process manager sends): it finishes and
/// exits 0 instead of dying by the signal. Its logs here are JSON, one object per line.
#[test]
fn serve_exits_cleanly_on_sigterm() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let cli = Cli::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rally"))
        .arg("serve")
        .env_clear()
        .env("RALLY_DATA_DIR", cli.dir.path())
        .env("RALLY_LISTEN", format!("127.0.0.1:{port}"))
        .env("RALLY_LOG", "info")
        .env("RALLY_LOG_FORMAT", "json")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start rally serve");
    let healthy = || {
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            return false;
        };
        let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out.starts_with("HTTP/1.1 200")
    };
    let start = Instant::now();
    while !healthy() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "serve did not come up"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "serve did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let messages: Vec<String> = out
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
            assert!(v["level"].is_string() && v["timestamp"].is_string(), "{l}");
            v["fields"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("Rally is listening")),
        "{out}"
    );
    assert!(
        messages.iter().any(|m| m.contains("shutting down")),
        "{out}"
    );
}

/// `rally jobs`: the dead list, and retrying refuses what is not a dead job.
#[test]
fn jobs_commands_list_and_refuse_clearly() {
    let cli = Cli::new();
    assert!(cli.run(&["migrate"]).status.success());
    let dead = cli.run(&["jobs", "dead"]);
    assert!(dead.status.success(), "{}", stderr(&dead));
    assert_eq!(stdout(&dead), "", "no job has died");
    assert_fails_with(&cli.run(&["jobs", "retry", "nope"]), "is not a job id");
    assert_fails_with(
        &cli.run(&["jobs", "retry", "01a20b7a-d898-77e1-ade3-aad1ae8c1a03"]),
        "no dead job",
    );
}

/// `rally tenant mail`: the operator's mail switches, checked.
#[test]
fn tenant_mail_switches_are_set_and_checked() {
    let cli = Cli::new();
    assert!(cli.run(&["seed", "demo"]).status.success());
    let o = cli.run(&[
        "tenant",
        "mail",
        "acme",
        "--spam-score",
        "80",
        "--suppressed",
        "on",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("acme: mail suppressed, spam score 80"),
        "{}",
        stdout(&o)
    );
    let o = cli.run(&["tenant", "mail", "acme", "--suppressed", "off"]);
    assert!(
        stdout(&o).contains("acme: mail sent, spam score 80"),
        "{}",
        stdout(&o)
    );
    assert_fails_with(
        &cli.run(&["tenant", "mail", "acme", "--spam-score", "101"]),
        "0 to 100",
    );
    assert_fails_with(
        &cli.run(&["tenant", "mail", "nobody", "--spam-score", "1"]),
        "no tenant",
    );
    // A usage error (clap's exit code 2), naming the value.
    let o = cli.run(&["tenant", "mail", "acme", "--suppressed", "maybe"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("'maybe' is neither on nor off"),
        "{}",
        stderr(&o)
    );
}

/// `rally shard mark`: a shard's state, by name, checked.
#[test]
fn shard_mark_sets_a_known_state_of_a_known_shard() {
    let cli = Cli::new();
    assert!(cli.run(&["migrate"]).status.success());
    let o = cli.run(&["shard", "mark", "shard1", "read-only"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("shard shard1 is now read-only"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&cli.run(&["shard", "list"])).contains("read-only"));
    assert_fails_with(
        &cli.run(&["shard", "mark", "nope", "active"]),
        "no shard named",
    );
    let o = cli.run(&["shard", "mark", "shard1", "sleepy"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not a shard status"), "{}", stderr(&o));
}

/// Per-tenant debug logging, in a real `rally serve` writing JSON logs: switched on for
/// acme, acme's SQL is logged and globex's is not; it stops by itself when its time is up.
#[test]
fn debug_logging_for_one_hub_logs_its_sql_only_and_stops_by_itself() {
    use std::io::{Read, Write};
    use std::time::{Duration, Instant};
    let cli = Cli::new();
    assert!(cli.run(&["seed", "demo"]).status.success());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log_path = cli.dir.path().join("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rally"))
        .arg("serve")
        .env_clear()
        .env("RALLY_DATA_DIR", cli.dir.path())
        .env("RALLY_LISTEN", format!("127.0.0.1:{port}"))
        .env("RALLY_LOG", "info")
        .env("RALLY_LOG_FORMAT", "json")
        .stdout(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .expect("start rally serve");
    let get = |host: &str, path: &str| -> String {
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            return String::new();
        };
        let req =
            format!("GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n");
        let _ = s.write_all(req.as_bytes());
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    };
    let start = Instant::now();
    while !get("x", "/healthz").starts_with("HTTP/1.1 200") {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "serve did not come up"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // SQL lines of the log, by the host of the request they ran in.
    let sql_hosts = || -> Vec<String> {
        std::fs::read_to_string(&log_path)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["target"] == "rally::sql")
            .map(|v| v["span"]["host"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let o = cli.run(&["tenant", "debug", "acme", "--minutes", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The server notices within a second or two; its hub caches are cold, so each hub's
    // first page reads its settings.
    std::thread::sleep(Duration::from_millis(2500));
    assert!(get("acme.localhost", "/").starts_with("HTTP/1.1 200"));
    assert!(get("globex.localhost", "/").starts_with("HTTP/1.1 200"));
    std::thread::sleep(Duration::from_millis(300));
    let hosts = sql_hosts();
    assert!(
        hosts.iter().any(|h| h.starts_with("acme.localhost")),
        "acme's SQL is logged: {hosts:?}"
    );
    assert!(
        !hosts.iter().any(|h| h.starts_with("globex.localhost")),
        "globex's is not: {hosts:?}"
    );

    // The switch is set to end in a second (as a minute's would, sooner): once it has,
    // with nobody switching it off, acme's SQL is no longer logged.
    let dir = cli.dir.path().display().to_string();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let config =
            rally::web::Config::from_lookup(|k| (k == "RALLY_DATA_DIR").then(|| dir.clone()))
                .unwrap();
        let registry = rally::startup::open_databases(&config).await.unwrap();
        let soon = chrono::Utc::now() + chrono::Duration::seconds(1);
        rally::platform::tenants::set_debug_until(&registry, "acme", Some(soon))
            .await
            .unwrap();
    });
    let before = sql_hosts().len();
    // Past the end, and past the hub settings' memo (3 s), so the page reads them again.
    std::thread::sleep(Duration::from_millis(4500));
    assert!(get("acme.localhost", "/").starts_with("HTTP/1.1 200"));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        sql_hosts().len(),
        before,
        "switched off: nothing more is logged"
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// The console's actions at the CLI: a hub's status, signing someone out everywhere, and
/// the audit log that records them (as `cli`).
#[test]
fn console_actions_are_cli_commands_too_and_audited() {
    let cli = Cli::new();
    assert!(cli.run(&["seed", "demo"]).status.success());
    let o = cli.run(&["tenant", "status", "globex", "suspended"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("globex is now suspended"));
    let o = cli.run(&["tenant", "status", "globex", "asleep"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not a hub status"), "{}", stderr(&o));
    let o = cli.run(&["user", "sign-out-everywhere", "alice@example.com"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_fails_with(
        &cli.run(&["user", "sign-out-everywhere", "nobody@example.com"]),
        "no account",
    );
    let audit = stdout(&cli.run(&["audit"]));
    assert!(
        audit.contains("cli\ttenant.status\tglobex\tsuspended"),
        "{audit}"
    );
    assert!(
        audit.contains("cli\tuser.sign_out_everywhere\talice@example.com"),
        "{audit}"
    );
}
