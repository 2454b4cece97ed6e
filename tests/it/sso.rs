//! The SSO round trip over real HTTP: tickets are single use, bound to the browser that
//! started the sign-in, to the host, and short-lived; `return_to` never leaves the host;
//! only verified hub hosts get tickets; sessions are rotated at sign-in.
use crate::helpers::{backends, query_param, spawn_demo, split_url, Browser};
use rally::db::global::sso_tickets;
use rally::db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use rally::platform::seed::DEMO_PASSWORD;
use rally::sso::tickets;
use rally::web::tokens::new_token;

const ALICE: &str = "alice@example.com";

#[tokio::test]
async fn round_trip_signs_in_without_typing_again() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let (acme, globex, custom) = (
            app.host("acme.localhost"),
            app.host("globex.localhost"),
            app.host("hub.globex.test"),
        );
        let mut browser = Browser::new(&app);
        browser.sign_in(ALICE, DEMO_PASSWORD).await;

        // Anonymous on the hub first: the header offers "Sign in".
        let home = browser.get(&acme, "/").await;
        assert!(home.body.contains("/sso/start"), "{}", home.body);

        for hub in [&acme, &globex, &custom] {
            let before = browser.session(hub);
            let done = browser.sso_sign_in(hub, "/").await;
            assert_eq!(done.status, 303, "{hub}: {}", done.body);
            assert_eq!(done.location(), "/");
            assert_eq!(
                done.headers.get("referrer-policy").map(String::as_str),
                Some("no-referrer")
            );
            let after = browser.session(hub).expect("hub session");
            assert_ne!(
                before,
                Some(after),
                "{hub}: the session id changes at sign-in"
            );
            let page = browser.get(hub, "/").await;
            assert!(page.body.contains("Alice Advocate"), "{hub}: {}", page.body);
        }
    }
}

#[tokio::test]
async fn tickets_are_single_use_bound_and_short_lived() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let (acme, globex) = (app.host("acme.localhost"), app.host("globex.localhost"));
        let mut alice = Browser::new(&app);
        alice.sign_in(ALICE, DEMO_PASSWORD).await;

        // Replayed: the first use signs in, the second is refused.
        let callback = alice.sso_until_callback(&acme, "/").await;
        let (_, first) = alice.get_url(&callback, &acme).await;
        assert_eq!(first.status, 303);
        // Even with a fresh sign-in started in the same browser.
        let _ = alice.get(&acme, "/sso/start").await;
        let (_, replay) = alice.get_url(&callback, &acme).await;
        assert_eq!(replay.status, 400, "replayed ticket: {}", replay.body);

        // Planted: a valid ticket of Alice's, presented by another browser that started
        // its own sign-in (so it has a state, just not the one the ticket is bound to).
        let callback = alice.sso_until_callback(&acme, "/").await;
        let mut victim = Browser::new(&app);
        let start = victim.get(&acme, "/sso/start").await;
        assert_eq!(start.status, 303);
        let (_, planted) = victim.get_url(&callback, &acme).await;
        assert_eq!(planted.status, 400, "planted ticket: {}", planted.body);
        let page = victim.get(&acme, "/").await;
        assert!(!page.body.contains("Alice Advocate"));
        // …and a browser with no sign-in started at all.
        let mut stranger = Browser::new(&app);
        let (_, r) = stranger.get_url(&callback, &acme).await;
        assert_eq!(r.status, 400);

        // Host-bound: a ticket for acme presented at globex (state carried over, so only
        // the host differs).
        let callback = alice.sso_until_callback(&acme, "/").await;
        let acme_session = alice.session(&acme).unwrap();
        alice.set_session(&globex, &acme_session);
        let (_, path) = split_url(&callback, &acme);
        let r = alice.get(&globex, &path).await;
        assert_eq!(r.status, 400, "ticket for another host: {}", r.body);

        // Expired: a ticket whose 60 seconds are over.
        let callback = alice.sso_until_callback(&acme, "/").await;
        let ticket = query_param(&callback, "ticket").unwrap();
        let global = app.state.registry.global();
        sso_tickets::Entity::update_many()
            .col_expr(
                sso_tickets::Column::ExpiresAt,
                rally::db::sea_orm::sea_query::Expr::value(rally::db::now() - chrono_seconds(1)),
            )
            .filter(sso_tickets::Column::TokenHash.eq(rally::web::tokens::digest(&ticket)))
            .exec(global)
            .await
            .unwrap();
        let (_, expired) = alice.get_url(&callback, &acme).await;
        assert_eq!(expired.status, 400, "expired ticket: {}", expired.body);

        // At the store level: exactly one of two redemptions wins.
        let state = new_token();
        let tenant = app
            .state
            .tenants
            .resolve(&rally::web::hosts::classify("acme.localhost", "localhost"))
            .await
            .unwrap()
            .unwrap();
        let user = rally::db::global::users::Entity::find()
            .one(global)
            .await
            .unwrap()
            .unwrap();
        let t = tickets::issue(
            global,
            tickets::NewTicket {
                user_id: user.id,
                session_epoch: user.session_epoch,
                tenant_id: tenant.id,
                host: "acme.localhost",
                state: &state,
                return_to: "/",
            },
        )
        .await
        .unwrap();
        let (a, b) = tokio::join!(
            tickets::redeem(global, &t, "acme.localhost", &state),
            tickets::redeem(global, &t, "acme.localhost", &state)
        );
        assert_eq!(
            [a.unwrap().is_some(), b.unwrap().is_some()]
                .iter()
                .filter(|x| **x)
                .count(),
            1
        );
    }
}

