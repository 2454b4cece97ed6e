//! Accounts over HTTP: sign-up, sign-in (identical failures, rate limit, session
//! rotation), sign-out everywhere, password reset through the outbox.
use crate::helpers::{backends, query_param, spawn_app, spawn_demo, Browser, TestEnv};
use rally::db::global::{mail_outbox, users};
use rally::db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use rally::platform::seed::DEMO_PASSWORD;

const ALICE: &str = "alice@example.com";

#[tokio::test]
async fn unknown_email_and_wrong_password_look_the_same() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let attempt = |email: &'static str, password: &'static str| {
        let app = &app;
        let accounts = accounts.clone();
        async move {
            let mut b = Browser::new(app);
            let post = b
                .post_form(
                    &accounts,
                    "/login",
                    &[("email", email), ("password", password)],
                )
                .await;
            let page = b.get(&accounts, post.location()).await;
            (
                post,
                crate::helpers::without_nonces(&page.body).replace(email, "EMAIL"),
            )
        }
    };
    let (unknown, unknown_page) = attempt("nobody@example.com", "whatever-password").await;
    let (wrong, wrong_page) = attempt(ALICE, "not-the-password").await;
    assert_eq!(unknown.status, 303);
    assert_eq!(
        (unknown.status, unknown.location(), &unknown.body),
        (wrong.status, wrong.location(), &wrong.body)
    );
    assert_eq!(
        unknown_page, wrong_page,
        "the pages differ only by the email typed"
    );
    assert!(wrong_page.contains(rally::accounts::handlers::LOGIN_FAILED));
}

#[tokio::test]
async fn session_id_changes_at_sign_in() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let mut b = Browser::new(&app);
    // A failed attempt leaves a session (its error message) behind…
    b.post_form(
        &accounts,
        "/login",
        &[("email", ALICE), ("password", "wrong-password")],
    )
    .await;
    let before = b.session(&accounts).expect("a session before sign-in");
    // …which sign-in replaces by a new id.
    b.sign_in(ALICE, DEMO_PASSWORD).await;
    let after = b.session(&accounts).expect("a session after sign-in");
    assert_ne!(before, after);
    // The old id is worth nothing now.
    let mut thief = Browser::new(&app);
    thief.set_session(&accounts, &before);
    let page = thief.get(&accounts, "/").await;
    assert!(!page.body.contains("My hubs"));
}

