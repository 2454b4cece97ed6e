//! Challenges: what marketers set and advocates do for points. Kinds, the rules of a valid
//! challenge and of a valid answer live here (compiled for the server and the browser);
//! storage and the approval flow are in [`service`], pages in [`pages`].
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

pub use crate::domain::{ChallengeKind as Kind, ChallengeStatus, CompletionStatus};

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Question => "Answer a question",
            Kind::Link => "Share a link",
            Kind::Review => "Write a review",
            Kind::Referral => "Refer someone",
            Kind::Action => "Take an action",
            Kind::Upload => "Upload a file",
        }
    }
}

pub const STATUS_DRAFT: ChallengeStatus = ChallengeStatus::Draft;
pub const STATUS_PUBLISHED: ChallengeStatus = ChallengeStatus::Published;
pub const STATUS_ARCHIVED: ChallengeStatus = ChallengeStatus::Archived;

pub const COMPLETION_PENDING: CompletionStatus = CompletionStatus::Pending;
pub const COMPLETION_APPROVED: CompletionStatus = CompletionStatus::Approved;
pub const COMPLETION_REJECTED: CompletionStatus = CompletionStatus::Rejected;

pub use crate::web::flash::FieldErrors;

fn err(errors: &mut FieldErrors, field: &str, message: &str) {
    errors.push((field.to_string(), message.to_string()));
}

/// An http(s) URL with a host, at most 2000 characters.
pub fn valid_url(raw: &str) -> Option<String> {
    let s = raw.trim();
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let ok = !host.is_empty()
        && host.contains('.')
        && s.len() <= 2000
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then(|| s.to_string())
}

/// A challenge as the form gives it (all text), before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChallengeForm {
    pub title: String,
    pub description: String,
    pub kind: String,
    pub points: String,
    /// Checkbox: present ("on") when ticked.
    pub requires_approval: Option<String>,
    /// `YYYY-MM-DD` or empty.
    pub starts_on: String,
    pub ends_on: String,
    pub max_per_advocate: String,
    /// A group id or empty (everyone).
    pub target_group: String,
    pub action_url: String,
}

/// A valid challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeInput {
    pub title: String,
    pub description: String,
    pub kind: Kind,
    pub points: i64,
    pub requires_approval: bool,
    /// Days, as `YYYY-MM-DD` (start inclusive, end inclusive).
    pub starts_on: Option<(i32, u32, u32)>,
    pub ends_on: Option<(i32, u32, u32)>,
    pub max_per_advocate: i64,
    pub target_group: Option<String>,
    pub action_url: Option<String>,
}

fn parse_day(s: &str) -> Result<Option<(i32, u32, u32)>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let mut it = s.split('-');
    let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(());
    };
    let (y, m, d) = (
        y.parse::<i32>().map_err(|_| ())?,
        m.parse::<u32>().map_err(|_| ())?,
        d.parse::<u32>().map_err(|_| ())?,
    );
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return Err(()),
    };
    if !(1900..=9999).contains(&y) || d == 0 || d > days_in_month {
        return Err(());
    }
    Ok(Some((y, m, d)))
}

