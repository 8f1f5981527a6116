//! The bits of Go's standard library whose error messages LXD passes on verbatim: `strconv`'s
//! integer parsing, `%q` quoting and `net.SplitHostPort`.

/// Go's `%q` of a string (enough of it: quotes, backslashes and control characters escaped).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `strconv.ParseInt(value, 10, 64)`, with Go's error text (`function` names the caller as
/// Go does: `strconv.ParseInt` or `strconv.Atoi`).
pub fn parse_int(value: &str, function: &str) -> Result<i64, String> {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{function}: parsing {}: invalid syntax",
            quote(value)
        ));
    }
    value
        .parse::<i64>()
        .map_err(|_| format!("{function}: parsing {}: value out of range", quote(value)))
}

/// `strconv.ParseUint(value, 10, bits)`, with Go's error text.
pub fn parse_uint(value: &str, bits: u32) -> Result<u64, String> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.ParseUint: parsing {}: invalid syntax",
            quote(value)
        ));
    }
    let max = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    match value.parse::<u64>() {
        Ok(number) if number <= max => Ok(number),
        _ => Err(format!(
            "strconv.ParseUint: parsing {}: value out of range",
            quote(value)
        )),
    }
}

/// `net.SplitHostPort`, with Go's `address …: why` errors.
pub fn split_host_port(hostport: &str) -> Result<(&str, &str), String> {
    let error = |why: &str| Err(format!("address {hostport}: {why}"));
    let Some(colon) = hostport.rfind(':') else {
        return error("missing port in address");
    };
    let (host, skip_open, skip_close);
    if hostport.starts_with('[') {
        let Some(end) = hostport.find(']') else {
            return error("missing ']' in address");
        };
        if end + 1 == hostport.len() {
            return error("missing port in address");
        }
        if end + 1 != colon {
            if hostport.as_bytes()[end + 1] == b':' {
                return error("too many colons in address");
            }
            return error("missing port in address");
        }
        host = &hostport[1..end];
        skip_open = 1;
        skip_close = end + 1;
    } else {
        host = &hostport[..colon];
        if host.contains(':') {
            return error("too many colons in address");
        }
        skip_open = 0;
        skip_close = 0;
    }
    if hostport[skip_open..].contains('[') {
        return error("unexpected '[' in address");
    }
    if hostport[skip_close..].contains(']') {
        return error("unexpected ']' in address");
    }
    Ok((host, &hostport[colon + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_fail_as_go_says() {
        assert_eq!(parse_int("-5", "strconv.ParseInt"), Ok(-5));
        assert_eq!(
            parse_int("5x", "strconv.Atoi"),
            Err("strconv.Atoi: parsing \"5x\": invalid syntax".into())
        );
        assert!(parse_int("99999999999999999999", "strconv.ParseInt")
            .unwrap_err()
            .ends_with("value out of range"));
        assert_eq!(parse_uint("4294967295", 32), Ok(4_294_967_295));
        assert!(parse_uint("4294967296", 32).is_err());
        assert!(parse_uint("-1", 32).is_err());
    }

    #[test]
    fn host_port_splitting() {
        assert_eq!(split_host_port("0.0.0.0:80"), Ok(("0.0.0.0", "80")));
        assert_eq!(split_host_port("[::]:53"), Ok(("::", "53")));
        assert_eq!(
            split_host_port("0.0.0.0"),
            Err("address 0.0.0.0: missing port in address".into())
        );
        assert_eq!(
            split_host_port("::1:80"),
            Err("address ::1:80: too many colons in address".into())
        );
    }
}
