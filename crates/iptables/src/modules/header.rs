//! Header-field matches: ah, esp, ipcomp, frag, rt, mh, hl, ttl, tos, dscp, length, tcpmss,
//! eui64, realm, osf, ecn.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::values::{
    drop_full_range, exclusive, hex, one_of, parse_uint, parse_uint_range, parse_value_mask,
    range_text, required, uint,
};
use super::{m, o, Arity, Ctx, ModuleSpec};
use crate::rule::{Family, Opt};

const U32: u64 = u32::MAX as u64;

fn spi_range(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (low, high) = parse_uint_range(value, U32, None)?;
    Ok(range_text(low, high))
}

fn uint32(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, U32)
}

fn uint8(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 255)
}

fn needs_protocol(ctx: &Ctx<'_>, names: &[&str], shown: &str) -> Result<(), String> {
    if ctx.protocol.is_some_and(|p| names.contains(&p)) {
        Ok(())
    } else {
        Err(format!("protocol must be `-p {shown}' (and not negated)"))
    }
}

fn finish_ah(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "ahspi", "0:4294967295");
    if ctx.family == Family::V4 {
        needs_protocol(ctx, &["ah"], "ah")?;
    }
    Ok(())
}

fn finish_esp(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "espspi", "0:4294967295");
    Ok(())
}

fn finish_ipcomp(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "ipcompspi", "0:4294967295");
    needs_protocol(ctx, &["ipcomp"], "ipcomp")
}

fn finish_frag(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "fragid", "0:4294967295");
    exclusive(options, &["fragmore", "fraglast"])
}

fn finish_rt(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "rt-segsleft", "0:4294967295");
    Ok(())
}

fn mh_type_name(name: &str) -> Option<u64> {
    const TYPES: &[(&str, u64)] = &[
        ("binding-refresh-request", 0),
        ("brr", 0),
        ("home-test-init", 1),
        ("hoti", 1),
        ("careof-test-init", 2),
        ("coti", 2),
        ("home-test", 3),
        ("hot", 3),
        ("careof-test", 4),
        ("cot", 4),
        ("binding-update", 5),
        ("bu", 5),
        ("binding-acknowledgement", 6),
        ("ba", 6),
        ("binding-error", 7),
        ("be", 7),
    ];
    TYPES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

fn mh_type(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (low, high) = parse_uint_range(value, 255, Some(mh_type_name))?;
    Ok(range_text(low, high))
}

fn finish_mh(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "mh-type", "0:255");
    needs_protocol(ctx, &["mobility-header"], "mobility-header")
}

fn finish_hl(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["hl-eq", "hl-lt", "hl-gt"])
}

fn finish_ttl(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["ttl-eq", "ttl-lt", "ttl-gt"])
}

/// TOS names of RFC 1349, as iptables knows them (`--tos Minimize-Delay` → `0x10/0x3f`).
pub(super) fn tos_symbol(name: &str) -> Option<u64> {
    const NAMES: &[(&str, u64)] = &[
        ("Minimize-Delay", 0x10),
        ("Maximize-Throughput", 0x08),
        ("Maximize-Reliability", 0x04),
        ("Minimize-Cost", 0x02),
        ("Normal-Service", 0x00),
    ];
    NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// `--tos value[/mask]` or a name: saved `0xVV/0xMM` (names use mask 0x3f, a bare number 0xff).
pub(super) fn tos_value_mask(value: &str, max: u64) -> Result<(u64, u64), String> {
    if let Some(v) = tos_symbol(value) {
        return Ok((v, 0x3f));
    }
    match parse_value_mask(value, max) {
        Some((v, m)) => Ok((v, m.unwrap_or(0xff))),
        None => Err(format!("Bad TOS value \"{value}\"")),
    }
}

fn tos_match(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (v, m) = tos_value_mask(value, 255)?;
    Ok(format!("{v:#04x}/{m:#04x}"))
}

fn finish_tos(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "tos")
}

