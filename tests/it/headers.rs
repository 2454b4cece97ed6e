//! Security headers on pages, static files, redirects and error pages alike; a page's CSP
//! names the nonce its hydration script carries.
use crate::helpers::{spawn_demo, Reply, TestEnv};

fn header<'a>(r: &'a Reply, name: &str) -> &'a str {
    r.headers
        .get(name)
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no {name} on a {} reply", r.status))
}

fn assert_hardened(r: &Reply, what: &str) {
    assert_eq!(header(r, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(r, "x-frame-options"), "DENY", "{what}");
    assert!(!header(r, "referrer-policy").is_empty(), "{what}");
    let csp = header(r, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");

    let page = app.get(&acme, "/").await;
    assert_eq!(page.status, 200);
    assert_hardened(&page, "hub page");
    let nonce = page
        .body
        .split("nonce=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the hydration script has a nonce");
    let csp = header(&page, "content-security-policy");
    assert!(
        csp.contains(&format!("script-src 'self' 'nonce-{nonce}'")),
        "{csp}"
    );
    let script_src = csp
        .split(';')
        .find(|d| d.trim_start().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{script_src}");
    // Over plain http there is no HSTS.
    assert!(!page.headers.contains_key("strict-transport-security"));

    for (host, path, what) in [
        (acme.as_str(), "/pkg/rally.css", "static file"),
        (acme.as_str(), "/challenges", "redirect to sign-in"),
        (acme.as_str(), "/no/such/page", "404 page"),
        ("nowhere.test", "/", "unknown host"),
    ] {
        let r = app.get(host, path).await;
        assert_hardened(&r, what);
    }
    let r = app.get(&acme, "/healthz").await;
    assert_hardened(&r, "health");
    // Error pages and files get the strict policy: no script at all.
    let r = app.get("nowhere.test", "/").await;
    assert!(header(&r, "content-security-policy").starts_with("default-src 'none'"));
}

#[tokio::test]
async fn https_sites_send_hsts() {
    let env = TestEnv::sqlite_with(&[
        ("RALLY_ENV", "production"),
        ("RALLY_SECRET_KEY", crate::helpers::TEST_SECRET),
    ])
    .await;
    let app = spawn_demo(&env).await;
    let r = app.get(&app.host("acme.localhost"), "/").await;
    assert!(header(&r, "strict-transport-security").starts_with("max-age="));
}

/// Static files are cacheable (revalidated, as their names carry no hash in this build),
/// and pages and files are compressed for clients that accept it.
#[tokio::test]
async fn static_files_are_cacheable_and_responses_compressed() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let css = app.get(&acme, "/pkg/rally.css").await;
    assert_eq!(css.status, 200);
    assert_eq!(header(&css, "cache-control"), "public, no-cache");
    assert!(css.headers.contains_key("last-modified"));
    // Revalidation answers 304 without the body.
    let again = app
        .request(
            &acme,
            "/pkg/rally.css",
            &[("if-modified-since", header(&css, "last-modified"))],
        )
        .await;
    assert_eq!(again.status, 304);
    // Pages are not marked cacheable.
    let page = app.get(&acme, "/").await;
    assert!(
        !page.headers.contains_key("cache-control")
            || !header(&page, "cache-control").contains("public")
    );

    for path in ["/", "/pkg/rally.css"] {
        let r = app
            .request(&acme, path, &[("accept-encoding", "gzip")])
            .await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(header(&r, "content-encoding"), "gzip", "{path}");
        let r = app.request(&acme, path, &[("accept-encoding", "br")]).await;
        assert_eq!(header(&r, "content-encoding"), "br", "{path}");
    }
    // Without Accept-Encoding, plain.
    assert!(!app
        .get(&acme, "/")
        .await
        .headers
        .contains_key("content-encoding"));
}
