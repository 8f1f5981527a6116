//! IP and TCP header fields: the matches that read them (hl, ttl, tos, dscp, ecn, length, tcpmss,
//! osf, realm) and the targets that rewrite them (TOS, DSCP, TTL, HL, TCPMSS, TCPOPTSTRIP,
//! CHECKSUM), which share their value grammars.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::normalize::*;
use super::options::*;
use super::spec::{m, o, t, Arity, Ctx, ModuleSpec, MANGLE};
use crate::rule::{Family, Opt};
use crate::values::*;

fn finish_hl(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["hl-eq", "hl-lt", "hl-gt"])
}

/// `-m hl` (IPv6).
pub(super) static HL_MATCH: ModuleSpec = ModuleSpec {
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
};

fn finish_ttl(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["ttl-eq", "ttl-lt", "ttl-gt"])
}

/// `-m ttl` (IPv4).
pub(super) static TTL_MATCH: ModuleSpec = ModuleSpec {
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
};

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

/// `-m tos`.
pub(super) static TOS_MATCH: ModuleSpec = m(
    "tos",
    &[o(&["tos"], Arity::One, true, Some(tos_match))],
    Some(finish_tos),
);

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
    number: &'static str,
    class: &str,
) -> Result<(), String> {
    one_of(options, &[number, class])?;
    for option in options.iter_mut() {
        if option.name == class {
            option.name = number.into();
        }
    }
    Ok(())
}

fn finish_dscp(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    fold_dscp_class(options, "dscp", "dscp-class")
}

/// `-m dscp`.
pub(super) static DSCP_MATCH: ModuleSpec = m(
    "dscp",
    &[
        o(&["dscp"], Arity::One, true, Some(dscp_value)),
        o(&["dscp-class"], Arity::One, true, Some(dscp_class_value)),
    ],
    Some(finish_dscp),
);

fn length_range(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (low, high) = parse_uint_range(value, 65535, None)?;
    Ok(range_text(low, high))
}

fn finish_length(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "length")
}

/// `-m length`.
pub(super) static LENGTH_MATCH: ModuleSpec = m(
    "length",
    &[o(&["length"], Arity::One, true, Some(length_range))],
    Some(finish_length),
);

fn finish_tcpmss(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    required(options, "mss")?;
    needs_protocol(ctx, &["tcp"], "tcp")
}

/// `-m tcpmss`.
pub(super) static TCPMSS_MATCH: ModuleSpec = m(
    "tcpmss",
    &[o(&["mss"], Arity::One, true, Some(length_range))],
    Some(finish_tcpmss),
);

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

/// `-m realm` (IPv4).
pub(super) static REALM_MATCH: ModuleSpec = ModuleSpec {
    family: Some(Family::V4),
    ..m(
        "realm",
        &[o(&["realm"], Arity::One, true, Some(realm_value))],
        Some(finish_realm),
    )
};

fn osf_level(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 2)
}

fn finish_osf(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    required(options, "genre")?;
    needs_protocol(ctx, &["tcp"], "tcp")
}

/// `-m osf` (IPv4).
pub(super) static OSF_MATCH: ModuleSpec = ModuleSpec {
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
};

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

/// `-m ecn`.
pub(super) static ECN_MATCH: ModuleSpec = m(
    "ecn",
    &[
        o(&["ecn-tcp-cwr"], Arity::Zero, true, None),
        o(&["ecn-tcp-ece"], Arity::Zero, true, None),
        o(&["ecn-ip-ect"], Arity::One, true, Some(ecn_ip)),
    ],
    Some(finish_ecn),
);

/// TOS: `--set-tos V[/M]` (a bare number means mask 0xff, a name mask 0x3f); the and/or/xor
/// forms are saved as the equivalent `--set-tos V/M`.
fn tos_any(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (v, m) = tos_value_mask(value, 255)?;
    Ok(format!("{v:#04x}/{m:#04x}"))
}

fn tos_bits(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    parse_uint(value, 255)
        .map(|v| v.to_string())
        .ok_or_else(|| format!("Bad TOS value \"{value}\""))
}

fn finish_tos_target(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["set-tos", "and-tos", "or-tos", "xor-tos"])?;
    for option in options.iter_mut() {
        let bits: u64 = option.args[0].parse().unwrap_or(0);
        let (v, m) = match &*option.name {
            "and-tos" => (0, !bits & 0xff),
            "or-tos" => (bits, bits),
            "xor-tos" => (bits, 0),
            _ => continue,
        };
        option.name = "set-tos".into();
        option.args = vec![format!("{v:#04x}/{m:#04x}")];
    }
    Ok(())
}

