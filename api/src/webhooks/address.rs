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
}

/// Whether `ip` is on the public internet (not loopback, private, link-local, unique-local,
/// carrier-grade NAT, documentation, multicast or unspecified).
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
                || (a == 100 && (64..128).contains(&b))
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
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
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
    fn private_loopback_and_link_local_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["41.73.112.10", "8.8.8.8", "2001:4860:4860::8888"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
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
