//! Validated value types, compiled into both the server and the browser build so the same
//! rule runs on both sides. A value of these types cannot hold invalid data.
use serde::{Deserialize, Serialize};
use std::fmt;

/// Subdomain labels that belong to Rally itself and can never name a tenant.
pub const RESERVED_SLUGS: &[&str] = &[
    "accounts", "api", "www", "admin", "platform", "static", "mail", "status", "app",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a slug must be 3 to 40 characters long")]
    Length,
    #[error("a slug may contain only lowercase letters, digits and hyphens")]
    Characters,
    #[error("a slug cannot start or end with a hyphen")]
    EdgeHyphen,
    #[error("'{0}' is reserved and cannot be used as a slug")]
    Reserved(String),
}

/// A tenant's subdomain label: lowercase letters, digits and hyphens, 3–40 characters,
/// not reserved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TenantSlug(String);

impl TenantSlug {
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        let s = raw.trim();
        if !(3..=40).contains(&s.len()) {
            return Err(SlugError::Length);
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(SlugError::Characters);
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err(SlugError::EdgeHyphen);
        }
        if RESERVED_SLUGS.contains(&s) {
            return Err(SlugError::Reserved(s.to_string()));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a valid host name")]
pub struct HostNameError(pub String);

/// A DNS host name, normalised: port stripped, lower-cased, trailing dot removed.
/// IP literals are not host names here: hubs are always reached by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HostName(String);

impl HostName {
    /// Parses a `Host` header value (which may carry a port).
    pub fn parse(raw: &str) -> Result<Self, HostNameError> {
        let err = || HostNameError(raw.chars().take(100).collect());
        let raw = raw.trim();
        // `[v6]:port` — an address, never a hub.
        if raw.starts_with('[') {
            return Err(err());
        }
        let name = match raw.rsplit_once(':') {
            Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                name
            }
            Some(_) => return Err(err()),
            None => raw,
        };
        let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        if name.is_empty() || name.len() > 253 {
            return Err(err());
        }
        for label in name.split('.') {
            let ok = !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return Err(err());
            }
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a brand colour must be a hex colour such as #4f46e5")]
pub struct ColorError;

/// A brand colour as `#rrggbb` (lower-case). Because it is validated, it is safe to place
/// inside a `style` attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandColor(String);

impl BrandColor {
    pub fn parse(raw: &str) -> Result<Self, ColorError> {
        let s = raw.trim().to_ascii_lowercase();
        let hex = s.strip_prefix('#').ok_or(ColorError)?;
        let hex = match hex.len() {
            6 => hex.to_string(),
            3 => hex.chars().flat_map(|c| [c, c]).collect(),
            _ => return Err(ColorError),
        };
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ColorError);
        }
        Ok(Self(format!("#{hex}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn rgb(&self) -> [u8; 3] {
        let c = |i: usize| u8::from_str_radix(&self.0[i..i + 2], 16).unwrap_or(0);
        [c(1), c(3), c(5)]
    }

    fn from_rgb([r, g, b]: [u8; 3]) -> Self {
        Self(format!("#{r:02x}{g:02x}{b:02x}"))
    }

    /// WCAG 2.1 relative luminance.
    pub fn luminance(&self) -> f64 {
        let lin = |v: u8| {
            let v = v as f64 / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.rgb();
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    /// WCAG 2.1 contrast ratio between two colours (1 to 21).
    pub fn contrast(&self, other: &BrandColor) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// This colour moved `t` (0 to 1) of the way towards `to`.
    fn mix(&self, to: [u8; 3], t: f64) -> Self {
        let from = self.rgb();
        let ch = |i: usize| (from[i] as f64 + (to[i] as f64 - from[i] as f64) * t).round() as u8;
        Self::from_rgb([ch(0), ch(1), ch(2)])
    }

    /// Text for this colour used as a background: white where white passes AA, else
    /// Rally's near-black, else black (one of white and black always reaches 4.58:1).
    pub fn contrast_text(&self) -> &'static str {
        for text in [WHITE, NEAR_BLACK, "#000000"] {
            if self.contrast(&BrandColor(text.into())) >= AA_TEXT {
                return text;
            }
        }
        "#000000"
    }

    /// This colour, darkened just enough for text in it to reach AA on `background`.
    fn ink_on(&self, background: &BrandColor) -> Self {
        let mut c = self.clone();
        for step in 1..=20 {
            if c.contrast(background) >= AA_TEXT {
                return c;
            }
            c = self.mix([0, 0, 0], step as f64 * 0.05);
        }
        BrandColor::from_rgb([0, 0, 0])
    }
}

impl fmt::Display for BrandColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// WCAG 2.1 AA: normal text needs a contrast of 4.5:1 with its background.
pub const AA_TEXT: f64 = 4.5;
const WHITE: &str = "#ffffff";
const NEAR_BLACK: &str = "#111827";

/// A contrast ratio as people read it: "3.75:1", rounded down so 4.499 never shows as 4.5.
pub fn format_ratio(ratio: f64) -> String {
    format!("{:.2}:1", (ratio * 100.0).floor() / 100.0)
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{color} on a white page has a contrast of {ratio}; text needs at least 4.5:1 (WCAG AA): choose a darker colour")]
pub struct LowContrast {
    pub color: String,
    pub ratio: String,
}

/// The accent colour is used as is for links and highlights on the white page, so it must
/// itself read there.
pub fn check_text_colour(color: &BrandColor) -> Result<(), LowContrast> {
    let ratio = color.contrast(&BrandColor(WHITE.into()));
    if ratio >= AA_TEXT {
        Ok(())
    } else {
        Err(LowContrast {
            color: color.to_string(),
            ratio: format_ratio(ratio),
        })
    }
}

/// Every colour a hub's pages use, derived from its brand (and accent) colour so that all
/// text on them passes WCAG AA whatever the admin picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Palette {
    /// The header and buttons: the admin's colour, exactly.
    pub brand: String,
    /// Text on `brand`.
    pub on_brand: String,
    /// A light wash of the brand (highlighted rows, current tab).
    pub tint: String,
    /// The brand as text: on white and on `tint` (darkened where the brand is too light).
    pub ink: String,
    /// Links: the accent colour when set (checked on save), else `ink`.
    pub accent: String,
}

impl Palette {
    pub fn derive(brand: &BrandColor, accent: Option<&BrandColor>) -> Self {
        let tint = brand.mix([255, 255, 255], 0.9);
        let ink = brand.ink_on(&tint);
        let accent = match accent {
            Some(a) if check_text_colour(a).is_ok() => a.to_string(),
            _ => ink.to_string(),
        };
        Self {
            brand: brand.to_string(),
            on_brand: brand.contrast_text().to_string(),
            tint: tint.to_string(),
            ink: ink.to_string(),
            accent,
        }
    }

    /// The CSS variables Tailwind's `brand` colours read (see `style/tailwind.css`). Safe
    /// in a `style` attribute: every value is a validated `#rrggbb`.
    pub fn css_vars(&self) -> String {
        format!(
            "--brand: {}; --brand-contrast: {}; --brand-tint: {}; --brand-ink: {}; --accent: {};",
            self.brand, self.on_brand, self.tint, self.ink, self.accent
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("enter a valid email address")]
pub struct EmailError;

/// An email address, trimmed and lower-cased: two spellings of one address are one
/// account (the unique index on the stored form does the comparing).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim().to_lowercase();
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError)?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && !local.contains('@')
            && HostName::parse(domain).is_ok()
            && domain.contains('.');
        if ok {
            Ok(Self(s))
        } else {
            Err(EmailError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRuleError {
    #[error("use at least 10 characters")]
    TooShort,
    #[error("use at most 1000 characters")]
    TooLong,
}

/// A new password that meets the rules (length counted in characters, so an emoji counts
/// once). Deliberately not `Serialize`, and its `Debug` hides the value.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, PasswordRuleError> {
        match raw.chars().count() {
            n if n < 10 => Err(PasswordRuleError::TooShort),
            n if n > 1000 => Err(PasswordRuleError::TooLong),
            _ => Ok(Self(raw.to_string())),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    #[error("enter your name")]
    Empty,
    #[error("use at most 80 characters")]
    TooLong,
}

/// A person's display name: trimmed, 1–80 characters, any script or emoji, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, DisplayNameError> {
        let s: String = raw.trim().chars().filter(|c| !c.is_control()).collect();
        match s.chars().count() {
            0 => Err(DisplayNameError::Empty),
            1..=80 => Ok(Self(s)),
            _ => Err(DisplayNameError::TooLong),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's role inside one hub. Ordered: each role can do what the ones before it can.
///
/// Stored as its lower-case name; a value that is not one of these fails to load instead
/// of being read as a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Role {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "advocate"))]
    Advocate,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "marketer"))]
    Marketer,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "admin"))]
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a role (advocate, marketer or admin)")]
pub struct RoleError(pub String);

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Advocate => "advocate",
            Self::Marketer => "marketer",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, RoleError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "advocate" => Ok(Self::Advocate),
            "marketer" => Ok(Self::Marketer),
            "admin" => Ok(Self::Admin),
            _ => Err(RoleError(raw.to_string())),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Advocate => "Advocate",
            Self::Marketer => "Marketer",
            Self::Admin => "Admin",
        }
    }
}

