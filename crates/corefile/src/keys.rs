//! Server block keys (`[scheme://]zone[:port]`) as CoreDNS normalises them: transport and
//! default port, fully qualified lower-case zone, CIDR keys turned into reverse zones split
//! at octet (IPv4) or nibble (IPv6) boundaries.

use std::net::IpAddr;

use ipnet::IpNet;

/// A normalised key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// `dns`, `tls`, `quic`, `grpc`, `https`, `https3` or `unix`.
    pub transport: String,
    /// Zones served, fully qualified and lower-case (several for a CIDR key).
    pub zones: Vec<String>,
    /// Port (the transport's default when not written).
    pub port: String,
}

const TRANSPORTS: &[(&str, &str)] = &[
    ("dns", "53"),
    ("tls", "853"),
    ("quic", "853"),
    ("grpc", "443"),
    ("https", "443"),
    ("https3", "443"),
    ("unix", ""),
];

/// Normalise a key, with CoreDNS's error wording.
pub fn normalize(key: &str) -> Result<Key, String> {
    let (transport, rest) = match key.split_once("://") {
        Some((scheme, rest)) => {
            let scheme = scheme.to_ascii_lowercase();
            if !TRANSPORTS.iter().any(|(t, _)| *t == scheme) {
                return Err(format!("unknown transport scheme `{scheme}://` in `{key}`"));
            }
            (scheme, rest)
        }
        None => ("dns".to_owned(), key),
    };
    let default_port = TRANSPORTS
        .iter()
        .find(|(t, _)| *t == transport)
        .map_or("53", |(_, p)| *p);
    let (host, port) = split_host_port(rest)?;
    let zones = zones_of(&host)?;
    Ok(Key {
        transport,
        zones,
        port: port.unwrap_or_else(|| default_port.to_owned()),
    })
}

/// The port is the text after the last `:` when it is a number.
fn split_host_port(text: &str) -> Result<(String, Option<String>), String> {
    match text.rfind(':') {
        Some(colon) if colon + 1 == text.len() => {
            Err(format!("expecting data after last colon: \"{text}\""))
        }
        Some(colon) => match text[colon + 1..].parse::<u32>() {
            Ok(port) => Ok((text[..colon].to_owned(), Some(port.to_string()))),
            Err(_) => Ok((text.to_owned(), None)),
        },
        None => Ok((text.to_owned(), None)),
    }
}

/// Fully qualified, lower-case.
pub fn fqdn(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with('.') {
        lower
    } else {
        format!("{lower}.")
    }
}

fn is_domain_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 255 {
        return false;
    }
    if name == "." {
        return true;
    }
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    !trimmed.is_empty()
        && trimmed
            .split('.')
            .all(|label| !label.is_empty() && label.len() <= 63)
}

/// The zones a key's host part stands for.
pub fn zones_of(host: &str) -> Result<Vec<String>, String> {
    if host.len() > 255 {
        return Err(format!("specified zone is too long: {} > 255", host.len()));
    }
    if let Ok(net) = host.parse::<IpNet>() {
        return reverse_zones(&net)
            .ok_or_else(|| format!("zone is not a valid reverse zone: {host}"));
    }
    if !is_domain_name(host) {
        return Err(format!("zone is not a valid domain name: {host}"));
    }
    Ok(vec![fqdn(host)])
}

/// The reverse zones of a network: one per octet/nibble-aligned subnet it covers.
pub fn reverse_zones(net: &IpNet) -> Option<Vec<String>> {
    match net.addr() {
        IpAddr::V4(addr) => {
            let prefix = u32::from(net.prefix_len());
            let boundary = prefix.div_ceil(8) * 8;
            let count = 1u32 << (boundary - prefix);
            let base = u32::from(addr) & mask32(prefix);
            let octets = (boundary / 8) as usize;
            Some(
                (0..count)
                    .map(|i| {
                        let step = 1u64 << (32 - boundary);
                        let network = (u64::from(base) + u64::from(i) * step) as u32;
                        let bytes = network.to_be_bytes();
                        let mut labels: Vec<String> =
                            bytes[..octets].iter().rev().map(u8::to_string).collect();
                        labels.push("in-addr.arpa.".into());
                        labels.join(".")
                    })
                    .collect(),
            )
        }
        IpAddr::V6(addr) => {
            // An IPv4-mapped address is IPv4 to Go (and an IPv6 prefix is then meaningless).
            if addr.to_ipv4_mapped().is_some() {
                return None;
            }
            let prefix = u32::from(net.prefix_len());
            let boundary = prefix.div_ceil(4) * 4;
            let count = 1u128 << (boundary - prefix);
            let base = u128::from(addr) & mask128(prefix);
            let nibbles = (boundary / 4) as usize;
            Some(
                (0..count)
                    .map(|i| {
                        let network = base.wrapping_add(i.checked_shl(128 - boundary).unwrap_or(0));
                        let hex = format!("{network:032x}");
                        let mut labels: Vec<String> = hex[..nibbles]
                            .chars()
                            .rev()
                            .map(|c| c.to_string())
                            .collect();
                        labels.push("ip6.arpa.".into());
                        labels.join(".")
                    })
                    .collect(),
            )
        }
    }
}

fn mask32(prefix: u32) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    }
}

fn mask128(prefix: u32) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(normalize(".:53").expect("ok").zones, ["."]);
        assert_eq!(
            normalize("Example.ORG").expect("ok").zones,
            ["example.org."]
        );
        assert_eq!(normalize("tls://example.org").expect("ok").port, "853");
        assert_eq!(
            normalize("10.0.0.0/15").expect("ok").zones,
            ["0.10.in-addr.arpa.", "1.10.in-addr.arpa."]
        );
        assert_eq!(
            normalize("10.0.0.0/8:53").expect("ok").zones,
            ["10.in-addr.arpa."]
        );
        assert_eq!(normalize("10.9.3.0/18").expect("ok").zones.len(), 64);
        assert!(normalize("example.org:").is_err());
    }
}
