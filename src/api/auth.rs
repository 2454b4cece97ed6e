//! Bearer JWTs on `api.<root>/v1`.
//!
//! - **The issuer selects the keys.** `iss` is `<tenant id>.<client id>` (see
//!   `api_clients::service::issuer`); the token is checked against that client's keys
//!   that are not revoked, any of which may verify it (rotation keeps two at once).
//! - **The key fixes the algorithm**, never the token: an HS256 key verifies only HS256,
//!   an Ed25519 key only EdDSA. `alg: none` does not parse, and an HS256 token "signed"
//!   with an Ed25519 client's public key is refused as the wrong algorithm.
//! - **Claims.** `exp`, `aud` (`rally`), `iat` and `iss` are required; `exp` may be at
//!   most [`MAX_LIFETIME_SECONDS`] ahead, `iat` not in the future and `nbf` (if given)
//!   not after now, each with [`LEEWAY_SECONDS`] for clock skew.
//! - **Scopes** are checked per route: each handler asks for a `Caller<Scope>`.
//! - **Rate.** Each client has `RALLY_API_RATE_PER_MINUTE` requests a minute (429 and
//!   `Retry-After` beyond), shared by every app server through Redis when configured; so
//!   has each client address for tokens that fail, before any work is done for them.
//! - **Nothing before the signature.** A hub's state (suspended, in maintenance) is told
//!   only to a caller whose token verified.
//!
//! Every refusal is a problem document; authentication failures are 401, a missing scope
//! 403.
use super::problem::Problem;
use crate::api_clients::service::{self as clients, VerifyingKey};
use crate::api_clients::Scope;
use crate::db::tenant::api_clients;
use crate::db::TenantDb;
use crate::web::hosts::ResolvedTenant;
use crate::web::AppState;
use axum::extract::FromRequestParts;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::marker::PhantomData;
use std::sync::Arc;

/// The audience every token must name.
pub const AUDIENCE: &str = "rally";
/// How far ahead `exp` may be: tokens are short-lived, made per call or per few minutes.
pub const MAX_LIFETIME_SECONDS: i64 = 300;
/// Clock skew allowed on `exp`, `iat`.
pub const LEEWAY_SECONDS: i64 = 30;

/// A scope as a type, for [`Caller`].
pub trait Needs {
    const SCOPE: Scope;
}

macro_rules! scope_types {
    ($($name:ident),+) => {$(
        pub struct $name;
        impl Needs for $name {
            const SCOPE: Scope = Scope::$name;
        }
    )+};
}
scope_types!(
    EventsWrite,
    ContactsRead,
    InvitationsWrite,
    ChallengesRead,
    CompletionsRead,
    CompletionsWrite
);

/// An authenticated API client holding scope `S`, and its hub.
pub struct Caller<S> {
    pub tenant: Arc<ResolvedTenant>,
    /// The only way to the hub's rows.
    pub db: TenantDb,
    pub client: api_clients::Model,
    scope: PhantomData<fn() -> S>,
}

#[derive(Deserialize)]
struct Unverified {
    iss: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    exp: i64,
    iat: i64,
}

fn bearer(parts: &axum::http::request::Parts) -> Result<&str, Problem> {
    let value = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            Problem::unauthorized(
                "missing_token",
                "Send a JWT as `Authorization: Bearer <token>`.",
            )
        })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(Problem::unauthorized(
            "missing_token",
            "Send a JWT as `Authorization: Bearer <token>`.",
        )),
    }
}

fn unknown_issuer() -> Problem {
    Problem::unauthorized(
        "unknown_issuer",
        "The token's issuer (`iss`) is not an API client with an active key.",
    )
}

/// Why a token that met a key of the right algorithm was refused.
fn refusal(kind: &ErrorKind) -> Problem {
    let (code, detail) = match kind {
        ErrorKind::ExpiredSignature => ("token_expired", "The token has expired (`exp`).".to_string()),
        ErrorKind::InvalidAudience => (
            "invalid_audience",
            format!("The token's audience (`aud`) must be `{AUDIENCE}`."),
        ),
        ErrorKind::InvalidIssuer => ("unknown_issuer", "The token's issuer does not match.".into()),
        ErrorKind::InvalidSignature => (
            "invalid_signature",
            "The token's signature does not verify with any active key of its issuer.".into(),
        ),
        ErrorKind::InvalidAlgorithm => (
            "algorithm_not_allowed",
            "The token's algorithm is not the one of its issuer's keys.".into(),
        ),
        ErrorKind::MissingRequiredClaim(c) => {
            ("missing_claim", format!("The token has no `{c}` claim."))
        }
        ErrorKind::Json(_) => (
            "invalid_claims",
            "The token's claims are missing or malformed (`exp`, `iat`, `aud`, `iss` are required).".into(),
        ),
        _ => ("invalid_token", "The token cannot be verified.".into()),
    };
    Problem::unauthorized(code, detail)
}

/// The client's hub, the client, the key that verified the token, and whether both were
/// noted as used within the minute.
type Authenticated = (
    Arc<ResolvedTenant>,
    TenantDb,
    api_clients::Model,
    uuid::Uuid,
    bool,
);

