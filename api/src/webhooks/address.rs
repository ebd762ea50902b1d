//! Which webhook URLs the server may call: `https` (plain `http` only outside production), no
//! credentials in the URL, and a host that resolves only to public addresses — no server-side
//! request forgery into the city's network — unless `WEBHOOK_ALLOW_PRIVATE` says otherwise.
use std::net::{IpAddr, SocketAddr};

/// Why a URL is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Malformed,
    Scheme,
    Credentials,
    Unresolvable,
    PrivateAddress(IpAddr),
}

impl Refusal {
    pub fn explain(&self) -> String {
        match self {
            Refusal::Malformed => "not an absolute http(s) URL".into(),
            Refusal::Scheme => "only https URLs are allowed".into(),
            Refusal::Credentials => "URLs may not carry credentials".into(),
            Refusal::Unresolvable => "the host does not resolve".into(),
            Refusal::PrivateAddress(ip) => format!("the host resolves to a non-public address ({ip})"),
        }
    }

    /// The same, in French.
    pub fn explain_fr(&self) -> String {
        match self {
            Refusal::Malformed => "ce n'est pas une adresse http(s) absolue".into(),
            Refusal::Scheme => "seules les adresses https sont acceptées".into(),
            Refusal::Credentials => "une adresse ne peut pas contenir d'identifiants".into(),
            Refusal::Unresolvable => "le nom d'hôte ne se résout pas".into(),
            Refusal::PrivateAddress(ip) => format!("l'hôte se résout en une adresse non publique ({ip})"),
        }
    }
}

/// IPv4 ranges that are not the public internet (IANA special-purpose registry): "this network",
/// private, shared (carrier-grade NAT), loopback, link-local, IETF protocol assignments,
/// documentation, the deprecated 6to4 relay anycast, benchmarking, multicast and reserved
/// (broadcast included).
const NON_PUBLIC_V4: &[([u8; 4], u8)] = &[
    ([0, 0, 0, 0], 8),
    ([10, 0, 0, 0], 8),
    ([100, 64, 0, 0], 10),
    ([127, 0, 0, 0], 8),
    ([169, 254, 0, 0], 16),
    ([172, 16, 0, 0], 12),
    ([192, 0, 0, 0], 24),
    ([192, 0, 2, 0], 24),
    ([192, 88, 99, 0], 24),
    ([192, 168, 0, 0], 16),
    ([198, 18, 0, 0], 15),
    ([198, 51, 100, 0], 24),
    ([203, 0, 113, 0], 24),
    ([224, 0, 0, 0], 4),
    ([240, 0, 0, 0], 4),
];

/// Parts of global unicast (2000::/3) that are not reachable hosts, or that tunnel to an IPv4
/// address we would have to trust: IETF protocol assignments (Teredo, benchmarking, ORCHID…),
/// documentation, 6to4, and the newer documentation prefix.
const NON_PUBLIC_V6: &[(u128, u8)] =
    &[(0x2001_0000 << 96, 23), (0x2001_0db8 << 96, 32), (0x2002 << 112, 16), (0x3fff << 112, 20)];

/// The NAT64 well-known prefix, 64:ff9b::/96: the address embeds the IPv4 one it reaches.
const NAT64: u128 = 0x0064_ff9b << 96;

fn in_range(address: u128, network: u128, prefix: u8, bits: u8) -> bool {
    let shift = u32::from(bits - prefix);
    address.checked_shr(shift) == network.checked_shr(shift)
}

/// Whether `ip` is on the public internet. IPv4 outside every special-purpose range; IPv6 in
/// global unicast (2000::/3) outside the tunnelling and documentation ranges, or an IPv4-mapped
/// or NAT64 address whose embedded IPv4 address is public. Everything else (IPv4-compatible,
/// unique-local, link- and site-local, multicast, discard, 64:ff9b:1::/48…) is not.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let address = u128::from(u32::from(v4));
            !NON_PUBLIC_V4
                .iter()
                .any(|(network, prefix)| in_range(address, u128::from(u32::from_be_bytes(*network)), *prefix, 32))
        }
        IpAddr::V6(v6) => {
            let address = u128::from(v6);
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            if in_range(address, NAT64, 96, 128) {
                // The low 32 bits are the IPv4 address: truncation is the point.
                return is_public(IpAddr::V4(std::net::Ipv4Addr::from(address as u32)));
            }
            in_range(address, 0x2000 << 112, 3, 128)
                && !NON_PUBLIC_V6.iter().any(|(network, prefix)| in_range(address, *network, *prefix, 128))
        }
    }
}

