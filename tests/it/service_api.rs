//! The service API on `api.<root>`: JWT bearer auth (every refusal a 401 problem
//! document), key rotation, scopes per route, the per-client rate, the Events API's
//! idempotency under concurrent retries (SQLite and PostgreSQL), the OpenAPI document
//! (validated by openapi-spec-validator from PyPI) and `/metrics`.
use crate::helpers::*;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rally::api_clients::{service as clients, Scope};
use rally::db::tenant::{api_events, contacts, points_ledger};
use sea_orm::ColumnTrait;
use serde_json::{json, Value};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(iss: &str) -> Value {
    json!({ "iss": iss, "aud": "rally", "iat": now(), "exp": now() + 120 })
}

fn hs256(secret: &[u8], claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

/// A client made through the service; its issuer and first secret.
async fn client(app: &TestApp, hub: &str, scopes: &[Scope]) -> (String, String, uuid::Uuid) {
    let db = hub_db(app, hub).await;
    let (c, secret) = clients::create_client(&db, &app.state.sealer, "Test client", scopes)
        .await
        .unwrap();
    (clients::issuer(db.tenant_id(), c.id), secret, c.id)
}

async fn call(app: &TestApp, method: &str, path: &str, token: &str, body: &str) -> Reply {
    let auth = format!("Bearer {token}");
    app.send_body(
        method,
        &app.host("api.localhost"),
        path,
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        body,
    )
    .await
}

fn json_of(r: &Reply) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body))
}

/// A 401 problem document with this code.
fn assert_refused(r: &Reply, code: &str, what: &str) {
    assert_eq!(r.status, 401, "{what}: {}", r.body);
    assert_eq!(
        r.headers.get("content-type").map(String::as_str),
        Some("application/problem+json"),
        "{what}"
    );
    let p = json_of(r);
    assert_eq!(p["status"], 401, "{what}");
    assert_eq!(p["code"], code, "{what}: {}", r.body);
    assert!(r.headers.contains_key("www-authenticate"), "{what}");
}