/// Verifies `token`.
async fn authenticate(state: &AppState, token: &str) -> Result<Authenticated, Problem> {
    let malformed = || {
        Problem::unauthorized(
            "malformed_token",
            "The bearer token is not a JWT Rally accepts (a signed JWS with HS256 or EdDSA).",
        )
    };
    let header = jsonwebtoken::decode_header(token).map_err(|_| malformed())?;
    let iss = jsonwebtoken::dangerous::insecure_decode::<Unverified>(token)
        .map_err(|_| malformed())?
        .claims
        .iss
        .ok_or_else(|| Problem::unauthorized("missing_claim", "The token has no `iss` claim."))?;
    let (tenant_id, client_id) = clients::parse_issuer(&iss).ok_or_else(unknown_issuer)?;
    let tenant = state
        .tenants
        .resolve_id(tenant_id)
        .await
        .map_err(Problem::from)?
        .ok_or_else(unknown_issuer)?;
    let db = state
        .registry
        .tenant_db(tenant.id, tenant.shard_id)
        .await
        .map_err(|e| {
            tracing::warn!(tenant = %tenant.slug, error = %e, "service API: shard unavailable");
            Problem::unavailable(crate::web::error::RETRY_AFTER_UNAVAILABLE)
        })?;
    let client = db
        .find_by_id::<api_clients::Entity>(client_id)
        .await?
        .ok_or_else(unknown_issuer)?;
    let keys = clients::active_keys(&db, &state.sealer, client_id).await?;
    if keys.is_empty() {
        return Err(unknown_issuer());
    }
    let mut refused = None;
    for (key, key_used) in &keys {
        let (id, alg, decoding) = match key {
            VerifyingKey::Hs256 { id, secret } => {
                (*id, Algorithm::HS256, DecodingKey::from_secret(secret))
            }
            VerifyingKey::EdDsa { id, x } => match DecodingKey::from_ed_components(x) {
                Ok(k) => (*id, Algorithm::EdDSA, k),
                Err(_) => continue,
            },
        };
        if header.alg != alg {
            refused.get_or_insert(ErrorKind::InvalidAlgorithm);
            continue;
        }
        let mut validation = Validation::new(alg);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[iss.as_str()]);
        validation.set_required_spec_claims(&["exp", "aud", "iss"]);
        validation.leeway = LEEWAY_SECONDS as u64;
        validation.validate_nbf = true;
        match jsonwebtoken::decode::<Claims>(token, &decoding, &validation) {
            Ok(data) => {
                let now = chrono::Utc::now().timestamp();
                if data.claims.exp - now > MAX_LIFETIME_SECONDS + LEEWAY_SECONDS {
                    return Err(Problem::unauthorized(
                        "exp_too_far",
                        format!("The token's `exp` is more than {MAX_LIFETIME_SECONDS} seconds ahead; make short-lived tokens."),
                    ));
                }
                if data.claims.iat > now + LEEWAY_SECONDS {
                    return Err(Problem::unauthorized(
                        "iat_in_future",
                        "The token's `iat` is in the future.",
                    ));
                }
                // Only a verified caller learns the hub's state.
                match tenant.status {
                    crate::db::global::tenants::TenantStatus::Active => {}
                    crate::db::global::tenants::TenantStatus::Suspended => {
                        return Err(Problem::forbidden(
                            "hub_suspended",
                            "This hub is suspended.",
                        ))
                    }
                    crate::db::global::tenants::TenantStatus::Maintenance => {
                        return Err(Problem::unavailable(
                            crate::web::error::RETRY_AFTER_READ_ONLY,
                        ))
                    }
                }
                let noted =
                    clients::used_lately(client.last_used_at) && clients::used_lately(*key_used);
                return Ok((tenant, db, client, id, noted));
            }
            // A signature failure says less than, say, "expired": keep the telling one.
            Err(e) => match (&refused, e.kind()) {
                (Some(ErrorKind::InvalidAlgorithm) | None, _)
                | (_, ErrorKind::ExpiredSignature) => refused = Some(e.into_kind()),
                _ => {}
            },
        }
    }
    Err(refusal(&refused.unwrap_or(ErrorKind::InvalidSignature)))
}

impl<S: Needs> FromRequestParts<AppState> for Caller<S> {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Problem> {
        let token = bearer(parts)?.to_string();
        // Each check counts against the caller's address while it runs and is taken back
        // when it succeeds: bad tokens are limited before any work is done for them.
        let crate::web::client::ClientAddr(addr) =
            match crate::web::client::ClientAddr::from_request_parts(parts, state).await {
                Ok(a) => a,
                Err(never) => match never {},
            };
        let address = crate::web::limits::address_key(addr);
        let limiter = &state.api_limiter;
        let by_address = crate::web::limits::Scope::ApiAuthAddress;
        limiter
            .hit(by_address, &address, state.config.api_rate_per_minute)
            .await
            .map_err(|crate::web::limits::RetryAfter(wait)| {
                Problem::rate_limited(wait.as_secs().max(1))
            })?;
        let authenticated = authenticate(state, &token).await;
        if authenticated.is_ok() {
            limiter.undo(by_address, &address).await;
        }
        let (tenant, db, client, key, noted) = authenticated?;
        state
            .api_limiter
            .hit(
                crate::web::limits::Scope::ApiClient,
                &client.id.to_string(),
                state.config.api_rate_per_minute,
            )
            .await
            .map_err(|crate::web::limits::RetryAfter(wait)| {
                Problem::rate_limited(wait.as_secs().max(1))
            })?;
        if !clients::scopes_of(&client).contains(&S::SCOPE) {
            return Err(Problem::forbidden(
                "insufficient_scope",
                format!(
                    "This route needs the scope `{}`, which the client does not hold.",
                    S::SCOPE.name()
                ),
            ));
        }
        // Last use, for the admin page, written at most once a minute (a busy client
        // does not write on every call); a read-only shard just skips it.
        if !noted {
            if let Err(e) = clients::touch(&db, client.id, key).await {
                if !crate::db::is_read_only(&e) && !crate::db::is_tenant_moving(&e) {
                    tracing::warn!(error = %e, "service API: last use not recorded");
                }
            }
        }
        Ok(Self {
            tenant,
            db,
            client,
            scope: PhantomData,
        })
    }
}
