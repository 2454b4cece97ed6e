//! Invitations, contacts and groups over HTTP.
use crate::helpers::{
    backends, hub_db, query_param, signed_in, spawn_demo, testid_text, Browser, TestEnv,
};
use rally::db::sea_orm::{ColumnTrait, Set};
use rally::db::tenant::{contacts, invitations, outbound_mail};
use rally::db::TenantDb;

/// The invitation link mailed to `to` (the newest one).
async fn invite_link(db: &TenantDb, to: &str) -> String {
    let mails = db
        .select::<outbound_mail::Entity>()
        .filter(outbound_mail::Column::ToAddress.eq(to))
        .order_by_desc(outbound_mail::Column::CreatedAt)
        .all()
        .await
        .unwrap();
    let body = &mails.first().expect("an invitation mail").body_text;
    body.split_whitespace()
        .find(|w| w.contains("/invite?token="))
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn invitations_bring_new_and_existing_people_in_even_when_invite_only() {
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let (acme, accounts) = (app.host("acme.localhost"), app.host("accounts.localhost"));
        let db = hub_db(&app, "acme").await;
        // acme is invite-only from now on.
        db.update_where(
            rally::db::tenant::hub_settings::ActiveModel {
                invite_only: Set(true),
                ..Default::default()
            },
            rally::db::tenant::hub_settings::Column::InviteOnly.eq(false),
        )
        .await
        .unwrap();

        let mut mia = signed_in(&app, "mia@example.com", &acme).await;
        let paste = "email,name\nnew.person@example.com,New\nnot-an-email\nalice@example.com\nnew.person@example.com\nbob@example.com";
        let r = mia
            .post_form(&acme, "/admin/invitations", &[("emails", paste)])
            .await;
        assert_eq!(r.location(), "/admin/invitations");
        let page = mia.get(&acme, "/admin/invitations").await;
        assert!(
            page.body.contains("Invited 2 address(es)."),
            "{}",
            page.body
        );
        assert!(page.body.contains("line 3: not-an-email"));
        assert!(
            page.body.contains("already a member of this hub"),
            "alice is in acme already"
        );
        assert!(page.body.contains("listed twice"));
        // Inviting again: the unique index says "already invited".
        mia.post_form(
            &acme,
            "/admin/invitations",
            &[("emails", "bob@example.com")],
        )
        .await;
        let page = mia.get(&acme, "/admin/invitations").await;
        assert!(page.body.contains("already invited"));

        // A brand-new person: the link, sign-up (offered first), back, accept.
        let link = invite_link(&db, "new.person@example.com").await;
        let token = query_param(&link, "token").unwrap();
        let mut newbie = Browser::new(&app);
        let page = newbie.get(&acme, &format!("/invite?token={token}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Sign up to accept"), "{}", page.body);
        let start = newbie
            .get(&acme, "/sso/start?return_to=/invite&signup=1")
            .await;
        let (_, to_form) = newbie.get_url(start.location(), &acme).await;
        assert!(
            to_form.location().starts_with("/signup?"),
            "{}",
            to_form.location()
        );
        let signup_path = to_form.location().to_string();
        let q = |k: &str| {
            query_param(&signup_path, k)
                .map(|v| v.replace("%3A", ":").replace("%2F", "/"))
                .unwrap_or_default()
        };
        let (host, state, return_to) = (q("host"), q("state"), q("return_to"));
        let r = newbie
            .post_form(
                &accounts,
                "/signup",
                &[
                    ("display_name", "New Person"),
                    ("email", "new.person@example.com"),
                    ("password", "a-long-password"),
                    ("host", &host),
                    ("state", &state),
                    ("return_to", &return_to),
                ],
            )
            .await;
        // Sign-up answers as it would for an address with an account (look for our mail),
        // then the new account signs in, still inside the round trip.
        assert!(
            r.location().starts_with("/signup/sent?"),
            "{}",
            r.location()
        );
        let r = newbie
            .post_form(
                &accounts,
                "/login",
                &[
                    ("email", "new.person@example.com"),
                    ("password", "a-long-password"),
                    ("host", &host),
                    ("state", &state),
                    ("return_to", &return_to),
                ],
            )
            .await;
        let (_, authorize) = newbie.get_url(r.location(), &accounts).await;
        let (_, callback) = newbie.get_url(authorize.location(), &accounts).await;
        assert_eq!(callback.location(), "/invite");
        let page = newbie.get(&acme, "/invite").await;
        assert!(page.body.contains("Accept and join"), "{}", page.body);
        let r = newbie
            .post_form(&acme, "/invite/accept", &[("token", &token)])
            .await;
        assert_eq!(r.location(), "/");
        let home = newbie.get(&acme, "/").await;
        assert!(
            home.body.contains("member-role"),
            "a member now, in an invite-only hub"
        );

        // Reused: a clear page, nothing changes.
        let mut other = signed_in(&app, "owner@example.com", &acme).await;
        let page = other.get(&acme, &format!("/invite?token={token}")).await;
        assert_eq!(page.status, 410);
        assert!(page.body.contains("already been used"));
        let r = other
            .post_form(&acme, "/invite/accept", &[("token", &token)])
            .await;
        assert_eq!(r.status, 410);

        // Revoked and expired invitations.
        let bob = db
            .select::<invitations::Entity>()
            .filter(invitations::Column::Email.eq("bob@example.com"))
            .one()
            .await
            .unwrap()
            .unwrap();
        let bob_link = invite_link(&db, "bob@example.com").await;
        let bob_token = query_param(&bob_link, "token").unwrap();
        mia.post_form(&acme, &format!("/admin/invitations/{}/revoke", bob.id), &[])
            .await;
        let page = Browser::new(&app)
            .get(&acme, &format!("/invite?token={bob_token}"))
            .await;
        assert_eq!(page.status, 410);
        assert!(page.body.contains("withdrawn"));
        // Resend makes a new link (and the old one stays dead).
        mia.post_form(&acme, &format!("/admin/invitations/{}/resend", bob.id), &[])
            .await;
        let fresh = query_param(&invite_link(&db, "bob@example.com").await, "token").unwrap();
        assert_ne!(fresh, bob_token);
        assert_eq!(
            Browser::new(&app)
                .get(&acme, &format!("/invite?token={fresh}"))
                .await
                .status,
            200
        );
        db.update_where(
            invitations::ActiveModel {
                expires_at: Set(rally::db::now() - chrono::Duration::days(1)),
                ..Default::default()
            },
            invitations::Column::Id.eq(bob.id),
        )
        .await
        .unwrap();
        let page = Browser::new(&app)
            .get(&acme, &format!("/invite?token={fresh}"))
            .await;
        assert_eq!(page.status, 410);
        assert!(page.body.contains("expired"));
        assert_eq!(
            Browser::new(&app)
                .get(&acme, "/invite?token=nonsense")
                .await
                .status,
            404
        );

        // An existing account (a member of another hub) accepts without signing up.
        mia.post_form(
            &acme,
            "/admin/invitations",
            &[("emails", "ops@example.com")],
        )
        .await;
        let ops_token = query_param(&invite_link(&db, "ops@example.com").await, "token").unwrap();
        let mut ops = signed_in(&app, "ops@example.com", &acme).await;
        let page = ops.get(&acme, &format!("/invite?token={ops_token}")).await;
        assert!(page.body.contains("Accept and join"));
        ops.post_form(&acme, "/invite/accept", &[("token", &ops_token)])
            .await;
        assert!(ops.get(&acme, "/").await.body.contains("member-role"));
    }
}