/// A stored enum: its lower-case name in a text column. A value that is none of its
/// variants fails to load, instead of being read as a default.
macro_rules! stored_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
        pub enum $name {
            $(
                #[cfg_attr(feature = "ssr", sea_orm(string_value = $text))]
                $variant,
            )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (and posted) name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The variant named `raw` (as stored or posted), if any.
            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw.trim())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

stored_enum!(
    /// Where a background job is: waiting (or waiting to be retried), held by a worker,
    /// finished, or given up after its last attempt (an operator can retry it).
    JobStatus {
        Queued = "queued",
        Running = "running",
        Done = "done",
        Dead = "dead",
    }
);

stored_enum!(
    /// Whether a contact may use their hub.
    ContactStatus {
        Active = "active",
        Deactivated = "deactivated",
    }
);

stored_enum!(
    /// What a shard accepts: new tenants (active), reads only, or nothing.
    ShardStatus {
        Active = "active",
        ReadOnly = "read-only",
        Draining = "draining",
        Offline = "offline",
    }
);

stored_enum!(
    /// Whether a tenant's hub is served: active; suspended (its members see a page saying
    /// so); or down for maintenance (503 to everyone, for a while).
    TenantStatus {
        Active = "active",
        Suspended = "suspended",
        Maintenance = "maintenance",
    }
);

