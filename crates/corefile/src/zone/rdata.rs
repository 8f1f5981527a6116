//! Field-level knowledge: TTL syntax, class and type names, domain names and the typed RDATA
//! checks. Everything here works on the words exactly as written and only reports; the
//! parser decides what to do with a record that fails a check (it keeps it).

use std::net::{Ipv4Addr, Ipv6Addr};

use gblint_diagnostics::TextRange;

/// One RDATA word: its text as written and where it is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field<'a> {
    pub text: &'a str,
    pub range: TextRange,
}

/// A problem found in one record's RDATA: message and where to point.
pub(crate) type FieldProblem = (String, TextRange);

/// Parse a TTL as BIND and miekg/dns accept it: plain seconds (`3600`) or number–unit pairs
/// with units `s m h d w` in either case, combinable (`1h30m`, `1w2d`). A trailing bare number
/// counts as seconds (`1h30`). `None` when the text is not a TTL or overflows `u32`.
pub fn parse_ttl(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    let mut total: u32 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let (number, after) = rest.split_at(digits);
        let value: u32 = number.parse().ok()?;
        let (multiplier, after) = match after.bytes().next().map(|b| b.to_ascii_lowercase()) {
            None => (1, after),
            Some(b's') => (1, &after[1..]),
            Some(b'm') => (60, &after[1..]),
            Some(b'h') => (3_600, &after[1..]),
            Some(b'd') => (86_400, &after[1..]),
            Some(b'w') => (604_800, &after[1..]),
            Some(_) => return None,
        };
        total = total.checked_add(value.checked_mul(multiplier)?)?;
        rest = after;
    }
    Some(total)
}

/// The class mnemonics accepted before the type (RFC 1035 §3.2.4 plus `ANY`/`NONE`, and the
/// RFC 3597 `CLASSnnn` form).
pub(crate) fn is_class(word: &str) -> bool {
    const CLASSES: &[&str] = &["IN", "CH", "CHAOS", "HS", "HESIOD", "CS", "ANY", "NONE"];
    CLASSES.iter().any(|c| c.eq_ignore_ascii_case(word)) || numbered(word, "CLASS")
}

/// Record types a zone file may carry (IANA registry, including obsolete ones BIND and
/// miekg/dns still parse), checked case-insensitively; `TYPEnnn` (RFC 3597) is also known.
pub(crate) fn is_known_type(word: &str) -> bool {
    const TYPES: &[&str] = &[
        "A",
        "NS",
        "MD",
        "MF",
        "CNAME",
        "SOA",
        "MB",
        "MG",
        "MR",
        "NULL",
        "WKS",
        "PTR",
        "HINFO",
        "MINFO",
        "MX",
        "TXT",
        "RP",
        "AFSDB",
        "X25",
        "ISDN",
        "RT",
        "NSAP",
        "NSAP-PTR",
        "SIG",
        "KEY",
        "PX",
        "GPOS",
        "AAAA",
        "LOC",
        "NXT",
        "EID",
        "NIMLOC",
        "SRV",
        "ATMA",
        "NAPTR",
        "KX",
        "CERT",
        "A6",
        "DNAME",
        "SINK",
        "APL",
        "DS",
        "SSHFP",
        "IPSECKEY",
        "RRSIG",
        "NSEC",
        "DNSKEY",
        "DHCID",
        "NSEC3",
        "NSEC3PARAM",
        "TLSA",
        "SMIMEA",
        "HIP",
        "NINFO",
        "RKEY",
        "TALINK",
        "CDS",
        "CDNSKEY",
        "OPENPGPKEY",
        "CSYNC",
        "ZONEMD",
        "SVCB",
        "HTTPS",
        "DSYNC",
        "SPF",
        "UINFO",
        "UID",
        "GID",
        "UNSPEC",
        "NID",
        "L32",
        "L64",
        "LP",
        "EUI48",
        "EUI64",
        "URI",
        "CAA",
        "AVC",
        "DOA",
        "AMTRELAY",
        "RESINFO",
        "WALLET",
        "TA",
        "DLV",
    ];
    TYPES.iter().any(|t| t.eq_ignore_ascii_case(word)) || numbered(word, "TYPE")
}

/// `PREFIXnnn` with nnn in 0..=65535 (RFC 3597 unknown class/type names).
fn numbered(word: &str, prefix: &str) -> bool {
    word.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        && word
            .get(prefix.len()..)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && word[prefix.len()..].parse::<u16>().is_ok()
}