#[tokio::test]
async fn sign_in_rate_limit_engages_then_lifts() {
    let env = TestEnv::sqlite_with(&[
        ("RALLY_LOGIN_ATTEMPTS_PER_ACCOUNT", "3"),
        ("RALLY_LOGIN_WINDOW_SECONDS", "3"),
    ])
    .await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let mut b = Browser::new(&app);
    let form = [("email", ALICE), ("password", "wrong-password")];
    for _ in 0..3 {
        assert_eq!(b.post_form(&accounts, "/login", &form).await.status, 303);
    }
    let limited = b.post_form(&accounts, "/login", &form).await;
    assert_eq!(limited.status, 429);
    let wait: u64 = limited.headers["retry-after"].parse().unwrap();
    assert!((1..=3).contains(&wait), "Retry-After {wait}");
    // Even the right password is refused while limited.
    let r = b
        .post_form(
            &accounts,
            "/login",
            &[("email", ALICE), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, 429);
    // Another account is not affected.
    let r = b
        .post_form(
            &accounts,
            "/login",
            &[("email", "mia@example.com"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, 303);
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    b.sign_in(ALICE, DEMO_PASSWORD).await;
}

/// Successes never count: someone who signs in often is never locked out, and a success
/// forgives the account's earlier failures. Failures do count.
#[tokio::test]
async fn successful_sign_ins_do_not_count_against_the_limit_failures_do() {
    let env = TestEnv::sqlite_with(&[("RALLY_LOGIN_ATTEMPTS_PER_ACCOUNT", "3")]).await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    for _ in 0..8 {
        Browser::new(&app).sign_in(ALICE, DEMO_PASSWORD).await;
    }
    let mut b = Browser::new(&app);
    let wrong = [("email", ALICE), ("password", "wrong-password")];
    for _ in 0..2 {
        assert_eq!(
            b.post_form(&accounts, "/login", &wrong).await.location(),
            "/login"
        );
    }
    // Two failures, then a success: the count starts again from nothing.
    Browser::new(&app).sign_in(ALICE, DEMO_PASSWORD).await;
    for _ in 0..3 {
        assert_eq!(b.post_form(&accounts, "/login", &wrong).await.status, 303);
    }
    assert_eq!(b.post_form(&accounts, "/login", &wrong).await.status, 429);
    let right = [("email", ALICE), ("password", DEMO_PASSWORD)];
    assert_eq!(b.post_form(&accounts, "/login", &right).await.status, 429);
}

/// A failed sign-in from behind a trusted proxy counts against the address the proxy
/// names; from anywhere else, `X-Forwarded-For` is the client's own claim and ignored.
#[tokio::test]
async fn clients_behind_a_trusted_proxy_are_limited_by_their_forwarded_address() {
    async fn fail_from(app: &crate::helpers::TestApp, forwarded_for: &str, email: &str) -> u16 {
        let body = format!("email={email}&password=wrong-password");
        app.send_body(
            "POST",
            &app.host("accounts.localhost"),
            "/login",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("x-forwarded-for", forwarded_for),
            ],
            &body,
        )
        .await
        .status
    }
    let limits = [
        ("RALLY_LOGIN_ATTEMPTS_PER_ADDRESS", "2"),
        ("RALLY_LOGIN_ATTEMPTS_PER_ACCOUNT", "100"),
    ];
    let mut trusted = limits.to_vec();
    trusted.push(("RALLY_TRUSTED_PROXIES", "127.0.0.1/32"));
    // Kept for the whole test: dropping it removes the databases under the server.
    let env = TestEnv::sqlite_with(&trusted).await;
    let app = spawn_demo(&env).await;
    // A forged entry on the left changes nothing: the proxy's own entry is the client.
    assert_eq!(fail_from(&app, "198.51.100.1", "a@example.com").await, 303);
    assert_eq!(
        fail_from(&app, "6.6.6.6, 198.51.100.1", "b@example.com").await,
        303
    );
    assert_eq!(fail_from(&app, "198.51.100.1", "c@example.com").await, 429);
    // Another client behind the same proxy has its own budget.
    assert_eq!(fail_from(&app, "198.51.100.2", "d@example.com").await, 303);

    // Not a trusted proxy: the header is ignored and every attempt is 127.0.0.1's.
    let direct_env = TestEnv::sqlite_with(&limits).await;
    let app = spawn_demo(&direct_env).await;
    assert_eq!(fail_from(&app, "198.51.100.1", "a@example.com").await, 303);
    assert_eq!(fail_from(&app, "198.51.100.2", "b@example.com").await, 303);
    assert_eq!(fail_from(&app, "198.51.100.3", "c@example.com").await, 429);
}

/// Sign-up and reset requests are limited per address too (each one hashes or mails).
#[tokio::test]
async fn sign_up_forgot_and_reset_are_rate_limited() {
    let env = TestEnv::sqlite_with(&[("RALLY_LOGIN_ATTEMPTS_PER_ADDRESS", "2")]).await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let mut b = Browser::new(&app);
    for (path, fields) in [
        (
            "/signup",
            vec![
                ("display_name", "Sam"),
                ("email", "sam@example.com"),
                ("password", "short"),
            ],
        ),
        ("/password/forgot", vec![("email", "nobody@example.com")]),
        (
            "/password/reset",
            vec![("token", "bogus"), ("password", "a-long-enough-password")],
        ),
    ] {
        for _ in 0..2 {
            let r = b.post_form(&accounts, path, &fields).await;
            assert_eq!(r.status, 303, "{path}: {}", r.body);
        }
        let r = b.post_form(&accounts, path, &fields).await;
        assert_eq!(r.status, 429, "{path}");
        assert!(r.headers.contains_key("retry-after"), "{path}");
    }
}

#[tokio::test]
async fn sign_out_on_one_host_ends_every_session() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let accounts = app.host("accounts.localhost");
        let hubs = [
            app.host("acme.localhost"),
            app.host("globex.localhost"),
            app.host("hub.globex.test"),
        ];
        let mut b = Browser::new(&app);
        b.sign_in(ALICE, DEMO_PASSWORD).await;
        for hub in &hubs {
            assert_eq!(b.sso_sign_in(hub, "/").await.status, 303);
        }
        // A second browser (another device) signed in too.
        let mut phone = Browser::new(&app);
        phone.sign_in(ALICE, DEMO_PASSWORD).await;

        let out = b.post_form(&hubs[0], "/logout", &[]).await;
        assert_eq!(out.status, 303);
        for hub in &hubs {
            let page = b.get(hub, "/").await;
            assert!(
                !page.body.contains("Alice Advocate"),
                "{hub} still signed in"
            );
            assert!(
                page.body.contains("/sso/start"),
                "{hub}: {} {}",
                page.status,
                page.body
            );
        }
        for browser in [&mut b, &mut phone] {
            let page = browser.get(&accounts, "/").await;
            assert!(!page.body.contains("My hubs"), "accounts still signed in");
        }
    }
}

