//! Server block keys (`[scheme://]zone[:port]`) as CoreDNS normalises them: transport and
//! default port, fully qualified lower-case zone, CIDR keys turned into reverse zones split
//! at octet (IPv4) or nibble (IPv6) boundaries.

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

/// The reverse zones of a network: one per octet/nibble-aligned subnet it covers (the network
/// widened to the next octet or nibble boundary, split with ipnet's `subnets`).
pub fn reverse_zones(net: &IpNet) -> Option<Vec<String>> {
    match net {
        IpNet::V4(net) => {
            let boundary = net.prefix_len().div_ceil(8) * 8;
            let octets = usize::from(boundary / 8);
            let subnets = net.trunc().subnets(boundary).ok()?;
            Some(
                subnets
                    .map(|subnet| {
                        let bytes = subnet.network().octets();
                        let mut labels: Vec<String> =
                            bytes[..octets].iter().rev().map(u8::to_string).collect();
                        labels.push("in-addr.arpa.".into());
                        labels.join(".")
                    })
                    .collect(),
            )
        }
        IpNet::V6(net) => {
            // An IPv4-mapped address is IPv4 to Go (and an IPv6 prefix is then meaningless).
            if net.addr().to_ipv4_mapped().is_some() {
                return None;
            }
            let boundary = net.prefix_len().div_ceil(4) * 4;
            let nibbles = usize::from(boundary / 4);
            let subnets = net.trunc().subnets(boundary).ok()?;
            Some(
                subnets
                    .map(|subnet| {
                        let hex = format!("{:032x}", u128::from(subnet.network()));
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
        assert_eq!(normalize("0.0.0.0/0").expect("ok").zones, ["in-addr.arpa."]);
        assert_eq!(
            normalize("10.1.2.3/31").expect("ok").zones,
            ["2.2.1.10.in-addr.arpa.", "3.2.1.10.in-addr.arpa."]
        );
        let zones = |net: &str| reverse_zones(&net.parse().expect("a network"));
        assert_eq!(zones("::/0"), Some(vec!["ip6.arpa.".to_owned()]));
        assert_eq!(
            zones("2001:db8::/31"),
            Some(vec![
                "8.b.d.0.1.0.0.2.ip6.arpa.".to_owned(),
                "9.b.d.0.1.0.0.2.ip6.arpa.".to_owned()
            ])
        );
        assert_eq!(zones("::ffff:10.0.0.0/104"), None);
    }
}
