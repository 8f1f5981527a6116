//! Value grammars shared by modules: ports and ranges, numbers, comma lists, quoted text.

use super::Ctx;
use crate::lexer::save_quote;

/// A port or service name: iptables resolves names with getservbyname; gblint knows the
/// common ones and never reads /etc/services (results must not depend on the machine).
pub fn port_number(text: &str) -> Option<u16> {
    if let Ok(n) = text.parse::<u32>() {
        return u16::try_from(n).ok();
    }
    let known = [
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
    ];
    known
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, port)| *port)
}

/// `--sport`/`--dport` of tcp/udp: `P`, `A:B`, `A:`, `:B`, `:` → saved `P` or `A:B`
/// (`4:4` → `4`, `1024:` → `1024:65535`, `:` → `0:65535`). `A > B` is refused.
pub fn port_range(text: &str, _: &Ctx<'_>) -> Result<String, String> {
    let invalid = || format!("invalid port/service `{text}' specified");
    match text.split_once(':') {
        None => port_number(text).map(|p| p.to_string()).ok_or_else(invalid),
        Some((a, b)) => {
            let low = if a.is_empty() {
                0
            } else {
                port_number(a).ok_or_else(invalid)?
            };
            let high = if b.is_empty() {
                65535
            } else {
                port_number(b).ok_or_else(invalid)?
            };
            if low > high {
                return Err(format!("invalid portrange ({text}) specified"));
            }
            Ok(if low == high {
                low.to_string()
            } else {
                format!("{low}:{high}")
            })
        }
    }
}

/// Parse a saved port or range back into numbers.
pub fn parse_port_range(text: &str) -> Option<(u16, u16)> {
    match text.split_once(':') {
        None => text.parse().ok().map(|p| (p, p)),
        Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
    }
}

/// An unsigned number up to `max`, saved in decimal.
pub fn number(text: &str, max: u64) -> Result<String, String> {
    let value = if let Some(hex) = text.strip_prefix("0x") {
        u64::from_str_radix(hex, 16).ok()
    } else {
        text.parse::<u64>().ok()
    };
    match value {
        Some(v) if v <= max => Ok(v.to_string()),
        _ => Err(format!("invalid value `{text}'")),
    }
}

/// Free text saved with iptables-save's quoting (`--comment`, `--log-prefix`), at most
/// `max` bytes.
pub fn text(value: &str, max: usize) -> Result<String, String> {
    if value.len() > max {
        return Err(format!("text longer than {max} bytes"));
    }
    Ok(save_quote(value))
}

/// A comma-separated list whose items must all be in `allowed` (case-insensitive), saved
/// upper-case in the order given.
pub fn keyword_list(text: &str, allowed: &[&str]) -> Result<String, String> {
    let mut out = Vec::new();
    for item in text.split(',') {
        let upper = item.to_ascii_uppercase();
        if !allowed.contains(&upper.as_str()) {
            return Err(format!("bad value `{item}'"));
        }
        out.push(upper);
    }
    Ok(out.join(","))
}