#[tokio::test]
async fn sign_up_with_an_emoji_name_and_field_errors() {
    for env in backends().await {
        let app = spawn_app(&env).await;
        let accounts = app.host("accounts.localhost");
        let mut b = Browser::new(&app);
        // Every field wrong: each gets its error, typed values come back.
        let r = b
            .post_form(
                &accounts,
                "/signup",
                &[
                    ("display_name", "  "),
                    ("email", "not-an-email"),
                    ("password", "short"),
                ],
            )
            .await;
        assert_eq!(r.location(), "/signup");
        let page = b.get(&accounts, "/signup").await;
        for field in ["display_name", "email", "password"] {
            assert!(page.body.contains(&format!("error-{field}")), "{field}");
        }
        assert!(page.body.contains("not-an-email"));
        // A form with fields missing is a form error, not a 4xx/5xx from the framework.
        let r = b.post_form(&accounts, "/signup", &[]).await;
        assert_eq!(r.status, 303);

        let name = "Zoë 🚀 Ünïcode";
        let r = b
            .post_form(
                &accounts,
                "/signup",
                &[
                    ("display_name", name),
                    ("email", "Zoe@Example.com"),
                    ("password", "long-enough-pw"),
                ],
            )
            .await;
        // No session yet: the same answer as for a taken address (see below); then sign in.
        assert_eq!(r.location(), "/signup/sent");
        assert!(r.set_cookies.is_empty(), "{:?}", r.set_cookies);
        b.sign_in("zoe@example.com", "long-enough-pw").await;
        let home = b.get(&accounts, "/").await;
        assert!(
            home.body.contains(name),
            "emoji name round-trips: {}",
            home.body
        );
        let stored = users::Entity::find()
            .filter(users::Column::Email.eq("zoe@example.com"))
            .one(app.state.registry.global())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.display_name, name);

        // The same address in another case: the unique index keeps one account, the form
        // does not say so (the owner is mailed instead).
        let mut other = Browser::new(&app);
        let r = other
            .post_form(
                &accounts,
                "/signup",
                &[
                    ("display_name", "Z"),
                    ("email", "ZOE@example.com"),
                    ("password", "long-enough-pw"),
                ],
            )
            .await;
        assert_eq!(r.location(), "/signup/sent");
        let accounts_of_zoe = users::Entity::find()
            .filter(users::Column::Email.eq("zoe@example.com"))
            .all(app.state.registry.global())
            .await
            .unwrap();
        assert_eq!(accounts_of_zoe.len(), 1);
        assert_eq!(
            accounts_of_zoe[0].display_name, name,
            "the account is unchanged"
        );
    }
}

