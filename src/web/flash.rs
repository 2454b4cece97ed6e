//! Forms post to plain server handlers (so they work with JavaScript off) which answer with
//! a redirect. What the next page must show — field errors, the values typed (never
//! passwords), a notice — travels in the session as a one-time [`Flash`].
use serde::{Deserialize, Serialize};

/// Field errors of a form: `(field, message)`.
pub type FieldErrors = Vec<(String, String)>;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// Which form it is for (`login`, `signup`, …); other pages leave it alone.
    pub form: String,
    pub notice: Option<String>,
    /// `(field, message)`; field `form` is an error about the whole form.
    pub errors: Vec<(String, String)>,
    /// `(field, value)` to fill the form again.
    pub values: Vec<(String, String)>,
    /// The typed form as it was posted (JSON), for forms that travel whole: the handler
    /// parses the struct, the flash carries that struct back, the page re-renders it.
    #[serde(default)]
    pub typed: Option<String>,
    /// The request that showed it (see `take_flash`).
    #[serde(default)]
    pub shown_by: Option<String>,
}

impl Flash {
    pub fn new(form: &str) -> Self {
        Self {
            form: form.to_string(),
            ..Self::default()
        }
    }

    pub fn notice(form: &str, text: impl Into<String>) -> Self {
        Self {
            notice: Some(text.into()),
            ..Self::new(form)
        }
    }

    pub fn with_error(mut self, field: &str, message: impl Into<String>) -> Self {
        self.errors.push((field.to_string(), message.into()));
        self
    }

    pub fn with_value(mut self, field: &str, value: impl Into<String>) -> Self {
        self.values.push((field.to_string(), value.into()));
        self
    }

    /// Carries `form` back to the page, whole (see [`Self::form`]).
    pub fn with_form<F: Serialize>(mut self, form: &F) -> Self {
        self.typed = serde_json::to_string(form).ok();
        self
    }

    /// Field errors, `(field, message)`.
    pub fn with_errors(mut self, errors: impl IntoIterator<Item = (String, String)>) -> Self {
        self.errors.extend(errors);
        self
    }

    /// The typed form carried back by [`Self::with_form`], if it is an `F`.
    pub fn form<F: serde::de::DeserializeOwned>(&self) -> Option<F> {
        serde_json::from_str(self.typed.as_deref()?).ok()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }

    pub fn value(&self, field: &str) -> String {
        self.values
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// What a flash keeps of one typed value, and of everything together: whatever was
/// posted (up to the body limit), the session holds a few KB.
pub const MAX_KEPT_CHARS: usize = 2_000;
pub const MAX_FLASH_BYTES: usize = 8 * 1024;

fn truncate(s: &mut String, chars: usize) {
    if let Some((at, _)) = s.char_indices().nth(chars) {
        s.truncate(at);
    }
}

fn truncate_strings(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => truncate(s, MAX_KEPT_CHARS),
        serde_json::Value::Array(items) => items.iter_mut().for_each(truncate_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(truncate_strings),
        _ => {}
    }
}

impl Flash {
    /// This flash cut to size: each typed value to [`MAX_KEPT_CHARS`]; if it is still
    /// over [`MAX_FLASH_BYTES`], without what was typed (the errors and notice stay).
    pub fn bounded(mut self) -> Self {
        for (_, v) in &mut self.values {
            truncate(v, MAX_KEPT_CHARS);
        }
        if let Some(typed) = &self.typed {
            self.typed = serde_json::from_str::<serde_json::Value>(typed)
                .ok()
                .map(|mut v| {
                    truncate_strings(&mut v);
                    v.to_string()
                });
        }
        let size = serde_json::to_string(&self).map_or(usize::MAX, |j| j.len());
        if size > MAX_FLASH_BYTES {
            self.values.clear();
            self.typed = None;
            for (_, m) in &mut self.errors {
                truncate(m, 200);
            }
        }
        self
    }
}

mod store {
    use super::Flash;
    use tower_sessions::Session;

    const KEY: &str = "flash";

    /// Leaves a flash for the next page.
    pub async fn set(session: &Session, flash: Flash) {
        if let Err(e) = session.insert(KEY, flash.bounded()).await {
            tracing::warn!(error = %e, "could not keep form feedback in the session");
        }
    }

    /// The flash for `form`, shown by this request only. Leptos may run a page's data
    /// functions more than once while rendering it, so the flash is not removed at once:
    /// it is marked with the request that showed it, every call of that request gets it,
    /// and the next request that looks removes it.
    pub async fn take(session: &Session, form: &str, request_id: &str) -> Option<Flash> {
        let mut flash: Flash = session.get(KEY).await.ok().flatten()?;
        if flash.form != form {
            return None;
        }
        // What the page gets: the request id stays server-side.
        let shown = Flash {
            shown_by: None,
            ..flash.clone()
        };
        match flash.shown_by.as_deref() {
            None => {
                flash.shown_by = Some(request_id.to_string());
                set(session, flash).await;
                Some(shown)
            }
            Some(id) if id == request_id => Some(shown),
            Some(_) => {
                let _ = session.remove::<Flash>(KEY).await;
                None
            }
        }
    }
}

pub use store::{set as set_flash, take as take_flash};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_keeps_a_few_kilobytes_of_what_was_typed() {
        #[derive(Serialize)]
        struct Form {
            title: String,
            description: String,
        }
        let huge = "é".repeat(200_000);
        let flash = Flash::new("challenge")
            .with_value("name", huge.clone())
            .with_form(&Form {
                title: "Short title".into(),
                description: huge.clone(),
            })
            .with_error("title", "too long")
            .bounded();
        let kept = serde_json::to_string(&flash).unwrap().len();
        assert!(kept <= MAX_FLASH_BYTES, "{kept} bytes");
        assert_eq!(flash.error("title").as_deref(), Some("too long"));

        // Small forms come back whole.
        let small = Flash::new("login")
            .with_value("email", "a@example.com")
            .with_form(&Form {
                title: "t".into(),
                description: "d".repeat(1500),
            })
            .bounded();
        assert_eq!(small.value("email"), "a@example.com");
        assert!(small.typed.unwrap().contains(&"d".repeat(1500)));
        // One long value is cut, on a character boundary, not dropped.
        let one = Flash::new("x").with_value("bio", huge).bounded();
        assert_eq!(one.value("bio").chars().count(), MAX_KEPT_CHARS);
    }
}
