//! `-p` protocols: the names iptables knows, their numbers and their saved form.

use crate::rule::Family;

/// Protocol names iptables accepts with their numbers (save prints the name).
const PROTOCOLS: &[(&str, u8)] = &[
    ("tcp", 6),
    ("udp", 17),
    ("udplite", 136),
    ("icmp", 1),
    ("ipv6-icmp", 58),
    ("icmpv6", 58),
    ("esp", 50),
    ("ah", 51),
    ("sctp", 132),
    ("dccp", 33),
    ("gre", 47),
    ("igmp", 2),
    ("ipencap", 4),
    ("ipip", 94),
    ("ipcomp", 108),
    ("mobility-header", 135),
    ("pim", 103),
    ("rsvp", 46),
    ("ipv6-route", 43),
    ("ipv6-frag", 44),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("ipv6", 41),
    ("ospf", 89),
    ("vrrp", 112),
    ("l2tp", 115),
];

/// The number of a protocol in saved form (`tcp` → 6, `all` → 0).
pub fn protocol_number(canonical: &str) -> Option<u8> {
    if canonical == "all" {
        return Some(0);
    }
    PROTOCOLS
        .iter()
        .find(|(name, _)| *name == canonical)
        .map(|(_, n)| *n)
        .or_else(|| canonical.parse().ok())
}

/// `-p` value in saved form.
pub fn canonical_protocol(text: &str, family: Family) -> Result<String, String> {
    let lower = text.to_ascii_lowercase();
    if lower == "all" || lower == "0" {
        return Ok("all".into());
    }
    if lower == "icmpv6" || (lower == "ipv6-icmp") {
        return Ok("ipv6-icmp".into());
    }
    // iptables' own names for 135; /etc/protocols calls it mobility-header.
    if lower == "mh" || lower == "ipv6-mh" {
        return Ok("mobility-header".into());
    }
    if let Some((name, _)) = PROTOCOLS.iter().find(|(name, _)| *name == lower) {
        let _ = family;
        return Ok((*name).to_owned());
    }
    if let Ok(number) = lower.parse::<u8>() {
        if let Some((name, _)) = PROTOCOLS
            .iter()
            .find(|(name, n)| *n == number && *name != "icmpv6")
        {
            return Ok((*name).to_owned());
        }
        return Ok(number.to_string());
    }
    Err(format!("unknown protocol \"{text}\" specified"))
}