#[tokio::test]
async fn password_reset_by_mail() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let global = app.state.registry.global();
    // Alice is signed in somewhere else; the reset will end that session.
    let mut laptop = Browser::new(&app);
    laptop.sign_in(ALICE, DEMO_PASSWORD).await;

    let mut b = Browser::new(&app);
    // Unknown addresses get the same notice and no mail.
    for email in ["nobody@example.com", ALICE] {
        let r = b
            .post_form(&accounts, "/password/forgot", &[("email", email)])
            .await;
        assert_eq!(r.location(), "/password/forgot?sent=1");
        let page = b.get(&accounts, r.location()).await;
        assert!(page.body.contains("If an account uses that address"));
    }
    let mails = mail_outbox::Entity::find()
        .order_by_desc(mail_outbox::Column::CreatedAt)
        .all(global)
        .await
        .unwrap();
    assert_eq!(mails.len(), 1, "one mail, for the known address only");
    assert_eq!(mails[0].to_address, ALICE);
    let link = mails[0]
        .body_text
        .split_whitespace()
        .find(|w| w.contains("/password/reset?token="))
        .unwrap()
        .to_string();
    let token = query_param(&link, "token").unwrap();
    // The token is stored only as a digest.
    assert!(!format!(
        "{:?}",
        rally::db::global::password_resets::Entity::find()
            .all(global)
            .await
            .unwrap()
    )
    .contains(&token));

    // Too short first: a field error, token not used up.
    b.post_form(
        &accounts,
        "/password/reset",
        &[("token", &token), ("password", "short")],
    )
    .await;
    let r = b
        .post_form(
            &accounts,
            "/password/reset",
            &[("token", &token), ("password", "a-brand-new-password")],
        )
        .await;
    assert_eq!(r.location(), "/login");
    // Used once: refused the second time.
    let r = b
        .post_form(
            &accounts,
            "/password/reset",
            &[("token", &token), ("password", "another-new-password")],
        )
        .await;
    assert_eq!(r.location(), "/password/forgot");
    let page = b.get(&accounts, "/password/forgot").await;
    assert!(page.body.contains("not valid any more"));

    // Signed out everywhere; the new password works, the old one does not.
    let page = laptop.get(&accounts, "/").await;
    assert!(!page.body.contains("My hubs"));
    let mut again = Browser::new(&app);
    let r = again
        .post_form(
            &accounts,
            "/login",
            &[("email", ALICE), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(r.location(), "/login");
    again.sign_in(ALICE, "a-brand-new-password").await;

    // The sender task delivers it into the development viewer.
    assert!(
        crate::helpers::eventually(std::time::Duration::from_secs(5), || async {
            mail_outbox::Entity::find()
                .filter(mail_outbox::Column::Status.eq(mail_outbox::STATUS_KEPT))
                .one(global)
                .await
                .unwrap()
                .is_some_and(|m| m.message_id.is_some())
        })
        .await
    );
    // Only an operator sees the viewer; to anyone else it is not there.
    assert_eq!(b.get(&accounts, "/dev/mail").await.status, 404);
    let mut ops = Browser::new(&app);
    ops.sign_in("ops@example.com", DEMO_PASSWORD).await;
    let viewer = ops.get(&accounts, "/dev/mail").await;
    assert!(viewer.body.contains("Reset your Rally password"));
}

#[tokio::test]
async fn session_cookies_are_host_only_httponly_lax_and_secure_under_https() {
    for (env_name, secure) in [("development", false), ("production", true)] {
        let env = TestEnv::sqlite_with(&[
            ("RALLY_ENV", env_name),
            ("RALLY_SECRET_KEY", crate::helpers::TEST_SECRET),
        ])
        .await;
        let app = spawn_demo(&env).await;
        let accounts = app.host("accounts.localhost");
        let mut b = Browser::new(&app);
        let r = b
            .post_form(
                &accounts,
                "/login",
                &[("email", ALICE), ("password", DEMO_PASSWORD)],
            )
            .await;
        let cookie = r
            .set_cookies
            .iter()
            .find(|c| c.starts_with("rally_session="))
            .expect("a session cookie");
        let lower = cookie.to_ascii_lowercase();
        assert!(lower.contains("httponly"), "{cookie}");
        assert!(lower.contains("samesite=lax"), "{cookie}");
        assert!(!lower.contains("domain="), "host-only: {cookie}");
        assert_eq!(lower.contains("; secure"), secure, "{env_name}: {cookie}");
        // The mail viewer exists only outside production, and only for an operator.
        assert_eq!(b.get(&accounts, "/dev/mail").await.status, 404);
        let mut ops = Browser::new(&app);
        ops.sign_in("ops@example.com", DEMO_PASSWORD).await;
        let viewer = ops.get(&accounts, "/dev/mail").await;
        assert_eq!(viewer.status, if secure { 404 } else { 200 });
    }
}

/// Idle expiry counts from the last use: a session in use is saved again (new expiry, new
/// cookie) once per refresh interval, and not on every request.
#[tokio::test]
async fn a_session_in_use_is_kept_alive_once_per_interval() {
    // One idle minute: refreshed every 7 seconds.
    let env = TestEnv::sqlite_with(&[("RALLY_SESSION_IDLE_MINUTES", "1")]).await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let saved = |r: &crate::helpers::Reply| {
        r.set_cookies
            .iter()
            .any(|c| c.starts_with("rally_session=") && !c.contains("Max-Age=0"))
    };
    let mut b = Browser::new(&app);
    b.sign_in(ALICE, DEMO_PASSWORD).await;
    assert!(
        saved(&b.get(&accounts, "/").await),
        "first use after sign-in"
    );
    let again = b.get(&accounts, "/").await;
    assert!(
        !saved(&again),
        "not on every request: {:?}",
        again.set_cookies
    );
    tokio::time::sleep(std::time::Duration::from_secs(8)).await;
    let later = b.get(&accounts, "/").await;
    assert!(saved(&later), "kept alive after the interval");
    assert!(later.body.contains("Alice"), "still signed in");

    // A visitor without a session is not given one.
    let r = app.get(&accounts, "/").await;
    assert!(!saved(&r), "{:?}", r.set_cookies);
}

/// A reset with a bogus token is refused before any password is hashed: 64 of them at once
/// do not queue 64 argon2 runs (other tests running meanwhile may hash a few).
#[tokio::test]
async fn bogus_resets_run_no_password_hash() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let before = rally::accounts::password::hashes_run();
    let resets = (0..64).map(|i| {
        let app = &app;
        let accounts = accounts.clone();
        async move {
            let mut b = Browser::new(app);
            b.post_form(
                &accounts,
                "/password/reset",
                &[
                    ("token", &format!("{i:064x}")),
                    ("password", "a-long-enough-password"),
                ],
            )
            .await
        }
    });
    for r in futures::future::join_all(resets).await {
        assert_eq!(r.status, 303);
        assert_eq!(
            r.location(),
            "/password/forgot",
            "refused as an invalid link"
        );
    }
    let ran = rally::accounts::password::hashes_run() - before;
    assert!(ran < 32, "{ran} hashes for 64 bogus resets");
}