/// A template placeholder such as `<HOST_IP>`: deployment templates (the General Bots zone
/// among them) leave these for a generator to fill in. They are not values, so the typed
/// checks skip them instead of reporting every templated address as malformed.
pub fn is_template_placeholder(word: &str) -> bool {
    word.len() > 2
        && word.starts_with('<')
        && word.ends_with('>')
        && word[1..word.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// Whether `name` ends with an unescaped `.`, i.e. is already absolute.
pub(crate) fn is_absolute(name: &str) -> bool {
    let Some(body) = name.strip_suffix('.') else {
        return false;
    };
    let backslashes = body.bytes().rev().take_while(|&b| b == b'\\').count();
    backslashes % 2 == 0
}

/// Check the `\X` / `\DDD` escapes of one word: a backslash followed by a digit must start
/// exactly three digits with a value up to 255 (RFC 1035 §5.1), and a word cannot end in a
/// lone backslash.
pub(crate) fn check_escapes(word: &str) -> Option<String> {
    let bytes = word.as_bytes();
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte != b'\\' {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            None => return Some(format!("`{word}` ends with a lone backslash")),
            Some(d) if d.is_ascii_digit() => {
                let digits = word
                    .get(i + 1..i + 4)
                    .filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
                match digits.and_then(|d| d.parse::<u16>().ok()) {
                    Some(value) if value <= 255 => i += 4,
                    Some(_) => {
                        return Some(format!(
                            "escape `\\{}` in `{word}` is above \\255",
                            digits.unwrap_or_default()
                        ))
                    }
                    None => {
                        return Some(format!(
                            "escape in `{word}` must be `\\DDD` with three decimal digits"
                        ))
                    }
                }
            }
            Some(_) => i += 2,
        }
    }
    None
}

/// Length in octets of a character-string as written (quotes removed, escapes counted once).
fn character_string_len(word: &str) -> usize {
    let inner = word
        .strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .unwrap_or(word);
    let bytes = inner.as_bytes();
    let (mut i, mut len) = (0, 0);
    while i < bytes.len() {
        i += match bytes.get(i..i + 4) {
            Some([b'\\', a, b, c]) if [a, b, c].iter().all(|d| d.is_ascii_digit()) => 4,
            _ if bytes[i] == b'\\' => 2,
            _ => 1,
        };
        len += 1;
    }
    len
}

/// Check a domain name written in RDATA or as an owner. `@` and placeholders are fine;
/// a relative name needs an origin; labels are 1–63 octets (RFC 1035 §2.3.4).
pub(crate) fn check_name(word: &str, have_origin: bool) -> Option<String> {
    if is_template_placeholder(word) {
        return None;
    }
    if word.starts_with('"') {
        return Some(format!(
            "`{word}` is a quoted string where a domain name is expected"
        ));
    }
    if word == "@" || word == "." {
        return (!have_origin && word == "@")
            .then(|| "`@` used before any $ORIGIN is known".to_owned());
    }
    if !is_absolute(word) && !have_origin {
        return Some(format!(
            "relative name `{word}` used before any $ORIGIN is known"
        ));
    }
    let body = if is_absolute(word) {
        &word[..word.len() - 1]
    } else {
        word
    };
    let mut label_len = 0usize;
    let bytes = body.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        match bytes.get(i) {
            None | Some(b'.') => {
                if label_len == 0 {
                    return Some(format!("`{word}` has an empty label"));
                }
                if label_len > 63 {
                    return Some(format!("`{word}` has a label longer than 63 octets"));
                }
                label_len = 0;
                i += 1;
            }
            Some(b'\\') => {
                let digits = bytes
                    .get(i + 1..i + 4)
                    .is_some_and(|d| d.iter().all(u8::is_ascii_digit));
                i += if digits { 4 } else { 2 };
                label_len += 1;
            }
            Some(_) => {
                i += 1;
                label_len += 1;
            }
        }
    }
    None
}

/// The typed RDATA checks for the record types the linter reasons about. Other known types
/// pass unchecked; so does RFC 3597 generic RDATA (`\# len hex`), valid for every type.
pub(crate) fn check(
    rtype: &str,
    fields: &[Field<'_>],
    have_origin: bool,
    whole: TextRange,
) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if fields.first().is_some_and(|f| f.text == "\\#") {
        return problems;
    }
    for field in fields {
        if let Some(message) = check_escapes(field.text) {
            problems.push((message, field.range));
        }
    }
    let mut count = |wanted: usize, shape: &str| -> bool {
        if fields.len() == wanted {
            return true;
        }
        problems.push((
            format!(
                "{rtype} record needs {wanted} RDATA field{} ({shape}), found {}",
                if wanted == 1 { "" } else { "s" },
                fields.len()
            ),
            whole,
        ));
        false
    };
    let shape: &[Kind] = match rtype {
        "A" if count(1, "an IPv4 address") => &[Kind::Ipv4],
        "AAAA" if count(1, "an IPv6 address") => &[Kind::Ipv6],
        "CNAME" | "NS" | "PTR" | "DNAME" if count(1, "a domain name") => &[Kind::Name],
        "MX" if count(2, "preference and exchange name") => &[Kind::U16, Kind::Name],
        "SOA" if count(7, "mname rname serial refresh retry expire minimum") => &[
            Kind::Name,
            Kind::Name,
            Kind::U32,
            Kind::Ttl,
            Kind::Ttl,
            Kind::Ttl,
            Kind::Ttl,
        ],
        "SRV" if count(4, "priority weight port target") => {
            &[Kind::U16, Kind::U16, Kind::U16, Kind::Name]
        }
        "CAA" if count(3, "flags tag value") => &[Kind::U8, Kind::Tag, Kind::Any],
        "HINFO" if count(2, "cpu and os") => &[Kind::String, Kind::String],
        "SVCB" | "HTTPS" if fields.len() < 2 => {
            problems.push((
                format!("{rtype} record needs at least a priority and a target name"),
                whole,
            ));
            &[]
        }
        "SVCB" | "HTTPS" => &[Kind::U16, Kind::Name],
        "TXT" | "SPF" if fields.is_empty() => {
            problems.push((
                format!("{rtype} record needs at least one character-string"),
                whole,
            ));
            &[]
        }
        "TXT" | "SPF" => {
            for field in fields {
                if let Some(message) = check_value(Kind::String, field.text, have_origin) {
                    problems.push((message, field.range));
                }
            }
            &[]
        }
        _ => &[],
    };
    for (kind, field) in shape.iter().zip(fields) {
        if let Some(message) = check_value(*kind, field.text, have_origin) {
            problems.push((message, field.range));
        }
    }
    problems
}