fn chrono_seconds(n: i64) -> chrono::Duration {
    chrono::Duration::seconds(n)
}

#[tokio::test]
async fn return_to_never_leaves_the_host() {
    let env = crate::helpers::TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let mut browser = Browser::new(&app);
    browser.sign_in(ALICE, DEMO_PASSWORD).await;
    for bad in [
        "https://evil.test",
        "//evil.test",
        "/\\evil.test",
        "javascript:alert(1)",
    ] {
        let done = browser.sso_sign_in(&acme, bad).await;
        assert_eq!(done.status, 303);
        assert_eq!(done.location(), "/", "return_to {bad:?}");
    }
    let done = browser.sso_sign_in(&acme, "/admin?tab=people").await;
    assert_eq!(
        done.location(),
        "/admin?tab=people",
        "a relative path is kept"
    );
}

#[tokio::test]
async fn authorize_refuses_hosts_that_are_not_hubs() {
    let env = crate::helpers::TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let port = app.addr.port();
    let mut browser = Browser::new(&app);
    browser.sign_in(ALICE, DEMO_PASSWORD).await;
    let state = new_token();
    for host in [
        format!("evil.test:{port}"),
        format!("nosuchhub.localhost:{port}"),
        format!("accounts.localhost:{port}"),
        // A hub, but not on this deployment's port.
        "acme.localhost:1".to_string(),
    ] {
        let r = browser
            .get(
                &accounts,
                &format!("/sso/authorize?host={host}&state={state}&return_to=/"),
            )
            .await;
        assert_eq!(r.status, 400, "{host}: {}", r.body);
        assert!(!r.headers.contains_key("location"));
    }
    // Missing or malformed state.
    let r = browser
        .get(
            &accounts,
            &format!("/sso/authorize?host=acme.localhost:{port}&state=x"),
        )
        .await;
    assert_eq!(r.status, 400);
    // The happy path for contrast.
    let r = browser
        .get(
            &accounts,
            &format!("/sso/authorize?host=acme.localhost:{port}&state={state}&return_to=/"),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Anonymous visitors are sent to the sign-in form, branded for the hub.
    let mut anon = Browser::new(&app);
    let r = anon
        .get(
            &accounts,
            &format!("/sso/authorize?host=acme.localhost:{port}&state={state}&return_to=/"),
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/login?host="), "{}", r.location());
    let login = anon.get(&accounts, r.location()).await;
    assert_eq!(login.status, 200);
    assert!(
        login.body.contains("Acme Advocates"),
        "hub name on the sign-in page"
    );
    assert!(
        login.body.contains("#e11d48"),
        "hub colour on the sign-in page"
    );
}

/// A ticket issued before a sign-out (or a password reset: the same epoch) is refused
/// after it, within its 60 seconds and unused.
#[tokio::test]
async fn a_ticket_issued_before_sign_out_is_refused_after_it() {
    let env = crate::helpers::TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let accounts = app.host("accounts.localhost");
    let mut alice = Browser::new(&app);
    alice.sign_in(ALICE, DEMO_PASSWORD).await;
    let callback = alice.sso_until_callback(&acme, "/").await;
    // Signed out on the accounts host (in another tab, say) before the ticket is used.
    let r = alice.post_form(&accounts, "/logout", &[]).await;
    assert_eq!(r.status, 303);
    let (_, refused) = alice.get_url(&callback, &acme).await;
    assert_eq!(
        refused.status, 400,
        "ticket after sign-out: {}",
        refused.body
    );
    let page = alice.get(&acme, "/").await;
    assert!(
        !page.body.contains("Alice Advocate"),
        "not signed in on the hub"
    );

    // Control: the same steps without the sign-out sign in.
    alice.sign_in(ALICE, DEMO_PASSWORD).await;
    let callback = alice.sso_until_callback(&acme, "/").await;
    let (_, ok) = alice.get_url(&callback, &acme).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
}

/// The accounts host's answer to `hub`'s "Sign in" (the hop after `/sso/start`).
async fn authorize_from(b: &mut Browser<'_>, hub: String) -> crate::helpers::Reply {
    let start = b.get(&hub, "/sso/start?return_to=%2F").await;
    let (_, r) = b.get_url(start.location(), &hub).await;
    r
}

/// Signed in on the accounts host and not a member of a hub: the first sign-in to it asks
/// "Continue to <hub> as <email>?"; yes is remembered for that hub, no goes back to the hub
/// signed out. Members and people who signed in on the hub-branded form are not asked.
#[tokio::test]
async fn the_first_sign_in_to_a_hub_one_does_not_belong_to_asks_consent_once() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let (acme, globex) = (app.host("acme.localhost"), app.host("globex.localhost"));
        let accounts = app.host("accounts.localhost");
        // Mia is a marketer of acme, not a member of globex.
        let mut mia = Browser::new(&app);
        mia.sign_in("mia@example.com", DEMO_PASSWORD).await;
        let r = authorize_from(&mut mia, globex.clone()).await;
        assert_eq!(r.status, 303);
        let consent = r.location().to_string();
        assert!(consent.starts_with("/sso/consent?"), "{consent}");
        let page = mia.get(&accounts, &consent).await;
        assert_eq!(page.status, 200);
        assert_eq!(
            crate::helpers::testid_text(&page.body, "consent-question").as_deref(),
            Some("Continue to")
        );
        assert!(page.body.contains("Globex Insiders") && page.body.contains("mia@example.com"));

        // No: back to the hub, not signed in, and nothing remembered.
        let query = consent.trim_start_matches("/sso/consent?");
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let answer = |decision: &'static str| {
            let mut f: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            f.push(("decision", decision));
            f
        };
        let no = mia
            .post_form(&accounts, "/sso/consent", &answer("cancel"))
            .await;
        assert_eq!(no.status, 303);
        assert!(
            no.location().starts_with("http://globex.localhost:"),
            "{}",
            no.location()
        );
        assert!(!no.location().contains("ticket"));
        let r = authorize_from(&mut mia, globex.clone()).await;
        assert!(
            r.location().starts_with("/sso/consent?"),
            "asked again after a no"
        );

        // Yes: the round trip goes on to a ticket…
        let r = authorize_from(&mut mia, globex.clone()).await;
        let query = r.location().trim_start_matches("/sso/consent?").to_string();
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let mut yes_form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        yes_form.push(("decision", "continue"));
        let yes = mia.post_form(&accounts, "/sso/consent", &yes_form).await;
        assert!(
            yes.location().starts_with("/sso/authorize?"),
            "{}",
            yes.location()
        );
        let (_, authorize) = mia.get_url(yes.location(), &accounts).await;
        assert!(
            authorize.location().contains("/sso/callback?ticket="),
            "{}",
            authorize.location()
        );
        // …and it is not asked again for globex.
        let r = authorize_from(&mut mia, globex.clone()).await;
        assert!(
            r.location().contains("/sso/callback?ticket="),
            "{}",
            r.location()
        );
        // A member is never asked.
        let r = authorize_from(&mut mia, acme.clone()).await;
        assert!(
            r.location().contains("/sso/callback?ticket="),
            "{}",
            r.location()
        );

        // Signing in on the form branded with the hub is consent already.
        let mut owner = Browser::new(&app);
        let start = owner.get(&globex, "/sso/start?return_to=%2F").await;
        let (_, to_login) = owner.get_url(start.location(), &globex).await;
        let login_query = to_login
            .location()
            .trim_start_matches("/login?")
            .to_string();
        let mut login: Vec<(String, String)> = url::form_urlencoded::parse(login_query.as_bytes())
            .into_owned()
            .collect();
        login.push(("email".into(), "owner@example.com".into()));
        login.push(("password".into(), DEMO_PASSWORD.into()));
        let login: Vec<(&str, &str)> = login
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = owner.post_form(&accounts, "/login", &login).await;
        assert!(
            r.location().starts_with("/sso/authorize?"),
            "{}",
            r.location()
        );
        let (_, authorize) = owner.get_url(r.location(), &accounts).await;
        assert!(
            authorize.location().contains("/sso/callback?ticket="),
            "{}",
            authorize.location()
        );
    }
}