/// Sign-up and "forgot password" answer the same bytes (all but the Date header) whether
/// or not the address has an account; what differs goes to the address's inbox.
#[tokio::test]
async fn sign_up_and_forgot_answer_byte_identically_for_known_and_unknown_emails() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let unknown = format!("nobody-{}@example.com", rally::db::new_id().simple());
    let answer = |fields: String| {
        let app = &app;
        let accounts = accounts.clone();
        async move {
            let origin = format!("http://{accounts}");
            let headers = [
                ("origin", origin.as_str()),
                ("content-type", "application/x-www-form-urlencoded"),
                // The same request id for both, as it is echoed.
                ("x-request-id", "same-request-id-for-both-answers"),
            ];
            let path = if fields.contains("display_name") {
                "/signup"
            } else {
                "/password/forgot"
            };
            let mut r = app
                .send_body("POST", &accounts, path, &headers, &fields)
                .await;
            r.headers.remove("date");
            (r.status, r.headers, r.set_cookies, r.body)
        }
    };
    let enc = |s: &str| -> String { url::form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    // "Forgot" first: the sign-up then makes the unknown address known.
    for form in [
        "email=",
        "display_name=Someone&password=a-long-enough-password&email=",
    ] {
        let known = answer(format!("{form}{}", enc(ALICE))).await;
        let fresh = answer(format!("{form}{}", enc(&unknown))).await;
        assert_eq!(known.0, 303, "{form}");
        assert!(known.2.is_empty(), "no session either way: {:?}", known.2);
        assert_eq!(known, fresh, "{form}");
    }
    // What differs is in the mail: a confirmation link for the new address, a note for the
    // owner of the known one (besides the reset link each asked for).
    let global = app.state.registry.global();
    let subjects = |to: String| async move {
        mail_outbox::Entity::find()
            .filter(mail_outbox::Column::ToAddress.eq(to))
            .all(global)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.subject)
            .collect::<Vec<_>>()
    };
    let to_alice = subjects(ALICE.to_string()).await;
    assert!(
        to_alice.contains(&"You already have a Rally account".to_string()),
        "{to_alice:?}"
    );
    assert!(
        to_alice.contains(&"Reset your Rally password".to_string()),
        "{to_alice:?}"
    );
    let to_new = subjects(unknown.clone()).await;
    assert!(
        to_new.contains(&"Confirm your email address".to_string()),
        "{to_new:?}"
    );
    assert!(
        !to_new.contains(&"Reset your Rally password".to_string()),
        "{to_new:?}"
    );
}

