//! Password hashing: argon2id with OWASP's parameters (19 MiB, 2 iterations, 1 lane), run on
//! a blocking thread so a sign-in never stalls the async executor, inside the caller's
//! tracing span. At most one hash per core but one runs at a time: a burst of sign-ins,
//! sign-ups or resets waits its turn instead of taking every core from the pages.
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// Hashes and verifications run since start (the dummy hash excluded), for tests.
static HASHES_RUN: AtomicU64 = AtomicU64::new(0);

pub fn hashes_run() -> u64 {
    HASHES_RUN.load(Ordering::Relaxed)
}

/// One permit per core but one: argon2 is pure CPU, so more at once only slows everything
/// else, and the core left over keeps pages answering during a burst of sign-ins (one
/// permit on one or two cores).
fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Semaphore::new(cores.saturating_sub(1).max(1))
    })
}

/// OWASP Password Storage Cheat Sheet, argon2id, first option.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None).expect("valid argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing failed: {0}")]
    Hash(String),
    #[error("the hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

fn hash_now(password: &str) -> Result<String, PasswordError> {
    use rand::Rng;
    HASHES_RUN.fetch_add(1, Ordering::Relaxed);
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt =
        SaltString::encode_b64(&salt_bytes).map_err(|e| PasswordError::Hash(e.to_string()))?;
    hash_with_salt(password, &salt)
}

fn hash_with_salt(password: &str, salt: &SaltString) -> Result<String, PasswordError> {
    argon2()
        .hash_password(password.as_bytes(), salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

fn verify_now(password: &str, phc: &str) -> bool {
    HASHES_RUN.fetch_add(1, Ordering::Relaxed);
    // The parameters stored in the PHC string are the ones used to verify it.
    PasswordHash::new(phc)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Runs CPU-heavy work on the blocking pool, inside the current span.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PasswordError> {
    let _permit = permits()
        .acquire()
        .await
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    let span = tracing::Span::current();
    Ok(tokio::task::spawn_blocking(move || span.in_scope(f)).await?)
}

/// Hashes a new password into a PHC string.
pub async fn hash(password: String) -> Result<String, PasswordError> {
    blocking(move || hash_now(&password)).await?
}

/// A hash of a password nobody has, computed once: checked against when the account does
/// not exist, so an unknown email costs the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"rally-dummy-salt").expect("a valid salt");
        hash_with_salt("rally-dummy-password-for-timing", &salt).expect("hash the dummy")
    })
}

/// Checks a password against the stored hash, or against a dummy hash when there is no
/// account (always false then), so both cases take the same time.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, PasswordError> {
    blocking(move || match stored {
        Some(phc) => verify_now(&password, &phc),
        None => {
            verify_now(&password, dummy_hash());
            false
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_argon2id_owasp_parameters_and_verifies() {
        let phc = hash("correct horse battery".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery".into(), Some(phc.clone()))
            .await
            .unwrap());
        assert!(!verify("wrong horse battery".into(), Some(phc.clone()))
            .await
            .unwrap());
        // Same password, fresh salt: a different hash.
        assert_ne!(phc, hash("correct horse battery".into()).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_accounts_and_garbage_hashes_never_verify() {
        assert!(!verify("anything".into(), None).await.unwrap());
        assert!(!verify("anything".into(), Some("not a phc string".into()))
            .await
            .unwrap());
    }
}
