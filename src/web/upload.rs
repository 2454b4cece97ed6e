//! Reading a `multipart/form-data` post: its text fields and at most one file. The body
//! was already bounded by [`super::limits::limit_body`]; what the file is, is decided by
//! `storage::content`, never by the name or type the browser sent.
use super::AppError;
use axum::extract::Multipart;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct UploadForm {
    pub fields: HashMap<String, String>,
    /// The file field's bytes; empty when no file was chosen.
    pub file: Vec<u8>,
}

impl UploadForm {
    pub fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// Reads every part: `file_field` as bytes, the rest as text (a text field over 64 KiB or
/// a part that is not UTF-8 is a 400).
pub async fn read(mut multipart: Multipart, file_field: &str) -> Result<UploadForm, AppError> {
    let mut form = UploadForm::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(form),
            Err(e) => {
                tracing::info!(error = %e, "a multipart body could not be read");
                return Err(AppError::BadRequest);
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(|e| {
            tracing::info!(error = %e, "a multipart part could not be read");
            AppError::BadRequest
        })?;
        if name == file_field {
            form.file = bytes.to_vec();
        } else {
            if bytes.len() > 64 * 1024 {
                return Err(AppError::BadRequest);
            }
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| AppError::BadRequest)?;
            form.fields.insert(name, text);
        }
    }
}
