//! Numbers and IPv4 addresses as libxtables reads them, which is looser than Rust's parsers:
//! every number goes through `strtoul` with base 0 (so `010` is octal 8 and `0x0a` is 10), and
//! a dotted network address may have fewer than four parts (`172.16.0` is `172.16.0.0`,
//! `10` is `10.0.0.0` — `__numeric_to_ipaddr` in libxtables fills the rest with zeros).
//! A mask written dotted must have all four parts.

use std::net::Ipv4Addr;

/// `xtables_strtoui(text, NULL, &v, 0, max)`: the whole text is one number in C's base-0
/// notation (decimal, `0` octal, `0x` hex, an optional `+`), at most `max`.
pub fn c_unsigned(text: &str, max: u32) -> Option<u32> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    let (radix, digits) = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, hex)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u32::from_str_radix(digits, radix)
        .ok()
        .filter(|value| *value <= max)
}

/// A numeric IPv4 address as libxtables reads it: one to four base-0 parts of at most 255;
/// missing trailing parts are zero. With `is_mask`, exactly four parts are required.
pub fn ipv4(text: &str, is_mask: bool) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() > 4 || (is_mask && parts.len() != 4) {
        return None;
    }
    let mut octets = [0u8; 4];
    for (octet, part) in octets.iter_mut().zip(&parts) {
        *octet = u8::try_from(c_unsigned(part, 255)?).ok()?;
    }
    Some(Ipv4Addr::from(octets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_c_base_zero() {
        assert_eq!(c_unsigned("24", 32), Some(24));
        assert_eq!(c_unsigned("010", 255), Some(8));
        assert_eq!(c_unsigned("0x1f", 255), Some(31));
        assert_eq!(c_unsigned("+7", 255), Some(7));
        assert_eq!(c_unsigned("0", 255), Some(0));
        assert_eq!(c_unsigned("33", 32), None);
        assert_eq!(c_unsigned("08", 255), None, "8 is not an octal digit");
        assert_eq!(c_unsigned("0x", 255), None);
        assert_eq!(c_unsigned("", 255), None);
        assert_eq!(c_unsigned("-1", 255), None);
    }

    #[test]
    fn short_addresses_are_completed_with_zeros() {
        assert_eq!(ipv4("172.16.0", false), Some(Ipv4Addr::new(172, 16, 0, 0)));
        assert_eq!(ipv4("10", false), Some(Ipv4Addr::new(10, 0, 0, 0)));
        assert_eq!(ipv4("10.1", false), Some(Ipv4Addr::new(10, 1, 0, 0)));
        assert_eq!(ipv4("1.2.3.4", false), Some(Ipv4Addr::new(1, 2, 3, 4)));
        assert_eq!(ipv4("010.0.0.1", false), Some(Ipv4Addr::new(8, 0, 0, 1)));
        assert_eq!(ipv4("1.2.3.4.5", false), None);
        assert_eq!(ipv4("1.2.3.256", false), None);
        assert_eq!(ipv4("1..3", false), None);
        assert_eq!(ipv4("255.255.0", true), None, "a mask needs four parts");
        assert_eq!(
            ipv4("255.255.0.0", true),
            Some(Ipv4Addr::new(255, 255, 0, 0))
        );
    }
}
