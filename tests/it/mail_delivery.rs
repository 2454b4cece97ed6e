//! Mail through a real SMTP server the test starts (aiosmtpd, from PyPI, writing an
//! mbox): headers (Message-ID, X-Request-Id, List-Unsubscribe), the suppression of a hub
//! whose spam score passed the threshold, the staging redirect, and the observer's record
//! of every delivery.
use crate::helpers::*;
use rally::db::global::{mail_deliveries, mail_outbox};
use rally::db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use rally::mail::outbox::{queue, queue_for_tenant, NewMail};
use std::time::Duration;

struct Smtp {
    _peer: Peer,
    port: u16,
    mbox: std::path::PathBuf,
}

impl Smtp {
    /// Every message received, one string each (aiosmtpd's Mailbox handler keeps a
    /// Maildir).
    fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.mbox.join(sub)) {
                for e in entries.flatten() {
                    out.push(std::fs::read_to_string(e.path()).unwrap_or_default());
                }
            }
        }
        out
    }

    fn mbox(&self) -> String {
        self.messages().join("\n\n")
    }

    fn message_with(&self, needle: &str) -> String {
        self.messages()
            .into_iter()
            .find(|m| m.contains(needle))
            .unwrap_or_default()
    }
}

async fn start_smtp(dir: &std::path::Path) -> Option<Smtp> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let mbox = dir.join("mbox");
    let mut cmd = std::process::Command::new("python3");
    cmd.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&mbox);
    let peer = start_peer(cmd, "python3")?;
    let smtp = Smtp {
        _peer: peer,
        port,
        mbox,
    };
    if !until_listening(port, Duration::from_secs(15)).await {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "aiosmtpd did not start (scripts/setup.sh --e2e installs it)"
        );
        eprintln!("skipping: aiosmtpd is not installed");
        return None;
    }
    Some(smtp)
}

fn mail(to: &str, subject: &str, request_id: &str) -> NewMail<'static> {
    NewMail {
        tenant_id: None,
        to: Box::leak(to.to_string().into_boxed_str()),
        subject: Box::leak(subject.to_string().into_boxed_str()),
        body: "Hello from Rally".into(),
        request_id: Some(request_id.to_string()),
    }
}

#[tokio::test]
async fn mail_carries_its_request_id_and_is_suppressed_or_redirected_as_configured() {
    let dir = TempDir::new();
    let Some(smtp) = start_smtp(dir.path()).await else {
        return;
    };
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port);
    let env =
        TestEnv::sqlite_with(&[("RALLY_SMTP_URL", &smtp_url), ("RALLY_MAIL_VIEWER", "off")]).await;
    let app = spawn_demo(&env).await;
    let global = app.state.registry.global().clone();

    // Sent by SMTP, with the request id, a Message-ID and List-Unsubscribe.
    let id = queue(&global, mail("ann@example.com", "Plain mail", "req-smtp-1"))
        .await
        .unwrap();
    let arrived = eventually(Duration::from_secs(15), || async {
        smtp.mbox().contains("Plain mail")
    })
    .await;
    assert!(arrived, "the mail reached the SMTP server");
    let mbox = smtp.message_with("Plain mail");
    assert!(mbox.contains("X-Request-Id: req-smtp-1"), "{mbox}");
    // The W3C trace the request id names travels too.
    let trace = rally::web::trace_context::trace_id("req-smtp-1");
    assert!(
        mbox.contains(&format!("traceparent: 00-{trace}-")),
        "{mbox}"
    );
    assert!(
        mbox.contains(&format!("Message-ID: <{id}@localhost>")),
        "{mbox}"
    );
    assert!(
        mbox.contains("List-Unsubscribe: <mailto:unsubscribe@localhost"),
        "{mbox}"
    );
    // The SMTP server has it before the sender writes down that it was sent.
    let sent = eventually(Duration::from_secs(10), || async {
        mail_outbox::Entity::find_by_id(id)
            .one(&global)
            .await
            .unwrap()
            .is_some_and(|m| m.status == mail_outbox::STATUS_SENT)
    })
    .await;
    assert!(sent, "the outbox records it as sent");

    // A hub whose spam score passed the threshold: recorded, not sent.
    rally::platform::tenants::set_mail(&app.state.registry, "acme", None, Some(80))
        .await
        .unwrap();
    let acme = hub_db(&app, "acme").await;
    let hub_mail = queue_for_tenant(
        &acme,
        "bob@example.com",
        "Spammy hub mail",
        "x".into(),
        Some("req-spam".into()),
    )
    .await
    .unwrap();
    let recorded = eventually(Duration::from_secs(15), || async {
        mail_deliveries::Entity::find()
            .filter(mail_deliveries::Column::MailId.eq(hub_mail))
            .one(&global)
            .await
            .unwrap()
            .is_some_and(|d| d.status == mail_outbox::STATUS_SUPPRESSED)
    })
    .await;
    assert!(recorded, "the suppressed mail is recorded");
    assert!(!smtp.mbox().contains("Spammy hub mail"), "and not sent");
    // Globex is below the threshold: its mail goes out.
    let globex = hub_db(&app, "globex").await;
    queue_for_tenant(
        &globex,
        "carol@example.com",
        "Fine hub mail",
        "x".into(),
        None,
    )
    .await
    .unwrap();
    assert!(
        eventually(Duration::from_secs(15), || async {
            smtp.mbox().contains("Fine hub mail")
        })
        .await
    );

    // The observer recorded the sent mail with its Message-ID.
    let seen = mail_deliveries::Entity::find()
        .filter(mail_deliveries::Column::MailId.eq(id))
        .one(&global)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.message_id, format!("<{id}@localhost>"));
    assert_eq!(seen.request_id.as_deref(), Some("req-smtp-1"));

    // Staging: every mail to one address, the intended one kept.
    let staging = TestEnv::sqlite_with(&[
        ("RALLY_SMTP_URL", &smtp_url),
        ("RALLY_MAIL_VIEWER", "off"),
        ("RALLY_MAIL_REDIRECT_TO", "staging@example.com"),
    ])
    .await;
    let staged_app = spawn_app(&staging).await;
    let staged_global = staged_app.state.registry.global().clone();
    let staged = queue(
        &staged_global,
        mail("dave@example.com", "Staged mail", "req-stage"),
    )
    .await
    .unwrap();
    assert!(
        eventually(Duration::from_secs(15), || async {
            smtp.mbox().contains("Staged mail")
        })
        .await
    );
    let message = smtp.message_with("Staged mail");
    assert!(message.contains("To: staging@example.com"), "{message}");
    assert!(
        message.contains("X-Original-To: dave@example.com"),
        "{message}"
    );
    let staged_record = || async {
        mail_deliveries::Entity::find()
            .filter(mail_deliveries::Column::MailId.eq(staged))
            .one(&staged_global)
            .await
            .unwrap()
    };
    assert!(
        eventually(Duration::from_secs(10), || async {
            staged_record().await.is_some()
        })
        .await,
        "the redirect is recorded"
    );
    let record = staged_record().await.unwrap();
    assert_eq!(
        (record.to_address.as_str(), record.original_to.as_str()),
        ("staging@example.com", "dave@example.com")
    );
}
