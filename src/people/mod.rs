//! The team's view of the hub's people: contacts (search, paging, roles, deactivation,
//! CSV export) and groups (which challenges can target).
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;

/// Contacts per page.
pub const PAGE_SIZE: u64 = 25;

/// One CSV field, quoted when it must be (RFC 4180), and defused against spreadsheet
/// formula injection (a leading `=`, `+`, `-`, `@` is prefixed with `'`).
pub fn csv_field(raw: &str) -> String {
    let s = if raw.starts_with(['=', '+', '-', '@']) {
        format!("'{raw}")
    } else {
        raw.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// This feature's form posts and other non-page routes (its pages are in `pages.rs`).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/admin/contacts.csv", get(handlers::export_csv))
        .route("/admin/contacts/{id}/role", post(handlers::set_role))
        .route("/admin/contacts/{id}/status", post(handlers::set_status))
        .route("/admin/groups", post(handlers::create_group))
        .route("/admin/groups/{id}/rename", post(handlers::rename_group))
        .route("/admin/groups/{id}/delete", post(handlers::delete_group))
        .route("/admin/groups/{id}/members", post(handlers::add_member))
        .route(
            "/admin/groups/{id}/members/{contact}/remove",
            post(handlers::remove_member),
        )
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("Ada"), "Ada");
        assert_eq!(csv_field("Lovelace, Ada"), "\"Lovelace, Ada\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("Zoë 🚀"), "Zoë 🚀");
    }
}
