//! Rally behind Caddy (Debian's package) with on-demand TLS from Caddy's internal CA:
//! Caddy asks Rally's `/internal/tls/ask` before issuing a certificate, so a verified
//! custom domain is served over HTTPS and an unverified one gets no certificate at all.
//! The client is curl, told where the names live with `--resolve`.
use crate::helpers::*;
use std::process::Command;
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `curl -k https://host:port/` resolved to loopback: the status, or `None` when no TLS
/// connection could be made.
fn https_get(host: &str, port: u16) -> Option<u16> {
    let out = Command::new("curl")
        .args([
            "-sk",
            "--max-time",
            "20",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--resolve",
            &format!("{host}:{port}:127.0.0.1"),
            &format!("https://{host}:{port}/"),
        ])
        .output()
        .expect("curl runs");
    let code: u16 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    (out.status.success() && code != 0).then_some(code)
}

#[tokio::test]
async fn caddy_issues_certificates_only_for_hosts_rally_serves() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    // One custom domain the operator vouched for (routes), one waiting for DNS (does not).
    rally::platform::domains::add_custom(
        &app.state.registry,
        "localhost",
        "acme",
        "shop.acme.test",
        true,
    )
    .await
    .unwrap();
    rally::platform::domains::add_custom(
        &app.state.registry,
        "localhost",
        "acme",
        "pending.acme.test",
        false,
    )
    .await
    .unwrap();

    let dir = env.dir.path().join("caddy");
    std::fs::create_dir_all(&dir).unwrap();
    let (http_port, https_port) = (free_port(), free_port());
    let rally = app.addr.port();
    let log_file = dir.join("caddy.log");
    let caddyfile = format!(
        "{{\n  admin off\n  skip_install_trust\n  log {{\n    output file {}\n  }}\n  http_port {http_port}\n  https_port {https_port}\n  \
         on_demand_tls {{\n    ask http://127.0.0.1:{rally}/internal/tls/ask\n  }}\n}}\n\
         https:// {{\n  tls internal {{\n    on_demand\n  }}\n  reverse_proxy 127.0.0.1:{rally}\n}}\n",
        log_file.display()
    );
    std::fs::write(dir.join("Caddyfile"), caddyfile).unwrap();
    let mut cmd = Command::new("caddy");
    cmd.args(["run", "--adapter", "caddyfile", "--config"])
        .arg(dir.join("Caddyfile"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("HOME", &dir);
    let Some(_caddy) = start_peer(cmd, "caddy") else {
        return;
    };
    let up = until_listening(https_port, Duration::from_secs(20)).await;
    let log = || std::fs::read_to_string(&log_file).unwrap_or_default();
    assert!(up, "caddy did not start: {}", log());

    let get = |host: &'static str| tokio::task::spawn_blocking(move || https_get(host, https_port));
    // A verified custom domain and a hub subdomain are served over HTTPS.
    assert_eq!(get("shop.acme.test").await.unwrap(), Some(200), "{}", log());
    assert_eq!(get("acme.localhost").await.unwrap(), Some(200), "{}", log());
    // An unverified domain, and a name Rally does not serve, get no certificate.
    assert_eq!(get("pending.acme.test").await.unwrap(), None, "{}", log());
    assert_eq!(get("nobody.example.test").await.unwrap(), None, "{}", log());
}
