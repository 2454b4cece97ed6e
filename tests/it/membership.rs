//! Joining hubs, invite-only hubs, roles enforced by the server, and the reconcile command
//! that repairs a join interrupted between its two writes.
use crate::helpers::{backends, hub_db, spawn_demo, Browser};
use rally::db::global::{memberships, users};
use rally::db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use rally::db::tenant::{contacts, hub_settings};
use rally::domain::{DisplayName, Email, NewPassword, Role};
use rally::platform::seed::DEMO_PASSWORD;
use std::process::Command;

async fn new_user(app: &crate::helpers::TestApp, email: &str) -> users::Model {
    rally::accounts::users::register(
        app.state.registry.global(),
        &DisplayName::parse("Nina New").unwrap(),
        &Email::parse(email).unwrap(),
        &NewPassword::parse(DEMO_PASSWORD).unwrap(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn joining_an_open_hub_and_an_invite_only_one() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let (acme, globex) = (app.host("acme.localhost"), app.host("globex.localhost"));
        let nina = new_user(&app, "nina@example.com").await;
        let mut b = Browser::new(&app);
        // Anonymous: joining sends you to sign in.
        let r = b.post_form(&acme, "/join", &[]).await;
        assert!(r.location().starts_with("/sso/start"));

        b.sign_in("nina@example.com", DEMO_PASSWORD).await;
        b.sso_sign_in(&acme, "/").await;
        let page = b.get(&acme, "/").await;
        assert!(page.body.contains("Join Acme Advocates"), "{}", page.body);
        // Joining twice is harmless.
        for _ in 0..2 {
            let r = b.post_form(&acme, "/join", &[]).await;
            assert_eq!(r.location(), "/");
        }
        let page = b.get(&acme, "/").await;
        assert!(
            page.body.contains(r#"data-testid="notice""#)
                && page
                    .body
                    .contains("text-emerald-800\">Welcome to Acme Advocates!"),
            "{}",
            page.body
        );
        let db = hub_db(&app, "acme").await;
        let contact = db
            .select::<contacts::Entity>()
            .filter(contacts::Column::UserId.eq(nina.id))
            .all()
            .await
            .unwrap();
        assert_eq!(contact.len(), 1);
        assert_eq!(contact[0].role.as_str(), "advocate");
        let listed = memberships::Entity::find()
            .filter(memberships::Column::UserId.eq(nina.id))
            .all(app.state.registry.global())
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        let home = b.get(&app.host("accounts.localhost"), "/").await;
        assert!(home.body.contains("Acme Advocates"), "listed in My hubs");

        // globex becomes invite-only: joining is refused with the reason.
        let gdb = hub_db(&app, "globex").await;
        gdb.update_where(
            hub_settings::ActiveModel {
                invite_only: rally::db::sea_orm::Set(true),
                ..Default::default()
            },
            hub_settings::Column::InviteOnly.eq(false),
        )
        .await
        .unwrap();
        // Branding and switches are memoized: a change made by hand is announced, as the
        // admin's form does (through the hot-configuration counter every server polls).
        rally::db::config_generation::bump(app.state.registry.global())
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        b.sso_sign_in(&globex, "/").await;
        let page = b.get(&globex, "/").await;
        assert!(page.body.contains("invite-only"), "{}", page.body);
        let r = b.post_form(&globex, "/join", &[]).await;
        assert_eq!(r.status, 303);
        let n = gdb
            .select::<contacts::Entity>()
            .filter(contacts::Column::UserId.eq(nina.id))
            .count()
            .await
            .unwrap();
        assert_eq!(n, 0, "no contact in an invite-only hub");
    }
}

#[tokio::test]
async fn roles_are_enforced_on_the_server() {
    let env = crate::helpers::TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let expectations = [
        ("alice@example.com", 403),
        ("mia@example.com", 200),
        ("owner@example.com", 200),
        // Not a member of acme at all: sent to join, then back to /admin.
        ("ops@example.com", 303),
    ];
    for (email, status) in expectations {
        let mut b = Browser::new(&app);
        b.sign_in(email, DEMO_PASSWORD).await;
        b.sso_sign_in(&acme, "/").await;
        let page = b.get(&acme, "/admin").await;
        assert_eq!(page.status, status, "{email} GET /admin");
        if status == 303 {
            assert_eq!(page.location(), "/join?return_to=%2Fadmin");
        }
        // The page's data is loaded on the server only: there is no data endpoint to
        // call around the page (server functions are gone with islands).
        let api = b.post_form(&acme, "/api/hub_members", &[]).await;
        assert_eq!(api.status, 404, "{email} POST /api/hub_members");
    }
    // Signed out: through sign-in, back to /admin.
    let mut anon = Browser::new(&app);
    let r = anon.get(&acme, "/admin").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/sso/start?return_to=%2Fadmin");
    // Not a hub page on the accounts host.
    assert_eq!(
        anon.get(&app.host("accounts.localhost"), "/admin")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn reconcile_repairs_a_join_interrupted_between_its_writes() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let nina = new_user(&app, "nina@example.com").await;
        let db = hub_db(&app, "acme").await;
        // The crash: the contact is written, the process dies before the directory entry.
        rally::membership::ensure_contact(&db, &nina, Role::Advocate)
            .await
            .unwrap();
        let count = || async {
            memberships::Entity::find()
                .filter(memberships::Column::UserId.eq(nina.id))
                .all(app.state.registry.global())
                .await
                .unwrap()
                .len()
        };
        assert_eq!(count().await, 0);

        let run = || {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_rally"));
            cmd.args(["reconcile", "memberships"])
                .env_clear()
                .env("RALLY_DATA_DIR", env.dir.path())
                .env("RALLY_LOG", "error");
            if env.pg.is_some() {
                cmd.env("RALLY_DATABASE_URL", &env.config.database_url);
            }
            cmd.output().unwrap()
        };
        let out = run();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("added 1 membership(s)"), "{stdout}");
        assert_eq!(count().await, 1);
        // Idempotent.
        let out = run();
        assert!(String::from_utf8_lossy(&out.stdout).contains("added 0 membership(s), removed 0"));
        assert_eq!(count().await, 1);
    }
}

#[tokio::test]
async fn cli_adds_members_and_promotes_operators() {
    let env = crate::helpers::TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    new_user(&app, "nina@example.com").await;
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rally"))
            .args(args)
            .env_clear()
            .env("RALLY_DATA_DIR", env.dir.path())
            .env("RALLY_LOG", "error")
            .output()
            .unwrap()
    };
    let ok = run(&[
        "tenant",
        "add-member",
        "acme",
        "Nina@Example.com",
        "--role",
        "marketer",
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let db = hub_db(&app, "acme").await;
    let nina = users::Entity::find()
        .filter(users::Column::Email.eq("nina@example.com"))
        .one(app.state.registry.global())
        .await
        .unwrap()
        .unwrap();
    let c = rally::db::tenant::contacts::active(&db, nina.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.role.as_str(), "marketer");
    // Changing the role of an existing member.
    assert!(run(&[
        "tenant",
        "add-member",
        "acme",
        "nina@example.com",
        "--role",
        "admin"
    ])
    .status
    .success());
    let c = rally::db::tenant::contacts::active(&db, nina.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.role.as_str(), "admin");

    for (args, needle) in [
        (
            vec![
                "tenant",
                "add-member",
                "acme",
                "nina@example.com",
                "--role",
                "owner",
            ],
            "not a role",
        ),
        (
            vec!["tenant", "add-member", "nope", "nina@example.com"],
            "no tenant",
        ),
        (
            vec!["tenant", "add-member", "acme", "ghost@example.com"],
            "no account",
        ),
        (vec!["user", "promote", "ghost@example.com"], "no account"),
    ] {
        let o = run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"));
    }
    assert!(run(&["user", "promote", "nina@example.com"])
        .status
        .success());
    let nina = users::Entity::find_by_id(nina.id)
        .one(app.state.registry.global())
        .await
        .unwrap()
        .unwrap();
    assert!(nina.is_platform_operator);
}

/// An invitation is spent only by a join that happens: accepting it as someone the hub
/// deactivated is refused and leaves the token usable by the person it was meant for.
#[tokio::test]
async fn an_invitation_is_spent_only_by_a_successful_join() {
    use rally::db::tenant::{invitations, outbound_mail};
    use rally::invitations::service::{self, InviteMail, Refused};
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let global = app.state.registry.global();
        let db = hub_db(&app, "acme").await;
        let mail = InviteMail {
            hub_name: "Acme Advocates",
            hub_url: "http://acme.localhost",
            inviter: "Acme",
            request_id: None,
        };
        service::invite(&db, "nina@example.com", None, &mail)
            .await
            .unwrap()
            .unwrap();
        let body = db
            .select::<outbound_mail::Entity>()
            .filter(outbound_mail::Column::ToAddress.eq("nina@example.com"))
            .one()
            .await
            .unwrap()
            .expect("the invitation mail")
            .body_text;
        let token = body
            .split("token=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("a token in the mail")
            .to_string();

        // Alice was deactivated by acme's team: the invitation does not let her back in.
        let alice = users::Entity::find()
            .filter(users::Column::Email.eq("alice@example.com"))
            .one(global)
            .await
            .unwrap()
            .unwrap();
        db.update_where(
            contacts::ActiveModel {
                status: rally::db::sea_orm::Set(rally::domain::ContactStatus::Deactivated),
                ..Default::default()
            },
            contacts::Column::UserId.eq(alice.id),
        )
        .await
        .unwrap();
        let refused = service::accept(global, &db, &token, &alice).await.unwrap();
        assert!(matches!(refused, Err(Refused::Deactivated)), "{refused:?}");
        let inv = db
            .select::<invitations::Entity>()
            .filter(invitations::Column::Email.eq("nina@example.com"))
            .one()
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            inv.accepted_at, None,
            "not spent by a join that did not happen"
        );

        // Nina uses it: she joins, and now it is spent.
        let nina = new_user(&app, "nina@example.com").await;
        service::accept(global, &db, &token, &nina)
            .await
            .unwrap()
            .unwrap();
        let contact = rally::db::tenant::contacts::find_for_user(&db, nina.id)
            .await
            .unwrap();
        assert!(contact.is_some(), "nina is a contact");
        assert!(matches!(
            service::accept(global, &db, &token, &nina).await.unwrap(),
            Err(Refused::Used)
        ));
    }
}