/// `-j TOS`.
pub(super) static TOS_TARGET: ModuleSpec = ModuleSpec {
    tables: MANGLE,
    ..t(
        "TOS",
        &[
            o(&["set-tos"], Arity::One, false, Some(tos_any)),
            o(&["and-tos"], Arity::One, false, Some(tos_bits)),
            o(&["or-tos"], Arity::One, false, Some(tos_bits)),
            o(&["xor-tos"], Arity::One, false, Some(tos_bits)),
        ],
        Some(finish_tos_target),
    )
};

fn finish_dscp_target(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    fold_dscp_class(options, "set-dscp", "set-dscp-class")
}

/// `-j DSCP`.
pub(super) static DSCP_TARGET: ModuleSpec = ModuleSpec {
    tables: MANGLE,
    ..t(
        "DSCP",
        &[
            o(&["set-dscp"], Arity::One, false, Some(dscp_value)),
            o(
                &["set-dscp-class"],
                Arity::One,
                false,
                Some(dscp_class_value),
            ),
        ],
        Some(finish_dscp_target),
    )
};

fn uint8_nonzero(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match parse_uint(value, 255) {
        Some(v) if v > 0 => Ok(v.to_string()),
        _ => Err(format!("Value \"{value}\" out of range (1-255)")),
    }
}

fn finish_ttl_target(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["ttl-set", "ttl-inc", "ttl-dec"])
}

/// `-j TTL` (IPv4).
pub(super) static TTL_TARGET: ModuleSpec = ModuleSpec {
    tables: MANGLE,
    family: Some(Family::V4),
    ..t(
        "TTL",
        &[
            o(&["ttl-set"], Arity::One, false, Some(uint8)),
            o(&["ttl-dec"], Arity::One, false, Some(uint8_nonzero)),
            o(&["ttl-inc"], Arity::One, false, Some(uint8_nonzero)),
        ],
        Some(finish_ttl_target),
    )
};

fn finish_hl_target(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["hl-set", "hl-inc", "hl-dec"])
}

/// `-j HL` (IPv6).
pub(super) static HL_TARGET: ModuleSpec = ModuleSpec {
    tables: MANGLE,
    family: Some(Family::V6),
    ..t(
        "HL",
        &[
            o(&["hl-set"], Arity::One, false, Some(uint8)),
            o(&["hl-dec"], Arity::One, false, Some(uint8_nonzero)),
            o(&["hl-inc"], Arity::One, false, Some(uint8_nonzero)),
        ],
        Some(finish_hl_target),
    )
};

fn finish_tcpmss_target(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["set-mss", "clamp-mss-to-pmtu"])?;
    target_needs_protocol(ctx, &["tcp"], "TCPMSS target")
}

/// `-j TCPMSS`.
pub(super) static TCPMSS_TARGET: ModuleSpec = t(
    "TCPMSS",
    &[
        o(&["set-mss"], Arity::One, false, Some(uint16)),
        o(&["clamp-mss-to-pmtu"], Arity::Zero, false, None),
    ],
    Some(finish_tcpmss_target),
);

fn strip_options(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    const NAMES: [(&str, u64); 6] = [
        ("wscale", 3),
        ("mss", 2),
        ("sack-permitted", 4),
        ("sack", 5),
        ("timestamp", 8),
        ("md5", 19),
    ];
    let mut seen = [false; 256];
    for item in value.split(',') {
        let number = NAMES
            .iter()
            .find(|(n, _)| *n == item)
            .map(|(_, v)| *v)
            .or_else(|| parse_uint(item, 255))
            .ok_or_else(|| format!("Bad TCP option value \"{item}\""))?;
        if number < 2 {
            return Err("Option value may not be 0 or 1".into());
        }
        seen[number as usize] = true;
    }
    Ok(seen
        .iter()
        .enumerate()
        .filter(|(_, s)| **s)
        .map(|(i, _)| i.to_string())
        .collect::<Vec<_>>()
        .join(","))
}

fn finish_tcpoptstrip(_: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    target_needs_protocol(ctx, &["tcp"], "TCPOPTSTRIP target")
}

/// `-j TCPOPTSTRIP`.
pub(super) static TCPOPTSTRIP_TARGET: ModuleSpec = ModuleSpec {
    tables: MANGLE,
    ..t(
        "TCPOPTSTRIP",
        &[o(
            &["strip-options"],
            Arity::One,
            false,
            Some(strip_options),
        )],
        Some(finish_tcpoptstrip),
    )
};

fn finish_checksum(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "checksum-fill")
}

/// `-j CHECKSUM`.
pub(super) static CHECKSUM_TARGET: ModuleSpec = ModuleSpec {
    tables: MANGLE,
    ..t(
        "CHECKSUM",
        &[o(&["checksum-fill"], Arity::Zero, false, None)],
        Some(finish_checksum),
    )
};
