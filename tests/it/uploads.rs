//! Uploads over real HTTP: a hub admin uploads branding images; what is kept is decided by
//! content; files come back only through signed, expiring URLs, on their own hub. The same
//! tests run against the filesystem store (a temp directory) and an S3-compatible server
//! (moto, started by the test).
use crate::helpers::*;
use rally::storage::content::FileType;

const LOGO: &[u8] = include_bytes!("../fixtures/logo.png");
const BOMB: &[u8] = include_bytes!("../fixtures/bomb.png");

/// The signed URL of the hub's logo, as the hub header shows it.
fn logo_url(page: &str) -> Option<String> {
    let at = page.find("data-testid=\"hub-logo\"")?;
    // The `src` attribute comes first on the `img` tag.
    let tag_start = page[..at].rfind("<img")?;
    let tag = &page[tag_start..at];
    let src = tag.split("src=\"").nth(1)?.split('"').next()?;
    Some(src.replace("&amp;", "&"))
}

async fn uploads_behave(env: &TestEnv) {
    let app = spawn_demo(env).await;
    let acme = app.host("acme.localhost");
    let globex = app.host("globex.localhost");
    let mut owner = signed_in(&app, "owner@example.com", &acme).await;

    // A PNG named .jpg is kept as a PNG, re-encoded (its text chunk is gone).
    let r = owner
        .post_multipart(
            &acme,
            "/admin/branding/logo",
            &[],
            ("file", "logo.jpg", LOGO),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), "/admin/branding");
    let page = owner.get(&acme, "/").await;
    let url = logo_url(&page.body).expect("the header shows the logo");
    assert!(url.starts_with("/files/"), "{url}");
    let key_part = url.split('?').next().unwrap();
    assert_eq!(FileType::of_key(key_part), Some(FileType::Png), "{url}");
    let file = app.get(&acme, &url).await;
    assert_eq!(file.status, 200, "{}", file.body);
    assert_eq!(file.headers["content-type"], "image/png");
    assert!(file.bytes.starts_with(b"\x89PNG"), "a PNG comes back");
    assert!(
        !file.body.contains("secret metadata"),
        "metadata is dropped by re-encoding"
    );
    let cache = &file.headers["cache-control"];
    assert!(cache.starts_with("private, max-age="), "{cache}");
    let max_age: i64 = cache["private, max-age=".len()..].parse().unwrap();
    assert!(
        (3600..=7200).contains(&max_age),
        "cached no longer than the URL lives: {cache}"
    );
    assert_eq!(file.headers["x-content-type-options"], "nosniff");

    // Refused, each with a clear error on the form, and nothing changes.
    let six_mb: Vec<u8> = LOGO
        .iter()
        .copied()
        .chain(std::iter::repeat_n(0u8, 6 << 20))
        .collect();
    for (name, bytes, says) in [
        (
            "evil.svg",
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"[..],
            "SVG",
        ),
        (
            "page.png",
            &b"<!doctype html><html><script>alert(1)</script></html>"[..],
            "PNG, JPEG, WebP or ICO",
        ),
        ("huge.png", &six_mb[..], "at most 5.0 MB"),
        ("bomb.png", BOMB, "12000 × 12000 pixels"),
        ("empty.png", &b""[..], "choose a file"),
    ] {
        let r = owner
            .post_multipart(&acme, "/admin/branding/logo", &[], ("file", name, bytes))
            .await;
        assert_eq!(r.status, 303, "{name}: {}", r.body);
        let form = owner.get(&acme, "/admin/branding").await;
        assert_eq!(form.status, 200);
        let error = testid_text(&form.body, "error-file").unwrap_or_default();
        assert!(error.contains(says), "{name}: {error:?}");
    }
    let page = owner.get(&acme, "/").await;
    assert_eq!(
        logo_url(&page.body).as_deref(),
        Some(url.as_str()),
        "the logo is unchanged"
    );

    // Only signed, unexpired URLs of this hub's own files, on its own hosts.
    let path = url.split_once('?').unwrap().0;
    let unsigned = app.get(&acme, path).await;
    assert_eq!(unsigned.status, 403);
    let sig = query_param(&url, "sig").unwrap();
    let exp: i64 = query_param(&url, "exp").unwrap().parse().unwrap();
    let mut tampered = sig.clone();
    tampered.replace_range(0..1, if sig.starts_with('0') { "1" } else { "0" });
    let r = app
        .get(&acme, &format!("{path}?exp={exp}&sig={tampered}"))
        .await;
    assert_eq!(r.status, 403, "tampered signature");
    let r = app
        .get(&acme, &format!("{path}?exp={}&sig={sig}", exp + 3600))
        .await;
    assert_eq!(r.status, 403, "a later expiry with the old signature");
    let tenant = path
        .split('/')
        .nth(2)
        .unwrap()
        .parse::<uuid::Uuid>()
        .unwrap();
    let key = path.splitn(4, '/').nth(3).unwrap();
    let past = chrono::Utc::now().timestamp() - 10;
    let expired = app.state.signer.url_until(tenant, key, past);
    assert_eq!(app.get(&acme, &expired).await.status, 403, "expired");
    // Another tenant's URL on this hub's host: not found there.
    assert_eq!(app.get(&globex, &url).await.status, 404);
    // The same key claimed for globex: the signature does not cover it.
    let globex_id = rally::platform::tenants::find_by_slug(&app.state.registry, "globex")
        .await
        .unwrap()
        .unwrap()
        .id;
    let forged = url.replace(&tenant.to_string(), &globex_id.to_string());
    assert_eq!(app.get(&globex, &forged).await.status, 403);
    // A key that leaves the tenant's prefix never reaches the store.
    let escape = format!("/files/{tenant}/../../etc/passwd?exp={exp}&sig={sig}");
    assert!(matches!(app.get(&acme, &escape).await.status, 403 | 404));
    // A body that is not multipart at all, though it says so: 400, not a 500.
    let origin = format!("http://{acme}");
    let cookie = format!("rally_session={}", owner.session(&acme).unwrap());
    let broken = app
        .send_body(
            "POST",
            &acme,
            "/admin/branding/logo",
            &[
                ("origin", &origin),
                ("cookie", &cookie),
                ("content-type", "multipart/form-data; boundary=nope"),
            ],
            "this is not multipart",
        )
        .await;
    assert_eq!(broken.status, 400, "{}", broken.body);
    // More than any upload may be: 413 before a handler runs.
    let too_big = vec![b'x'; 13 << 20];
    let r = owner
        .post_multipart(
            &acme,
            "/admin/branding/logo",
            &[],
            ("file", "big.png", &too_big),
        )
        .await;
    assert_eq!(r.status, 413);
    // An advocate cannot upload.
    let mut alice = signed_in(&app, "alice@example.com", &acme).await;
    let r = alice
        .post_multipart(
            &acme,
            "/admin/branding/logo",
            &[],
            ("file", "logo.png", LOGO),
        )
        .await;
    assert_eq!(r.status, 403);

    // Removing the logo takes it off the header and out of the store.
    let r = owner
        .post_form(&acme, "/admin/branding/logo/remove", &[])
        .await;
    assert_eq!(r.status, 303);
    let page = owner.get(&acme, "/").await;
    assert_eq!(logo_url(&page.body), None);
    assert_eq!(app.get(&acme, &url).await.status, 404, "the file is gone");
}

