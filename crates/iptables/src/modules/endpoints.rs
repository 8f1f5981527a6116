//! Who sends and where: iprange, addrtype, mac, set, owner, cgroup, cpu and physdev matches.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::normalize::*;
use super::options::*;
use super::spec::{m, o, Arity, Ctx, ModuleSpec};
use crate::rule::Opt;
use crate::values::*;

/// A set match counter (`--packets-gt 3`): iptables' `parse_counter`, any 64-bit number.
fn counter(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    crate::values::parse_uint(value, u64::MAX)
        .map(|v| v.to_string())
        .ok_or_else(|| format!("Cannot parse {value} as a counter value"))
}

/// `-m set`: `--match-set` is required, and at most one packets and one bytes comparison.
fn finish_set(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if !options.iter().any(|o| o.name == "match-set") {
        return Err("You must specify `--match-set' with proper arguments".into());
    }
    for what in ["packets", "bytes"] {
        let given = options
            .iter()
            .filter(|o| {
                o.name
                    .strip_prefix(what)
                    .is_some_and(|rest| rest.starts_with('-'))
            })
            .count();
        if given > 1 {
            return Err(format!("only one of the --{what}-[eq|lt|gt] is allowed"));
        }
    }
    Ok(())
}

/// `-m set`.
// `--set` is revision 0's deprecated spelling of `--match-set`.
// Revision 3's counter matches: only `-eq` may be inverted.
pub(super) static SET_MATCH: ModuleSpec = m(
    "set",
    &[
        o(&["match-set", "set"], Arity::Two, true, None),
        o(&["return-nomatch"], Arity::Zero, false, None),
        o(&["update-counters"], Arity::Zero, true, None),
        o(&["update-subcounters"], Arity::Zero, true, None),
        o(&["packets-eq"], Arity::One, true, Some(counter)),
        o(&["packets-lt"], Arity::One, false, Some(counter)),
        o(&["packets-gt"], Arity::One, false, Some(counter)),
        o(&["bytes-eq"], Arity::One, true, Some(counter)),
        o(&["bytes-lt"], Arity::One, false, Some(counter)),
        o(&["bytes-gt"], Arity::One, false, Some(counter)),
    ],
    Some(finish_set),
);

/// `-m iprange`.
pub(super) static IPRANGE_MATCH: ModuleSpec = m(
    "iprange",
    &[
        o(&["src-range"], Arity::One, true, None),
        o(&["dst-range"], Arity::One, true, None),
    ],
    Some(require_an_option),
);

/// `ID` or `ID-ID` of users or groups; only `root` is resolved by name (gblint never reads
/// the passwd or group database); other names are kept as written.
fn owner_id(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let one = |part: &str| -> Result<String, String> {
        if part == "root" {
            return Ok("0".into());
        }
        match parse_uint(part, U32 - 1) {
            Some(v) => Ok(v.to_string()),
            None if !part.is_empty()
                && !part.starts_with('-')
                && part.bytes().any(|b| !b.is_ascii_digit()) =>
            {
                Ok(part.to_owned())
            }
            None => Err(format!("Invalid user or group \"{value}\"")),
        }
    };
    if let Some((a, b)) = value.split_once('-').filter(|(a, _)| !a.is_empty()) {
        if let (Some(low), Some(high)) = (parse_uint(a, U32 - 1), parse_uint(b, U32 - 1)) {
            if low > high {
                return Err(format!("Invalid range \"{value}\""));
            }
            return Ok(range_text(low, high).replace(':', "-"));
        }
    }
    one(value)
}

fn finish_owner(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if options.is_empty() {
        return Err("owner: at least one option is required".into());
    }
    if let Some(suppl) = options.iter().find(|o| o.name == "suppl-groups") {
        if suppl.negated {
            return Err("--suppl-groups cannot be negated".into());
        }
        let gid_first = options
            .iter()
            .find(|o| o.name == "gid-owner")
            .is_some_and(|g| g.range.start() <= suppl.range.start());
        if !gid_first {
            return Err("--suppl-groups requires --gid-owner".into());
        }
    }
    Ok(())
}

