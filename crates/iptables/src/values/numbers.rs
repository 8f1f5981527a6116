//! Numbers as iptables reads them. libxtables' `strtoul` with base 0 is [`parse_uint`]
//! (and [`c_unsigned`], which also takes the `+` C allows); [`number`] is the decimal-or-`0x`
//! reader some extensions use. Ranges `A:B` of numbers and of ports have one splitter,
//! [`split_range`].

use super::split_once_ascii;

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

/// `xtables_strtoui(text, NULL, &v, 0, max)`: the whole text is one number in C's base-0
/// notation (decimal, `0` octal, `0x` hex, an optional `+`), at most `max`.
pub fn c_unsigned(text: &str, max: u32) -> Option<u32> {
    // The same reader as `parse_uint`, after the sign `strtoul` allows.
    let digits = text.strip_prefix('+').unwrap_or(text);
    parse_uint(digits, u64::from(max)).and_then(|value| u32::try_from(value).ok())
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

/// An unsigned number up to `max` (decimal, hex or octal), saved in decimal, with iptables'
/// wording when refused.
pub fn uint(text: &str, max: u64) -> Result<String, String> {
    parse_uint(text, max)
        .map(|v| v.to_string())
        .ok_or_else(|| format!("Value \"{text}\" out of range or invalid (0-{max})"))
}

/// A range as written: one value, or two ends either of which may be empty (`A:`, `:B`, `:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeText<'a> {
    /// `A`.
    Single(&'a str),
    /// `A:B`; an empty end is `None`. The high end keeps any further `:` (callers refuse it).
    Span(Option<&'a str>, Option<&'a str>),
}

/// Split `A`, `A:B`, `A:`, `:B` or `:` at its first `:`.
pub fn split_range(text: &str) -> RangeText<'_> {
    match split_once_ascii(text, b':') {
        None => RangeText::Single(text),
        Some((a, b)) => RangeText::Span((!a.is_empty()).then_some(a), (!b.is_empty()).then_some(b)),
    }
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
    let (low, high) = match split_range(text) {
        RangeText::Single(value) => {
            let v = one(value)?;
            (v, v)
        }
        RangeText::Span(a, b) => {
            if b.is_some_and(|b| b.contains(':')) {
                return Err(format!("Too many elements in range \"{text}\""));
            }
            let low = a.map_or(Ok(0), one)?;
            let high = b.map_or(Ok(max), one)?;
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
}