/// Parses and checks a webhook URL; returns it with the address to connect to (resolved once,
/// then pinned, so that the host cannot resolve elsewhere between the check and the call).
pub async fn check(url: &str, allow_http: bool, allow_private: bool) -> Result<(reqwest::Url, SocketAddr), Refusal> {
    let parsed = reqwest::Url::parse(url).map_err(|_| Refusal::Malformed)?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => return Err(Refusal::Scheme),
        _ => return Err(Refusal::Malformed),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Refusal::Credentials);
    }
    let host = parsed.host_str().ok_or(Refusal::Malformed)?.trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = parsed.port_or_known_default().ok_or(Refusal::Malformed)?;
    let addresses: Vec<SocketAddr> =
        tokio::net::lookup_host((host.as_str(), port)).await.map_err(|_| Refusal::Unresolvable)?.collect();
    let first = *addresses.first().ok_or(Refusal::Unresolvable)?;
    if !allow_private && let Some(bad) = addresses.iter().map(SocketAddr::ip).find(|ip| !is_public(*ip)) {
        return Err(Refusal::PrivateAddress(bad));
    }
    Ok((parsed, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_special_purpose_range_is_refused_and_public_addresses_are_allowed() {
        let refused = [
            ("0.0.0.0", "this network"),
            ("0.1.2.3", "this network"),
            ("10.1.2.3", "private"),
            ("100.64.0.1", "shared address space"),
            ("100.127.255.254", "shared address space"),
            ("127.0.0.1", "loopback"),
            ("169.254.169.254", "link-local"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.0.0.8", "IETF protocol assignments"),
            ("192.0.2.1", "TEST-NET-1"),
            ("192.88.99.1", "6to4 relay anycast"),
            ("192.168.1.1", "private"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.255", "benchmarking"),
            ("198.51.100.7", "TEST-NET-2"),
            ("203.0.113.9", "TEST-NET-3"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("255.255.255.255", "broadcast"),
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("::127.0.0.1", "IPv4-compatible"),
            ("::8.8.8.8", "IPv4-compatible, even of a public address"),
            ("::ffff:10.0.0.1", "IPv4-mapped private"),
            ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
            ("64:ff9b::7f00:1", "NAT64 of loopback"),
            ("64:ff9b::a9fe:a9fe", "NAT64 of link-local"),
            ("64:ff9b:1::a00:1", "NAT64 local-use"),
            ("100::1", "discard"),
            ("2001::1", "Teredo"),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
            ("2001:2::1", "benchmarking"),
            ("2001:10::1", "ORCHID"),
            ("2001:20::1", "ORCHIDv2"),
            ("2001:db8::1", "documentation"),
            ("2002:7f00:1::", "6to4 of loopback"),
            ("2002:808:808::1", "6to4, even of a public address"),
            ("3fff::1", "documentation (RFC 9637)"),
            ("fc00::1", "unique-local"),
            ("fd00::1", "unique-local"),
            ("fe80::1", "link-local"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
            ("4000::1", "outside global unicast"),
        ];
        for (ip, range) in refused {
            assert!(!is_public(ip.parse().unwrap()), "{ip} ({range}) is refused");
        }
        let allowed = [
            "41.73.112.10",
            "8.8.8.8",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "192.0.1.1",
            "198.17.255.255",
            "198.20.0.1",
            "223.255.255.255",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2001:4860:4860::8888",
            "2001:200::1",
            "2a00:1450:4007::1",
            "2c0f:f248::1",
        ];
        for ip in allowed {
            assert!(is_public(ip.parse().unwrap()), "{ip} is public");
        }
    }

    #[tokio::test]
    async fn urls_are_checked_for_scheme_credentials_and_address() {
        assert_eq!(check("ftp://x.example", true, true).await.unwrap_err(), Refusal::Malformed);
        assert_eq!(check("http://127.0.0.1/hook", false, true).await.unwrap_err(), Refusal::Scheme);
        assert_eq!(check("https://user:pw@127.0.0.1/hook", true, true).await.unwrap_err(), Refusal::Credentials);
        assert!(matches!(check("http://10.0.0.7/hook", true, false).await, Err(Refusal::PrivateAddress(_))));
        assert!(matches!(check("http://[::1]:9/hook", true, false).await, Err(Refusal::PrivateAddress(_))));
        assert!(check("http://127.0.0.1:9/hook", true, true).await.is_ok());
    }
}
