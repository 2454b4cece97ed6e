//! Uploaded files: where they are kept ([`Storage`], through `object_store`), what may be
//! kept ([`content`]: type by content, images re-encoded and bounded) and how they are
//! handed out ([`signing`]: signed, expiring URLs). Server-side plumbing beside `db`: it
//! knows tenants only as ids and nothing of pages or features.
pub mod content;
pub mod signing;

use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("RALLY_STORAGE_URL: {0}")]
    Config(String),
    #[error("the file store failed: {0}")]
    Store(#[from] object_store::Error),
    #[error("'{0}' is not a file key")]
    BadKey(String),
}

/// The file store: a directory (default `<data dir>/uploads`) or an S3-compatible bucket.
/// Every key lives under its tenant's prefix, `tenants/<tenant id>/`.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({})", self.store)
    }
}

impl Storage {
    /// `url`: `RALLY_STORAGE_URL`. `file:///srv/rally/uploads` (a directory, created if
    /// missing), or `s3://bucket?endpoint=http://127.0.0.1:9000&region=us-east-1` where
    /// every query pair is an `object_store` S3 setting (`access_key_id`,
    /// `secret_access_key`, `allow_http`, …) and the rest comes from the usual `AWS_*`
    /// variables. Unset: `<data dir>/uploads`.
    pub fn open(url: Option<&str>, data_dir: &std::path::Path) -> Result<Self, StorageError> {
        let store: Arc<dyn ObjectStore> = match url {
            None => Arc::new(local(&data_dir.join("uploads"))?),
            Some(raw) => {
                let parsed = url::Url::parse(raw)
                    .map_err(|e| StorageError::Config(format!("'{raw}' is not a URL: {e}")))?;
                match parsed.scheme() {
                    "file" => Arc::new(local(std::path::Path::new(parsed.path()))?),
                    "s3" => Arc::new(s3(&parsed)?),
                    other => {
                        return Err(StorageError::Config(format!(
                            "'{other}:' is not supported; use file:// or s3://"
                        )))
                    }
                }
            }
        };
        Ok(Self { store })
    }

    fn path(tenant: Uuid, key: &str) -> Result<StorePath, StorageError> {
        if !valid_key(key) {
            return Err(StorageError::BadKey(key.to_string()));
        }
        Ok(StorePath::from(format!("tenants/{tenant}/{key}")))
    }

    pub async fn put(&self, tenant: Uuid, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        let path = Self::path(tenant, key)?;
        self.store.put(&path, PutPayload::from(bytes)).await?;
        Ok(())
    }

    /// The file, or `None` when there is none under this tenant's key.
    pub async fn get(&self, tenant: Uuid, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let path = Self::path(tenant, key)?;
        match self.store.get(&path).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes a file; one that is already gone is not an error.
    pub async fn delete(&self, tenant: Uuid, key: &str) -> Result<(), StorageError> {
        let path = Self::path(tenant, key)?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// A key Rally made: lower-case segments of letters, digits, `-` and one `.`, such as
/// `branding/logo-<uuid>.png`. Anything else (`..`, `%2f`, upper case) is refused, so a
/// key taken from a URL can never leave its tenant's prefix.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 200
        && key.split('/').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('.')
                && seg.matches('.').count() <= 1
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        })
}

fn local(dir: &std::path::Path) -> Result<object_store::local::LocalFileSystem, StorageError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        StorageError::Config(format!(
            "cannot create the directory {}: {e}",
            dir.display()
        ))
    })?;
    object_store::local::LocalFileSystem::new_with_prefix(dir)
        .map_err(|e| StorageError::Config(e.to_string()))
}

fn s3(url: &url::Url) -> Result<object_store::aws::AmazonS3, StorageError> {
    use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
    let bucket = url
        .host_str()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| StorageError::Config("an s3:// URL names its bucket: s3://bucket".into()))?;
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
    for (k, v) in url.query_pairs() {
        let key: AmazonS3ConfigKey = k
            .parse()
            .map_err(|_| StorageError::Config(format!("'{k}' is not an S3 setting")))?;
        if key == AmazonS3ConfigKey::Endpoint && v.starts_with("http://") {
            builder = builder.with_allow_http(true);
        }
        builder = builder.with_config(key, v.to_string());
    }
    builder
        .build()
        .map_err(|e| StorageError::Config(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_storage_url_is_refused_by_name() {
        let dir = std::env::temp_dir();
        for (url, says) in [
            ("not a url", "is not a URL"),
            ("ftp://files.example/up", "'ftp:' is not supported"),
            ("s3://bucket?colour=blue", "'colour' is not an S3 setting"),
        ] {
            let e = Storage::open(Some(url), &dir).unwrap_err().to_string();
            assert!(
                e.starts_with("RALLY_STORAGE_URL: ") && e.contains(says),
                "{url}: {e}"
            );
        }
    }

    #[test]
    fn keys_stay_under_their_prefix() {
        for ok in ["branding/logo-0192.png", "answers/0192-ab/12.pdf", "a"] {
            assert!(valid_key(ok), "{ok}");
        }
        for bad in [
            "", "../x.png", "a/../b", "a//b", "/a", "a/", "A.png", "a%2fb", ".env", "a.b.c", "a b",
        ] {
            assert!(!valid_key(bad), "{bad}");
        }
    }
}