/// `-m owner`.
pub(super) static OWNER_MATCH: ModuleSpec = ModuleSpec {
    chains: &["OUTPUT", "POSTROUTING"],
    ..m(
        "owner",
        &[
            o(&["socket-exists"], Arity::Zero, true, None),
            o(&["uid-owner"], Arity::One, true, Some(owner_id)),
            o(&["gid-owner"], Arity::One, true, Some(owner_id)),
            o(&["suppl-groups"], Arity::Zero, true, None),
        ],
        Some(finish_owner),
    )
};

fn cgroup_path(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    text(value, 4095)
}

fn finish_cgroup(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["path", "cgroup"])
}

/// `-m cgroup`.
pub(super) static CGROUP_MATCH: ModuleSpec = m(
    "cgroup",
    &[
        o(&["path"], Arity::One, true, Some(cgroup_path)),
        o(&["cgroup"], Arity::One, true, Some(uint32)),
    ],
    Some(finish_cgroup),
);

fn finish_cpu(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "cpu")
}

/// `-m cpu`.
pub(super) static CPU_MATCH: ModuleSpec = m(
    "cpu",
    &[o(&["cpu"], Arity::One, true, Some(uint32))],
    Some(finish_cpu),
);

/// Six hex bytes separated by `:`, saved upper-case.
fn mac_address(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let parts: Vec<&str> = value.split(':').collect();
    let ok = parts.len() == 6
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_hexdigit()));
    if !ok {
        return Err(format!("Bad mac address \"{value}\""));
    }
    Ok(parts
        .iter()
        .map(|p| format!("{:02X}", u8::from_str_radix(p, 16).unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(":"))
}

fn finish_mac(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "mac-source")
}

/// `-m mac`.
pub(super) static MAC_MATCH: ModuleSpec = ModuleSpec {
    chains: &["PREROUTING", "INPUT", "FORWARD"],
    ..m(
        "mac",
        &[o(&["mac-source"], Arity::One, true, Some(mac_address))],
        Some(finish_mac),
    )
};

fn interface(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.len() > 15 {
        return Err(format!(
            "interface name `{value}' must be shorter than IFNAMSIZ (15)"
        ));
    }
    Ok(value.to_owned())
}

fn finish_physdev(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if options.is_empty() {
        return Err("PHYSDEV: no physdev option specified".into());
    }
    Ok(())
}

/// `-m physdev`.
pub(super) static PHYSDEV_MATCH: ModuleSpec = m(
    "physdev",
    &[
        o(&["physdev-is-in"], Arity::Zero, true, None),
        o(&["physdev-in"], Arity::One, true, Some(interface)),
        o(&["physdev-is-out"], Arity::Zero, true, None),
        o(&["physdev-out"], Arity::One, true, Some(interface)),
        o(&["physdev-is-bridged"], Arity::Zero, true, None),
    ],
    Some(finish_physdev),
);

fn addr_type(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    keywords(
        value,
        &[
            "UNSPEC",
            "UNICAST",
            "LOCAL",
            "BROADCAST",
            "ANYCAST",
            "MULTICAST",
            "BLACKHOLE",
            "UNREACHABLE",
            "PROHIBIT",
            "THROW",
            "NAT",
            "XRESOLVE",
        ],
        "address type",
        false,
    )
}

fn finish_addrtype(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    exclusive(options, &["limit-iface-in", "limit-iface-out"])
}

/// `-m addrtype`.
pub(super) static ADDRTYPE_MATCH: ModuleSpec = m(
    "addrtype",
    &[
        o(&["src-type"], Arity::One, true, Some(addr_type)),
        o(&["dst-type"], Arity::One, true, Some(addr_type)),
        o(&["limit-iface-in"], Arity::Zero, false, None),
        o(&["limit-iface-out"], Arity::Zero, false, None),
    ],
    Some(finish_addrtype),
);
