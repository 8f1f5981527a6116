//! Transport-protocol matches: tcp, udp, sctp, multiport, icmp, icmp6 (ports, flags, ICMP types).

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::normalize::*;
use super::spec::{m, o, Arity, Ctx, Kind, ModuleSpec};
use crate::rule::{Family, Opt};
use crate::values::*;

fn tcp_flags(text: &str, _: &Ctx<'_>) -> Result<String, String> {
    const FLAGS: [&str; 8] = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ALL", "NONE"];
    let mut out = Vec::new();
    for flag in text.split(',') {
        let upper = flag.to_ascii_uppercase();
        if !FLAGS.contains(&upper.as_str()) {
            return Err(format!("Unknown TCP flag `{flag}'"));
        }
        out.push(upper);
    }
    // Saved in bit order FIN,SYN,RST,PSH,ACK,URG (ALL and NONE are written out).
    let mut bits = 0u8;
    for flag in &out {
        bits |= match flag.as_str() {
            "FIN" => 1,
            "SYN" => 2,
            "RST" => 4,
            "PSH" => 8,
            "ACK" => 16,
            "URG" => 32,
            "ALL" => 63,
            _ => 0,
        };
    }
    if bits == 0 {
        return Ok("NONE".to_owned());
    }
    let names = ["FIN", "SYN", "RST", "PSH", "ACK", "URG"];
    Ok(names
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(","))
}

/// `--syn` is saved as `--tcp-flags FIN,SYN,RST,ACK SYN`; a port range covering everything
/// (`:`) is dropped unless negated.
fn finish_tcp(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    for option in options.iter_mut() {
        if option.name == "syn" {
            option.name = "tcp-flags".into();
            option.args = vec!["FIN,SYN,RST,ACK".into(), "SYN".into()];
        }
    }
    if options.iter().filter(|o| o.name == "tcp-flags").count() > 1 {
        return Err("Only one of `--syn' or `--tcp-flags' allowed".into());
    }
    drop_full_port_ranges(options);
    Ok(())
}

fn drop_full_port_ranges(options: &mut Vec<Opt>) {
    options.retain(|o| {
        !(matches!(&*o.name, "sport" | "dport")
            && !o.negated
            && o.args.first().is_some_and(|a| a == "0:65535"))
    });
}

/// `-m tcp`.
// Saved order: ports, --tcp-option, then the flags (--syn is saved as flags).
pub(super) static TCP_MATCH: ModuleSpec = m(
    "tcp",
    &[
        o(
            &["sport", "source-port"],
            Arity::One,
            true,
            Some(port_range),
        ),
        o(
            &["dport", "destination-port"],
            Arity::One,
            true,
            Some(port_range),
        ),
        o(
            &["tcp-option"],
            Arity::One,
            true,
            Some(|v, _| number(v, 255)),
        ),
        o(&["tcp-flags"], Arity::Two, true, Some(tcp_flags)),
        o(&["syn"], Arity::Zero, true, None),
    ],
    Some(finish_tcp),
);

fn finish_udp(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    drop_full_port_ranges(options);
    Ok(())
}

/// `-m udp`.
pub(super) static UDP_MATCH: ModuleSpec = m(
    "udp",
    &[
        o(
            &["sport", "source-port"],
            Arity::One,
            true,
            Some(port_range),
        ),
        o(
            &["dport", "destination-port"],
            Arity::One,
            true,
            Some(port_range),
        ),
    ],
    Some(finish_udp),
);

fn multiport_list(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let mut count = 0;
    let mut out = Vec::new();
    for item in value.split(',') {
        let canonical = port_range(item, ctx)?;
        count += if canonical.contains(':') { 2 } else { 1 };
        out.push(canonical);
    }
    if count > 15 {
        return Err("too many ports specified".into());
    }
    Ok(out.join(","))
}

fn finish_multiport(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    if options.is_empty() {
        return Err("multiport expects an option".into());
    }
    match ctx.protocol {
        Some("tcp" | "udp" | "udplite" | "sctp" | "dccp") => Ok(()),
        _ => Err("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'".into()),
    }
}