stored_enum!(
    /// How a host names a hub: its subdomain of the root, or the customer's own domain.
    DomainKind {
        Subdomain = "subdomain",
        Custom = "custom",
    }
);

stored_enum!(
    /// A redemption: waiting for the team, or handled.
    RedemptionStatus {
        Requested = "requested",
        Fulfilled = "fulfilled",
        Cancelled = "cancelled",
    }
);

stored_enum!(
    /// An outgoing mail: waiting, being sent, or done (sent, kept for the development
    /// viewer, suppressed for the tenant, or failed for good).
    MailStatus {
        Queued = "queued",
        Sending = "sending",
        Sent = "sent",
        Kept = "kept",
        Suppressed = "suppressed",
        Failed = "failed",
    }
);

stored_enum!(
    /// What an advocate does to complete a challenge.
    ChallengeKind {
        Question = "question",
        Link = "link",
        Review = "review",
        Referral = "referral",
        Action = "action",
        Upload = "upload",
    }
);

stored_enum!(
    /// Where a challenge is in its life: only published ones are open to advocates.
    ChallengeStatus {
        Draft = "draft",
        Published = "published",
        Archived = "archived",
    }
);

stored_enum!(
    /// A submission: waiting for the team, or decided.
    CompletionStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
    }
);

/// Where to go after signing in: a path on the same host. Anything that could leave the
/// host (`https://…`, `//host`, `/\host`, `javascript:…`) or is not a plain path becomes `/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnTo(String);

