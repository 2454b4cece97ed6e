//! Bad input gets a clear answer, never a 500: every form post of a hub and of the
//! accounts host, sent by people entitled to it, with empty, oversized, negative, huge,
//! control-character and markup values, and with a body that is not a form at all.
use crate::helpers::{hub_db, signed_in, Browser, TestEnv};
use rally::db::tenant::{
    challenges, completions, contacts, groups, invitations, redemptions, rewards,
};

/// Every field name a form of Rally reads, so each handler sees its own fields filled.
const FIELDS: &[&str] = &[
    "title",
    "description",
    "kind",
    "points",
    "requires_approval",
    "starts_on",
    "ends_on",
    "max_per_advocate",
    "target_group",
    "action_url",
    "text",
    "url",
    "rating",
    "name",
    "email",
    "company",
    "confirm",
    "note",
    "ids",
    "action",
    "role",
    "status",
    "contact",
    "cost",
    "stock",
    "active",
    "emails",
    "token",
    "password",
    "display_name",
    "name_0",
    "points_0",
    "name_1",
    "points_1",
    "return_to",
    "host",
    "state",
];

fn values() -> Vec<String> {
    vec![
        String::new(),
        "x".repeat(20_000),
        "-1".into(),
        "99999999999999999999999999".into(),
        "0".into(),
        "\u{0}\u{1b}[31m 💥 <script>alert(1)</script> '; DROP TABLE contacts; --".into(),
        "2026-02-30".into(),
        "not-a-uuid".into(),
    ]
}

/// The id of one of the hub's rows of each kind (a fresh UUID when it has none).
macro_rules! some_id {
    ($db:expr, $entity:ident) => {
        $db.select::<$entity::Entity>()
            .one()
            .await
            .unwrap()
            .map(|m| m.id)
            .unwrap_or_else(rally::db::new_id)
            .to_string()
    };
}

#[tokio::test]
async fn garbage_posts_get_4xx_or_a_redirect_never_5xx() {
    let env = TestEnv::sqlite().await;
    let app = crate::helpers::spawn_app(&env).await;
    rally::platform::seed::demo(&app.state.registry, "localhost")
        .await
        .unwrap();
    let acme = app.host("acme.localhost");
    let accounts = app.host("accounts.localhost");
    let db = hub_db(&app, "acme").await;
    let challenge = some_id!(db, challenges);
    let completion = some_id!(db, completions);
    let invitation = some_id!(db, invitations);
    let reward = some_id!(db, rewards);
    let redemption = some_id!(db, redemptions);
    let contact = some_id!(db, contacts);
    let group = some_id!(db, groups);

    let hub_routes = [
        "/join".to_string(),
        "/admin/challenges".into(),
        format!("/admin/challenges/{challenge}"),
        format!("/admin/challenges/{challenge}/publish"),
        format!("/admin/challenges/{challenge}/archive"),
        format!("/challenges/{challenge}"),
        "/admin/completions/bulk".into(),
        format!("/admin/completions/{completion}/approve"),
        format!("/admin/completions/{completion}/reject"),
        "/admin/levels".into(),
        "/admin/invitations".into(),
        format!("/admin/invitations/{invitation}/resend"),
        format!("/admin/invitations/{invitation}/revoke"),
        "/invite/accept".into(),
        format!("/admin/contacts/{contact}/role"),
        format!("/admin/contacts/{contact}/status"),
        "/admin/groups".into(),
        format!("/admin/groups/{group}/rename"),
        format!("/admin/groups/{group}/members"),
        format!("/admin/groups/{group}/members/{contact}/remove"),
        "/admin/rewards".into(),
        format!("/admin/rewards/{reward}"),
        format!("/rewards/{reward}/redeem"),
        format!("/admin/redemptions/{redemption}/fulfil"),
        format!("/admin/redemptions/{redemption}/cancel"),
        format!("/admin/groups/{group}/delete"),
        "/admin/levels/reset".into(),
    ];
    let mut owner = signed_in(&app, "owner@example.com", &acme).await;

    let mut failures = Vec::new();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for path in &hub_routes {
        for v in values() {
            let fields: Vec<(&str, &str)> = FIELDS.iter().map(|f| (*f, v.as_str())).collect();
            let r = owner.post_form(&acme, path, &fields).await;
            *statuses.entry(r.status).or_default() += 1;
            if r.status >= 500 {
                failures.push(format!("POST {path} with {:.40?}: {}", v, r.status));
            }
        }
        let r = owner.post_form(&acme, path, &[]).await;
        if r.status >= 500 {
            failures.push(format!("POST {path} empty: {}", r.status));
        }
        // Not a form at all.
        let origin = format!("http://{acme}");
        let cookie = owner.session(&acme).map(|s| format!("rally_session={s}"));
        let mut headers = vec![
            ("origin", origin.as_str()),
            ("content-type", "application/json"),
        ];
        if let Some(c) = &cookie {
            headers.push(("cookie", c.as_str()));
        }
        let r = app
            .send_body("POST", &acme, path, &headers, "{\"title\": [1, 2]}")
            .await;
        if r.status >= 500 {
            failures.push(format!("POST {path} as JSON: {}", r.status));
        }
    }

    // The accounts host's forms, signed out (logout last: it ends the session).
    let mut visitor = Browser::new(&app);
    for path in [
        "/signup",
        "/login",
        "/password/forgot",
        "/password/reset",
        "/logout",
    ] {
        for v in values() {
            let fields: Vec<(&str, &str)> = FIELDS.iter().map(|f| (*f, v.as_str())).collect();
            let r = visitor.post_form(&accounts, path, &fields).await;
            if r.status >= 500 {
                failures.push(format!("POST accounts{path} with {:.40?}: {}", v, r.status));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // The handlers ran (field errors and notices answer with redirects), rather than
    // everything stopping at a check in front of them.
    let redirects = statuses.get(&303).copied().unwrap_or(0);
    assert!(redirects > hub_routes.len() * 3, "{statuses:?}");

    // Pages with odd queries and ids: 200, a redirect or a 4xx page.
    let odd = "?q=%00%27%22%3Cb%3E&page=-3&period=forever&token=%FF%FE&host=..&state=x&return_to=//evil.test";
    let mut owner = signed_in(&app, "owner@example.com", &acme).await;
    for page in [
        "/",
        "/challenges",
        "/challenges/%FF",
        "/leaderboard",
        "/me",
        "/rewards",
        "/invite",
        "/admin",
        "/admin/contacts",
        "/admin/groups",
        "/admin/groups/%00",
        "/admin/levels",
        "/admin/challenges/%20",
        "/admin/rewards/-1",
        "/admin/redemptions",
        "/admin/completions",
    ] {
        let r = owner.get(&acme, &format!("{page}{odd}")).await;
        assert!(r.status < 500, "GET {page}{odd}: {}", r.status);
        let r = owner
            .get(&acme, &format!("{page}?page=99999999999999999999999"))
            .await;
        assert!(r.status < 500, "GET {page} huge page: {}", r.status);
    }
    for page in [
        "/",
        "/login",
        "/signup",
        "/password/reset",
        "/sso/authorize",
        "/dev/mail",
    ] {
        let r = visitor.get(&accounts, &format!("{page}{odd}")).await;
        assert!(r.status < 500, "GET accounts{page}{odd}: {}", r.status);
    }

    // And the hub still works for its people afterwards.
    let home = owner.get(&acme, "/").await;
    assert_eq!(home.status, 200);
}