/// DiffServ class names and their code points.
pub(super) fn dscp_class(name: &str) -> Option<u64> {
    const CLASSES: &[(&str, u64)] = &[
        ("CS0", 0x00),
        ("CS1", 0x08),
        ("CS2", 0x10),
        ("CS3", 0x18),
        ("CS4", 0x20),
        ("CS5", 0x28),
        ("CS6", 0x30),
        ("CS7", 0x38),
        ("BE", 0x00),
        ("AF11", 0x0a),
        ("AF12", 0x0c),
        ("AF13", 0x0e),
        ("AF21", 0x12),
        ("AF22", 0x14),
        ("AF23", 0x16),
        ("AF31", 0x1a),
        ("AF32", 0x1c),
        ("AF33", 0x1e),
        ("AF41", 0x22),
        ("AF42", 0x24),
        ("AF43", 0x26),
        ("EF", 0x2e),
    ];
    CLASSES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// A DSCP code point (0–63), saved `0xNN`.
pub(super) fn dscp_value(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    parse_uint(value, 0x3f)
        .map(|v| format!("{v:#04x}"))
        .ok_or_else(|| format!("DSCP `{value}' not in range 0-63"))
}

/// A DSCP class name, saved as its code point.
pub(super) fn dscp_class_value(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    dscp_class(value)
        .map(|v| format!("{v:#04x}"))
        .ok_or_else(|| format!("Invalid DSCP value `{value}'"))
}

/// `--dscp-class C` is saved as `--dscp 0xNN`; exactly one of the two is needed. `first` is
/// the numeric option's name.
pub(super) fn fold_dscp_class(
    options: &mut [Opt],
    number: &str,
    class: &str,
) -> Result<(), String> {
    one_of(options, &[number, class])?;
    for option in options.iter_mut() {
        if option.name == class {
            option.name = number.to_owned();
        }
    }
    Ok(())
}

fn finish_dscp(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    fold_dscp_class(options, "dscp", "dscp-class")
}

fn length_range(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (low, high) = parse_uint_range(value, 65535, None)?;
    Ok(range_text(low, high))
}

fn finish_length(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "length")
}

fn finish_tcpmss(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    required(options, "mss")?;
    needs_protocol(ctx, &["tcp"], "tcp")
}

fn realm_value(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    // Realm names come from /etc/iproute2/rt_realms on the loading machine: kept as written.
    match parse_value_mask(value, U32) {
        Some((v, Some(m))) if m != U32 => Ok(format!("{}/{}", hex(v), hex(m))),
        Some((v, _)) => Ok(hex(v)),
        None if !value.is_empty() && !value.contains('/') => Ok(value.to_owned()),
        None => Err(format!("Bad realm value \"{value}\"")),
    }
}

fn finish_realm(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "realm")
}

fn osf_level(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 2)
}

fn finish_osf(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    required(options, "genre")?;
    needs_protocol(ctx, &["tcp"], "tcp")
}

fn ecn_ip(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 3)
}

fn finish_ecn(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    if options.is_empty() {
        return Err("ECN match: some option required".into());
    }
    if options.iter().any(|o| o.name.starts_with("ecn-tcp")) {
        needs_protocol(ctx, &["tcp"], "tcp")?;
    }
    Ok(())
}