impl ChallengeForm {
    pub fn validate(&self) -> Result<ChallengeInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let title = self.title.trim().to_string();
        match title.chars().count() {
            0 => err(&mut e, "title", "enter a title"),
            n if n > 120 => err(&mut e, "title", "use at most 120 characters"),
            _ => {}
        }
        if self.description.chars().count() > 10_000 {
            err(&mut e, "description", "use at most 10,000 characters");
        }
        let kind = Kind::parse(self.kind.trim());
        if kind.is_none() {
            err(&mut e, "kind", "choose a kind");
        }
        let points = match self.points.trim().parse::<i64>() {
            Ok(p) if (1..=100_000).contains(&p) => p,
            _ => {
                err(
                    &mut e,
                    "points",
                    "points must be a whole number from 1 to 100000",
                );
                0
            }
        };
        let max = if self.max_per_advocate.trim().is_empty() {
            1
        } else {
            match self.max_per_advocate.trim().parse::<i64>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => {
                    err(
                        &mut e,
                        "max_per_advocate",
                        "use a whole number from 1 to 1000",
                    );
                    1
                }
            }
        };
        let starts_on = parse_day(&self.starts_on).unwrap_or_else(|_| {
            err(&mut e, "starts_on", "use a date like 2026-12-31");
            None
        });
        let ends_on = parse_day(&self.ends_on).unwrap_or_else(|_| {
            err(&mut e, "ends_on", "use a date like 2026-12-31");
            None
        });
        if let (Some(s), Some(end)) = (starts_on, ends_on) {
            if end < s {
                err(&mut e, "ends_on", "the end must not be before the start");
            }
        }
        let action_url = if kind == Some(Kind::Action) {
            match valid_url(&self.action_url) {
                Some(u) => Some(u),
                None => {
                    err(
                        &mut e,
                        "action_url",
                        "enter the web address (https://…) to send advocates to",
                    );
                    None
                }
            }
        } else {
            None
        };
        let target_group = Some(self.target_group.trim().to_string()).filter(|s| !s.is_empty());
        match kind {
            Some(kind) if e.is_empty() => Ok(ChallengeInput {
                title,
                description: self.description.trim().to_string(),
                kind,
                points,
                requires_approval: self.requires_approval.is_some(),
                starts_on,
                ends_on,
                max_per_advocate: max,
                target_group,
                action_url,
            }),
            _ => Err(e),
        }
    }
}

/// What an advocate submits, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Answer {
    Question {
        text: String,
    },
    Link {
        url: String,
    },
    Review {
        url: String,
        rating: u8,
        text: String,
    },
    Referral {
        name: String,
        email: String,
        company: String,
    },
    Action {
        confirmed: bool,
    },
    /// An image or PDF, kept in storage under the advocate's contact (see `files::keys`).
    Upload {
        key: String,
        /// Its MIME type, decided by content.
        file_type: String,
    },
}

/// The submission form (all text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub text: String,
    pub url: String,
    pub rating: String,
    pub name: String,
    pub email: String,
    pub company: String,
    /// Checkbox for action challenges.
    pub confirmed: Option<String>,
}

impl AnswerForm {
    pub fn validate(&self, kind: Kind) -> Result<Answer, FieldErrors> {
        let mut e = FieldErrors::new();
        let text = |e: &mut FieldErrors, field: &str, raw: &str, max: usize| -> String {
            let t = raw.trim().to_string();
            match t.chars().count() {
                0 => err(e, field, "this cannot be empty"),
                n if n > max => err(e, field, &format!("use at most {max} characters")),
                _ => {}
            }
            t
        };
        let url = |e: &mut FieldErrors, raw: &str| {
            valid_url(raw).unwrap_or_else(|| {
                err(e, "url", "enter a web address starting with https://");
                String::new()
            })
        };
        let answer = match kind {
            Kind::Question => Answer::Question {
                text: text(&mut e, "text", &self.text, 5000),
            },
            Kind::Link => Answer::Link {
                url: url(&mut e, &self.url),
            },
            Kind::Review => {
                let url = url(&mut e, &self.url);
                let rating = match self.rating.trim().parse::<u8>() {
                    Ok(r) if (1..=5).contains(&r) => r,
                    _ => {
                        err(&mut e, "rating", "give a rating from 1 to 5");
                        0
                    }
                };
                Answer::Review {
                    url,
                    rating,
                    text: text(&mut e, "text", &self.text, 5000),
                }
            }
            Kind::Referral => {
                let name = text(&mut e, "name", &self.name, 120);
                let email = match crate::domain::Email::parse(&self.email) {
                    Ok(m) => m.as_str().to_string(),
                    Err(x) => {
                        err(&mut e, "email", &x.to_string());
                        String::new()
                    }
                };
                Answer::Referral {
                    name,
                    email,
                    company: text(&mut e, "company", &self.company, 120),
                }
            }
            Kind::Action => {
                if self.confirmed.is_none() {
                    err(&mut e, "confirmed", "confirm that you did it");
                }
                Answer::Action { confirmed: true }
            }
            // The file arrives as a multipart post (`handlers::submit_upload`), never here.
            Kind::Upload => {
                err(&mut e, "file", "choose a file to upload");
                Answer::Action { confirmed: false }
            }
        };
        if e.is_empty() {
            Ok(answer)
        } else {
            Err(e)
        }
    }
}

