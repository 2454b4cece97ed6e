//! The client's address, for rate limits and logs: the connection's peer, unless the peer
//! is a trusted proxy (`RALLY_TRUSTED_PROXIES`); then the last address in
//! `X-Forwarded-For` that is not itself a trusted proxy. Anyone can send the header, so
//! from an untrusted peer it is ignored.
use super::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use http::request::Parts;
use ipnet::IpNet;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The client's address; `None` when the connection has none (tests calling the router
/// directly).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(Self(peer.map(|p| {
            client_address(p, forwarded, &state.config.trusted_proxies)
        })))
    }
}

/// Walks `X-Forwarded-For` from the right (the entries the trusted proxies appended) to
/// the first address that is not a trusted proxy.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded: impl Iterator<Item = &'a str>,
    trusted: &[IpNet],
) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded.flat_map(|v| v.split(',')).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // Garbage in the chain: stop at the last address known good.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let xff = |v: &'static str| std::iter::once(v);
        // Untrusted peer: the header is the client's own claim, ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), xff("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        // Trusted proxy: the address it appended.
        assert_eq!(
            client_address(ip("10.0.0.2"), xff("198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        // A forged entry on the left does not help: the rightmost untrusted one wins.
        assert_eq!(
            client_address(
                ip("10.0.0.2"),
                xff("6.6.6.6, 198.51.100.7, 10.0.0.3"),
                &trusted
            ),
            ip("198.51.100.7")
        );
        // No header, or nothing usable: the proxy itself.
        assert_eq!(
            client_address(ip("10.0.0.2"), std::iter::empty(), &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), xff("not-an-ip"), &trusted),
            ip("10.0.0.2")
        );
    }
}