/// Header-field matches.
pub static MATCHES: &[ModuleSpec] = &[
    // libipt_ah knows only `--ahspi`; `--ahlen` and `--ahres` are libip6t_ah's.
    ModuleSpec {
        family: Some(Family::V4),
        ..m(
            "ah",
            &[o(&["ahspi"], Arity::One, true, Some(spi_range))],
            Some(finish_ah),
        )
    },
    ModuleSpec {
        family: Some(Family::V6),
        ..m(
            "ah",
            &[
                o(&["ahspi"], Arity::One, true, Some(spi_range)),
                o(&["ahlen"], Arity::One, true, Some(uint32)),
                o(&["ahres"], Arity::Zero, false, None),
            ],
            Some(finish_ah),
        )
    },
    m(
        "esp",
        &[o(&["espspi"], Arity::One, true, Some(spi_range))],
        Some(finish_esp),
    ),
    m(
        "ipcomp",
        &[
            o(&["ipcompspi"], Arity::One, true, Some(spi_range)),
            o(&["compres"], Arity::Zero, false, None),
        ],
        Some(finish_ipcomp),
    ),
    ModuleSpec {
        family: Some(Family::V6),
        ..m(
            "frag",
            &[
                o(&["fragid"], Arity::One, true, Some(spi_range)),
                o(&["fraglen"], Arity::One, true, Some(uint32)),
                o(&["fragres"], Arity::Zero, false, None),
                o(&["fragfirst"], Arity::Zero, false, None),
                o(&["fragmore"], Arity::Zero, false, None),
                o(&["fraglast"], Arity::Zero, false, None),
            ],
            Some(finish_frag),
        )
    },
    ModuleSpec {
        family: Some(Family::V6),
        ..m(
            "rt",
            &[
                o(&["rt-type"], Arity::One, true, Some(uint32)),
                o(&["rt-segsleft"], Arity::One, true, Some(spi_range)),
                o(&["rt-len"], Arity::One, true, Some(uint32)),
                o(&["rt-0-res"], Arity::Zero, false, None),
                o(&["rt-0-addrs"], Arity::One, false, None),
                o(&["rt-0-not-strict"], Arity::Zero, false, None),
            ],
            Some(finish_rt),
        )
    },
    ModuleSpec {
        family: Some(Family::V6),
        ..m(
            "mh",
            &[o(&["mh-type"], Arity::One, true, Some(mh_type))],
            Some(finish_mh),
        )
    },
    ModuleSpec {
        family: Some(Family::V6),
        ..m(
            "hl",
            &[
                o(&["hl-eq"], Arity::One, true, Some(uint8)),
                o(&["hl-lt"], Arity::One, false, Some(uint8)),
                o(&["hl-gt"], Arity::One, false, Some(uint8)),
            ],
            Some(finish_hl),
        )
    },
    ModuleSpec {
        family: Some(Family::V4),
        ..m(
            "ttl",
            &[
                o(&["ttl-eq"], Arity::One, true, Some(uint8)),
                o(&["ttl-lt"], Arity::One, false, Some(uint8)),
                o(&["ttl-gt"], Arity::One, false, Some(uint8)),
            ],
            Some(finish_ttl),
        )
    },
    m(
        "tos",
        &[o(&["tos"], Arity::One, true, Some(tos_match))],
        Some(finish_tos),
    ),
    m(
        "dscp",
        &[
            o(&["dscp"], Arity::One, true, Some(dscp_value)),
            o(&["dscp-class"], Arity::One, true, Some(dscp_class_value)),
        ],
        Some(finish_dscp),
    ),
    m(
        "length",
        &[o(&["length"], Arity::One, true, Some(length_range))],
        Some(finish_length),
    ),
    m(
        "tcpmss",
        &[o(&["mss"], Arity::One, true, Some(length_range))],
        Some(finish_tcpmss),
    ),
    ModuleSpec {
        family: Some(Family::V6),
        chains: &["PREROUTING", "INPUT", "FORWARD"],
        ..m("eui64", &[], None)
    },
    ModuleSpec {
        family: Some(Family::V4),
        ..m(
            "realm",
            &[o(&["realm"], Arity::One, true, Some(realm_value))],
            Some(finish_realm),
        )
    },
    ModuleSpec {
        family: Some(Family::V4),
        ..m(
            "osf",
            &[
                o(&["genre"], Arity::One, true, None),
                o(&["ttl"], Arity::One, false, Some(osf_level)),
                o(&["log"], Arity::One, false, Some(osf_level)),
            ],
            Some(finish_osf),
        )
    },
    m(
        "ecn",
        &[
            o(&["ecn-tcp-cwr"], Arity::Zero, true, None),
            o(&["ecn-tcp-ece"], Arity::Zero, true, None),
            o(&["ecn-ip-ect"], Arity::One, true, Some(ecn_ip)),
        ],
        Some(finish_ecn),
    ),
];