#[tokio::test]
async fn uploads_on_the_filesystem() {
    let env = TestEnv::sqlite().await;
    uploads_behave(&env).await;
    assert!(
        env.dir.path().join("uploads/tenants").is_dir(),
        "kept under the data directory"
    );
}

/// An S3-compatible server (moto) on a free port.
struct Moto {
    _peer: Peer,
    port: u16,
}

async fn start_moto() -> Option<Moto> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let mut cmd = std::process::Command::new("moto_server");
    cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
    let peer = start_peer(cmd, "moto_server")?;
    assert!(
        until_listening(port, std::time::Duration::from_secs(30)).await,
        "moto_server did not start"
    );
    Some(Moto { _peer: peer, port })
}

/// CreateBucket: `PUT /<bucket>` (moto does not check credentials).
async fn create_bucket(port: u16, bucket: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let req = format!(
        "PUT /{bucket} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "create bucket: {out}");
}

#[tokio::test]
async fn uploads_on_an_s3_compatible_server() {
    let Some(moto) = start_moto().await else {
        return;
    };
    create_bucket(moto.port, "rally-uploads").await;
    let url = format!(
        "s3://rally-uploads?endpoint=http://127.0.0.1:{}&region=us-east-1&access_key_id=test&secret_access_key=test",
        moto.port
    );
    let env = TestEnv::sqlite_with(&[("RALLY_STORAGE_URL", &url)]).await;
    uploads_behave(&env).await;
    assert!(
        !env.dir.path().join("uploads").exists(),
        "nothing was kept on the local disk: the files went to the bucket"
    );
}

/// The file `src` of the first `data-testid="answer-file"` link.
fn answer_file_url(page: &str) -> Option<String> {
    let at = page.find("data-testid=\"answer-file\"")?;
    let tag_start = page[..at].rfind("<a")?;
    let href = page[tag_start..at]
        .split("href=\"")
        .nth(1)?
        .split('"')
        .next()?;
    Some(href.replace("&amp;", "&"))
}

/// An upload challenge: a marketer gives it an image; an advocate answers with a file,
/// which only the hub's team and that advocate can open; refused files say why.
#[tokio::test]
async fn an_upload_challenge_answer_is_seen_by_the_team_and_its_author_only() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let mut mia = signed_in(&app, "mia@example.com", &acme).await;
    let r = mia
        .post_form(
            &acme,
            "/admin/challenges",
            &[
                ("title", "Show your setup"),
                ("kind", "upload"),
                ("points", "40"),
                ("requires_approval", "on"),
            ],
        )
        .await;
    let edit = r.location().to_string();
    assert!(edit.starts_with("/admin/challenges/"), "{edit}");
    // Its image: an SVG is refused on the form, a PNG is shown on the challenge's page.
    mia.post_multipart(
        &acme,
        &format!("{edit}/image"),
        &[],
        ("file", "x.svg", b"<svg/>"),
    )
    .await;
    let page = mia.get(&acme, &edit).await;
    assert!(testid_text(&page.body, "error-file")
        .unwrap_or_default()
        .contains("SVG"));
    let r = mia
        .post_multipart(
            &acme,
            &format!("{edit}/image"),
            &[],
            ("file", "setup.png", LOGO),
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        mia.post_form(&acme, &format!("{edit}/publish"), &[])
            .await
            .status,
        303
    );
    let id = edit.trim_start_matches("/admin/challenges/");

    let mut alice = signed_in(&app, "alice@example.com", &acme).await;
    let page = alice.get(&acme, &format!("/challenges/{id}")).await;
    assert!(page.body.contains("data-testid=\"challenge-image\""));
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    // Nothing chosen, or not an image or PDF: a clear error, nothing submitted.
    for (name, bytes, says) in [
        ("nothing", &b""[..], "choose a file"),
        ("notes.txt", &b"just text"[..], "PDF"),
    ] {
        let r = alice
            .post_multipart(
                &acme,
                &format!("/challenges/{id}/upload"),
                &[],
                ("file", name, bytes),
            )
            .await;
        assert_eq!(r.status, 303);
        let page = alice.get(&acme, &format!("/challenges/{id}")).await;
        let error = testid_text(&page.body, "error-file").unwrap_or_default();
        assert!(error.contains(says), "{name}: {error}");
    }
    // A PDF is accepted and waits for review.
    let pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    let r = alice
        .post_multipart(
            &acme,
            &format!("/challenges/{id}/upload"),
            &[],
            ("file", "setup.pdf", pdf),
        )
        .await;
    assert_eq!(r.status, 303);
    let page = alice.get(&acme, &format!("/challenges/{id}")).await;
    assert!(testid_text(&page.body, "notice")
        .unwrap_or_default()
        .contains("approval"));

    // The marketer sees the file in the queue and can open it.
    let queue = mia.get(&acme, "/admin/completions").await;
    let url = answer_file_url(&queue.body).expect("the queue links the file");
    let file = mia.get(&acme, &url).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.headers["content-type"], "application/pdf");
    assert_eq!(file.headers["content-disposition"], "attachment");
    assert!(file.bytes.starts_with(b"%PDF-"));
    // Its author too (from "My points"), with the same kind of link.
    let me = alice.get(&acme, "/me").await;
    let own = answer_file_url(&me.body).expect("the author's own list links it");
    assert_eq!(alice.get(&acme, &own).await.status, 200);
    // Nobody else: signed out, or on another hub's host.
    assert_eq!(app.get(&acme, &url).await.status, 404, "signed out");
    let globex = app.host("globex.localhost");
    let mut alice_at_globex = signed_in(&app, "alice@example.com", &globex).await;
    assert_eq!(
        alice_at_globex.get(&globex, &url).await.status,
        404,
        "another hub"
    );
    assert_eq!(
        app.get(&app.host("accounts.localhost"), &url).await.status,
        404
    );
}
