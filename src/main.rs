//! The `rally` binary: one CLI for serving and operating Rally. Configuration comes from
//! environment variables (see `web::config`); every error is one line and exit code 1.
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use rally::domain::{Role, ShardStatus, TenantStatus};
use rally::platform::audit::{self, Actor};
use rally::platform::{domains, members, migrate, moves, seed, shards, tenants};
use rally::startup;
use rally::web::{telemetry, Config};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "rally",
    version,
    about = "Rally: a multi-tenant advocate marketing hub"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates first; idempotent).
    Serve,
    /// Migrate the global database, then every shard in parallel.
    Migrate,
    /// Manage database shards.
    #[command(subcommand)]
    Shard(ShardCommand),
    /// Manage tenants (hubs).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage custom domains.
    #[command(subcommand)]
    Domain(DomainCommand),
    /// Load seed data.
    #[command(subcommand)]
    Seed(SeedCommand),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Repair what an interrupted cross-database write left behind.
    #[command(subcommand)]
    Reconcile(ReconcileCommand),
    /// Background jobs: those given up, and retrying them.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Points: check the maintained totals against the ledger.
    #[command(subcommand)]
    Points(PointsCommand),
    /// The operators' audit log, newest first.
    Audit {
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
}

#[derive(Subcommand)]
enum JobsCommand {
    /// List jobs given up after their last attempt, with their last error.
    Dead,
    /// Put a dead job back in the queue with fresh attempts.
    Retry { id: String },
}

#[derive(Subcommand)]
enum PointsCommand {
    /// Recompute every advocate's balance, lifetime and monthly points from the ledger and
    /// report where the maintained totals differ (all hubs, or one). Exit code 1 if any.
    Verify {
        slug: Option<String>,
        /// Replace the totals of a hub that differs with what its ledger adds up to.
        #[arg(long)]
        repair: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Make an account a platform operator.
    Promote { email: String },
    /// End every session of an account, on every host.
    SignOutEverywhere { email: String },
}

#[derive(Subcommand)]
enum ReconcileCommand {
    /// Make the global membership directory agree with the hubs' contacts.
    Memberships,
}

#[derive(Subcommand)]
enum ShardCommand {
    /// Register a shard database (it is checked and migrated first).
    Add {
        name: String,
        /// Writer URL: sqlite://… or postgres://…
        url: String,
        /// Optional read replica URL.
        #[arg(long)]
        reader: Option<String>,
    },
    /// List shards with their tenant counts.
    List,
    /// Propose moves that even out the active shards' tenant counts.
    Rebalance {
        /// Only print the moves (the only mode: each move is then run with
        /// `rally tenant move`).
        #[arg(long, required = true)]
        dry_run: bool,
    },
    /// Mark a shard active, read-only (its hubs are served, their writes refused),
    /// draining (no new tenants) or offline.
    Mark {
        name: String,
        #[arg(value_parser = parse_shard_status)]
        status: ShardStatus,
    },
}

fn parse_shard_status(s: &str) -> Result<ShardStatus, String> {
    ShardStatus::parse(s).ok_or_else(|| {
        format!("'{s}' is not a shard status (active, read-only, draining, offline)")
    })
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant: its hub is then served at <slug>.<root>.
    Create {
        /// 3–40 lowercase letters, digits and hyphens.
        slug: String,
        /// The hub's display name.
        #[arg(long)]
        name: String,
        /// Shard to place it on (default: the least-loaded active shard).
        #[arg(long)]
        shard: Option<String>,
    },
    /// List tenants.
    List,
    /// Move a hub to another shard while it stays live: copy, pause its writes for the
    /// switch (seconds), verify, switch, clean up. Run again to resume an interrupted move.
    Move {
        slug: String,
        /// The shard to move it to.
        #[arg(long)]
        to: String,
    },
    /// Add an account to a hub with a role (or change its role there).
    AddMember {
        slug: String,
        email: String,
        /// advocate, marketer or admin.
        #[arg(long, default_value = "advocate", value_parser = parse_role)]
        role: Role,
    },
    /// Suspend a hub (its members see a page saying so), rest it for maintenance (503),
    /// or make it active again.
    Status {
        slug: String,
        #[arg(value_parser = parse_tenant_status)]
        status: TenantStatus,
    },
    /// Debug logging for one hub (its requests and jobs, SQL included) for N minutes;
    /// 0 switches it off. Every server follows within seconds; it ends by itself.
    Debug {
        slug: String,
        #[arg(long)]
        minutes: u32,
    },
    /// A hub's mail switches: suppress its mail, set its spam score (0–100; at or above
    /// RALLY_SPAM_THRESHOLD its mail is recorded, not sent).
    Mail {
        slug: String,
        #[arg(long, value_parser = parse_switch)]
        suppressed: Option<bool>,
        #[arg(long)]
        spam_score: Option<i64>,
    },
}

fn parse_tenant_status(s: &str) -> Result<TenantStatus, String> {
    TenantStatus::parse(s)
        .ok_or_else(|| format!("'{s}' is not a hub status (active, suspended, maintenance)"))
}

fn parse_switch(s: &str) -> Result<bool, String> {
    match s {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(format!("'{s}' is neither on nor off")),
    }
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).map_err(|e| e.to_string())
}

