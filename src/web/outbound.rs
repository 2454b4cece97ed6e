//! Outbound HTTP to addresses customers choose (webhooks): where it may go, and the
//! client that takes it there.
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
            let s = v6.segments();
            let v4_in = |hi: u16, lo: u16| {
                std::net::Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)
            };
            // Forms that carry an IPv4 address: judged by it. IPv4-mapped (::ffff:0:0/96),
            // IPv4-compatible (::/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            if s[..6] == [0; 6] && !v6.is_loopback() && !v6.is_unspecified() {
                return is_public(IpAddr::V4(v4_in(s[6], s[7])));
            }
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public(IpAddr::V4(v4_in(s[6], s[7])));
            }
            if s[0] == 0x2002 {
                return is_public(IpAddr::V4(v4_in(s[1], s[2])));
            }
            let first = s[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // Unique local (fc00::/7), link-local (fe80::/10), site-local (fec0::/10).
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                // Local-use NAT64 (64:ff9b:1::/48), discard-only (100::/64), Teredo and
                // other IETF protocol assignments (2001::/23), documentation (2001:db8::/32).
                || (s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1)
                || (s[0] == 0x100 && s[1..4] == [0, 0, 0])
                || (first == 0x2001 && s[1] < 0x0200)
                || (first == 0x2001 && s[1] == 0x0db8))
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
    // Which address a name has is not said: that would map an internal network for
    // whoever types names into the form.
    let inward = || {
        TargetError::Private(
            "That URL leads to a private, loopback or link-local address; webhooks go to public addresses only."
                .into(),
        )
    };
    match host {
        url::Host::Ipv4(ip) if !is_public(ip.into()) => Err(inward()),
        url::Host::Ipv6(ip) if !is_public(ip.into()) => Err(inward()),
        url::Host::Domain(name) => {
            let addrs = super::dns::addresses(resolver, &name)
                .await
                .map_err(|_| invalid(&format!("{name} could not be resolved.")))?;
            if addrs.iter().any(|a| !is_public(*a)) {
                return Err(inward());
            }
            Ok(url)
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
            let addrs = super::dns::addresses(resolver, &name).await?;
            if !allow_private && addrs.iter().any(|a| !is_public(*a)) {
                return Err(format!("{name} resolves to a private address").into());
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
        (!is_public(ip)).then(|| "the URL names a private address".to_string())
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
            "::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "2002:7f00:1::",
            "2002:a00:1::1",
            "fec0::1",
            "100::1",
            "2001::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "64:ff9b::5db8:d822",
            "2002:5db8:d822::1",
        ] {
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
        // Other spellings of 127.0.0.1 are parsed to it first.
        for url in [
            "http://2130706433/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://[::ffff:7f00:1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
        ] {
            assert!(
                matches!(
                    refused(check_url(url, false, None).await),
                    TargetError::Private(_)
                ),
                "{url}"
            );
        }
        assert!(check_url("http://127.0.0.1:8080/", true, None)
            .await
            .is_ok());
    }
}
