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