#[tokio::test]
async fn contacts_search_page_export_roles_and_deactivation() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let db = hub_db(&app, "acme").await;
    for n in 0..30 {
        db.insert(contacts::ActiveModel {
            id: Set(rally::db::new_id()),
            tenant_id: Set(rally::db::new_id()),
            user_id: Set(rally::db::new_id()),
            display_name: Set(format!(
                "Person {n:02} {}",
                if n == 7 { "Zoë 🚀" } else { "" }
            )),
            email: Set(Some(format!("p{n}@example.com"))),
            role: Set(rally::domain::Role::Advocate),
            status: Set(rally::domain::ContactStatus::Active),
            created_at: Set(rally::db::now()),
        })
        .await
        .unwrap();
    }
    let mut mia = signed_in(&app, "mia@example.com", &acme).await;
    let page = mia.get(&acme, "/admin/contacts").await;
    assert_eq!(
        testid_text(&page.body, "contacts-count").as_deref(),
        Some("33 contacts · page 1 of 2")
    );
    let page2 = mia.get(&acme, "/admin/contacts?page=2").await;
    assert_eq!(page2.body.matches("data-testid=\"contact-row\"").count(), 8);
    let found = mia.get(&acme, "/admin/contacts?q=ZO%C3%8B").await;
    assert_eq!(
        testid_text(&found.body, "contacts-count").as_deref(),
        Some("1 contacts · page 1 of 1"),
        "case-insensitive search"
    );
    // LIKE wildcards typed by the user are literal.
    let none = mia.get(&acme, "/admin/contacts?q=%25").await;
    assert_eq!(
        testid_text(&none.body, "contacts-count").as_deref(),
        Some("0 contacts · page 1 of 1")
    );
    let csv = mia.get(&acme, "/admin/contacts.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-type"].starts_with("text/csv"));
    assert!(csv.body.starts_with("name,email,role,status,joined"));
    assert!(csv
        .body
        .contains("Alice Advocate,alice@example.com,advocate,active"));
    assert_eq!(csv.body.lines().count(), 34);

    // Roles: admins only.
    let alice = db
        .select::<contacts::Entity>()
        .filter(contacts::Column::Email.eq("alice@example.com"))
        .one()
        .await
        .unwrap()
        .unwrap();
    let r = mia
        .post_form(
            &acme,
            &format!("/admin/contacts/{}/role", alice.id),
            &[("role", "marketer")],
        )
        .await;
    assert_eq!(r.status, 403);
    let mut owner = signed_in(&app, "owner@example.com", &acme).await;
    owner
        .post_form(
            &acme,
            &format!("/admin/contacts/{}/role", alice.id),
            &[("role", "marketer")],
        )
        .await;
    assert_eq!(
        db.find_by_id::<contacts::Entity>(alice.id)
            .await
            .unwrap()
            .unwrap()
            .role
            .as_str(),
        "marketer"
    );
    owner
        .post_form(
            &acme,
            &format!("/admin/contacts/{}/role", alice.id),
            &[("role", "advocate")],
        )
        .await;

    // Deactivated: refused everywhere in the hub, joining again does not help.
    let mut alice_b = signed_in(&app, "alice@example.com", &acme).await;
    assert_eq!(alice_b.get(&acme, "/challenges").await.status, 200);
    mia.post_form(
        &acme,
        &format!("/admin/contacts/{}/status", alice.id),
        &[("status", "deactivated")],
    )
    .await;
    assert_eq!(alice_b.get(&acme, "/challenges").await.status, 403);
    assert_eq!(alice_b.get(&acme, "/rewards").await.status, 403);
    alice_b.post_form(&acme, "/join", &[]).await;
    let home = alice_b.get(&acme, "/").await;
    assert!(home.body.contains("deactivated"), "{}", home.body);
    mia.post_form(
        &acme,
        &format!("/admin/contacts/{}/status", alice.id),
        &[("status", "active")],
    )
    .await;
    assert_eq!(alice_b.get(&acme, "/challenges").await.status, 200);
    // Advocates cannot see contacts.
    assert_eq!(alice_b.get(&acme, "/admin/contacts").await.status, 403);
    assert_eq!(alice_b.get(&acme, "/admin/contacts.csv").await.status, 403);
}

