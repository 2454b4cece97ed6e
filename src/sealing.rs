//! Secrets Rally must read back — API clients' shared secrets (to verify their tokens) and
//! webhook signing secrets (to sign) — are kept sealed: AES-256-GCM under a key derived
//! from `RALLY_SECRET_KEY`, with the row they belong to as associated data, so a database
//! dump alone reveals none of them and a sealed value copied to another row does not open.
//!
//! Changing `RALLY_SECRET_KEY` makes sealed secrets unreadable: API clients then need new
//! secrets, and webhooks new signing secrets.
use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;

const VERSION: &str = "v1.";

#[derive(Clone)]
pub struct Sealer {
    key: Arc<LessSafeKey>,
}

#[derive(Debug, thiserror::Error)]
#[error("a sealed secret could not be opened (was RALLY_SECRET_KEY changed?)")]
pub struct Unsealable;

impl Sealer {
    pub fn new(secret: &[u8]) -> Self {
        // The sealing key is the secret's HMAC over a purpose label: URL signing uses the
        // secret itself, so neither key says anything about the other.
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key");
        mac.update(b"rally sealing v1");
        let key = mac.finalize().into_bytes();
        let key = UnboundKey::new(&AES_256_GCM, &key).expect("a 32-byte AES-256 key");
        Self {
            key: Arc::new(LessSafeKey::new(key)),
        }
    }

    /// `plain` sealed for `row` (e.g. `api_key:<id>`): `v1.<base64url(nonce | ciphertext)>`.
    pub fn seal(&self, plain: &[u8], row: &str) -> String {
        // A random 96-bit nonce per value: far below the birthday bound at this volume.
        let nonce: [u8; NONCE_LEN] = rand::random();
        let mut buf = plain.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(row.as_bytes()),
                &mut buf,
            )
            .expect("AES-GCM seals any input of this size");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        format!("{VERSION}{}", B64.encode(out))
    }

    pub fn open(&self, sealed: &str, row: &str) -> Result<Vec<u8>, Unsealable> {
        let raw = sealed
            .strip_prefix(VERSION)
            .and_then(|b| B64.decode(b).ok())
            .filter(|r| r.len() > NONCE_LEN)
            .ok_or(Unsealable)?;
        let (nonce, body) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| Unsealable)?;
        let mut body = body.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(row.as_bytes()), &mut body)
            .map_err(|_| Unsealable)?;
        Ok(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::Sealer;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_row() {
        let a = Sealer::new(b"0123456789abcdef0123456789abcdef");
        let b = Sealer::new(b"another key, at least 32 chars long");
        let sealed = a.seal(b"s3cret", "api_key:1");
        assert!(!sealed.contains("s3cret"));
        assert_ne!(
            sealed,
            a.seal(b"s3cret", "api_key:1"),
            "a fresh nonce each time"
        );
        assert_eq!(a.open(&sealed, "api_key:1").unwrap(), b"s3cret");
        assert!(a.open(&sealed, "api_key:2").is_err(), "bound to its row");
        assert!(b.open(&sealed, "api_key:1").is_err(), "bound to its key");
        // One ciphertext character changed (the middle: whole bytes, whatever the length).
        let mid = sealed.len() / 2;
        let flipped = if &sealed[mid..=mid] == "A" { "B" } else { "A" };
        let tampered = format!("{}{flipped}{}", &sealed[..mid], &sealed[mid + 1..]);
        assert!(a.open(&tampered, "api_key:1").is_err());
        assert!(a.open("v1.", "api_key:1").is_err());
        assert!(a.open("plain", "api_key:1").is_err());
    }
}
