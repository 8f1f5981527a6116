//! `-s`/`-d` addresses and the numeric IPv4 forms libxtables accepts: a dotted network address
//! may have fewer than four parts (`172.16.0` is `172.16.0.0`, `10` is `10.0.0.0`; the rest is
//! filled with zeros as `__numeric_to_ipaddr` does) and each part is a base-0 number (`010` is
//! 8). A mask written dotted must have all four parts.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;

use super::numbers::c_unsigned;
use super::{split_ascii, split_once_ascii};
use crate::rule::{Address, Family, Masked};

/// A numeric IPv4 address as libxtables reads it: one to four base-0 parts of at most 255;
/// missing trailing parts are zero. With `is_mask`, exactly four parts are required.
pub fn ipv4(text: &str, is_mask: bool) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut count = 0;
    for part in split_ascii(text, b'.') {
        let octet = octets.get_mut(count)?;
        *octet = u8::try_from(c_unsigned(part, 255)?).ok()?;
        count += 1;
    }
    if is_mask && count != 4 {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

/// `-s`/`-d`: comma-separated addresses, each `addr[/len|/dotted-mask]` or a host name.
pub fn parse_addresses(text: &str, family: Family) -> Result<Vec<Address>, String> {
    // Exact capacity: a collected `Vec` would hold room for four addresses where nearly every
    // rule has one, for the life of the model.
    let mut out = Vec::with_capacity(text.bytes().filter(|b| *b == b',').count() + 1);
    for item in split_ascii(text, b',') {
        out.push(parse_address(item, family)?);
    }
    Ok(out)
}

fn parse_address(text: &str, family: Family) -> Result<Address, String> {
    let (addr_text, mask_text) = match split_once_ascii(text, b'/') {
        Some((a, m)) => (a, Some(m)),
        None => (text, None),
    };
    let max = match family {
        Family::V4 => 32,
        Family::V6 => 128,
    };
    // libxtables reads IPv4 numbers its own way (`172.16.0`, octal and hex parts).
    let numeric = match family {
        Family::V4 => ipv4(addr_text, false).map(IpAddr::V4),
        Family::V6 => addr_text.parse::<IpAddr>().ok(),
    };
    let addr: IpAddr = match numeric {
        Some(addr) => addr,
        None => {
            let hostname = !addr_text.is_empty()
                && addr_text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
                && addr_text.bytes().any(|b| b.is_ascii_alphabetic());
            if hostname && mask_text.is_none_or(|m| m.parse::<u8>().is_ok_and(|m| m <= max)) {
                return Ok(Address::Host(text.into()));
            }
            return Err(format!("host/network `{addr_text}' not found"));
        }
    };
    if matches!(
        (family, addr),
        (Family::V4, IpAddr::V6(_)) | (Family::V6, IpAddr::V4(_))
    ) {
        return Err(format!("host/network `{addr_text}' not found"));
    }
    let prefix = match mask_text {
        None => max,
        Some(m) if !m.contains(['.', ':']) => c_unsigned(m, u32::from(max))
            .and_then(|p| u8::try_from(p).ok())
            .ok_or_else(|| format!("invalid mask `{m}' specified"))?,
        Some(m) => {
            let mask: IpAddr = match family {
                Family::V4 => ipv4(m, true).map(IpAddr::V4),
                Family::V6 => m.parse().ok(),
            }
            .ok_or_else(|| format!("invalid mask `{m}' specified"))?;
            match contiguous_prefix(mask) {
                Some(p) => p,
                None => {
                    let masked = apply_mask(addr, mask);
                    return Ok(Address::Masked(Box::new(Masked { addr: masked, mask })));
                }
            }
        }
    };
    let net = IpNet::new(addr, prefix).map_err(|_| format!("invalid mask `{prefix}' specified"))?;
    Ok(Address::Net(net.trunc()))
}

/// The prefix length of a contiguous mask (`255.255.0.0` → 16); `None` for a mask with holes.
fn contiguous_prefix(mask: IpAddr) -> Option<u8> {
    match mask {
        IpAddr::V4(m) => ipnet::ipv4_mask_to_prefix(m).ok(),
        IpAddr::V6(m) => ipnet::ipv6_mask_to_prefix(m).ok(),
    }
}

fn apply_mask(addr: IpAddr, mask: IpAddr) -> IpAddr {
    match (addr, mask) {
        (IpAddr::V4(a), IpAddr::V4(m)) => IpAddr::V4((u32::from(a) & u32::from(m)).into()),
        (IpAddr::V6(a), IpAddr::V6(m)) => IpAddr::V6((u128::from(a) & u128::from(m)).into()),
        (a, _) => a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
