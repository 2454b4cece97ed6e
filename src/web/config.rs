//! Typed configuration, read once at start-up from environment variables. Every key has a
//! documented default; a bad value stops start-up with one line naming the variable.
use crate::domain::HostName;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `RALLY_DATA_DIR` (default `./data`): where the embedded SQLite databases live
    /// (`global.db`, `shard1.db`, `shard2.db`).
    pub data_dir: PathBuf,
    /// `RALLY_DATABASE_URL` (default `sqlite://<data dir>/global.db`): the global database,
    /// `sqlite://…` or `postgres://…`. Shards are registered in it (`rally shard add`).
    pub database_url: String,
    /// True when `RALLY_DATABASE_URL` is unset: Rally then creates two SQLite shards in the
    /// data directory on first run, so it runs with no server at all.
    pub embedded: bool,
    /// `RALLY_ROOT_DOMAIN` (default `localhost`, or the host of `RALLY_PUBLIC_URL`): hubs
    /// are `<slug>.<root>`, sign-in is on `accounts.<root>`, the API on `api.<root>`.
    pub root_domain: String,
    /// `RALLY_PUBLIC_URL` (default unset: `http://<root>:<listen port>`): the scheme, root
    /// host and port browsers use, e.g. `https://rally.example` behind a TLS proxy. It makes
    /// every link, the SSO host check and the cookies' `Secure` flag. Required (https) in
    /// production.
    pub public_url: Option<PublicUrl>,
    /// `RALLY_MAIL_VIEWER` (default `on` in development, `off` in production): show mail
    /// that was kept instead of sent at `accounts.<root>/dev/mail`, to platform operators.
    pub mail_viewer: bool,
    /// `RALLY_LISTEN` (default `127.0.0.1:3000`): the address `rally serve` binds.
    pub listen: SocketAddr,
    /// `RALLY_ENV` (default `development`): `development` or `production`.
    pub environment: Environment,
    /// `RALLY_DB_MAX_CONNECTIONS` (default 10): pool size, per database.
    pub db_max_connections: u32,
    /// `RALLY_HOST_CACHE_SECONDS` (default 30): how long a host → tenant answer (or miss) is
    /// trusted at most. Changes made anywhere are seen sooner, within a quarter second, by
    /// the hot-configuration watcher (`web::hot_config`); this bounds staleness only while
    /// the global database cannot be read.
    pub host_cache_seconds: u64,
    /// `RALLY_SMTP_URL` (default unset): e.g. `smtps://user:pass@smtp.example:465` or
    /// `smtp://relay:25?tls=required`. Unset: outside production mail is kept and shown at
    /// `accounts.<root>/dev/mail`; in production it stays queued (and a warning is logged).
    pub smtp_url: Option<String>,
    /// `RALLY_MAIL_FROM` (default `Rally <no-reply@<root>>`): the sender of every mail.
    pub mail_from: String,
    /// `RALLY_REDIS_URL` (default unset): keep sessions in Redis (`redis://host:6379`)
    /// instead of the global database, so several app servers share them.
    pub redis_url: Option<String>,
    /// `RALLY_SESSION_IDLE_MINUTES` (default 10080, a week): a session unused this long ends.
    pub session_idle_minutes: u64,
    /// `RALLY_LOGIN_ATTEMPTS_PER_ACCOUNT` (default 5) and `RALLY_LOGIN_ATTEMPTS_PER_ADDRESS`
    /// (default 100): failed sign-ins allowed per `RALLY_LOGIN_WINDOW_SECONDS` (default 60)
    /// for one email address and for one client address; successes do not count. Beyond
    /// that: 429. Reset requests use the per-account figure; sign-ups, reset requests and
    /// resets the per-address one.
    pub login_attempts_per_account: u32,
    pub login_attempts_per_address: u32,
    pub login_window_seconds: u64,
    /// `RALLY_TRUSTED_PROXIES` (default none): comma-separated networks (CIDRs, e.g.
    /// `127.0.0.1/32,10.0.0.0/8`) whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `RALLY_SECRET_KEY` (at least 32 characters; required in production): signs file URLs.
    /// Every app server needs the same one. Unset in development: a random key is kept in
    /// `<data dir>/secret.key`.
    pub secret_key: Option<String>,
    /// `RALLY_STORAGE_URL` (default `<data dir>/uploads`): where uploads are kept,
    /// `file:///path` or `s3://bucket?endpoint=…&region=…` (see `storage::Storage::open`).
    pub storage_url: Option<String>,
    /// `RALLY_DNS_RESOLVER` (default: the system's resolvers): the DNS server that custom
    /// domains' TXT records are looked up at, as `address:port`.
    pub dns_resolver: Option<SocketAddr>,
    /// `RALLY_DOMAIN_GRACE_HOURS` (default 72): how long a verified domain whose TXT record
    /// has gone keeps routing before it is unverified (its admins are mailed).
    pub domain_grace_hours: u64,
    /// `RALLY_SPAM_THRESHOLD` (default 50): a hub whose spam score (set by an operator,
    /// 0–100) reaches it has its mail suppressed: recorded, not sent.
    pub spam_threshold: i64,
    /// `RALLY_MAIL_REDIRECT_TO` (default unset): for staging, every mail goes to this one
    /// address instead (the intended one is kept in `X-Original-To` and the record).
    pub mail_redirect_to: Option<String>,
    /// `RALLY_API_RATE_PER_MINUTE` (default 600): requests one API client may make per
    /// minute (every app server shares the budget when `RALLY_REDIS_URL` is set); beyond
    /// that, 429 with `Retry-After`.
    pub api_rate_per_minute: u32,
    /// `RALLY_WEBHOOK_ALLOW_PRIVATE` (default off; refused in production): let webhooks
    /// reach loopback, private and link-local addresses — for a receiver on a developer's
    /// machine. Off, such targets are refused when subscribed and again at every delivery.
    pub webhook_allow_private: bool,
    /// `RALLY_WEBHOOK_ATTEMPTS` (default 8) and `RALLY_WEBHOOK_TIMEOUT_SECONDS` (default
    /// 10): a webhook delivery is tried this many times, each given this long to answer,
    /// before it is marked failed.
    pub webhook_attempts: u32,
    pub webhook_timeout_seconds: u64,
    /// `RALLY_JOB_BACKOFF_SECONDS` (default 10): a failed job's first retry waits this
    /// long; each later one twice the one before, at most an hour.
    pub job_backoff_seconds: u64,
    /// `RALLY_METRICS_LISTEN` (default unset: no metrics): the address `/metrics`
    /// (Prometheus text) is served on — a private one, never the public listener.
    pub metrics_listen: Option<SocketAddr>,
}

