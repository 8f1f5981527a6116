//! Value normalizers ([`super::spec::Normalize`]) that several extension families share: bounded
//! integers, value/mask pairs, SPI ranges, ports, one address, keyword lists.

use super::spec::Ctx;
use crate::rule::{Address, Family};
use crate::values::{
    canonical_port_range, hex, parse_addresses, parse_uint, parse_uint_range, parse_value_mask,
    range_text, uint,
};

/// `--sport`/`--dport` and their kin: [`canonical_port_range`].
pub(super) fn port_range(text: &str, _: &Ctx<'_>) -> Result<String, String> {
    canonical_port_range(text)
}

pub(super) const U32: u64 = u32::MAX as u64;

pub(super) fn uint8(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 255)
}

pub(super) fn uint16(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 65535)
}

pub(super) fn uint32(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, u64::from(u32::MAX))
}

pub(super) fn uint64(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, u64::MAX)
}

pub(super) fn every(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match parse_uint(value, U32) {
        Some(v) if v >= 1 => Ok(v.to_string()),
        _ => Err(format!("Value \"{value}\" out of range (1-{U32})")),
    }
}

pub(super) fn mask_value(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    parse_uint(value, U32)
        .map(hex)
        .ok_or_else(|| format!("Bad mask \"{value}\""))
}

pub(super) fn value_mask(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (v, m) = parse_value_mask(value, U32).ok_or_else(|| format!("Bad mark \"{value}\""))?;
    Ok(match m {
        Some(m) => format!("{}/{}", hex(v), hex(m)),
        None => hex(v),
    })
}

pub(super) fn spi_range(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (low, high) = parse_uint_range(value, U32, None)?;
    Ok(range_text(low, high))
}

/// One address with optional mask, saved as iptables prints it in a module (`1.1.1.1`,
/// `10.0.0.0/8`: the full-length mask is left out).
pub(super) fn module_address(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let mut list = parse_addresses(value, ctx.family)?;
    if list.len() != 1 {
        return Err(format!("host/network `{value}' not found"));
    }
    Ok(match list.remove(0) {
        Address::Net(net) => {
            let full = match ctx.family {
                Family::V4 => 32,
                Family::V6 => 128,
            };
            if net.prefix_len() == full {
                net.addr().to_string()
            } else {
                format!("{}/{}", net.addr(), net.prefix_len())
            }
        }
        other => other.to_string(),
    })
}

/// A comma list of keywords, each given as any case-insensitive prefix of one of `names`
/// (iptables compares with `strncasecmp(word, NAME, strlen(word))`), saved in the order of
/// `names` without repeats.
pub(super) fn flag_list(value: &str, names: &[&str], what: &str) -> Result<String, String> {
    keywords(value, names, what, true)
}

/// A comma list of keywords (exact when `prefix` is false, case-insensitive), saved in the
/// order of `names` without repeats.
pub(super) fn keywords(
    value: &str,
    names: &[&str],
    what: &str,
    prefix: bool,
) -> Result<String, String> {
    let mut seen = vec![false; names.len()];
    for item in value.split(',') {
        let upper = item.to_ascii_uppercase();
        let found = if item.is_empty() {
            None
        } else {
            names
                .iter()
                .position(|n| *n == upper)
                .or_else(|| names.iter().position(|n| prefix && n.starts_with(&upper)))
        };
        match found {
            Some(i) => seen[i] = true,
            None => return Err(format!("Bad {what} \"{item}\"")),
        }
    }
    Ok(names
        .iter()
        .zip(seen)
        .filter(|(_, s)| *s)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(","))
}

/// `VALUE[/MASK]` saved as hex, without the mask when it is all ones.
pub(super) fn mark_mask(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let max = u64::from(u32::MAX);
    let (v, m) = parse_value_mask(value, max).ok_or_else(|| format!("Bad mark \"{value}\""))?;
    Ok(match m {
        Some(m) if m != max => format!("{}/{}", hex(v), hex(m)),
        _ => hex(v),
    })
}