/// `-m multiport`.
pub(super) static MULTIPORT_MATCH: ModuleSpec = m(
    "multiport",
    &[
        o(
            &["sports", "source-ports"],
            Arity::One,
            true,
            Some(multiport_list),
        ),
        o(
            &["dports", "destination-ports"],
            Arity::One,
            true,
            Some(multiport_list),
        ),
        o(&["ports"], Arity::One, true, Some(multiport_list)),
    ],
    Some(finish_multiport),
);

/// ICMP type names with their type and code range (as iptables' tables list them).
const ICMP4: &[(&str, u8, u8, u8)] = &[
    ("any", 0xff, 0, 0xff),
    ("echo-reply", 0, 0, 0xff),
    ("pong", 0, 0, 0xff),
    ("destination-unreachable", 3, 0, 0xff),
    ("network-unreachable", 3, 0, 0),
    ("host-unreachable", 3, 1, 1),
    ("protocol-unreachable", 3, 2, 2),
    ("port-unreachable", 3, 3, 3),
    ("fragmentation-needed", 3, 4, 4),
    ("source-route-failed", 3, 5, 5),
    ("network-unknown", 3, 6, 6),
    ("host-unknown", 3, 7, 7),
    ("network-prohibited", 3, 9, 9),
    ("host-prohibited", 3, 10, 10),
    ("TOS-network-unreachable", 3, 11, 11),
    ("TOS-host-unreachable", 3, 12, 12),
    ("communication-prohibited", 3, 13, 13),
    ("host-precedence-violation", 3, 14, 14),
    ("precedence-cutoff", 3, 15, 15),
    ("source-quench", 4, 0, 0xff),
    ("redirect", 5, 0, 0xff),
    ("network-redirect", 5, 0, 0),
    ("host-redirect", 5, 1, 1),
    ("TOS-network-redirect", 5, 2, 2),
    ("TOS-host-redirect", 5, 3, 3),
    ("echo-request", 8, 0, 0xff),
    ("ping", 8, 0, 0xff),
    ("router-advertisement", 9, 0, 0xff),
    ("router-solicitation", 10, 0, 0xff),
    ("time-exceeded", 11, 0, 0xff),
    ("ttl-exceeded", 11, 0, 0xff),
    ("ttl-zero-during-transit", 11, 0, 0),
    ("ttl-zero-during-reassembly", 11, 1, 1),
    ("parameter-problem", 12, 0, 0xff),
    ("ip-header-bad", 12, 0, 0),
    ("required-option-missing", 12, 1, 1),
    ("timestamp-request", 13, 0, 0xff),
    ("timestamp-reply", 14, 0, 0xff),
    ("address-mask-request", 17, 0, 0xff),
    ("address-mask-reply", 18, 0, 0xff),
];

const ICMP6: &[(&str, u8, u8, u8)] = &[
    ("destination-unreachable", 1, 0, 0xff),
    ("no-route", 1, 0, 0),
    ("communication-prohibited", 1, 1, 1),
    ("beyond-scope", 1, 2, 2),
    ("address-unreachable", 1, 3, 3),
    ("port-unreachable", 1, 4, 4),
    ("failed-policy", 1, 5, 5),
    ("reject-route", 1, 6, 6),
    ("packet-too-big", 2, 0, 0xff),
    ("time-exceeded", 3, 0, 0xff),
    ("ttl-exceeded", 3, 0, 0xff),
    ("ttl-zero-during-transit", 3, 0, 0),
    ("ttl-zero-during-reassembly", 3, 1, 1),
    ("parameter-problem", 4, 0, 0xff),
    ("bad-header", 4, 0, 0),
    ("unknown-header-type", 4, 1, 1),
    ("unknown-option", 4, 2, 2),
    ("echo-request", 128, 0, 0xff),
    ("ping", 128, 0, 0xff),
    ("echo-reply", 129, 0, 0xff),
    ("pong", 129, 0, 0xff),
    ("mld-listener-query", 130, 0, 0xff),
    ("mld-listener-report", 131, 0, 0xff),
    ("mld-listener-done", 132, 0, 0xff),
    ("mld-listener-reduction", 132, 0, 0xff),
    ("router-solicitation", 133, 0, 0xff),
    ("router-advertisement", 134, 0, 0xff),
    ("neighbour-solicitation", 135, 0, 0xff),
    ("neighbor-solicitation", 135, 0, 0xff),
    ("neighbour-advertisement", 136, 0, 0xff),
    ("neighbor-advertisement", 136, 0, 0xff),
    ("redirect", 137, 0, 0xff),
];

