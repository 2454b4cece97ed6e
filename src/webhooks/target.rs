//! Where a webhook may go, and the HTTP client that takes it there.
//!
//! A hub admin chooses the URL, so it must not reach Rally's own network (SSRF): loopback,
//! private, link-local (cloud metadata at 169.254.169.254), shared, multicast and
//! unspecified addresses are refused — when the URL is subscribed, and again at every
//! delivery, by the client's own resolver, so a name that later resolves inward (DNS
//! rebinding) is refused too. Redirects are not followed and proxies are not used: either
//! would lead around the check. `RALLY_WEBHOOK_ALLOW_PRIVATE` lifts the refusal, for
//! development only.
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Private(String),
}

/// Is this an address on the public internet?
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                // Shared address space (carrier-grade NAT), and 192.0.0.0/24, 198.18.0.0/15.
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // Unique local (fc00::/7) and link-local (fe80::/10).
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                // Documentation (2001:db8::/32).
                || (first == 0x2001 && v6.segments()[1] == 0x0db8))
        }
    }
}

/// Checks a URL an admin typed: http(s), a host, no credentials; and, unless private
/// targets are allowed, that it does not point inward now.
pub async fn check_url(
    raw: &str,
    allow_private: bool,
    resolver: Option<SocketAddr>,
) -> Result<url::Url, TargetError> {
    let invalid = |m: &str| TargetError::Invalid(m.to_string());
    let raw = raw.trim();
    if raw.len() > 2000 {
        return Err(invalid("Use a URL of at most 2,000 characters."));
    }
    let url = url::Url::parse(raw)
        .map_err(|_| invalid("Enter a full URL, like https://example.com/hooks/rally."))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid("The URL must start with https:// (or http://)."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "Leave credentials out of the URL; check the signature instead.",
        ));
    }
    let host = match url.host() {
        None => return Err(invalid("The URL needs a host name.")),
        Some(h) => h.to_owned(),
    };
    if allow_private {
        return Ok(url);
    }
    let inward = |what: String| {
        TargetError::Private(format!(
            "{what} is a private, loopback or link-local address; webhooks go to public addresses only."
        ))
    };
    match host {
        url::Host::Ipv4(ip) if !is_public(ip.into()) => Err(inward(ip.to_string())),
        url::Host::Ipv6(ip) if !is_public(ip.into()) => Err(inward(ip.to_string())),
        url::Host::Domain(name) => {
            let addrs = crate::domains::dns::addresses(resolver, &name)
                .await
                .map_err(|_| invalid(&format!("{name} could not be resolved.")))?;
            match addrs.iter().find(|a| !is_public(**a)) {
                Some(a) => Err(inward(format!("{name} resolves to {a}, which"))),
                None => Ok(url),
            }
        }
        _ => Ok(url),
    }
}

/// Resolves for the HTTP client, refusing names that lead inward.
struct GuardedResolver {
    allow_private: bool,
    resolver: Option<SocketAddr>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let (allow_private, resolver) = (self.allow_private, self.resolver);
        let name = name.as_str().to_string();
        Box::pin(async move {
            let addrs = crate::domains::dns::addresses(resolver, &name).await?;
            if !allow_private {
                if let Some(a) = addrs.iter().find(|a| !is_public(**a)) {
                    return Err(format!("{name} resolves to {a}, a private address").into());
                }
            }
            let addrs: reqwest::dns::Addrs =
                Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// The webhook HTTP client: guarded resolver, no redirects, no proxy, a time limit.
#[derive(Clone)]
pub struct Targets {
    pub http: reqwest::Client,
    pub allow_private: bool,
    pub resolver: Option<SocketAddr>,
}

impl Targets {
    pub fn new(
        allow_private: bool,
        resolver: Option<SocketAddr>,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private,
                resolver,
            }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(timeout)
            .timeout(timeout)
            .user_agent("Rally-Webhooks/1")
            .build()?;
        Ok(Self {
            http,
            allow_private,
            resolver,
        })
    }

    /// A literal address in the URL never meets the resolver: checked here.
    pub fn literal_refused(&self, url: &url::Url) -> Option<String> {
        if self.allow_private {
            return None;
        }
        let ip: IpAddr = match url.host()? {
            url::Host::Ipv4(ip) => ip.into(),
            url::Host::Ipv6(ip) => ip.into(),
            url::Host::Domain(_) => return None,
        };
        (!is_public(ip)).then(|| format!("{ip} is a private address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inward_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn urls_are_checked_before_any_lookup() {
        let refused = |r: Result<url::Url, TargetError>| r.unwrap_err();
        assert!(matches!(
            refused(check_url("not a url", false, None).await),
            TargetError::Invalid(_)
        ));
        assert!(matches!(
            refused(check_url("ftp://example.com/", false, None).await),
            TargetError::Invalid(_)
        ));
        assert!(matches!(
            refused(check_url("https://u:p@example.com/", false, None).await),
            TargetError::Invalid(_)
        ));
        assert!(matches!(
            refused(check_url("http://127.0.0.1:8080/", false, None).await),
            TargetError::Private(_)
        ));
        assert!(matches!(
            refused(check_url("http://[::1]/", false, None).await),
            TargetError::Private(_)
        ));
        assert!(matches!(
            refused(check_url("http://169.254.169.254/latest", false, None).await),
            TargetError::Private(_)
        ));
        assert!(check_url("http://127.0.0.1:8080/", true, None)
            .await
            .is_ok());
    }
}