#[derive(Subcommand)]
enum DomainCommand {
    /// Add a custom domain to a tenant; it routes once its TXT record is verified, or at
    /// once with --verified (the operator vouches for it).
    Add {
        slug: String,
        host: String,
        #[arg(long)]
        verified: bool,
    },
    /// Look the domain's TXT record up now (RALLY_DNS_RESOLVER) and verify it.
    Verify { host: String },
    /// List custom domains, of one tenant or all.
    List { slug: Option<String> },
    /// Remove a custom domain; it stops routing within a second.
    Remove { host: String },
}

#[derive(Subcommand)]
enum SeedCommand {
    /// Demo hubs: acme (shard1) and globex (shard2).
    Demo,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match run(cli.command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, without repeating a cause whose text an outer
/// message already includes (database errors often do).
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string().replace('\n', " ");
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let production = config.environment == rally::web::config::Environment::Production;
    if let Command::Serve = command {
        if let Some(unsafe_setting) = config.production_refusal() {
            anyhow::bail!("refusing to start in production: {unsafe_setting}");
        }
        if production {
            let registry = startup::open_databases(&config).await?;
            if seed::demo_accounts_present(registry.global()).await? {
                anyhow::bail!(
                    "refusing to start in production: the demo seed is loaded (its accounts share a published password); remove them or use a fresh RALLY_DATABASE_URL"
                );
            }
        }
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| {
                anyhow::anyhow!("cannot listen on {} (RALLY_LISTEN): {e}", config.listen)
            })?;
        let app = startup::Application::build(config, startup::leptos_options()).await?;
        let cfg = &app.state.config;
        tracing::info!(
            "Rally is listening on http://{} — open {} or {}",
            cfg.listen,
            cfg.url_for_host(&format!("accounts.{}", cfg.root_domain)),
            cfg.url_for_host(&format!("acme.{}", cfg.root_domain)),
        );
        app.run(listener, startup::shutdown_signal()).await?;
        telemetry::flush_traces();
        return Ok(());
    }

