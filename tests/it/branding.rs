//! Branding over real HTTP: the form's rules (a readable accent, a name), a preview that
//! saves nothing, and a saved look that a second app server on the same databases shows
//! within the hub memo's staleness bound.
use crate::helpers::*;
use std::time::Duration;

fn header_style(page: &str) -> String {
    // The frame's CSS variables sit on the element right around the header.
    let at = page
        .find("--brand:")
        .expect("the frame sets the brand colours");
    page[at..].split('"').next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn branding_is_checked_previewed_saved_and_seen_by_every_server() {
    let env = TestEnv::sqlite().await;
    let a = spawn_demo(&env).await;
    let b = spawn_app(&env).await;
    let acme_a = a.host("acme.localhost");
    let acme_b = b.host("acme.localhost");
    let mut owner = signed_in(&a, "owner@example.com", &acme_a).await;
    let form = |accent: &'static str, intent: &'static str| {
        vec![
            ("name", "Acme Champions"),
            ("tagline", "Build, share, win."),
            ("welcome_text", "Hello, champions."),
            ("brand_color", "#fde047"),
            ("accent_color", accent),
            ("signin_text", ""),
            ("intent", intent),
        ]
    };

    // A pale accent is refused with its ratio; what was typed comes back.
    let r = owner
        .post_form(&acme_a, "/admin/branding", &form("#fef08a", "save"))
        .await;
    assert_eq!(r.status, 303);
    let page = owner.get(&acme_a, "/admin/branding").await;
    let error = testid_text(&page.body, "error-accent_color").unwrap_or_default();
    assert!(error.contains(":1") && error.contains("4.5:1"), "{error}");
    assert!(
        page.body.contains("value=\"#fef08a\""),
        "the typed accent is kept"
    );
    assert!(
        page.body.contains("value=\"Acme Champions\""),
        "the typed name is kept"
    );

    // A preview shows the look and the header's contrast, and saves nothing.
    owner
        .post_form(&acme_a, "/admin/branding", &form("", "preview"))
        .await;
    let page = owner.get(&acme_a, "/admin/branding").await;
    assert!(page.body.contains("data-testid=\"branding-preview\""));
    let contrast = testid_text(&page.body, "preview-contrast").unwrap_or_default();
    assert!(contrast.starts_with("Dark text on #fde047"), "{contrast}");
    let home = a.get(&acme_a, "/").await;
    assert!(
        !home.body.contains("Acme Champions"),
        "a preview is not saved"
    );

    // Saved: this server shows it at once; the other within its memo's bound.
    let r = owner
        .post_form(&acme_a, "/admin/branding", &form("", "save"))
        .await;
    assert_eq!(r.status, 303);
    let home = a.get(&acme_a, "/").await;
    assert!(home.body.contains("Acme Champions"));
    assert!(testid_text(&home.body, "hub-welcome")
        .unwrap_or_default()
        .contains("Hello, champions."));
    let style = header_style(&home.body);
    assert!(style.contains("--brand: #fde047"), "{style}");
    // Text on the pale brand is dark; links are a darkened shade, not the pale colour.
    assert!(style.contains("--brand-contrast: #111827"), "{style}");
    assert!(!style.contains("--accent: #fde047"), "{style}");
    let seen = eventually(Duration::from_secs(5), || async {
        b.get(&acme_b, "/").await.body.contains("Acme Champions")
    })
    .await;
    assert!(
        seen,
        "the second server shows the new branding within seconds"
    );

    // Only the hub's admins: a marketer is refused.
    let mut mia = signed_in(&a, "mia@example.com", &acme_a).await;
    assert_eq!(mia.get(&acme_a, "/admin/branding").await.status, 403);
    let r = mia
        .post_form(&acme_a, "/admin/branding", &form("", "save"))
        .await;
    assert_eq!(r.status, 403);
}