#[tokio::test]
async fn groups_and_targeted_challenges() {
    // On both backends: the group sizes are counted by the database.
    for env in backends().await {
        let app = spawn_demo(&env).await;
        let acme = app.host("acme.localhost");
        let db = hub_db(&app, "acme").await;
        let mut mia = signed_in(&app, "mia@example.com", &acme).await;
        let r = mia
            .post_form(&acme, "/admin/groups", &[("name", "Power users ⚡")])
            .await;
        let group_path = r.location().to_string();
        assert!(group_path.starts_with("/admin/groups/"));
        mia.post_form(&acme, "/admin/groups", &[("name", "Power users ⚡")])
            .await;
        let page = mia.get(&acme, "/admin/groups").await;
        assert!(page.body.contains("already exists"));
        let group_id = group_path.trim_start_matches("/admin/groups/").to_string();

        // A challenge for the group only.
        let c = rally::challenges::service::create(
            &db,
            &rally::challenges::ChallengeForm {
                title: "Secret beta".into(),
                kind: "question".into(),
                points: "10".into(),
                target_group: group_id.clone(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .await
        .unwrap();
        rally::challenges::service::set_status(&db, c.id, rally::challenges::STATUS_PUBLISHED)
            .await
            .unwrap();
        let mut alice = signed_in(&app, "alice@example.com", &acme).await;
        assert!(!alice
            .get(&acme, "/challenges")
            .await
            .body
            .contains("Secret beta"));

        let alice_contact = db
            .select::<contacts::Entity>()
            .filter(contacts::Column::Email.eq("alice@example.com"))
            .one()
            .await
            .unwrap()
            .unwrap();
        let size = |body: &str| crate::helpers::testid_text(body, "group-size");
        let groups = mia.get(&acme, "/admin/groups").await;
        assert_eq!(size(&groups.body).as_deref(), Some("0 members"));
        mia.post_form(
            &acme,
            &format!("{group_path}/members"),
            &[("contact", &alice_contact.id.to_string())],
        )
        .await;
        let groups = mia.get(&acme, "/admin/groups").await;
        assert_eq!(size(&groups.body).as_deref(), Some("1 member"));
        assert!(alice
            .get(&acme, "/challenges")
            .await
            .body
            .contains("Secret beta"));
        mia.post_form(
            &acme,
            &format!("{group_path}/rename"),
            &[("name", "Insiders")],
        )
        .await;
        assert!(mia.get(&acme, &group_path).await.body.contains("Insiders"));
        mia.post_form(
            &acme,
            &format!("{group_path}/members/{}/remove", alice_contact.id),
            &[],
        )
        .await;
        assert!(!alice
            .get(&acme, "/challenges")
            .await
            .body
            .contains("Secret beta"));
        mia.post_form(&acme, &format!("{group_path}/delete"), &[])
            .await;
        assert_eq!(mia.get(&acme, &group_path).await.status, 404);
        // The challenge now targets everyone.
        assert!(alice
            .get(&acme, "/challenges")
            .await
            .body
            .contains("Secret beta"));
        // Advocates cannot manage groups; other hubs' groups are 404.
        assert_eq!(alice.get(&acme, "/admin/groups").await.status, 403);
        assert_eq!(
            alice
                .post_form(&acme, "/admin/groups", &[("name", "x")])
                .await
                .status,
            403
        );
        assert_eq!(
            mia.post_form(
                &acme,
                &format!("/admin/groups/{}/rename", rally::db::new_id()),
                &[("name", "x")]
            )
            .await
            .status,
            404
        );
    }
}