    let registry = startup::open_databases(&config).await?;
    match command {
        Command::Serve => unreachable!("handled above"),
        Command::Migrate => {
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template("migrating shards {bar:30} {pos}/{len} {msg}")
                    .expect("valid template"),
            );
            migrate::migrate_shards(&registry, Some(&bar)).await?;
            bar.finish_and_clear();
            println!(
                "global database and {} shard(s) are up to date",
                registry.shards().len()
            );
        }
        Command::Shard(ShardCommand::Add { name, url, reader }) => {
            let s = shards::add(registry.global(), &name, &url, reader.as_deref()).await?;
            audit::record(
                registry.global(),
                &Actor::Cli,
                "shard.add",
                &s.name,
                "",
                None,
            )
            .await?;
            println!("added shard {} ({})", s.name, s.id);
        }
        Command::Shard(ShardCommand::List) => {
            println!("{:<16} {:<10} {:>7}  writer", "name", "status", "tenants");
            for (s, n) in shards::list(registry.global()).await? {
                println!(
                    "{:<16} {:<10} {:>7}  {}",
                    s.name,
                    s.status,
                    n,
                    redact(&s.writer_url)
                );
            }
        }
        Command::Tenant(TenantCommand::Create { slug, name, shard }) => {
            let t = tenants::create(
                &registry,
                &slug,
                &name,
                shard.as_deref(),
                Default::default(),
            )
            .await?;
            audit::record(
                registry.global(),
                &Actor::Cli,
                "tenant.create",
                &t.slug,
                name,
                None,
            )
            .await?;
            let host = format!("{}.{}", t.slug, config.root_domain);
            println!("created tenant {} — {}", t.slug, config.url_for_host(&host));
        }
        Command::Tenant(TenantCommand::List) => {
            println!("{:<24} {:<10} {:<12} name", "slug", "status", "shard");
            for (t, shard) in tenants::list(&registry).await? {
                println!("{:<24} {:<10} {:<12} {}", t.slug, t.status, shard, t.name);
            }
        }
        Command::Tenant(TenantCommand::AddMember { slug, email, role }) => {
            members::add_member(&registry, &slug, &email, role).await?;
            let target = format!("{email} in {slug}");
            audit::record(
                registry.global(),
                &Actor::Cli,
                "member.add",
                &target,
                role.as_str(),
                None,
            )
            .await?;
            println!("{email} is now {} of {slug}", role.as_str());
        }
        Command::Shard(ShardCommand::Mark { name, status }) => {
            let s = shards::set_status(&registry, &name, status).await?;
            audit::record(
                registry.global(),
                &Actor::Cli,
                "shard.status",
                &name,
                status.as_str(),
                None,
            )
            .await?;
            println!("shard {} is now {}", s.name, s.status);
        }
        Command::Tenant(TenantCommand::Debug { slug, minutes }) => {
            if minutes > 24 * 60 {
                anyhow::bail!("debug logging is for at most a day (1440 minutes)");
            }
            let until = (minutes > 0)
                .then(|| chrono::Utc::now() + chrono::Duration::minutes(minutes as i64));
            tenants::set_debug_until(&registry, &slug, until).await?;
            let detail = format!("{minutes} minutes");
            audit::record(
                registry.global(),
                &Actor::Cli,
                "tenant.debug",
                &slug,
                detail,
                None,
            )
            .await?;
            match until {
                Some(u) => println!(
                    "debug logging for {slug} until {}",
                    u.format("%H:%M:%S UTC")
                ),
                None => println!("debug logging for {slug} is off"),
            }
        }
        Command::Tenant(TenantCommand::Mail {
            slug,
            suppressed,
            spam_score,
        }) => {
            let t = tenants::set_mail(&registry, &slug, suppressed, spam_score).await?;
            let detail = format!(
                "spam score {}, suppressed {}",
                t.spam_score, t.mail_suppressed
            );
            audit::record(
                registry.global(),
                &Actor::Cli,
                "tenant.mail",
                &slug,
                detail,
                None,
            )
            .await?;
            println!(
                "{slug}: mail {}, spam score {}",
                if t.mail_suppressed {
                    "suppressed"
                } else {
                    "sent"
                },
                t.spam_score
            );
        }
        Command::User(UserCommand::Promote { email }) => {
            let u = members::promote(registry.global(), &email).await?;
            audit::record(
                registry.global(),
                &Actor::Cli,
                "user.promote",
                &u.email,
                "",
                None,
            )
            .await?;
            println!("{} is now a platform operator", u.email);
        }
        Command::Reconcile(ReconcileCommand::Memberships) => {
            let r = rally::membership::reconcile(&registry).await?;
            println!(
                "checked {} tenant(s): added {} membership(s), removed {}",
                r.tenants, r.added, r.removed
            );
            if !r.skipped.is_empty() {
                anyhow::bail!("shards unreachable for: {}", r.skipped.join(", "));
            }
        }
        Command::Domain(DomainCommand::Add {
            slug,
            host,
            verified,
        }) => {
            let d =
                domains::add_custom(&registry, &config.root_domain, &slug, &host, verified).await?;
            let detail = if verified {
                "verified by the operator"
            } else {
                "awaiting DNS"
            };
            audit::record(
                registry.global(),
                &Actor::Cli,
                "domain.add",
                &d.host,
                detail,
                None,
            )
            .await?;
            if verified {
                println!("added verified domain {} to {slug}", d.host);
            } else {
                println!(
                    "added domain {} to {slug}; publish this record, then run `rally domain verify {}`:\n  _rally.{} TXT \"{}\"",
                    d.host, d.host, d.host, d.verification_token
                );
            }
        }
        Command::Domain(DomainCommand::Verify { host }) => {
            match domains::verify(
                &registry,
                config.dns_resolver,
                config.domain_grace_hours,
                &host,
            )
            .await?
            {
                Ok(()) => println!("{} is verified", host.trim()),
                Err(found) => anyhow::bail!(
                    "{} is not verified: _rally.{} holds {}",
                    host.trim(),
                    host.trim(),
                    if found.is_empty() {
                        "no TXT record".to_string()
                    } else {
                        found.join(", ")
                    }
                ),
            }
        }
        Command::Tenant(TenantCommand::Status { slug, status }) => {
            tenants::set_status(&registry, &slug, status).await?;
            audit::record(
                registry.global(),
                &Actor::Cli,
                "tenant.status",
                &slug,
                status.as_str(),
                None,
            )
            .await?;
            println!("{slug} is now {status}");
        }
        Command::User(UserCommand::SignOutEverywhere { email }) => {
            let u = members::sign_out_everywhere(registry.global(), &email).await?;
            audit::record(
                registry.global(),
                &Actor::Cli,
                "user.sign_out_everywhere",
                &u.email,
                "",
                None,
            )
            .await?;
            println!("{} is signed out everywhere", u.email);
        }
        Command::Tenant(TenantCommand::Move { slug, to }) => {
            let started = moves::start(&registry, &slug, &to).await?;
            audit::record(
                registry.global(),
                &Actor::Cli,
                "tenant.move",
                slug.trim(),
                format!("to shard {}", to.trim()),
                None,
            )
            .await?;
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template("{msg:<9} {bar:30} {pos}/{len} rows")
                    .expect("valid template"),
            );
            let show = |m: &rally::db::global::tenant_moves::Model| {
                bar.set_length(m.total.max(0) as u64);
                bar.set_position(m.copied.max(0) as u64);
                bar.set_message(m.phase.clone());
            };
            let done = moves::run(
                &registry,
                started.id,
                moves::MoveSettings::from_env(),
                &show,
            )
            .await?;
            bar.finish_and_clear();
            let pause = done
                .pause_ms
                .map_or("unknown".to_string(), |ms| format!("{ms} ms"));
            println!(
                "moved {} to shard {}: {} rows copied and verified; writes paused {pause}",
                slug.trim(),
                to.trim(),
                done.total
            );
        }
        Command::Shard(ShardCommand::Rebalance { dry_run: _ }) => {
            let proposals = moves::propose_rebalance(&registry).await?;
            if proposals.is_empty() {
                println!("the active shards are even: nothing to move");
            }
            for p in proposals {
                println!(
                    "rally tenant move {} --to {}    # from {}",
                    p.slug, p.to, p.from
                );
            }
        }
        Command::Points(PointsCommand::Verify { slug, repair }) => {
            let all = tenants::list(&registry).await?;
            let wanted: Vec<_> = match slug.as_deref().map(str::trim) {
                None => all,
                Some(s) => {
                    let one: Vec<_> = all.into_iter().filter(|(t, _)| t.slug == s).collect();
                    if one.is_empty() {
                        anyhow::bail!("there is no tenant with slug '{s}'");
                    }
                    one
                }
            };
            let mut differing = 0;
            for (t, _) in wanted {
                let db = registry.tenant_db(t.id, t.shard_id).await?;
                let diffs = rally::points::totals::verify(&db).await?;
                if diffs.is_empty() {
                    println!("{}: the totals agree with the ledger", t.slug);
                    continue;
                }
                differing += 1;
                println!("{}: {} difference(s) from the ledger", t.slug, diffs.len());
                for d in diffs.iter().take(50) {
                    println!(
                        "  contact {} {}: ledger says {}, stored {}",
                        d.contact_id, d.what, d.ledger, d.stored
                    );
                }
                if repair {
                    let tx = db.begin().await?;
                    rally::points::totals::rebuild(&tx).await?;
                    tx.commit().await?;
                    println!("  repaired: the totals were rebuilt from the ledger");
                }
            }
            if differing > 0 && !repair {
                anyhow::bail!("{differing} hub(s) differ from their ledger");
            }
        }
        Command::Audit { limit } => {
            for a in audit::recent(registry.global(), limit).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    a.created_at.format("%Y-%m-%d %H:%M:%S"),
                    a.actor,
                    a.action,
                    a.target,
                    a.detail,
                    a.request_id.unwrap_or_default()
                );
            }
        }
        Command::Jobs(JobsCommand::Dead) => {
            for d in rally::jobs::dead(&registry).await? {
                let j = d.job;
                println!(
                    "{}\t{}\t{}\ttenant {}\t{} attempts\t{}",
                    j.id,
                    d.shard.as_deref().unwrap_or("global"),
                    j.kind,
                    j.tenant_id
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| "-".into()),
                    j.attempts,
                    j.last_error.unwrap_or_default()
                );
            }
        }
        Command::Jobs(JobsCommand::Retry { id }) => {
            let id: uuid::Uuid = id
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("'{id}' is not a job id"))?;
            if !rally::jobs::retry(&registry, id).await? {
                anyhow::bail!("there is no dead job {id}");
            }
            let target = id.to_string();
            audit::record(
                registry.global(),
                &Actor::Cli,
                "job.retry",
                &target,
                "",
                None,
            )
            .await?;
            println!("job {id} is queued again");
        }
        Command::Domain(DomainCommand::List { slug }) => {
            for (tenant, d) in domains::list(&registry, slug.as_deref()).await? {
                let state = match (d.verified_at, d.failing_since) {
                    (Some(_), Some(_)) => "verified, record missing",
                    (Some(_), None) => "verified",
                    (None, _) => "unverified",
                };
                let primary = if d.is_primary { " primary" } else { "" };
                println!("{}\t{tenant}\t{state}{primary}", d.host);
            }
        }
        Command::Domain(DomainCommand::Remove { host }) => {
            let d = domains::remove(&registry, &host).await?;
            audit::record(
                registry.global(),
                &Actor::Cli,
                "domain.remove",
                &d.host,
                "",
                None,
            )
            .await?;
            println!("removed {}", d.host);
        }
        Command::Seed(SeedCommand::Demo) => {
            if production {
                anyhow::bail!(
                    "RALLY_ENV: the demo seed (accounts with a published password) is refused in production"
                );
            }
            migrate::migrate_shards(&registry, None).await?;
            for line in seed::demo(&registry, &config.root_domain).await? {
                println!("{line}");
            }
            println!(
                "demo accounts (alice@, mia@, owner@, ops@example.com) use the password: {}",
                seed::DEMO_PASSWORD
            );
        }
    }
    Ok(())
}

/// Hides a password in a database URL before printing it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