/// What one RDATA position holds.
#[derive(Clone, Copy)]
enum Kind {
    Ipv4,
    Ipv6,
    Name,
    U8,
    U16,
    U32,
    Ttl,
    Tag,
    String,
    Any,
}

fn check_value(kind: Kind, text: &str, have_origin: bool) -> Option<String> {
    if is_template_placeholder(text) {
        return None;
    }
    let number = |max: u64, what: &str| {
        (!text.bytes().all(|b| b.is_ascii_digit()) || text.parse::<u64>().map_or(true, |v| v > max))
            .then(|| format!("`{text}` is not a valid {what} (0–{max})"))
    };
    match kind {
        Kind::Ipv4 => text
            .parse::<Ipv4Addr>()
            .is_err()
            .then(|| format!("`{text}` is not a valid IPv4 address")),
        Kind::Ipv6 => text
            .parse::<Ipv6Addr>()
            .is_err()
            .then(|| format!("`{text}` is not a valid IPv6 address")),
        Kind::Name => check_name(text, have_origin),
        Kind::U8 => number(u8::MAX.into(), "8-bit number"),
        Kind::U16 => number(u16::MAX.into(), "16-bit number"),
        Kind::U32 => number(u32::MAX.into(), "32-bit number"),
        Kind::Ttl => parse_ttl(text)
            .is_none()
            .then(|| format!("`{text}` is not a valid time value (seconds, or units like 1h30m)")),
        Kind::Tag => (text.is_empty() || !text.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| format!("CAA tag `{text}` must be letters and digits only")),
        Kind::String => (character_string_len(text) > 255)
            .then(|| "character-string longer than 255 octets".to_owned()),
        Kind::Any => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_units() {
        assert_eq!(parse_ttl("3600"), Some(3600));
        assert_eq!(parse_ttl("30M"), Some(1800));
        assert_eq!(parse_ttl("1h30m"), Some(5400));
        assert_eq!(parse_ttl("1w2d"), Some(7 * 86_400 + 2 * 86_400));
        assert_eq!(parse_ttl("1h30"), Some(3630));
        assert_eq!(parse_ttl("7D"), Some(604_800));
        assert_eq!(parse_ttl(""), None);
        assert_eq!(parse_ttl("h"), None);
        assert_eq!(parse_ttl("1x"), None);
        assert_eq!(parse_ttl("1hh"), None);
        assert_eq!(parse_ttl("99999999999"), None);
        assert_eq!(parse_ttl("10000w"), None);
    }

    #[test]
    fn names_and_escapes() {
        assert!(is_absolute("a."));
        assert!(!is_absolute("a\\."));
        assert!(is_absolute("a\\\\."));
        assert!(check_name("a..b.", true).is_some());
        assert!(check_name("www", false).is_some());
        assert!(check_name("www", true).is_none());
        assert!(check_name(&format!("{}.", "x".repeat(64)), true).is_some());
        assert!(check_name("a\\.b.", true).is_none());
        assert!(check_escapes("a\\256").is_some());
        assert!(check_escapes("a\\25").is_some());
        assert!(check_escapes("a\\255\\;").is_none());
        assert!(check_escapes("a\\").is_some());
        assert_eq!(character_string_len(r#""a\"b\065""#), 4);
    }

    #[test]
    fn type_and_class_names() {
        assert!(is_known_type("https"));
        assert!(is_known_type("TYPE65534"));
        assert!(!is_known_type("TYPE65536"));
        assert!(!is_known_type("TYPE"));
        assert!(!is_known_type("FOO"));
        assert!(is_class("in"));
        assert!(is_class("CLASS1"));
        assert!(!is_class("A"));
        assert!(is_template_placeholder("<HOST_IP>"));
        assert!(!is_template_placeholder("<>"));
    }
}
