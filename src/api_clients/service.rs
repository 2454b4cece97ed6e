//! API clients, their keys, and the event types of the Events API.
use super::Scope;
use crate::db::tenant::{api_clients, api_event_types, api_keys, challenges};
use crate::db::{new_id, now, TenantDb};
use crate::sealing::Sealer;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use sea_orm::{ColumnTrait, DbErr, Set};
use uuid::Uuid;

pub const HS256: &str = "HS256";
pub const EDDSA: &str = "EdDSA";
/// Clients one hub may have, and keys one client may hold at once.
pub const MAX_CLIENTS: u64 = 50;
pub const MAX_KEYS: u64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// A field's problem, for the form.
    #[error("{1}")]
    Invalid(&'static str, String),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The JWT `iss` of a client: `<tenant id>.<client id>`. The tenant part finds the hub
/// (and its shard) without a global table; the client part, its keys.
pub fn issuer(tenant: Uuid, client: Uuid) -> String {
    format!("{tenant}.{client}")
}

pub fn parse_issuer(iss: &str) -> Option<(Uuid, Uuid)> {
    let (tenant, client) = iss.split_once('.')?;
    Some((Uuid::parse_str(tenant).ok()?, Uuid::parse_str(client).ok()?))
}

fn secret_row(key: Uuid) -> String {
    format!("api_key:{key}")
}

/// The scopes a client holds.
pub fn scopes_of(client: &api_clients::Model) -> Vec<Scope> {
    client.scopes.split(' ').filter_map(Scope::parse).collect()
}

pub async fn create_client(
    db: &TenantDb,
    sealer: &Sealer,
    name: &str,
    scopes: &[Scope],
) -> Result<(api_clients::Model, String), ClientError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(ClientError::Invalid(
            "name",
            "Give the client a name of 1 to 80 characters, e.g. “CRM sync”.".into(),
        ));
    }
    if scopes.is_empty() {
        return Err(ClientError::Invalid(
            "scopes",
            "Choose at least one scope.".into(),
        ));
    }
    if db.select::<api_clients::Entity>().count().await? >= MAX_CLIENTS {
        return Err(ClientError::Invalid(
            "name",
            format!("A hub can have at most {MAX_CLIENTS} API clients."),
        ));
    }
    let names: Vec<&str> = scopes.iter().map(|s| s.name()).collect();
    let tx = db.begin().await?;
    let client = tx
        .insert(api_clients::ActiveModel {
            id: Set(new_id()),
            tenant_id: sea_orm::NotSet,
            name: Set(name.to_string()),
            scopes: Set(names.join(" ")),
            created_at: Set(now()),
            last_used_at: Set(None),
        })
        .await?;
    let secret = new_secret();
    tx.insert(secret_key_row(sealer, client.id, &secret))
        .await?;
    tx.commit().await?;
    Ok((client, secret))
}

fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("rsk_{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn secret_key_row(sealer: &Sealer, client: Uuid, secret: &str) -> api_keys::ActiveModel {
    let id = new_id();
    api_keys::ActiveModel {
        id: Set(id),
        tenant_id: sea_orm::NotSet,
        client_id: Set(client),
        algorithm: Set(HS256.into()),
        sealed_secret: Set(Some(sealer.seal(secret.as_bytes(), &secret_row(id)))),
        public_key: Set(None),
        created_at: Set(now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
}

async fn client_of(db: &TenantDb, client: Uuid) -> Result<api_clients::Model, ClientError> {
    db.find_by_id::<api_clients::Entity>(client)
        .await?
        .ok_or(ClientError::NotFound)
}

async fn room_for_a_key(db: &TenantDb, client: Uuid) -> Result<(), ClientError> {
    let active = db
        .select::<api_keys::Entity>()
        .filter(api_keys::Column::ClientId.eq(client))
        .filter(api_keys::Column::RevokedAt.is_null())
        .count()
        .await?;
    if active >= MAX_KEYS {
        return Err(ClientError::Invalid(
            "key",
            format!("A client can hold at most {MAX_KEYS} active keys; revoke one first."),
        ));
    }
    Ok(())
}

/// Adds a shared secret to a client (the first step of a rotation); returns it.
pub async fn add_secret(
    db: &TenantDb,
    sealer: &Sealer,
    client: Uuid,
) -> Result<String, ClientError> {
    client_of(db, client).await?;
    room_for_a_key(db, client).await?;
    let secret = new_secret();
    db.insert(secret_key_row(sealer, client, &secret)).await?;
    Ok(secret)
}

/// An Ed25519 public key as PEM (`-----BEGIN PUBLIC KEY-----`, SubjectPublicKeyInfo) or as
/// the 32 raw bytes in base64 or base64url (a JWK's `x`); returned as base64url.
pub fn parse_ed25519(input: &str) -> Result<String, String> {
    const SPKI_PREFIX: [u8; 12] = [
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    let input = input.trim();
    let refused = || {
        "Paste an Ed25519 public key: PEM (-----BEGIN PUBLIC KEY-----) or its 32 bytes in base64."
            .to_string()
    };
    let raw = if input.starts_with("-----BEGIN PUBLIC KEY-----") {
        let body: String = input
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .map(str::trim)
            .collect();
        let der = STANDARD.decode(body).map_err(|_| refused())?;
        match der.strip_prefix(&SPKI_PREFIX[..]) {
            Some(key) => key.to_vec(),
            None => return Err("That PEM key is not an Ed25519 public key.".into()),
        }
    } else if input.starts_with("-----BEGIN") {
        return Err(
            "That is not a public key: paste the PUBLIC KEY block (never a private key).".into(),
        );
    } else {
        URL_SAFE_NO_PAD
            .decode(input.trim_end_matches('='))
            .or_else(|_| STANDARD.decode(input))
            .map_err(|_| refused())?
    };
    if raw.len() != 32 {
        return Err(refused());
    }
    Ok(URL_SAFE_NO_PAD.encode(raw))
}

pub async fn add_public_key(db: &TenantDb, client: Uuid, input: &str) -> Result<(), ClientError> {
    client_of(db, client).await?;
    let key = parse_ed25519(input).map_err(|m| ClientError::Invalid("public_key", m))?;
    room_for_a_key(db, client).await?;
    db.insert(api_keys::ActiveModel {
        id: Set(new_id()),
        tenant_id: sea_orm::NotSet,
        client_id: Set(client),
        algorithm: Set(EDDSA.into()),
        sealed_secret: Set(None),
        public_key: Set(Some(key)),
        created_at: Set(now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    })
    .await?;
    Ok(())
}

/// Revokes one key of a client: its tokens stop verifying at once.
pub async fn revoke_key(db: &TenantDb, client: Uuid, key: Uuid) -> Result<bool, ClientError> {
    client_of(db, client).await?;
    let changed = db
        .update_where(
            api_keys::ActiveModel {
                revoked_at: Set(Some(now())),
                ..Default::default()
            },
            sea_orm::Condition::all()
                .add(api_keys::Column::Id.eq(key))
                .add(api_keys::Column::ClientId.eq(client))
                .add(api_keys::Column::RevokedAt.is_null()),
        )
        .await?;
    Ok(changed == 1)
}

/// Removes a client and its keys.
pub async fn remove_client(db: &TenantDb, client: Uuid) -> Result<api_clients::Model, ClientError> {
    let found = client_of(db, client).await?;
    let tx = db.begin().await?;
    tx.delete_where::<api_keys::Entity>(api_keys::Column::ClientId.eq(client))
        .await?;
    tx.delete_by_id::<api_clients::Entity>(client).await?;
    tx.commit().await?;
    Ok(found)
}

/// A key that verifies tokens: how, and with what.
pub enum VerifyingKey {
    Hs256 { id: Uuid, secret: Vec<u8> },
    EdDsa { id: Uuid, x: String },
}

/// Was this last noted as used within the minute? (Then [`touch`] need not write.)
pub fn used_lately(at: Option<chrono::DateTime<chrono::Utc>>) -> bool {
    at.is_some_and(|t| now() - t < chrono::Duration::minutes(1))
}

/// A client's keys that are not revoked (a secret that cannot be unsealed is skipped),
/// each with when it was last used.
pub async fn active_keys(
    db: &TenantDb,
    sealer: &Sealer,
    client: Uuid,
) -> Result<Vec<(VerifyingKey, Option<chrono::DateTime<chrono::Utc>>)>, DbErr> {
    let keys = db
        .select::<api_keys::Entity>()
        .filter(api_keys::Column::ClientId.eq(client))
        .filter(api_keys::Column::RevokedAt.is_null())
        .all()
        .await?;
    Ok(keys
        .into_iter()
        .filter_map(|k| {
            let key = match (k.algorithm.as_str(), k.sealed_secret, k.public_key) {
                (HS256, Some(sealed), _) => sealer
                    .open(&sealed, &secret_row(k.id))
                    .ok()
                    .map(|secret| VerifyingKey::Hs256 { id: k.id, secret }),
                (EDDSA, _, Some(x)) => Some(VerifyingKey::EdDsa { id: k.id, x }),
                _ => None,
            };
            key.map(|key| (key, k.last_used_at))
        })
        .collect())
}

/// Notes that a client and one of its keys were used now — at most once a minute each,
/// so a busy client does not write on every request.
pub async fn touch(db: &TenantDb, client: Uuid, key: Uuid) -> Result<(), DbErr> {
    let stale = now() - chrono::Duration::minutes(1);
    let recent = |col: api_clients::Column| {
        sea_orm::Condition::any()
            .add(col.is_null())
            .add(col.lt(stale))
    };
    db.update_where(
        api_clients::ActiveModel {
            last_used_at: Set(Some(now())),
            ..Default::default()
        },
        sea_orm::Condition::all()
            .add(api_clients::Column::Id.eq(client))
            .add(recent(api_clients::Column::LastUsedAt)),
    )
    .await?;
    db.update_where(
        api_keys::ActiveModel {
            last_used_at: Set(Some(now())),
            ..Default::default()
        },
        sea_orm::Condition::all()
            .add(api_keys::Column::Id.eq(key))
            .add(
                sea_orm::Condition::any()
                    .add(api_keys::Column::LastUsedAt.is_null())
                    .add(api_keys::Column::LastUsedAt.lt(stale)),
            ),
    )
    .await?;
    Ok(())
}

/// An event type's key: what callers send as `type`.
pub fn valid_event_key(key: &str) -> bool {
    (1..=64).contains(&key.len())
        && key.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
}

/// Maps an event type to points, or (when `challenge` is given) to a challenge's completion.
pub async fn add_event_type(
    db: &TenantDb,
    key: &str,
    points: &str,
    challenge: Option<Uuid>,
) -> Result<api_event_types::Model, ClientError> {
    let key = key.trim();
    if !valid_event_key(key) {
        return Err(ClientError::Invalid(
            "key",
            "Use 1 to 64 lower-case letters, digits, dots, dashes or underscores, e.g. webinar.attended.".into(),
        ));
    }
    let points: i64 = match (challenge, points.trim()) {
        (Some(_), "") => 0,
        (_, p) => match p.parse::<i64>() {
            Ok(n) if (1..=100_000).contains(&n) => n,
            _ => {
                return Err(ClientError::Invalid(
                    "points",
                    "Points must be a whole number from 1 to 100,000.".into(),
                ))
            }
        },
    };
    if let Some(c) = challenge {
        if db.find_by_id::<challenges::Entity>(c).await?.is_none() {
            return Err(ClientError::Invalid(
                "challenge_id",
                "Choose a challenge of this hub.".into(),
            ));
        }
    }
    let exists = db
        .select::<api_event_types::Entity>()
        .filter(api_event_types::Column::Key.eq(key))
        .one()
        .await?
        .is_some();
    if exists {
        return Err(ClientError::Invalid(
            "key",
            format!("The event type {key} exists already; remove it first to change it."),
        ));
    }
    Ok(db
        .insert(api_event_types::ActiveModel {
            id: Set(new_id()),
            tenant_id: sea_orm::NotSet,
            key: Set(key.to_string()),
            points: Set(points),
            challenge_id: Set(challenge),
            created_at: Set(now()),
        })
        .await?)
}

pub async fn remove_event_type(
    db: &TenantDb,
    id: Uuid,
) -> Result<Option<api_event_types::Model>, DbErr> {
    let found = db.find_by_id::<api_event_types::Entity>(id).await?;
    if found.is_some() {
        db.delete_by_id::<api_event_types::Entity>(id).await?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_name_their_hub_and_client() {
        let (t, c) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(parse_issuer(&issuer(t, c)), Some((t, c)));
        assert_eq!(parse_issuer("nope"), None);
        assert_eq!(parse_issuer(&format!("{t}.")), None);
    }

    #[test]
    fn ed25519_keys_in_pem_or_base64() {
        let raw = [7u8; 32];
        let x = URL_SAFE_NO_PAD.encode(raw);
        let mut der = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        der.extend_from_slice(&raw);
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            STANDARD.encode(&der)
        );
        assert_eq!(parse_ed25519(&pem).unwrap(), x);
        assert_eq!(parse_ed25519(&x).unwrap(), x);
        assert_eq!(parse_ed25519(&STANDARD.encode(raw)).unwrap(), x);
        assert!(
            parse_ed25519("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----").is_err()
        );
        assert!(parse_ed25519(&URL_SAFE_NO_PAD.encode([1u8; 31])).is_err());
        assert!(parse_ed25519("not a key").is_err());
        let rsa_like = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----",
            STANDARD.encode([1u8; 44])
        );
        assert!(parse_ed25519(&rsa_like).is_err());
    }

    #[test]
    fn event_keys() {
        assert!(valid_event_key("webinar.attended"));
        assert!(valid_event_key("a_b-c.1"));
        assert!(!valid_event_key(""));
        assert!(!valid_event_key("Webinar"));
        assert!(!valid_event_key("has space"));
        assert!(!valid_event_key(&"a".repeat(65)));
    }
}
