//! Ports, port ranges and the service names gblint knows.

use super::numbers::{parse_uint_range, range_text, split_range, RangeText};

/// A port or service name: iptables resolves names with getservbyname; gblint knows the
/// common ones and never reads /etc/services (results must not depend on the machine).
pub fn port_number(text: &str) -> Option<u16> {
    if let Ok(n) = text.parse::<u32>() {
        return u16::try_from(n).ok();
    }
    let known = [
        ("echo", 7),
        ("discard", 9),
        ("daytime", 13),
        ("ftp-data", 20),
        ("ssh", 22),
        ("http", 80),
        ("https", 443),
        ("domain", 53),
        ("smtp", 25),
        ("ftp", 21),
        ("telnet", 23),
        ("ntp", 123),
        ("imap", 143),
        ("imaps", 993),
        ("pop3", 110),
        ("pop3s", 995),
        ("submission", 587),
        ("smtps", 465),
        ("bootps", 67),
        ("bootpc", 68),
        ("snmp", 161),
        ("ldap", 389),
        ("ldaps", 636),
        ("mysql", 3306),
        ("postgresql", 5432),
        ("redis", 6379),
        ("tftp", 69),
        ("gopher", 70),
        ("finger", 79),
        ("www", 80),
        ("kerberos", 88),
        ("sunrpc", 111),
        ("auth", 113),
        ("nntp", 119),
        ("netbios-ns", 137),
        ("netbios-dgm", 138),
        ("netbios-ssn", 139),
        ("snmp-trap", 162),
        ("bgp", 179),
        ("irc", 194),
        ("microsoft-ds", 445),
        ("isakmp", 500),
        ("syslog", 514),
        ("printer", 515),
        ("rsync", 873),
        ("openvpn", 1194),
        ("ms-sql-s", 1433),
        ("nfs", 2049),
        ("svn", 3690),
        ("sip", 5060),
        ("xmpp-client", 5222),
        ("x11", 6000),
        ("http-alt", 8080),
    ];
    known
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, port)| *port)
}

/// `--sport`/`--dport` of tcp/udp: `P`, `A:B`, `A:`, `:B`, `:` → saved `P` or `A:B`
/// (`4:4` → `4`, `1024:` → `1024:65535`, `:` → `0:65535`). `A > B` is refused. Unlike
/// [`port_range_full`], each end is a decimal number or a service name.
pub fn canonical_port_range(text: &str) -> Result<String, String> {
    let invalid = || format!("invalid port/service `{text}' specified");
    let (low, high) = match split_range(text) {
        RangeText::Single(port) => {
            return port_number(port).map(|p| p.to_string()).ok_or_else(invalid)
        }
        RangeText::Span(a, b) => (
            a.map_or(Some(0), port_number).ok_or_else(invalid)?,
            b.map_or(Some(65535), port_number).ok_or_else(invalid)?,
        ),
    };
    if low > high {
        return Err(format!("invalid portrange ({text}) specified"));
    }
    Ok(range_text(u64::from(low), u64::from(high)))
}

/// Parse a saved port or range back into numbers.
pub fn parse_port_range(text: &str) -> Option<(u16, u16)> {
    match text.split_once(':') {
        None => text.parse().ok().map(|p| (p, p)),
        Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
    }
}

/// A port range with names allowed and ends in base-0 notation, in saved form (`:` →
/// `0:65535`).
pub fn port_range_full(text: &str) -> Result<String, String> {
    let (low, high) = parse_uint_range(text, 65535, Some(|p| port_number(p).map(u64::from)))
        .map_err(|_| format!("invalid port/service `{text}' specified"))?;
    Ok(range_text(low, high))
}