/// A new account can sign in at once, but accepts an invitation sent to another address
/// only once it has followed the link mailed at sign-up; an invitation to its own address
/// confirms it.
#[tokio::test]
async fn an_unverified_account_cannot_accept_an_invitation_sent_elsewhere() {
    use rally::db::tenant::outbound_mail;
    use rally::invitations::service::{self, InviteMail, Refused};
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let accounts = app.host("accounts.localhost");
    let global = app.state.registry.global();
    let mut b = Browser::new(&app);
    let r = b
        .post_form(
            &accounts,
            "/signup",
            &[
                ("display_name", "Val"),
                ("email", "val@example.com"),
                ("password", "val-password-12"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/signup/sent");
    b.sign_in("val@example.com", "val-password-12").await;
    let val = || async {
        users::Entity::find()
            .filter(users::Column::Email.eq("val@example.com"))
            .one(global)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(val().await.email_verified_at, None);

    // An invitation sent to another address is refused while unconfirmed…
    let db = crate::helpers::hub_db(&app, "acme").await;
    let mail = InviteMail {
        hub_name: "Acme Advocates",
        hub_url: "http://acme.localhost",
        inviter: "Acme",
        request_id: None,
    };
    service::invite(&db, "val.work@example.com", None, &mail)
        .await
        .unwrap()
        .unwrap();
    let invite_token = db
        .select::<outbound_mail::Entity>()
        .filter(outbound_mail::Column::ToAddress.eq("val.work@example.com"))
        .one()
        .await
        .unwrap()
        .unwrap()
        .body_text
        .split("token=")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .unwrap()
        .to_string();
    let refused = service::accept(global, &db, &invite_token, &val().await)
        .await
        .unwrap();
    assert_eq!(refused, Err(Refused::Unverified));

    // …and taken once the mailed link is followed (once: a second use is refused).
    let confirm = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::ToAddress.eq("val@example.com"))
        .filter(mail_outbox::Column::Subject.eq("Confirm your email address"))
        .one(global)
        .await
        .unwrap()
        .expect("the confirmation mail");
    let link = confirm
        .body_text
        .split_whitespace()
        .find(|w| w.contains("/verify?token="))
        .unwrap()
        .to_string();
    let path = &link[link.find("/verify").unwrap()..];
    let r = b.get(&accounts, path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("is confirmed"));
    assert_eq!(b.get(&accounts, path).await.status, 400);
    assert!(val().await.email_verified_at.is_some());
    service::accept(global, &db, &invite_token, &val().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.get(&accounts, "/verify?token=garbage").await.status, 400);
}