/// `--icmp-type`/`--icmpv6-type`: a name (exact or unique prefix, any case) or
/// `TYPE[/CODE[:CODE]]`; saved as `TYPE` or `TYPE/CODE` (`any` for every type and code in v4).
fn icmp_type(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let table = match ctx.family {
        Family::V4 => ICMP4,
        Family::V6 => ICMP6,
    };
    let invalid = || format!("Invalid ICMP type `{value}'");
    let lower = value.to_ascii_lowercase();
    let exact = table.iter().find(|e| e.0.eq_ignore_ascii_case(value));
    let found = match exact {
        Some(e) => Some(*e),
        None => {
            let candidates: Vec<_> = table
                .iter()
                .filter(|e| e.0.to_ascii_lowercase().starts_with(&lower))
                .collect();
            let distinct = candidates
                .iter()
                .all(|c| (c.1, c.2, c.3) == (candidates[0].1, candidates[0].2, candidates[0].3));
            match candidates.first() {
                Some(first) if distinct => Some(**first),
                Some(_) => return Err(format!("Ambiguous ICMP type `{value}'")),
                None => None,
            }
        }
    };
    let (kind, low, high) = match found {
        Some((_, t, l, h)) => (t, l, h),
        None => {
            let (t, codes) = match value.split_once('/') {
                Some((t, c)) => (t, Some(c)),
                None => (value, None),
            };
            let kind = crate::values::parse_uint(t, 255).ok_or_else(invalid)? as u8;
            let (low, high) = match codes {
                None => (0, 0xff),
                Some(c) => {
                    let (l, h) =
                        crate::values::parse_uint_range(c, 255, None).map_err(|_| invalid())?;
                    (l as u8, h as u8)
                }
            };
            (kind, low, high)
        }
    };
    Ok(
        if ctx.family == Family::V4 && kind == 0xff && low == 0 && high == 0xff {
            "any".to_owned()
        } else if low == 0 && high == 0xff {
            kind.to_string()
        } else {
            format!("{kind}/{low}")
        },
    )
}

/// `-m icmp` (IPv4).
pub(super) static ICMP_MATCH: ModuleSpec = ModuleSpec {
    name: "icmp",
    aliases: &[],
    kind: Kind::Match,
    family: Some(Family::V4),
    options: &[o(&["icmp-type"], Arity::One, true, Some(icmp_type))],
    finish: None,
    tables: &[],
    chains: &[],
    ordered: false,
};

/// `-m icmp6` (IPv6).
pub(super) static ICMP6_MATCH: ModuleSpec = ModuleSpec {
    name: "icmp6",
    aliases: &[],
    kind: Kind::Match,
    family: Some(Family::V6),
    options: &[o(&["icmpv6-type"], Arity::One, true, Some(icmp_type))],
    finish: None,
    tables: &[],
    chains: &[],
    ordered: false,
};

fn sctp_ports(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (low, high) = parse_uint_range(value, 65535, Some(|p| port_number(p).map(u64::from)))
        .map_err(|_| format!("invalid port/service `{value}' specified"))?;
    Ok(range_text(low, high))
}

/// `-m sctp`.
pub(super) static SCTP_MATCH: ModuleSpec = m(
    "sctp",
    &[
        o(
            &["sport", "source-port"],
            Arity::One,
            true,
            Some(sctp_ports),
        ),
        o(
            &["dport", "destination-port"],
            Arity::One,
            true,
            Some(sctp_ports),
        ),
        o(&["chunk-types"], Arity::Two, true, None),
    ],
    None,
);
