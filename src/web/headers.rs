//! Security headers on every response: pages, static files, redirects and error pages.
//!
//! Pages get a Content-Security-Policy carrying the per-response nonce of their hydration
//! script ([`page_csp`], set by the app shell); every other response gets a strict one
//! without scripts. Framing is refused everywhere; HSTS is sent when the site is served
//! over https.
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// For anything that is not a page: no scripts, no frames; the plain status pages keep
/// their inline style.
pub(crate) const DEFAULT_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The CSP of a page: its own origin, its hydration script by nonce (and the wasm it
/// compiles), inline style attributes (the hub's brand colours), images from anywhere over
/// https (logos), no frames.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; \
         frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
}

/// `Strict-Transport-Security`, sent only when the site is served over https.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// A page whose own CSP (with its script nonce) did not reach the response: its styles and
/// images still load, only inline scripts are refused (every page works without them).
const PAGE_CSP_WITHOUT_NONCE: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; \
     frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub async fn security_headers(State(https): State<bool>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    // Seen in CI once: a page rendered without the CSP the app shell sets. The strict
    // default would then refuse its stylesheet and leave the page unstyled. (The plain
    // status pages set the strict default themselves, see `pages::message_page`.)
    if html && !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        tracing::warn!(%path, "a page came without its CSP; using one without a script nonce");
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP_WITHOUT_NONCE),
        );
    }
    let mut set = |name: header::HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(header::CONTENT_SECURITY_POLICY, DEFAULT_CSP);
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    res
}

/// Static files may be cached: one whose name carries its content hash (`rally.<hash>.js`,
/// from a build with `hash-files`) never changes, so browsers keep it for a year without
/// asking; any other is kept but revalidated on use (a 304 by `Last-Modified`), so a new
/// build is picked up at once.
pub async fn static_cache(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let cacheable = res.status().is_success() || res.status() == http::StatusCode::NOT_MODIFIED;
    if cacheable && super::sessions::is_static_asset(&path) {
        let value = if has_content_hash(&path) {
            "public, max-age=31536000, immutable"
        } else {
            "public, no-cache"
        };
        res.headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static(value));
    }
    res
}

/// `name.<hash>.ext`: a middle part of the file name long enough to be a digest
/// (cargo-leptos writes 22 URL-safe base64 characters).
pub fn has_content_hash(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let parts: Vec<&str> = file.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|p| {
            p.len() >= 16
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::has_content_hash;

    #[test]
    fn hashed_asset_names_are_told_apart() {
        assert!(has_content_hash("/pkg/rally.7Fq2x9LmZ0aBcDxyzw.js"));
        assert!(has_content_hash("/pkg/rally.AbCdEfGhIjKlMnOpQrStUv.css"));
        assert!(has_content_hash("/pkg/rally_bg.0123456789abcdef.wasm"));
        assert!(!has_content_hash("/pkg/rally.js"));
        assert!(!has_content_hash("/pkg/rally.css"));
        assert!(!has_content_hash("/favicon.svg"));
        assert!(!has_content_hash("/pkg/jquery.min.js"));
    }
}
