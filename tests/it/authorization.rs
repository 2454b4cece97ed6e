//! Roles are checked on the server for every team page and every team server function —
//! found from the router and the server-function registry, so a new one is covered too.
use crate::helpers::{spawn_demo, Browser, TestEnv};
use rally::platform::seed::DEMO_PASSWORD;

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
async fn advocates_get_403_from_every_team_page_and_server_function() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let id = rally::db::new_id().to_string();

    let pages: Vec<String> = leptos_axum::generate_route_list(rally::app::App)
        .iter()
        .map(|r| r.path().to_string())
        .filter(|p| p.starts_with("/admin"))
        .collect();
    assert!(pages.len() >= 12, "{pages:?}");
    let functions: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .filter(|p| p.starts_with("/api/admin_") || p == "/api/hub_members")
        .collect();
    assert!(functions.len() >= 10, "{functions:?}");

    let mut alice = Browser::new(&app);
    alice.sign_in("alice@example.com", DEMO_PASSWORD).await;
    alice.sso_sign_in(&acme, "/").await;
    let mut owner = Browser::new(&app);
    owner.sign_in("owner@example.com", DEMO_PASSWORD).await;
    owner.sso_sign_in(&acme, "/").await;

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
    for f in &functions {
        let r = alice.post_form(&acme, f, &[("id", &id)]).await;
        assert_eq!(r.status, 403, "POST {f}");
        let r = owner.post_form(&acme, f, &[("id", &id)]).await;
        assert!(
            matches!(r.status, 200 | 404),
            "admin POST {f}: {}",
            r.status
        );
    }
}
