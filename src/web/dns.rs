//! TXT look-ups for domain verification, through hickory-resolver: at
//! `RALLY_DNS_RESOLVER` when set (a test's own DNS server, or an internal resolver), else
//! at the system's resolvers. A fresh resolver per look-up: its cache must not keep a
//! record the customer has just added or removed.
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ProtocolConfig, ResolverConfig,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::Resolver;
use std::net::SocketAddr;

#[derive(Debug, thiserror::Error)]
#[error("the DNS look-up failed: {0}")]
pub struct DnsError(String);

/// A resolver at `addr`, or at the system's resolvers.
fn resolver(addr: Option<SocketAddr>) -> Result<Resolver<TokioRuntimeProvider>, DnsError> {
    let provider = TokioRuntimeProvider::default();
    let builder = match addr {
        Some(addr) => {
            let connection = |protocol| {
                let mut c = ConnectionConfig::new(protocol);
                c.port = addr.port();
                c
            };
            let server = NameServerConfig::new(
                addr.ip(),
                true,
                vec![
                    connection(ProtocolConfig::Udp),
                    connection(ProtocolConfig::Tcp),
                ],
            );
            Resolver::builder_with_config(ResolverConfig::from_name_servers(vec![server]), provider)
        }
        None => Resolver::builder(provider).map_err(|e| DnsError(e.to_string()))?,
    };
    builder.build().map_err(|e| DnsError(e.to_string()))
}

/// The addresses `name` resolves to (A and AAAA), for webhook targets.
pub async fn addresses(
    resolver_addr: Option<SocketAddr>,
    name: &str,
) -> Result<Vec<std::net::IpAddr>, DnsError> {
    let resolver = resolver(resolver_addr)?;
    let fqdn = format!("{}.", name.trim_end_matches('.'));
    match resolver.lookup_ip(fqdn.as_str()).await {
        Ok(lookup) => Ok(lookup.iter().collect()),
        Err(e) => Err(DnsError(e.to_string())),
    }
}

/// Every TXT string published at `name` (empty when there is no such record or name).
pub async fn txt_records(
    resolver_addr: Option<SocketAddr>,
    name: &str,
) -> Result<Vec<String>, DnsError> {
    let resolver = resolver(resolver_addr)?;
    let fqdn = format!("{}.", name.trim_end_matches('.'));
    match resolver.txt_lookup(fqdn.as_str()).await {
        Ok(lookup) => Ok(lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                // A long value arrives as several strings; they are one value.
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect()),
        Err(e) if e.is_no_records_found() || e.is_nx_domain() => Ok(Vec::new()),
        Err(e) => Err(DnsError(e.to_string())),
    }
}