#[tokio::test]
async fn tokens_are_refused_for_every_flaw_and_rotation_keeps_both_secrets_valid() {
    let env = TestEnv::sqlite().await;
    let app = spawn_demo(&env).await;
    let acme = app.host("acme.localhost");
    let mut owner = signed_in(&app, "owner@example.com", &acme).await;

    // An admin creates a client on /admin/api: the issuer and the secret are shown once.
    let r = owner
        .post_form(
            &acme,
            "/admin/api/clients",
            &[("name", "CRM sync"), ("scope", "challenges:read")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = owner.get(&acme, "/admin/api").await;
    let secret1 = testid_text(&page.body, "api-secret").expect("the secret is shown");
    let issuer = testid_text(&page.body, "issuer").expect("the issuer is shown");
    assert!(secret1.starts_with("rsk_"), "{secret1}");
    assert!(
        !owner.get(&acme, "/admin/api").await.body.contains(&secret1),
        "shown once"
    );
    // At rest it is sealed: the database holds no copy of it.
    let db = hub_db(&app, "acme").await;
    let keys = db
        .select::<rally::db::tenant::api_keys::Entity>()
        .all()
        .await
        .unwrap();
    assert!(keys.iter().all(|k| !k
        .sealed_secret
        .clone()
        .unwrap_or_default()
        .contains(&secret1)));

    let ok = call(
        &app,
        "GET",
        "/v1/challenges",
        &hs256(secret1.as_bytes(), &claims(&issuer)),
        "",
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(json_of(&ok).is_array());

    // A bad form is a field error, not a client.
    owner
        .post_form(
            &acme,
            "/admin/api/clients",
            &[("name", ""), ("scope", "nope")],
        )
        .await;
    let page = owner.get(&acme, "/admin/api").await;
    assert!(
        testid_text(&page.body, "error-name").is_some(),
        "{}",
        page.body
    );

    // Each flaw, a 401 problem document.
    let key = secret1.as_bytes();
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(&issuer).to_string())
    );
    assert_refused(
        &call(&app, "GET", "/v1/challenges", &none, "").await,
        "malformed_token",
        "alg none",
    );
    let mut expired = claims(&issuer);
    expired["exp"] = json!(now() - 120);
    expired["iat"] = json!(now() - 240);
    assert_refused(
        &call(&app, "GET", "/v1/challenges", &hs256(key, &expired), "").await,
        "token_expired",
        "expired",
    );
    let mut far = claims(&issuer);
    far["exp"] = json!(now() + 3600);
    assert_refused(
        &call(&app, "GET", "/v1/challenges", &hs256(key, &far), "").await,
        "exp_too_far",
        "exp far ahead",
    );
    let mut aud = claims(&issuer);
    aud["aud"] = json!("someone-else");
    assert_refused(
        &call(&app, "GET", "/v1/challenges", &hs256(key, &aud), "").await,
        "invalid_audience",
        "wrong aud",
    );
    let mut no_iat = claims(&issuer);
    no_iat.as_object_mut().unwrap().remove("iat");
    assert_refused(
        &call(&app, "GET", "/v1/challenges", &hs256(key, &no_iat), "").await,
        "invalid_claims",
        "no iat",
    );
    let stranger = format!("{}.{}", uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    assert_refused(
        &call(
            &app,
            "GET",
            "/v1/challenges",
            &hs256(key, &claims(&stranger)),
            "",
        )
        .await,
        "unknown_issuer",
        "unknown iss",
    );
    assert_refused(
        &call(
            &app,
            "GET",
            "/v1/challenges",
            &hs256(key, &claims("not-an-issuer")),
            "",
        )
        .await,
        "unknown_issuer",
        "bad iss",
    );
    assert_refused(
        &call(
            &app,
            "GET",
            "/v1/challenges",
            &hs256(b"another secret", &claims(&issuer)),
            "",
        )
        .await,
        "invalid_signature",
        "wrong secret",
    );
    // Tampered: the payload of another token under this signature.
    let good = hs256(key, &claims(&issuer));
    let parts: Vec<&str> = good.split('.').collect();
    let mut more = claims(&issuer);
    more["exp"] = json!(now() + 200);
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(more.to_string()),
        parts[2]
    );
    assert_refused(
        &call(&app, "GET", "/v1/challenges", &tampered, "").await,
        "invalid_signature",
        "tampered",
    );
    let r = app.get(&app.host("api.localhost"), "/v1/challenges").await;
    assert_refused(&r, "missing_token", "no token");
    // Another hub named as the issuer's hub, with this client and its secret: no such
    // client there.
    let globex = hub_db(&app, "globex").await.tenant_id();
    let client_part = issuer.split_once('.').unwrap().1;
    let elsewhere = format!("{globex}.{client_part}");
    assert_refused(
        &call(
            &app,
            "GET",
            "/v1/challenges",
            &hs256(key, &claims(&elsewhere)),
            "",
        )
        .await,
        "unknown_issuer",
        "another hub",
    );
    let mut early = claims(&issuer);
    early["nbf"] = json!(now() + 600);
    assert_refused(
        &call(&app, "GET", "/v1/challenges", &hs256(key, &early), "").await,
        "invalid_token",
        "nbf ahead",
    );

    // Another hub's clients are not found from this hub's admin pages.
    let gdb = hub_db(&app, "globex").await;
    let (theirs, _) = clients::create_client(
        &gdb,
        &app.state.sealer,
        "Globex CRM",
        &[Scope::ChallengesRead],
    )
    .await
    .unwrap();
    let their_key = gdb
        .select::<rally::db::tenant::api_keys::Entity>()
        .one()
        .await
        .unwrap()
        .unwrap();
    for path in [
        format!("/admin/api/clients/{}/secrets", theirs.id),
        format!(
            "/admin/api/clients/{}/keys/{}/revoke",
            theirs.id, their_key.id
        ),
        format!("/admin/api/clients/{}/remove", theirs.id),
        "/admin/api/clients/not-an-id/remove".to_string(),
    ] {
        assert_eq!(
            owner.post_form(&acme, &path, &[]).await.status,
            404,
            "{path}"
        );
    }
    assert!(gdb
        .find_by_id::<rally::db::tenant::api_clients::Entity>(theirs.id)
        .await
        .unwrap()
        .is_some());
    assert!(gdb
        .find_by_id::<rally::db::tenant::api_keys::Entity>(their_key.id)
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_none());

    // Rotation: a second secret; both verify; the first revoked, only the second.
    let client_id = issuer.split_once('.').unwrap().1.to_string();
    let r = owner
        .post_form(
            &acme,
            &format!("/admin/api/clients/{client_id}/secrets"),
            &[],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = owner.get(&acme, "/admin/api").await;
    let secret2 = testid_text(&page.body, "api-secret").unwrap();
    assert_ne!(secret1, secret2);
    for s in [&secret1, &secret2] {
        let r = call(
            &app,
            "GET",
            "/v1/challenges",
            &hs256(s.as_bytes(), &claims(&issuer)),
            "",
        )
        .await;
        assert_eq!(r.status, 200, "during rotation both verify: {}", r.body);
    }
    let first_key = page
        .body
        .split(&format!("/admin/api/clients/{client_id}/keys/"))
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_string();
    let r = owner
        .post_form(
            &acme,
            &format!("/admin/api/clients/{client_id}/keys/{first_key}/revoke"),
            &[],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_refused(
        &call(
            &app,
            "GET",
            "/v1/challenges",
            &hs256(secret1.as_bytes(), &claims(&issuer)),
            "",
        )
        .await,
        "invalid_signature",
        "revoked secret",
    );
    let r = call(
        &app,
        "GET",
        "/v1/challenges",
        &hs256(secret2.as_bytes(), &claims(&issuer)),
        "",
    )
    .await;
    assert_eq!(r.status, 200, "the new secret still works");
    // Every change is in the hub's audit log, shown on the page.
    let page = owner.get(&acme, "/admin/api").await;
    for action in [
        "api_client.create",
        "api_client.add_secret",
        "api_client.revoke_key",
    ] {
        assert!(page.body.contains(action), "{action} is audited");
    }
    // A marketer is not an admin.
    let mut mia = signed_in(&app, "mia@example.com", &acme).await;
    assert_eq!(mia.get(&acme, "/admin/api").await.status, 403);
    assert_eq!(
        mia.post_form(
            &acme,
            "/admin/api/clients",
            &[("name", "x"), ("scope", "events:write")]
        )
        .await
        .status,
        403
    );

    // Ed25519: the public key is registered; EdDSA tokens verify; an HS256 token "signed"
    // with the public key (the algorithm-confusion attack) does not.
    use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&aws_lc_rs::rand::SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let mut spki = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    spki.extend_from_slice(pair.public_key().as_ref());
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(&spki)
    );
    let (ed_issuer, _, ed_client) = client(&app, "acme", &[Scope::ChallengesRead]).await;
    // Its first secret is revoked: the client signs with Ed25519 only.
    let db = hub_db(&app, "acme").await;
    for k in db
        .select::<rally::db::tenant::api_keys::Entity>()
        .all()
        .await
        .unwrap()
    {
        if k.client_id == ed_client {
            clients::revoke_key(&db, ed_client, k.id).await.unwrap();
        }
    }
    let r = owner
        .post_form(
            &acme,
            &format!("/admin/api/clients/{ed_client}/public-keys"),
            &[("public_key", &pem)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let ed_token = jsonwebtoken::encode(
        &Header::new(Algorithm::EdDSA),
        &claims(&ed_issuer),
        &EncodingKey::from_ed_der(pkcs8.as_ref()),
    )
    .unwrap();
    assert_eq!(
        call(&app, "GET", "/v1/challenges", &ed_token, "")
            .await
            .status,
        200
    );
    let x = URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
    for public in [pem.as_bytes(), x.as_bytes(), pair.public_key().as_ref()] {
        let confused = hs256(public, &claims(&ed_issuer));
        assert_refused(
            &call(&app, "GET", "/v1/challenges", &confused, "").await,
            "algorithm_not_allowed",
            "HS256 with the public key",
        );
    }
    // A private key pasted as the public one is refused, and says so.
    owner
        .post_form(
            &acme,
            &format!("/admin/api/clients/{ed_client}/public-keys"),
            &[(
                "public_key",
                "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----",
            )],
        )
        .await;
    let page = owner.get(&acme, "/admin/api").await;
    assert!(
        testid_text(&page.body, "error-public_key").is_some_and(|e| e.contains("not a public key")),
        "{}",
        page.body
    );
}

/// Every documented route, with a made-up id where the path has one.
fn documented_routes() -> Vec<(String, String)> {
    let (_, doc) = rally::api::documented();
    let mut routes = Vec::new();
    for (path, item) in &doc.paths.paths {
        let concrete = path.replace("{id}", &uuid::Uuid::now_v7().to_string());
        if item.get.is_some() {
            routes.push(("GET".to_string(), concrete.clone()));
        }
        if item.post.is_some() {
            routes.push(("POST".to_string(), concrete.clone()));
        }
    }
    routes
}

#[tokio::test]
async fn the_openapi_document_validates_lists_every_route_and_scopes_are_enforced_per_route() {
    let env = TestEnv::sqlite_with(&[("RALLY_METRICS_LISTEN", "127.0.0.1:0")]).await;
    let app = spawn_demo(&env).await;
    let api = app.host("api.localhost");

    let r = app.get(&api, "/v1/openapi.json").await;
    assert_eq!(r.status, 200);
    let doc = json_of(&r);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let mut listed: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            listed.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    listed.sort();
    assert_eq!(
        listed,
        [
            "GET /v1/challenges",
            "GET /v1/completions",
            "GET /v1/contacts",
            "GET /v1/contacts/{id}",
            "POST /v1/completions/{id}/approve",
            "POST /v1/completions/{id}/reject",
            "POST /v1/events",
            "POST /v1/invitations",
        ]
    );
    // Validated by an independent validator (openapi-spec-validator, from PyPI).
    let file = env.dir.path().join("openapi.json");
    std::fs::write(&file, &r.body).unwrap();
    let mut cmd = std::process::Command::new("openapi-spec-validator");
    cmd.arg(&file);
    if let Some(mut peer) = start_peer(cmd, "openapi-spec-validator") {
        let status = peer.0.wait().unwrap();
        assert!(
            status.success(),
            "openapi-spec-validator refused the document"
        );
    }
    let reference = app.get(&api, "/v1/reference").await;
    assert_eq!(reference.status, 200);
    assert!(reference.body.contains("POST /v1/events") && reference.body.contains("events:write"));

    // A client with one scope reaches its route only; every other route says 403.
    let (narrow, narrow_secret, _) = client(&app, "acme", &[Scope::ChallengesRead]).await;
    let all: Vec<Scope> = Scope::ALL.to_vec();
    let (wide, wide_secret, _) = client(&app, "acme", &all).await;
    let narrow_token = hs256(narrow_secret.as_bytes(), &claims(&narrow));
    let wide_token = hs256(wide_secret.as_bytes(), &claims(&wide));
    for (method, path) in documented_routes() {
        let r = call(&app, &method, &path, &narrow_token, "{}").await;
        if path == "/v1/challenges" {
            assert_eq!(r.status, 200, "{method} {path}: {}", r.body);
        } else {
            assert_eq!(r.status, 403, "{method} {path}: {}", r.body);
            assert_eq!(json_of(&r)["code"], "insufficient_scope");
        }
        // With every scope the route is served (its answer is the handler's, not a
        // refusal of the token or the scope, nor "no such route").
        let r = call(&app, &method, &path, &wide_token, "{}").await;
        // 200 for lists, 404 for a made-up id, 422 for an empty body.
        assert!(
            [200, 404, 422].contains(&r.status),
            "{method} {path}: {} {}",
            r.status,
            r.body
        );
        assert!(!r.body.contains("No such route"), "{method} {path}");
        // No token at all: 401 everywhere.
        let r = app.send(&method, &api, &path, &[]).await;
        assert_eq!(r.status, 401, "{method} {path}");
    }
    // Unknown routes are problem documents too.
    let r = app.get(&api, "/v1/nothing-here").await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.headers.get("content-type").map(String::as_str),
        Some("application/problem+json")
    );

    // The resources answer what the hub holds.
    let r = call(&app, "GET", "/v1/contacts?limit=2", &wide_token, "").await;
    let page = json_of(&r);
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "{}", r.body);
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let r = call(
        &app,
        "GET",
        &format!("/v1/contacts?limit=200&cursor={cursor}"),
        &wide_token,
        "",
    )
    .await;
    let rest = json_of(&r)["items"].as_array().unwrap().len();
    let db = hub_db(&app, "acme").await;
    let total = db.select::<contacts::Entity>().count().await.unwrap() as usize;
    assert_eq!(rest + 2, total, "paging sees every contact once");
    // A path that is no id at all, not even UTF-8: a 404 problem document.
    for path in [
        "/v1/contacts/%FF%FE",
        "/v1/contacts/not-an-id",
        "/v1/completions/%C0/approve",
    ] {
        let method = if path.ends_with("approve") {
            "POST"
        } else {
            "GET"
        };
        let r = call(&app, method, path, &wide_token, "").await;
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert_eq!(
            r.headers.get("content-type").map(String::as_str),
            Some("application/problem+json"),
            "{path}"
        );
    }
    assert_eq!(
        call(&app, "GET", "/v1/contacts?limit=0", &wide_token, "")
            .await
            .status,
        400
    );
    assert_eq!(
        call(&app, "GET", "/v1/contacts?cursor=zzz", &wide_token, "")
            .await
            .status,
        400
    );
    let alice = db
        .select::<contacts::Entity>()
        .filter(contacts::Column::Email.eq("alice@example.com"))
        .one()
        .await
        .unwrap()
        .unwrap();
    let r = call(
        &app,
        "GET",
        &format!("/v1/contacts/{}", alice.id),
        &wide_token,
        "",
    )
    .await;
    let detail = json_of(&r);
    assert_eq!(detail["email"], "alice@example.com");
    assert!(
        detail["balance"].is_i64() && detail["level"].is_string(),
        "{}",
        r.body
    );
    // Another hub's contact is not found here.
    let gdb = hub_db(&app, "globex").await;
    let theirs = gdb
        .select::<contacts::Entity>()
        .one()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        call(
            &app,
            "GET",
            &format!("/v1/contacts/{}", theirs.id),
            &wide_token,
            ""
        )
        .await
        .status,
        404
    );
    let r = call(
        &app,
        "POST",
        "/v1/invitations",
        &wide_token,
        r#"{"email":"new.person@example.com"}"#,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = call(
        &app,
        "POST",
        "/v1/invitations",
        &wide_token,
        r#"{"email":"new.person@example.com"}"#,
    )
    .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let r = call(
        &app,
        "POST",
        "/v1/invitations",
        &wide_token,
        r#"{"email":"not an email"}"#,
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = call(&app, "POST", "/v1/invitations", &wide_token, "{not json").await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        call(&app, "GET", "/v1/completions?status=maybe", &wide_token, "")
            .await
            .status,
        400
    );

    // /metrics, on its own listener, counted the requests just made.
    let metrics_addr = app.metrics_addr.expect("the metrics listener is bound");
    let metrics = TestApp {
        addr: metrics_addr,
        state: app.state.clone(),
        metrics_addr: None,
    };
    let text = metrics.get("127.0.0.1", "/metrics").await;
    assert_eq!(text.status, 200);
    let line = text
        .body
        .lines()
        .find(|l| {
            l.starts_with("rally_http_requests_total")
                && l.contains("route=\"/v1/invitations\"")
                && l.contains("status=\"201\"")
        })
        .unwrap_or_else(|| panic!("no count of the invitation: {}", text.body));
    let count: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 1.0, "{line}");
    for series in [
        "rally_http_request_duration_seconds_bucket",
        "rally_db_pool_connections",
        "rally_jobs_waiting",
    ] {
        assert!(text.body.contains(series), "{series} in {}", text.body);
    }
    // The public listener has no /metrics.
    assert_ne!(
        app.get(&app.host("accounts.localhost"), "/metrics")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after() {
    let env = TestEnv::sqlite_with(&[("RALLY_API_RATE_PER_MINUTE", "5")]).await;
    let app = spawn_demo(&env).await;
    let (iss, secret, _) = client(&app, "acme", &[Scope::ChallengesRead]).await;
    let token = hs256(secret.as_bytes(), &claims(&iss));
    for _ in 0..5 {
        assert_eq!(
            call(&app, "GET", "/v1/challenges", &token, "").await.status,
            200
        );
    }
    let r = call(&app, "GET", "/v1/challenges", &token, "").await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(json_of(&r)["code"], "rate_limited");
    let wait: u64 = r.headers["retry-after"].parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another client has its own budget.
    let (iss2, secret2, _) = client(&app, "acme", &[Scope::ChallengesRead]).await;
    assert_eq!(
        call(
            &app,
            "GET",
            "/v1/challenges",
            &hs256(secret2.as_bytes(), &claims(&iss2)),
            ""
        )
        .await
        .status,
        200
    );
}

async fn events_award_once(env: TestEnv) {
    let app = spawn_demo(&env).await;
    let db = hub_db(&app, "acme").await;
    clients::add_event_type(&db, "webinar.attended", "25", None)
        .await
        .unwrap();
    let (iss, secret, _) = client(&app, "acme", &[Scope::EventsWrite]).await;
    let token = hs256(secret.as_bytes(), &claims(&iss));
    let alice = db
        .select::<contacts::Entity>()
        .filter(contacts::Column::Email.eq("alice@example.com"))
        .one()
        .await
        .unwrap()
        .unwrap();
    let before = rally::points::ledger::totals(&db, alice.id)
        .await
        .unwrap()
        .balance;
    let body = json!({
        "type": "webinar.attended",
        "contact": { "email": "alice@example.com" },
        "idempotency_key": "webinar-2026-11-24-alice",
    })
    .to_string();
    // Twenty retries at once.
    let replies =
        futures::future::join_all((0..20).map(|_| call(&app, "POST", "/v1/events", &token, &body)))
            .await;
    let created = replies.iter().filter(|r| r.status == 201).count();
    let repeated = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        (created, repeated),
        (1, 19),
        "{:?}",
        replies
            .iter()
            .map(|r| (r.status, r.body.clone()))
            .collect::<Vec<_>>()
    );
    let ids: std::collections::HashSet<String> = replies
        .iter()
        .map(|r| json_of(r)["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 1, "every answer names the one event");
    let lines = db
        .select::<points_ledger::Entity>()
        .filter(points_ledger::Column::ContactId.eq(alice.id))
        .filter(points_ledger::Column::SourceKey.starts_with("event:"))
        .count()
        .await
        .unwrap();
    assert_eq!(lines, 1);
    assert_eq!(db.select::<api_events::Entity>().count().await.unwrap(), 1);
    let after = rally::points::ledger::totals(&db, alice.id)
        .await
        .unwrap()
        .balance;
    assert_eq!(after, before + 25);

    // The same key for another event is refused, not answered with the first event.
    for other in [
        json!({"type": "webinar.attended", "contact": {"email": "mia@example.com"}, "idempotency_key": "webinar-2026-11-24-alice"}),
        json!({"type": "other.type", "contact": {"email": "alice@example.com"}, "idempotency_key": "webinar-2026-11-24-alice"}),
    ] {
        let r = call(&app, "POST", "/v1/events", &token, &other.to_string()).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(json_of(&r)["code"], "idempotency_key_reused");
    }
    let (iss2, secret2, _) = client(&app, "acme", &[Scope::EventsWrite]).await;
    let r = call(
        &app,
        "POST",
        "/v1/events",
        &hs256(secret2.as_bytes(), &claims(&iss2)),
        &body,
    )
    .await;
    assert_eq!(r.status, 422, "another client's key: {}", r.body);

    // An event type that completes a challenge: completed once, as the challenge allows.
    use rally::challenges::{service as challenges, ChallengeForm};
    let form = ChallengeForm {
        title: "Attend a webinar".into(),
        kind: "question".into(),
        points: "40".into(),
        ..Default::default()
    };
    let webinar = challenges::create(&db, &form.validate().unwrap())
        .await
        .unwrap();
    challenges::set_status(&db, webinar.id, rally::challenges::STATUS_PUBLISHED)
        .await
        .unwrap();
    let t = clients::add_event_type(&db, "webinar.completed", "", Some(webinar.id))
        .await
        .unwrap();
    assert_eq!(t.points, 0, "the challenge's points apply");
    let send = |key: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            let body = json!({"type": "webinar.completed", "contact": {"email": "alice@example.com"}, "idempotency_key": key});
            call(app, "POST", "/v1/events", &token, &body.to_string()).await
        }
    };
    let r = send("webinar-done-1").await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(json_of(&r)["points"], 40);
    assert!(json_of(&r)["completion_id"].is_string());
    let r = send("webinar-done-2").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(json_of(&r)["code"], "challenge_closed");
    challenges::set_status(&db, webinar.id, rally::challenges::STATUS_ARCHIVED)
        .await
        .unwrap();
    assert_eq!(send("webinar-done-3").await.status, 422);
    let before = before + 40;

    // The refusals say what is wrong.
    let refused = |body: Value, code: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            let r = call(app, "POST", "/v1/events", &token, &body.to_string()).await;
            assert_eq!(r.status, 422, "{code}: {}", r.body);
            assert_eq!(json_of(&r)["code"], code, "{}", r.body);
        }
    };
    refused(json!({"type": "webinar.attended", "contact": {"email": "nobody@example.com"}, "idempotency_key": "k1"}), "unknown_contact").await;
    refused(json!({"type": "webinar.attended", "contact": {"id": uuid::Uuid::now_v7()}, "idempotency_key": "k2"}), "unknown_contact").await;
    refused(json!({"type": "nothing.mapped", "contact": {"email": "alice@example.com"}, "idempotency_key": "k3"}), "unknown_event_type").await;
    refused(
        json!({"type": "webinar.attended", "contact": {"email": "alice@example.com"}}),
        "idempotency_key_required",
    )
    .await;
    refused(
        json!({"type": "webinar.attended", "contact": {}, "idempotency_key": "k4"}),
        "contact_required",
    )
    .await;
    refused(json!({"type": "webinar.attended", "contact": {"email": "alice@example.com"}, "idempotency_key": "has space"}), "invalid_idempotency_key").await;
    refused(
        json!({"contact": {"email": "alice@example.com"}, "idempotency_key": "k5"}),
        "invalid_body",
    )
    .await;
    // The key may come as a header.
    let r = app
        .send_body(
            "POST",
            &app.host("api.localhost"),
            "/v1/events",
            &[
                ("Authorization", &format!("Bearer {token}")),
                ("Content-Type", "application/json"),
                ("Idempotency-Key", "from-a-header"),
            ],
            &json!({"type": "webinar.attended", "contact": {"id": alice.id}}).to_string(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(json_of(&r)["idempotency_key"], "from-a-header");
    assert_eq!(
        rally::points::ledger::totals(&db, alice.id)
            .await
            .unwrap()
            .balance,
        before + 50
    );
    assert_eq!(
        db.select::<api_events::Entity>().count().await.unwrap(),
        3,
        "refused events leave no record"
    );
}

#[tokio::test]
async fn concurrent_events_with_one_idempotency_key_award_once_on_sqlite() {
    events_award_once(TestEnv::sqlite().await).await;
}

#[tokio::test]
async fn concurrent_events_with_one_idempotency_key_award_once_on_postgres() {
    if let Some(env) = TestEnv::postgres().await {
        events_award_once(env).await;
    }
}
