//! Value grammars shared by modules: ports and ranges, numbers, comma lists, quoted text.

use super::Ctx;
use crate::lexer::save_quote;
use crate::rule::Opt;

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

/// iptables' `xtables_strtoul` with base 0: decimal, `0x` hex or leading-`0` octal, no sign,
/// at most `max`.
pub fn parse_uint(text: &str, max: u64) -> Option<u64> {
    let value = if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(hex, 16).ok()?
    } else if text.len() > 1 && text.starts_with('0') {
        let octal = &text[1..];
        if !octal.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return None;
        }
        u64::from_str_radix(octal, 8).ok()?
    } else {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse::<u64>().ok()?
    };
    (value <= max).then_some(value)
}

/// An unsigned number up to `max` (decimal, hex or octal), saved in decimal, with iptables'
/// wording when refused.
pub fn uint(text: &str, max: u64) -> Result<String, String> {
    parse_uint(text, max)
        .map(|v| v.to_string())
        .ok_or_else(|| format!("Value \"{text}\" out of range or invalid (0-{max})"))
}

/// A range `A`, `A:B`, `A:`, `:B` or `:` of unsigned numbers (or of names `name` resolves)
/// whose missing ends are 0 and `max`; `A > B` is refused.
pub fn parse_uint_range(
    text: &str,
    max: u64,
    name: Option<fn(&str) -> Option<u64>>,
) -> Result<(u64, u64), String> {
    let one = |part: &str| -> Result<u64, String> {
        parse_uint(part, max)
            .or_else(|| name.and_then(|f| f(part)).filter(|v| *v <= max))
            .ok_or_else(|| format!("Value \"{part}\" out of range or invalid (0-{max})"))
    };
    let (low, high) = match text.split_once(':') {
        None => {
            let v = one(text)?;
            (v, v)
        }
        Some((a, b)) => {
            if b.contains(':') {
                return Err(format!("Too many elements in range \"{text}\""));
            }
            let low = if a.is_empty() { 0 } else { one(a)? };
            let high = if b.is_empty() { max } else { one(b)? };
            (low, high)
        }
    };
    if low > high {
        return Err(format!("Invalid range \"{text}\": {low} > {high}"));
    }
    Ok((low, high))
}

/// `A` when both ends are equal, else `A:B`.
pub fn range_text(low: u64, high: u64) -> String {
    if low == high {
        low.to_string()
    } else {
        format!("{low}:{high}")
    }
}

/// A range of numbers up to `max` in saved form (`3:3` → `3`, `:4` → `0:4`).
pub fn uint_range(text: &str, max: u64) -> Result<String, String> {
    let (low, high) = parse_uint_range(text, max, None)?;
    Ok(range_text(low, high))
}

/// A port range with names allowed, in saved form (`:` → `0:65535`).
pub fn port_range_full(text: &str) -> Result<String, String> {
    let (low, high) = parse_uint_range(text, 65535, Some(|p| port_number(p).map(u64::from)))
        .map_err(|_| format!("invalid port/service `{text}' specified"))?;
    Ok(range_text(low, high))
}

/// Drop option `name` when it is not negated and covers the whole range `full` (iptables-save
/// leaves out a range that matches everything).
pub fn drop_full_range(options: &mut Vec<Opt>, name: &str, full: &str) {
    options
        .retain(|o| !(o.name == name && !o.negated && o.args.first().is_some_and(|a| a == full)));
}

/// Hex as iptables-save prints a 32-bit mark: `0x…` without leading zeros.
pub fn hex(value: u64) -> String {
    format!("{value:#x}")
}

/// `VALUE[/MASK]` of 32-bit numbers.
pub fn parse_value_mask(text: &str, max: u64) -> Option<(u64, Option<u64>)> {
    match text.split_once('/') {
        Some((v, m)) => Some((parse_uint(v, max)?, Some(parse_uint(m, max)?))),
        None => Some((parse_uint(text, max)?, None)),
    }
}

/// Whether an option called `name` was given.
pub fn has(options: &[Opt], name: &str) -> bool {
    options.iter().any(|o| o.name == name)
}

/// How many of `names` were given.
pub fn count(options: &[Opt], names: &[&str]) -> usize {
    options
        .iter()
        .filter(|o| names.contains(&o.name.as_str()))
        .count()
}

/// The first argument of option `name`, if given.
pub fn arg<'a>(options: &'a [Opt], name: &str) -> Option<&'a str> {
    options
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| o.args.first())
        .map(String::as_str)
}

/// A new option with canonical arguments (for defaults iptables-save prints).
pub fn new_opt(name: &str, args: &[&str]) -> Opt {
    Opt {
        name: name.to_owned(),
        negated: false,
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        range: Default::default(),
    }
}

/// Refuse more than one of `names` (`--a` and `--b` cannot be combined).
pub fn exclusive(options: &[Opt], names: &[&str]) -> Result<(), String> {
    let given: Vec<&str> = names.iter().copied().filter(|n| has(options, n)).collect();
    if given.len() > 1 {
        return Err(format!(
            "option \"--{}\" cannot be used together with \"--{}\"",
            given[1], given[0]
        ));
    }
    Ok(())
}

/// Require exactly one of `names`.
pub fn one_of(options: &[Opt], names: &[&str]) -> Result<(), String> {
    exclusive(options, names)?;
    if count(options, names) == 0 {
        let list: Vec<String> = names.iter().map(|n| format!("--{n}")).collect();
        return Err(format!("one of {} is required", list.join(", ")));
    }
    Ok(())
}

/// Require option `name`.
pub fn required(options: &[Opt], name: &str) -> Result<(), String> {
    if has(options, name) {
        Ok(())
    } else {
        Err(format!("option \"--{name}\" must be specified"))
    }
}
