//! `-p` protocols: the names iptables knows, their numbers and their saved form.

use std::borrow::Cow;

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

/// `-p` value in saved form (a name of the table, without a copy, unless it is a number
/// without a name).
pub fn canonical_protocol(text: &str, family: Family) -> Result<Cow<'static, str>, String> {
    let is = |name: &str| text.eq_ignore_ascii_case(name);
    if is("all") || text == "0" {
        return Ok(Cow::Borrowed("all"));
    }
    if is("icmpv6") || is("ipv6-icmp") {
        return Ok(Cow::Borrowed("ipv6-icmp"));
    }
    // iptables' own names for 135; /etc/protocols calls it mobility-header.
    if is("mh") || is("ipv6-mh") {
        return Ok(Cow::Borrowed("mobility-header"));
    }
    if let Some((name, _)) = PROTOCOLS.iter().find(|(name, _)| is(name)) {
        let _ = family;
        return Ok(Cow::Borrowed(name));
    }
    if let Ok(number) = text.parse::<u8>() {
        if let Some((name, _)) = PROTOCOLS
            .iter()
            .find(|(name, n)| *n == number && *name != "icmpv6")
        {
            return Ok(Cow::Borrowed(name));
        }
        return Ok(Cow::Owned(number.to_string()));
    }
    Err(format!("unknown protocol \"{text}\" specified"))
}