impl ReturnTo {
    pub fn sanitize(raw: Option<&str>) -> Self {
        let raw = raw.unwrap_or("/");
        let safe = raw.starts_with('/')
            && !raw.starts_with("//")
            && raw.len() <= 2000
            // Browsers treat `\` like `/`, so `/\evil.test` is `//evil.test`.
            && !raw.contains('\\')
            && !raw.chars().any(|c| c.is_control() || c.is_whitespace());
        Self(if safe {
            raw.to_string()
        } else {
            "/".to_string()
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("  Alice@Example.COM ").unwrap().as_str(),
            "alice@example.com"
        );
        assert!(Email::parse("alice").is_err());
        assert!(Email::parse("@example.com").is_err());
        assert!(Email::parse("alice@localhost").is_err());
        assert!(Email::parse("a b@example.com").is_err());
        assert!(Email::parse("alice@exa mple.com").is_err());
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(65))).is_err());
    }

    #[test]
    fn passwords() {
        assert_eq!(
            NewPassword::parse("123456789"),
            Err(PasswordRuleError::TooShort)
        );
        assert!(NewPassword::parse("1234567890").is_ok());
        // Ten characters, whatever their byte length.
        assert!(NewPassword::parse("🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑").is_ok());
        assert_eq!(
            NewPassword::parse(&"x".repeat(1001)),
            Err(PasswordRuleError::TooLong)
        );
        assert_eq!(
            format!("{:?}", NewPassword::parse("secret-secret").unwrap()),
            "NewPassword(***)"
        );
    }

    #[test]
    fn display_names() {
        assert_eq!(DisplayName::parse("  Ada 🚀 ").unwrap().as_str(), "Ada 🚀");
        assert_eq!(DisplayName::parse(" \t "), Err(DisplayNameError::Empty));
        assert_eq!(DisplayName::parse("a\u{0}b").unwrap().as_str(), "ab");
        assert_eq!(
            DisplayName::parse(&"é".repeat(81)),
            Err(DisplayNameError::TooLong)
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(TenantSlug::parse("acme").unwrap().as_str(), "acme");
        assert_eq!(TenantSlug::parse("big-co-2").unwrap().as_str(), "big-co-2");
        assert_eq!(TenantSlug::parse("ab"), Err(SlugError::Length));
        assert_eq!(TenantSlug::parse(&"a".repeat(41)), Err(SlugError::Length));
        assert_eq!(TenantSlug::parse("Acme"), Err(SlugError::Characters));
        assert_eq!(TenantSlug::parse("ac_me"), Err(SlugError::Characters));
        assert_eq!(TenantSlug::parse("café"), Err(SlugError::Characters));
        assert_eq!(TenantSlug::parse("-acme"), Err(SlugError::EdgeHyphen));
        for r in RESERVED_SLUGS {
            assert!(
                matches!(TenantSlug::parse(r), Err(SlugError::Reserved(_))),
                "{r}"
            );
        }
    }

    #[test]
    fn host_names() {
        let h = |s| HostName::parse(s).map(|h| h.as_str().to_string());
        assert_eq!(h("ACME.localhost:3000").unwrap(), "acme.localhost");
        assert_eq!(h("hub.globex.test.").unwrap(), "hub.globex.test");
        assert_eq!(h("localhost").unwrap(), "localhost");
        assert!(h("").is_err());
        assert!(h("[::1]:3000").is_err());
        assert!(h("a..b").is_err());
        assert!(h("evil.test:abc").is_err());
        assert!(h("under_score.test").is_err());
        assert!(h("spa ce.test").is_err());
    }

    #[test]
    fn colors() {
        assert_eq!(BrandColor::parse("#ABC").unwrap().as_str(), "#aabbcc");
        assert_eq!(BrandColor::parse(" #4F46E5 ").unwrap().as_str(), "#4f46e5");
        assert!(BrandColor::parse("red").is_err());
        assert!(BrandColor::parse("#12345g").is_err());
        assert!(BrandColor::parse("#fff;background:url(x)").is_err());
        assert_eq!(
            BrandColor::parse("#ffffff").unwrap().contrast_text(),
            "#111827"
        );
        assert_eq!(
            BrandColor::parse("#1e3a8a").unwrap().contrast_text(),
            "#ffffff"
        );
        // White on the demo's rose is 4.698:1, shown rounded down.
        let rose = BrandColor::parse("#e11d48").unwrap();
        let white = BrandColor::parse("#fff").unwrap();
        assert_eq!(format_ratio(rose.contrast(&white)), "4.69:1");
        assert_eq!(format_ratio(white.contrast(&white)), "1.00:1");
    }

    /// Whatever colour an admin picks, every text colour the palette puts on a background
    /// reaches AA: on the brand, the brand's ink on white and on the tint, the accent on
    /// white.
    #[test]
    fn every_derived_colour_passes_aa() {
        let white = BrandColor::parse("#ffffff").unwrap();
        let c = |s: &str| BrandColor::parse(s).unwrap();
        let mut checked = 0;
        for r in (0..=255).step_by(17) {
            for g in (0..=255).step_by(17) {
                for b in (0..=255).step_by(17) {
                    let brand = BrandColor::from_rgb([r as u8, g as u8, b as u8]);
                    let p = Palette::derive(&brand, None);
                    assert!(c(&p.on_brand).contrast(&brand) >= AA_TEXT, "{brand} text");
                    assert!(c(&p.ink).contrast(&white) >= AA_TEXT, "{brand} ink");
                    assert!(c(&p.ink).contrast(&c(&p.tint)) >= AA_TEXT, "{brand} tint");
                    assert!(c(&p.accent).contrast(&white) >= AA_TEXT, "{brand} accent");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 16 * 16 * 16);
        // A dark colour is its own ink; a light one is darkened.
        assert_eq!(Palette::derive(&c("#1e3a8a"), None).ink, "#1e3a8a");
        assert_ne!(Palette::derive(&c("#fde047"), None).ink, "#fde047");
    }

    #[test]
    fn a_light_accent_is_refused_with_its_ratio() {
        let yellow = BrandColor::parse("#facc15").unwrap();
        let err = check_text_colour(&yellow).unwrap_err();
        assert_eq!(err.ratio, "1.53:1");
        assert!(err.to_string().contains("1.53:1"), "{err}");
        assert!(check_text_colour(&BrandColor::parse("#1d4ed8").unwrap()).is_ok());
        // A refused accent never reaches the page: links fall back to the brand's ink.
        let p = Palette::derive(&yellow, Some(&yellow));
        assert_eq!(p.accent, p.ink);
    }

    #[test]
    fn return_to_stays_on_the_host() {
        for ok in ["/", "/challenges", "/challenges/1?tab=open#top"] {
            assert_eq!(ReturnTo::sanitize(Some(ok)).as_str(), ok);
        }
        for bad in [
            "https://evil.test",
            "//evil.test",
            "/\\evil.test",
            "javascript:alert(1)",
            "evil.test",
            "",
            "/ok\nLocation: x",
            "/\tx",
        ] {
            assert_eq!(ReturnTo::sanitize(Some(bad)).as_str(), "/", "{bad:?}");
        }
        assert_eq!(ReturnTo::sanitize(None).as_str(), "/");
    }

    #[test]
    fn roles() {
        assert_eq!(Role::parse(" Marketer "), Ok(Role::Marketer));
        assert!(Role::parse("owner").is_err());
        assert!(Role::Admin > Role::Marketer && Role::Marketer > Role::Advocate);
    }
}
