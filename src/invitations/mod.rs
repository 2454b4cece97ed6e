//! Invitations: marketers invite people by email (one address, or many pasted as CSV or one
//! per line); the mail's link signs them up or in on the accounts host and lands them in
//! the hub as members — the only way into an invite-only hub. Tokens are single use,
//! valid 14 days, stored as digests; invitations can be resent and revoked.
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::Email;
use serde::{Deserialize, Serialize};

/// One line of a pasted list, checked on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// 1-based line number in what was pasted.
    pub line: usize,
    pub input: String,
    /// The address, or why this line was not used.
    pub outcome: Result<String, String>,
}

/// Reads a pasted list: CSV (an email column anywhere; a header line is skipped) or one
/// address per line. Blank lines are ignored; each other line becomes a [`Row`].
pub fn parse_list(text: &str) -> Vec<Row> {
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line
            .split([',', ';', '\t'])
            .map(|f| f.trim().trim_matches('"').trim())
            .collect();
        let candidate = fields.iter().find(|f| f.contains('@'));
        let outcome = match candidate {
            None if i == 0 && fields.iter().any(|f| f.eq_ignore_ascii_case("email")) => continue,
            None => Err("no email address on this line".to_string()),
            Some(c) => match Email::parse(c) {
                Err(_) => Err(format!("'{c}' is not a valid email address")),
                Ok(e) if !seen.insert(e.as_str().to_string()) => {
                    Err("this address is listed twice".to_string())
                }
                Ok(e) => Ok(e.as_str().to_string()),
            },
        };
        rows.push(Row {
            line: i + 1,
            input: line.to_string(),
            outcome,
        });
    }
    rows
}

/// This feature's form posts and other non-page routes (its pages are in `pages.rs`).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/admin/invitations", post(handlers::invite))
        .route("/admin/invitations/{id}/resend", post(handlers::resend))
        .route("/admin/invitations/{id}/revoke", post(handlers::revoke))
        .route("/invite/accept", post(handlers::accept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_csv_and_lines_with_an_error_per_bad_row() {
        let rows = parse_list("email,name\nAda@Example.com, Ada\n\nnot-an-address\n\"bo@example.com\";Bo\nada@example.com\nJust a name\n");
        let outcomes: Vec<_> = rows.iter().map(|r| (r.line, r.outcome.clone())).collect();
        assert_eq!(
            outcomes,
            vec![
                (2, Ok("ada@example.com".into())),
                (4, Err("no email address on this line".into())),
                (5, Ok("bo@example.com".into())),
                (6, Err("this address is listed twice".into())),
                (7, Err("no email address on this line".into())),
            ]
        );
        assert_eq!(
            parse_list("x@@y")[0].outcome,
            Err("'x@@y' is not a valid email address".into())
        );
    }
}