/// Posts a consent answer.
async fn answer(b: &mut Browser<'_>, on: &str, fields: &[(&str, String)]) -> crate::helpers::Reply {
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post_form(on, "/sso/consent", &f).await
}

/// The consent form's error paths: only on the accounts host, only for a real hub host, and
/// a signed-out visitor is sent to sign in (inside the same round trip), not consented.
#[tokio::test]
async fn the_consent_answer_is_refused_off_the_accounts_host_and_for_unknown_hubs() {
    let env = crate::helpers::TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let (acme, accounts) = (app.host("acme.localhost"), app.host("accounts.localhost"));
    let state = "a".repeat(64);
    let form = |host: &str| {
        vec![
            ("host", host.to_string()),
            ("state", state.clone()),
            ("return_to", "/".to_string()),
            ("decision", "continue".to_string()),
        ]
    };
    let mut mia = Browser::new(&app);
    mia.sign_in("mia@example.com", DEMO_PASSWORD).await;
    let globex = app.host("globex.localhost");

    // On a hub host, or naming a host that is not a hub, or with nothing at all: 404.
    let r = answer(&mut mia, &acme, &form(&globex)).await;
    assert_eq!(r.status, 404);
    let r = answer(&mut mia, &accounts, &form(&app.host("evil.test"))).await;
    assert_eq!(r.status, 404);
    let r = answer(&mut mia, &accounts, &[("decision", "continue".into())]).await;
    assert_eq!(r.status, 404);
    // Nothing was remembered by any of them: globex still asks.
    let r = authorize_from(&mut mia, globex.clone()).await;
    assert!(
        r.location().starts_with("/sso/consent?"),
        "{}",
        r.location()
    );

    // Signed out: to the sign-in form of the same round trip, and no consent stored.
    let mut stranger = Browser::new(&app);
    let r = answer(&mut stranger, &accounts, &form(&globex)).await;
    assert_eq!(r.status, 303);
    assert!(r.location().starts_with("/login?host="), "{}", r.location());
    let consents = rally::db::global::sso_consents::Entity::find()
        .all(app.state.registry.global())
        .await
        .unwrap();
    assert!(consents.is_empty(), "{consents:?}");
}
