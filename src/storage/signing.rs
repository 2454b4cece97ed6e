//! Signed, expiring file URLs: `/files/<tenant>/<key>?exp=<unix seconds>&sig=<hex>`, where
//! `sig` is HMAC-SHA256 over tenant, key and expiry with `RALLY_SECRET_KEY`. Whoever holds
//! the URL may fetch the file until it expires; nobody can make one for another file,
//! another tenant or a later time.
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// URLs expire on the hour, one to two hours after they are made, so a page rendered
/// twice within the hour names the same URL and the browser's cache is used.
const BUCKET_SECONDS: i64 = 3600;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("this link has expired; reload the page for a new one")]
    Expired,
    #[error("this link is not valid")]
    Invalid,
}

#[derive(Clone)]
pub struct UrlSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for UrlSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UrlSigner(…)")
    }
}

impl UrlSigner {
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: secret.to_vec(),
        }
    }

    fn mac(&self, tenant: Uuid, key: &str, expires: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        // Newline-separated: neither a UUID nor a key (see `valid_key`) holds one.
        mac.update(format!("files\n{tenant}\n{key}\n{expires}").as_bytes());
        mac
    }

    /// The URL of a tenant's file, valid for one to two hours from `now`.
    pub fn url(&self, tenant: Uuid, key: &str, now: i64) -> String {
        let expires = (now / BUCKET_SECONDS + 2) * BUCKET_SECONDS;
        self.url_until(tenant, key, expires)
    }

    /// The URL of a tenant's file, valid until `expires` (unix seconds).
    pub fn url_until(&self, tenant: Uuid, key: &str, expires: i64) -> String {
        let sig = hex::encode(self.mac(tenant, key, expires).finalize().into_bytes());
        format!("/files/{tenant}/{key}?exp={expires}&sig={sig}")
    }

    /// Checks a URL's signature (in constant time) and expiry.
    pub fn verify(
        &self,
        tenant: Uuid,
        key: &str,
        expires: i64,
        sig: &str,
        now: i64,
    ) -> Result<(), SignatureError> {
        let sig = hex::decode(sig).map_err(|_| SignatureError::Invalid)?;
        self.mac(tenant, key, expires)
            .verify_slice(&sig)
            .map_err(|_| SignatureError::Invalid)?;
        if expires <= now {
            return Err(SignatureError::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (i64, String) {
        let q = url.split_once('?').unwrap().1;
        let mut exp = 0;
        let mut sig = String::new();
        for pair in q.split('&') {
            match pair.split_once('=').unwrap() {
                ("exp", v) => exp = v.parse().unwrap(),
                ("sig", v) => sig = v.to_string(),
                _ => {}
            }
        }
        (exp, sig)
    }

    #[test]
    fn a_url_verifies_only_for_its_tenant_key_and_time() {
        let signer = UrlSigner::new(b"0123456789abcdef0123456789abcdef");
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let now = 1_800_000_000;
        let url = signer.url(a, "branding/logo-1.png", now);
        assert!(url.starts_with(&format!("/files/{a}/branding/logo-1.png?exp=")));
        let (exp, sig) = parts(&url);
        assert!(exp > now + 3600 && exp <= now + 7200);
        assert_eq!(
            signer.verify(a, "branding/logo-1.png", exp, &sig, now),
            Ok(())
        );
        // Same bucket, same URL: browsers can cache it.
        assert_eq!(url, signer.url(a, "branding/logo-1.png", now + 1));
        let invalid = Err(SignatureError::Invalid);
        assert_eq!(
            signer.verify(b, "branding/logo-1.png", exp, &sig, now),
            invalid
        );
        assert_eq!(
            signer.verify(a, "branding/logo-2.png", exp, &sig, now),
            invalid
        );
        assert_eq!(
            signer.verify(a, "branding/logo-1.png", exp + 3600, &sig, now),
            invalid
        );
        assert_eq!(
            signer.verify(a, "branding/logo-1.png", exp, "zz", now),
            invalid
        );
        let other_secret = UrlSigner::new(b"another secret, another server!!");
        assert_eq!(
            other_secret.verify(a, "branding/logo-1.png", exp, &sig, now),
            invalid
        );
        assert_eq!(
            signer.verify(a, "branding/logo-1.png", exp, &sig, exp),
            Err(SignatureError::Expired)
        );
    }
}