/// What `RALLY_PUBLIC_URL` says about the root host: its scheme and port as browsers see
/// them (the host itself is [`Config::root_domain`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicUrl {
    pub https: bool,
    /// None for the scheme's default port.
    pub port: Option<u16>,
}

impl PublicUrl {
    /// Parses `http(s)://host[:port][/]`, returning the host too.
    fn parse(raw: &str) -> Result<(Self, String), String> {
        let url = url::Url::parse(raw).map_err(|e| format!("'{raw}' is not a URL: {e}"))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => return Err(format!("the scheme must be http or https, not {other}")),
        };
        if !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
            || url.path() != "/"
        {
            return Err(format!(
                "'{raw}' must be only a scheme, a host and a port, like https://rally.example"
            ));
        }
        // Hubs are subdomains of the root: it must be a domain name, not an address.
        let host = match url.host() {
            Some(url::Host::Domain(d)) => HostName::parse(d).ok(),
            _ => None,
        }
        .ok_or_else(|| format!("'{raw}' does not name a domain"))?;
        Ok((
            Self {
                https,
                port: url.port(),
            },
            host.as_str().to_string(),
        ))
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Builds the config from any key lookup (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let bad = |var: &'static str, message: String| ConfigError { var, message };

        let data_dir = PathBuf::from(get("RALLY_DATA_DIR").unwrap_or_else(|| "data".into()));
        let (database_url, embedded) = match get("RALLY_DATABASE_URL") {
            Some(url) => {
                if !(url.starts_with("sqlite:")
                    || url.starts_with("postgres://")
                    || url.starts_with("postgresql://"))
                {
                    return Err(bad(
                        "RALLY_DATABASE_URL",
                        "must start with sqlite:, postgres:// or postgresql://".into(),
                    ));
                }
                (url, false)
            }
            None => (sqlite_url(&data_dir.join("global.db")), true),
        };
        let public = match get("RALLY_PUBLIC_URL") {
            Some(raw) => Some(PublicUrl::parse(&raw).map_err(|m| bad("RALLY_PUBLIC_URL", m))?),
            None => None,
        };
        let root = match (&public, get("RALLY_ROOT_DOMAIN")) {
            (Some((_, host)), Some(root)) if !root.eq_ignore_ascii_case(host) => {
                return Err(bad(
                    "RALLY_ROOT_DOMAIN",
                    format!(
                        "'{root}' differs from the host of RALLY_PUBLIC_URL ({host}); set only one"
                    ),
                ))
            }
            (Some((_, host)), _) => host.clone(),
            (None, root) => root.unwrap_or_else(|| "localhost".into()),
        };
        let public_url = public.map(|(url, _)| url);
        let root_domain = HostName::parse(&root)
            .ok()
            .filter(|_| !root.contains(':'))
            .ok_or_else(|| {
                bad(
                    "RALLY_ROOT_DOMAIN",
                    format!("'{root}' is not a domain name"),
                )
            })?
            .as_str()
            .to_string();
        let listen_raw = get("RALLY_LISTEN").unwrap_or_else(|| "127.0.0.1:3000".into());
        let listen = listen_raw.parse().map_err(|_| {
            bad(
                "RALLY_LISTEN",
                format!("'{listen_raw}' is not an address like 127.0.0.1:3000"),
            )
        })?;
        let environment = match get("RALLY_ENV").as_deref().unwrap_or("development") {
            "development" | "dev" => Environment::Development,
            "production" | "prod" => Environment::Production,
            other => {
                return Err(bad(
                    "RALLY_ENV",
                    format!("'{other}' is neither development nor production"),
                ))
            }
        };
        let number = |var: &'static str, default: u64, min: u64, max: u64| match get(var) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| bad(var, format!("'{v}' is not a number from {min} to {max}"))),
        };
        let default_from = format!("Rally <no-reply@{root_domain}>");
        let switch = |var: &'static str, default: bool| match get(var).as_deref() {
            None => Ok(default),
            Some("on" | "true" | "1" | "yes") => Ok(true),
            Some("off" | "false" | "0" | "no") => Ok(false),
            Some(other) => Err(bad(var, format!("'{other}' is neither on nor off"))),
        };
        let mail_viewer = switch("RALLY_MAIL_VIEWER", environment == Environment::Development)?;
        Ok(Self {
            data_dir,
            database_url,
            embedded,
            root_domain,
            public_url,
            mail_viewer,
            listen,
            environment,
            db_max_connections: number("RALLY_DB_MAX_CONNECTIONS", 10, 1, 1000)? as u32,
            host_cache_seconds: number("RALLY_HOST_CACHE_SECONDS", 30, 0, 3600)?,
            smtp_url: match get("RALLY_SMTP_URL") {
                Some(u) if !(u.starts_with("smtp://") || u.starts_with("smtps://")) => {
                    return Err(bad(
                        "RALLY_SMTP_URL",
                        "must start with smtp:// or smtps://".into(),
                    ))
                }
                other => other,
            },
            mail_from: {
                let from = get("RALLY_MAIL_FROM").unwrap_or(default_from);
                if from.parse::<lettre::message::Mailbox>().is_err() {
                    return Err(bad(
                        "RALLY_MAIL_FROM",
                        format!("'{from}' is not an address like Rally <no-reply@example.com>"),
                    ));
                }
                from
            },
            redis_url: match get("RALLY_REDIS_URL") {
                Some(u) if !(u.starts_with("redis://") || u.starts_with("rediss://")) => {
                    return Err(bad(
                        "RALLY_REDIS_URL",
                        "must start with redis:// or rediss://".into(),
                    ))
                }
                other => other,
            },
            session_idle_minutes: number("RALLY_SESSION_IDLE_MINUTES", 10080, 1, 525_600)?,
            login_attempts_per_account: number("RALLY_LOGIN_ATTEMPTS_PER_ACCOUNT", 5, 1, 10_000)?
                as u32,
            login_attempts_per_address: number("RALLY_LOGIN_ATTEMPTS_PER_ADDRESS", 100, 1, 100_000)?
                as u32,
            login_window_seconds: number("RALLY_LOGIN_WINDOW_SECONDS", 60, 1, 86_400)?,
            trusted_proxies: match get("RALLY_TRUSTED_PROXIES") {
                None => Vec::new(),
                Some(list) => list
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| {
                        // A bare address is a network of one.
                        n.parse::<ipnet::IpNet>()
                            .or_else(|_| n.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                            .map_err(|_| {
                                bad(
                                    "RALLY_TRUSTED_PROXIES",
                                    format!("'{n}' is not a network like 10.0.0.0/8"),
                                )
                            })
                    })
                    .collect::<Result<_, _>>()?,
            },
            secret_key: match get("RALLY_SECRET_KEY") {
                Some(k) if k.trim().len() < 32 => {
                    return Err(bad(
                        "RALLY_SECRET_KEY",
                        "use at least 32 random characters (e.g. `openssl rand -hex 32`)".into(),
                    ))
                }
                other => other.map(|k| k.trim().to_string()),
            },
            storage_url: get("RALLY_STORAGE_URL"),
            dns_resolver: match get("RALLY_DNS_RESOLVER") {
                None => None,
                Some(v) => Some(v.trim().parse().map_err(|_| {
                    bad(
                        "RALLY_DNS_RESOLVER",
                        format!("'{v}' is not an address like 127.0.0.1:53"),
                    )
                })?),
            },
            domain_grace_hours: number("RALLY_DOMAIN_GRACE_HOURS", 72, 0, 24 * 365)?,
            spam_threshold: number("RALLY_SPAM_THRESHOLD", 50, 1, 100)? as i64,
            mail_redirect_to: match get("RALLY_MAIL_REDIRECT_TO") {
                None => None,
                Some(raw) => Some(
                    crate::domain::Email::parse(&raw)
                        .map_err(|e| bad("RALLY_MAIL_REDIRECT_TO", format!("'{raw}': {e}")))?
                        .as_str()
                        .to_string(),
                ),
            },
            api_rate_per_minute: number("RALLY_API_RATE_PER_MINUTE", 600, 1, 1_000_000)? as u32,
            webhook_allow_private: switch("RALLY_WEBHOOK_ALLOW_PRIVATE", false)?,
            webhook_attempts: number("RALLY_WEBHOOK_ATTEMPTS", 8, 1, 20)? as u32,
            webhook_timeout_seconds: number("RALLY_WEBHOOK_TIMEOUT_SECONDS", 10, 1, 120)?,
            job_backoff_seconds: number("RALLY_JOB_BACKOFF_SECONDS", 10, 1, 3600)?,
            metrics_listen: match get("RALLY_METRICS_LISTEN") {
                None => None,
                Some(v) => Some(v.trim().parse().map_err(|_| {
                    bad(
                        "RALLY_METRICS_LISTEN",
                        format!("'{v}' is not an address like 127.0.0.1:9100"),
                    )
                })?),
            },
        })
    }

    /// The SQLite URL of an embedded shard file in the data directory.
    pub fn embedded_shard_url(&self, name: &str) -> String {
        sqlite_url(&self.data_dir.join(format!("{name}.db")))
    }

    /// Is the site served over https, as browsers see it? Cookies are then `Secure` and
    /// responses carry HSTS.
    /// Without `RALLY_PUBLIC_URL`, production is assumed to be behind https.
    pub fn https(&self) -> bool {
        self.public_url
            .map_or(self.environment == Environment::Production, |u| u.https)
    }

    /// The port browsers use, when it is not the scheme's default (it then appears in
    /// URLs and Host headers): `RALLY_PUBLIC_URL`'s, else the port Rally listens on.
    pub fn public_port(&self) -> Option<u16> {
        match self.public_url {
            Some(url) => url.port,
            None => match self.listen.port() {
                80 | 443 => None,
                port => Some(port),
            },
        }
    }

    /// The public base URL of a host, e.g. `http://acme.localhost:3000`.
    pub fn url_for_host(&self, host: &str) -> String {
        let scheme = if self.https() { "https" } else { "http" };
        match self.public_port() {
            None => format!("{scheme}://{host}"),
            Some(port) => format!("{scheme}://{host}:{port}"),
        }
    }

    /// In production, the first setting that is unsafe there, named in one line. `rally
    /// serve` refuses to start on it.
    pub fn production_refusal(&self) -> Option<ConfigError> {
        if self.environment != Environment::Production {
            return None;
        }
        let bad = |var: &'static str, message: &str| {
            Some(ConfigError {
                var,
                message: message.to_string(),
            })
        };
        if !self.public_url.is_some_and(|u| u.https) {
            return bad(
                "RALLY_PUBLIC_URL",
                "production needs the https URL browsers use, e.g. https://rally.example",
            );
        }
        if self.mail_viewer {
            return bad(
                "RALLY_MAIL_VIEWER",
                "the mail viewer shows every reset and invitation link; it is for development only",
            );
        }
        if self.secret_key.is_none() {
            return bad(
                "RALLY_SECRET_KEY",
                "production needs a secret shared by every app server (it signs file URLs)",
            );
        }
        if self.webhook_allow_private {
            return bad(
                "RALLY_WEBHOOK_ALLOW_PRIVATE",
                "webhooks to private addresses let hub admins reach the internal network; it is for development only",
            );
        }
        if self.smtp_url.is_none() {
            return bad(
                "RALLY_SMTP_URL",
                "production needs an SMTP server (with its credentials) or no mail is ever sent",
            );
        }
        None
    }
}

fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.root_domain, "localhost");
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.environment, Environment::Development);
        assert!(c.embedded);
        assert_eq!(c.database_url, "sqlite://data/global.db");
        assert_eq!(
            c.url_for_host("acme.localhost"),
            "http://acme.localhost:3000"
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(
            cfg(&[("RALLY_LISTEN", "nope")]).unwrap_err().var,
            "RALLY_LISTEN"
        );
        assert_eq!(
            cfg(&[("RALLY_ENV", "staging")]).unwrap_err().var,
            "RALLY_ENV"
        );
        assert_eq!(
            cfg(&[("RALLY_DATABASE_URL", "mysql://x")]).unwrap_err().var,
            "RALLY_DATABASE_URL"
        );
        assert_eq!(
            cfg(&[("RALLY_ROOT_DOMAIN", "bad domain")]).unwrap_err().var,
            "RALLY_ROOT_DOMAIN"
        );
        assert_eq!(
            cfg(&[("RALLY_DB_MAX_CONNECTIONS", "0")]).unwrap_err().var,
            "RALLY_DB_MAX_CONNECTIONS"
        );
        assert_eq!(
            cfg(&[("RALLY_SMTP_URL", "mail.example")]).unwrap_err().var,
            "RALLY_SMTP_URL"
        );
        assert_eq!(
            cfg(&[("RALLY_REDIS_URL", "localhost:6379")])
                .unwrap_err()
                .var,
            "RALLY_REDIS_URL"
        );
        assert_eq!(
            cfg(&[("RALLY_TRUSTED_PROXIES", "10.0.0.0/8, nonsense")])
                .unwrap_err()
                .var,
            "RALLY_TRUSTED_PROXIES"
        );
        assert_eq!(
            cfg(&[("RALLY_MAIL_FROM", "not an address")])
                .unwrap_err()
                .var,
            "RALLY_MAIL_FROM"
        );
    }

    #[test]
    fn explicit_values() {
        let c = cfg(&[
            ("RALLY_ROOT_DOMAIN", "Rally.Example"),
            ("RALLY_ENV", "production"),
            ("RALLY_LISTEN", "0.0.0.0:443"),
            ("RALLY_DATABASE_URL", "postgres://u@h/global"),
        ])
        .unwrap();
        assert_eq!(c.root_domain, "rally.example");
        assert!(!c.embedded);
        assert_eq!(
            c.url_for_host("accounts.rally.example"),
            "https://accounts.rally.example"
        );
    }

    #[test]
    fn the_public_url_gives_scheme_root_and_port() {
        let c = cfg(&[
            ("RALLY_PUBLIC_URL", "https://Rally.Example:8443/"),
            ("RALLY_LISTEN", "127.0.0.1:3000"),
        ])
        .unwrap();
        assert_eq!(c.root_domain, "rally.example");
        assert!(c.https());
        assert_eq!(c.public_port(), Some(8443));
        assert_eq!(
            c.url_for_host("acme.rally.example"),
            "https://acme.rally.example:8443"
        );
        let c = cfg(&[("RALLY_PUBLIC_URL", "https://rally.example")]).unwrap();
        assert_eq!(c.public_port(), None, "443 is https's own");
        assert_eq!(
            c.url_for_host("accounts.rally.example"),
            "https://accounts.rally.example"
        );
        // Development over plain http on another port than the one listened on.
        let c = cfg(&[("RALLY_PUBLIC_URL", "http://localhost:8080")]).unwrap();
        assert!(!c.https());
        assert_eq!(
            c.url_for_host("acme.localhost"),
            "http://acme.localhost:8080"
        );

        for bad in [
            "rally.example",
            "ftp://rally.example",
            "https://rally.example/hub",
            "https://user:pw@rally.example",
            "https://rally.example/?x=1",
            "https://127.0.0.1",
        ] {
            assert_eq!(
                cfg(&[("RALLY_PUBLIC_URL", bad)]).unwrap_err().var,
                "RALLY_PUBLIC_URL",
                "{bad}"
            );
        }
        assert_eq!(
            cfg(&[
                ("RALLY_PUBLIC_URL", "https://rally.example"),
                ("RALLY_ROOT_DOMAIN", "other.example")
            ])
            .unwrap_err()
            .var,
            "RALLY_ROOT_DOMAIN"
        );
    }

    #[test]
    fn production_refuses_each_unsafe_setting_by_name() {
        let safe = [
            ("RALLY_ENV", "production"),
            ("RALLY_PUBLIC_URL", "https://rally.example"),
            ("RALLY_SMTP_URL", "smtps://u:p@smtp.example:465"),
            ("RALLY_SECRET_KEY", "0123456789abcdef0123456789abcdef"),
        ];
        assert_eq!(cfg(&safe).unwrap().production_refusal(), None);
        assert!(
            !cfg(&safe).unwrap().mail_viewer,
            "off by default in production"
        );
        let without = |var: &str| -> Vec<(&str, &str)> {
            safe.iter().copied().filter(|(k, _)| *k != var).collect()
        };
        let refused =
            |pairs: &[(&str, &str)]| cfg(pairs).unwrap().production_refusal().map(|e| e.var);
        assert_eq!(
            refused(&without("RALLY_PUBLIC_URL")),
            Some("RALLY_PUBLIC_URL")
        );
        let mut http = without("RALLY_PUBLIC_URL");
        http.push(("RALLY_PUBLIC_URL", "http://rally.example"));
        assert_eq!(refused(&http), Some("RALLY_PUBLIC_URL"));
        let mut viewer = safe.to_vec();
        viewer.push(("RALLY_MAIL_VIEWER", "on"));
        assert_eq!(refused(&viewer), Some("RALLY_MAIL_VIEWER"));
        assert_eq!(refused(&without("RALLY_SMTP_URL")), Some("RALLY_SMTP_URL"));
        assert_eq!(
            refused(&without("RALLY_SECRET_KEY")),
            Some("RALLY_SECRET_KEY")
        );
        assert_eq!(
            cfg(&[("RALLY_SECRET_KEY", "short")]).unwrap_err().var,
            "RALLY_SECRET_KEY"
        );
        assert_eq!(
            cfg(&[("RALLY_DNS_RESOLVER", "dns.example")])
                .unwrap_err()
                .var,
            "RALLY_DNS_RESOLVER"
        );
        for (var, value) in [
            ("RALLY_MAIL_REDIRECT_TO", "not-an-address"),
            ("RALLY_SPAM_THRESHOLD", "0"),
            ("RALLY_SPAM_THRESHOLD", "many"),
            ("RALLY_DOMAIN_GRACE_HOURS", "-1"),
        ] {
            assert_eq!(cfg(&[(var, value)]).unwrap_err().var, var, "{value}");
        }
        let staging = cfg(&[("RALLY_MAIL_REDIRECT_TO", " Staging@Example.com ")]).unwrap();
        assert_eq!(
            staging.mail_redirect_to.as_deref(),
            Some("staging@example.com")
        );
        // Development has none of these demands; its mail viewer is on by default.
        let dev = cfg(&[]).unwrap();
        assert_eq!(dev.production_refusal(), None);
        assert!(dev.mail_viewer);
        assert_eq!(
            cfg(&[("RALLY_MAIL_VIEWER", "maybe")]).unwrap_err().var,
            "RALLY_MAIL_VIEWER"
        );
    }
}
