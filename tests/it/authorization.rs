//! Roles are checked on the server for every team page and every team form post — pages
//! found from the router, so a new one is covered too.
use crate::helpers::{signed_in, spawn_demo, TestEnv};

/// The path with every parameter segment (`{id}`, `:id`) filled with `id`.
fn fill(path: &str, id: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with(':') || (seg.starts_with('{') && seg.ends_with('}')) {
                id
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn advocates_get_403_from_every_team_page_and_form() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let id = rally::db::new_id().to_string();

    // The process's one route list: generating another would stall other tests' pages.
    let pages: Vec<String> = rally::startup::route_list()
        .iter()
        .map(|r| r.path().to_string())
        .filter(|p| p.starts_with("/admin"))
        .collect();
    assert!(pages.len() >= 12, "{pages:?}");
    // Page data is loaded on the server while the page renders (islands mode): there is
    // no server-function endpoint that could be called around a page's role check.
    assert_eq!(leptos::server_fn::axum::server_fn_paths().count(), 0);

    let mut alice = signed_in(&app, "alice@example.com", &acme).await;
    let mut owner = signed_in(&app, "owner@example.com", &acme).await;

    for page in &pages {
        let path = fill(page, &id);
        assert_eq!(alice.get(&acme, &path).await.status, 403, "GET {path}");
        // The admin gets the page (or a 404 for the made-up id), so the 403 is the role's.
        let expected = if path == *page { 200 } else { 404 };
        assert_eq!(
            owner.get(&acme, &path).await.status,
            expected,
            "admin GET {path}"
        );
    }
    // The form posts' role check, before any body is read: signed out, the visitor is
    // sent to sign in; on the accounts host there is no hub (404); a malformed body from
    // an advocate is still a 403, not a parse error.
    let mut visitor = crate::helpers::Browser::new(&app);
    let accounts = app.host("accounts.localhost");
    for path in ["/admin/levels", "/admin/challenges", "/admin/groups"] {
        let r = visitor.post_form(&acme, path, &[]).await;
        assert_eq!(r.status, 303, "signed-out POST {path}");
        assert!(r.location().starts_with("/sso/start"), "{}", r.location());
        let r = visitor.post_form(&accounts, path, &[]).await;
        assert_eq!(r.status, 404, "POST {path} on the accounts host");
        let origin = format!("http://{acme}");
        let cookie = format!("rally_session={}", alice.session(&acme).unwrap());
        let headers = [
            ("origin", origin.as_str()),
            ("content-type", "application/json"),
            ("cookie", cookie.as_str()),
        ];
        let r = app.send_body("POST", &acme, path, &headers, "[").await;
        assert_eq!(r.status, 403, "advocate's malformed POST {path}");
    }
}

/// Another hub's rows, used on acme by its admin: 404 on every route that takes an id, and
/// the other hub's rows are left as they were.
#[tokio::test]
async fn other_hubs_ids_are_404_on_every_route_that_takes_one() {
    use crate::helpers::hub_db;
    use crate::rewards::{advocate, ctx, reward};
    use rally::challenges::{service as challenges, Answer, ChallengeForm};
    use rally::db::tenant::{completions, groups, invitations, redemptions, rewards};
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let gdb = hub_db(&app, "globex").await;

    // One of each in globex.
    let form = ChallengeForm {
        title: "Globex only".into(),
        kind: "question".into(),
        points: "10".into(),
        requires_approval: Some("on".into()),
        ..Default::default()
    };
    let challenge = challenges::create(&gdb, &form.validate().unwrap())
        .await
        .unwrap();
    challenges::set_status(&gdb, challenge.id, rally::challenges::STATUS_PUBLISHED)
        .await
        .unwrap();
    let member = advocate(&gdb, 1, 100).await;
    let completion = challenges::submit(
        &gdb,
        challenge.id,
        &member,
        &Answer::Question { text: "x".into() },
    )
    .await
    .unwrap();
    let prize = reward(&gdb, 10, Some(5)).await;
    let redemption = rally::rewards::service::redeem(&gdb, prize.id, &member, &ctx())
        .await
        .unwrap();
    let mail = rally::invitations::service::InviteMail {
        hub_name: "Globex",
        hub_url: "http://globex.localhost",
        inviter: "Globex",
        request_id: None,
    };
    rally::invitations::service::invite(&gdb, "someone@example.com", None, &mail)
        .await
        .unwrap()
        .unwrap();
    let invitation = gdb
        .select::<invitations::Entity>()
        .one()
        .await
        .unwrap()
        .unwrap();
    let group = gdb
        .insert(groups::ActiveModel {
            id: rally::db::sea_orm::Set(rally::db::new_id()),
            name: rally::db::sea_orm::Set("Globex group".into()),
            created_at: rally::db::sea_orm::Set(rally::db::now()),
            ..Default::default()
        })
        .await
        .unwrap();

    let mut owner = signed_in(&app, "owner@example.com", &acme).await;
    let (c, p, r, rd, i, g, m) = (
        challenge.id,
        completion.id,
        prize.id,
        redemption.id,
        invitation.id,
        group.id,
        member.id,
    );
    for path in [
        format!("/challenges/{c}"),
        format!("/admin/challenges/{c}"),
        format!("/admin/rewards/{r}"),
        format!("/admin/groups/{g}"),
    ] {
        assert_eq!(owner.get(&acme, &path).await.status, 404, "GET {path}");
    }
    let fields: &[(&str, &str)] = &[
        ("title", "Taken over"),
        ("kind", "question"),
        ("points", "5"),
        ("name", "Taken over"),
        ("cost", "1"),
        ("role", "admin"),
        ("status", "deactivated"),
        ("contact", &m.to_string()),
        ("text", "x"),
        ("note", "x"),
    ];
    for path in [
        format!("/admin/challenges/{c}"),
        format!("/admin/challenges/{c}/publish"),
        format!("/admin/challenges/{c}/archive"),
        format!("/challenges/{c}"),
        format!("/admin/completions/{p}/approve"),
        format!("/admin/completions/{p}/reject"),
        format!("/admin/rewards/{r}"),
        format!("/rewards/{r}/redeem"),
        format!("/admin/redemptions/{rd}/fulfil"),
        format!("/admin/redemptions/{rd}/cancel"),
        format!("/admin/invitations/{i}/resend"),
        format!("/admin/invitations/{i}/revoke"),
        format!("/admin/contacts/{m}/role"),
        format!("/admin/contacts/{m}/status"),
        format!("/admin/groups/{g}/rename"),
        format!("/admin/groups/{g}/members"),
        format!("/admin/groups/{g}/members/{m}/remove"),
        format!("/admin/groups/{g}/delete"),
    ] {
        let r = owner.post_form(&acme, &path, fields).await;
        assert_eq!(r.status, 404, "POST {path}");
    }

    // Invalid input does not change that: the id is checked before the form.
    let invalid = owner
        .post_form(&acme, &format!("/admin/challenges/{c}"), &[("points", "0")])
        .await;
    assert_eq!(invalid.status, 404);

    // Globex's rows are as they were.
    let still = |s: &str, want: &str| assert_eq!(s, want);
    let ch = gdb
        .find_by_id::<rally::db::tenant::challenges::Entity>(c)
        .await
        .unwrap()
        .unwrap();
    still(&ch.title, "Globex only");
    still(
        ch.status.as_str(),
        rally::challenges::STATUS_PUBLISHED.as_str(),
    );
    let co = gdb
        .find_by_id::<completions::Entity>(p)
        .await
        .unwrap()
        .unwrap();
    still(co.status.as_str(), "pending");
    let rw = gdb.find_by_id::<rewards::Entity>(r).await.unwrap().unwrap();
    still(&rw.name, "Hoodie");
    let re = gdb
        .find_by_id::<redemptions::Entity>(rd)
        .await
        .unwrap()
        .unwrap();
    still(re.status.as_str(), "requested");
    let inv = gdb
        .find_by_id::<invitations::Entity>(i)
        .await
        .unwrap()
        .unwrap();
    assert!(inv.revoked_at.is_none());
    let mem = gdb
        .find_by_id::<rally::db::tenant::contacts::Entity>(m)
        .await
        .unwrap()
        .unwrap();
    still(mem.role.as_str(), "advocate");
    still(mem.status.as_str(), "active");
    let gr = gdb.find_by_id::<groups::Entity>(g).await.unwrap().unwrap();
    still(&gr.name, "Globex group");
}
