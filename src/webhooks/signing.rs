//! Webhook signatures, the Standard Webhooks way (standardwebhooks.com):
//!
//! - the secret is `whsec_` followed by base64 of 32 random bytes; the key is those bytes;
//! - each message carries `webhook-id` (the same on every retry), `webhook-timestamp`
//!   (Unix seconds when sent) and `webhook-signature`: `v1,` followed by base64 of
//!   HMAC-SHA256(key, `<id>.<timestamp>.<body>`).
//!
//! A receiver recomputes the signature over the raw body and compares in constant time;
//! it should refuse timestamps more than five minutes away from its clock (replays).
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const PREFIX: &str = "whsec_";

/// A new signing secret.
pub fn new_secret() -> String {
    let key: [u8; 32] = rand::random();
    format!("{PREFIX}{}", B64.encode(key))
}

/// The key bytes of a `whsec_…` secret.
pub fn key_of(secret: &str) -> Option<Vec<u8>> {
    B64.decode(secret.strip_prefix(PREFIX)?).ok()
}

/// The `webhook-signature` header value for one message.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
}

/// Does any `v1` signature in `header` (space-separated) match? (What a receiver does.)
pub fn verify(key: &[u8], id: &str, timestamp: i64, body: &str, header: &str) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    header.split(' ').any(|sig| {
        sig.strip_prefix("v1,")
            .and_then(|b| B64.decode(b).ok())
            .is_some_and(|sig| mac.clone().verify_slice(&sig).is_ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification.
    #[test]
    fn signs_like_the_specification_example() {
        let key = key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        let sig = sign(&key, id, 1614265330, body);
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(verify(
            &key,
            id,
            1614265330,
            body,
            &format!("v1,bogus {sig}")
        ));
        assert!(!verify(&key, id, 1614265331, body, &sig));
        assert!(!verify(&key, id, 1614265330, "{}", &sig));
        assert!(key_of(&new_secret()).is_some_and(|k| k.len() == 32));
        assert!(key_of("no prefix").is_none());
    }
}
