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
    /// `RALLY_ROOT_DOMAIN` (default `localhost`): hubs are `<slug>.<root>`, sign-in is on
    /// `accounts.<root>`, the API on `api.<root>`.
    pub root_domain: String,
    /// `RALLY_LISTEN` (default `127.0.0.1:3000`): the address `rally serve` binds.
    pub listen: SocketAddr,
    /// `RALLY_ENV` (default `development`): `development` or `production`.
    pub environment: Environment,
    /// `RALLY_DB_MAX_CONNECTIONS` (default 10): pool size, per database.
    pub db_max_connections: u32,
    /// `RALLY_HOST_CACHE_SECONDS` (default 5): how long a host → tenant answer (or miss) is
    /// trusted. A domain changed by another process is seen within this time.
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
    /// (default 30): sign-in attempts allowed per `RALLY_LOGIN_WINDOW_SECONDS` (default 60)
    /// for one email address and for one client address. Beyond that: 429.
    pub login_attempts_per_account: u32,
    pub login_attempts_per_address: u32,
    pub login_window_seconds: u64,
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
        let root = get("RALLY_ROOT_DOMAIN").unwrap_or_else(|| "localhost".into());
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
        Ok(Self {
            data_dir,
            database_url,
            embedded,
            root_domain,
            listen,
            environment,
            db_max_connections: number("RALLY_DB_MAX_CONNECTIONS", 10, 1, 1000)? as u32,
            host_cache_seconds: number("RALLY_HOST_CACHE_SECONDS", 5, 0, 3600)?,
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
            login_attempts_per_address: number("RALLY_LOGIN_ATTEMPTS_PER_ADDRESS", 30, 1, 100_000)?
                as u32,
            login_window_seconds: number("RALLY_LOGIN_WINDOW_SECONDS", 60, 1, 86_400)?,
        })
    }

    /// The SQLite URL of an embedded shard file in the data directory.
    pub fn embedded_shard_url(&self, name: &str) -> String {
        sqlite_url(&self.data_dir.join(format!("{name}.db")))
    }

    /// Cookies are `Secure` when the site is served over https (production).
    pub fn https(&self) -> bool {
        self.environment == Environment::Production
    }

    /// The port browsers use, when it is not the scheme's default (it then appears in
    /// URLs and Host headers).
    pub fn public_port(&self) -> Option<u16> {
        match self.listen.port() {
            80 | 443 => None,
            port => Some(port),
        }
    }

    /// The public base URL of a host, e.g. `http://acme.localhost:3000`.
    pub fn url_for_host(&self, host: &str) -> String {
        let scheme = match self.environment {
            Environment::Production => "https",
            Environment::Development => "http",
        };
        match self.public_port() {
            None => format!("{scheme}://{host}"),
            Some(port) => format!("{scheme}://{host}:{port}"),
        }
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
}