impl Answer {
    /// One line for lists (the approval queue, the activity feed).
    pub fn summary(&self) -> String {
        match self {
            Answer::Question { text } => text.clone(),
            Answer::Link { url } => url.clone(),
            Answer::Review { url, rating, text } => format!("{rating}/5 — {text} ({url})"),
            Answer::Referral {
                name,
                email,
                company,
            } => format!("{name} <{email}>, {company}"),
            Answer::Action { .. } => "Done".to_string(),
            Answer::Upload { file_type, .. } => match file_type.as_str() {
                "application/pdf" => "A PDF file".to_string(),
                _ => "An image".to_string(),
            },
        }
    }
}

/// This feature's form posts and other non-page routes (its pages are in `pages.rs`).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/admin/challenges", post(handlers::create))
        .route("/admin/challenges/{id}", post(handlers::update))
        .route("/admin/challenges/{id}/publish", post(handlers::publish))
        .route("/admin/challenges/{id}/archive", post(handlers::archive))
        .route("/challenges/{id}", post(handlers::submit))
        // Bounded by `web::limits` (uploads get room for a 10 MB PDF); axum's own 2 MB
        // multipart default would answer before the handler can name the limit.
        .route(
            "/challenges/{id}/upload",
            post(handlers::submit_upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/admin/challenges/{id}/image",
            post(handlers::upload_image).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/admin/challenges/{id}/image/remove",
            post(handlers::remove_image),
        )
        .route("/admin/completions/bulk", post(handlers::bulk))
        .route("/admin/completions/{id}/approve", post(handlers::approve))
        .route("/admin/completions/{id}/reject", post(handlers::reject))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ChallengeForm {
        ChallengeForm {
            title: "Tell us".into(),
            kind: "question".into(),
            points: "50".into(),
            ..Default::default()
        }
    }

    fn fields(e: FieldErrors) -> Vec<String> {
        e.into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn challenge_rules() {
        let ok = form().validate().unwrap();
        assert_eq!(
            (ok.points, ok.max_per_advocate, ok.requires_approval),
            (50, 1, false)
        );
        let bad = ChallengeForm {
            points: "0".into(),
            starts_on: "2026-12-10".into(),
            ends_on: "2026-12-01".into(),
            ..form()
        };
        assert_eq!(fields(bad.validate().unwrap_err()), ["points", "ends_on"]);
        for p in ["100001", "-5", "ten", ""] {
            assert!(
                ChallengeForm {
                    points: p.into(),
                    ..form()
                }
                .validate()
                .is_err(),
                "{p}"
            );
        }
        assert!(ChallengeForm {
            starts_on: "2026-02-30".into(),
            ..form()
        }
        .validate()
        .is_err());
        assert!(ChallengeForm {
            kind: "dance".into(),
            ..form()
        }
        .validate()
        .is_err());
        let action = ChallengeForm {
            kind: "action".into(),
            action_url: "nope".into(),
            ..form()
        };
        assert_eq!(fields(action.validate().unwrap_err()), ["action_url"]);
    }

    #[test]
    fn answer_rules() {
        let review = AnswerForm {
            url: "https://g2.example/review/1".into(),
            rating: "6".into(),
            text: "Great".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(review.validate(Kind::Review).unwrap_err()),
            ["rating"]
        );
        let link = AnswerForm {
            url: "javascript:alert(1)".into(),
            ..Default::default()
        };
        assert_eq!(fields(link.validate(Kind::Link).unwrap_err()), ["url"]);
        let q = AnswerForm {
            text: "  Love it 🎉  ".into(),
            ..Default::default()
        };
        assert_eq!(
            q.validate(Kind::Question).unwrap(),
            Answer::Question {
                text: "Love it 🎉".into()
            }
        );
        let referral = AnswerForm {
            name: "Bo".into(),
            email: "bad".into(),
            company: "X".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(referral.validate(Kind::Referral).unwrap_err()),
            ["email"]
        );
        assert!(AnswerForm::default().validate(Kind::Action).is_err());
    }
}
