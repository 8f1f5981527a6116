//! Target extensions (`-j NAME`).

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use std::net::IpAddr;

use super::values::{number, parse_uint, port_number, text, uint};
use super::{Arity, Ctx, Kind, ModuleSpec, OptionSpec};
use crate::rule::{Family, Opt};

const fn opt(
    names: &'static [&'static str],
    arity: Arity,
    normalize: Option<super::Normalize>,
) -> OptionSpec {
    OptionSpec {
        names,
        arity,
        invert: false,
        normalize,
    }
}

const fn target(
    name: &'static str,
    options: &'static [OptionSpec],
    finish: Option<super::Finish>,
) -> ModuleSpec {
    ModuleSpec {
        name,
        aliases: &[],
        kind: Kind::Target,
        family: None,
        options,
        finish,
        tables: &[],
        chains: &[],
        ordered: false,
    }
}

/// Targets gblint does not model but that are extensions, not chains.
pub static OTHER_TARGETS: &[&str] = &[
    "AUDIT",
    "CHECKSUM",
    "CLASSIFY",
    "CLUSTERIP",
    "CONNMARK",
    "CONNSECMARK",
    "DNPT",
    "DSCP",
    "ECN",
    "HL",
    "HMARK",
    "IDLETIMER",
    "LED",
    "NETMAP",
    "NFQUEUE",
    "NOTRACK",
    "RATEEST",
    "SECMARK",
    "SET",
    "SNPT",
    "SYNPROXY",
    "TCPMSS",
    "TCPOPTSTRIP",
    "TEE",
    "TOS",
    "TPROXY",
    "TRACE",
    "TTL",
    "ULOG",
];

fn reject_with(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let allowed: &[(&str, &str)] = match ctx.family {
        Family::V4 => &[
            ("icmp-net-unreachable", "icmp-net-unreachable"),
            ("net-unreach", "icmp-net-unreachable"),
            ("icmp-host-unreachable", "icmp-host-unreachable"),
            ("host-unreach", "icmp-host-unreachable"),
            ("icmp-port-unreachable", "icmp-port-unreachable"),
            ("port-unreach", "icmp-port-unreachable"),
            ("icmp-proto-unreachable", "icmp-proto-unreachable"),
            ("proto-unreach", "icmp-proto-unreachable"),
            ("icmp-net-prohibited", "icmp-net-prohibited"),
            ("net-prohib", "icmp-net-prohibited"),
            ("icmp-host-prohibited", "icmp-host-prohibited"),
            ("host-prohib", "icmp-host-prohibited"),
            ("icmp-admin-prohibited", "icmp-admin-prohibited"),
            ("admin-prohib", "icmp-admin-prohibited"),
            ("tcp-reset", "tcp-reset"),
            ("tcp-rst", "tcp-reset"),
        ],
        Family::V6 => &[
            ("icmp6-no-route", "icmp6-no-route"),
            ("no-route", "icmp6-no-route"),
            ("icmp6-adm-prohibited", "icmp6-adm-prohibited"),
            ("adm-prohibited", "icmp6-adm-prohibited"),
            ("icmp6-addr-unreachable", "icmp6-addr-unreachable"),
            ("addr-unreach", "icmp6-addr-unreachable"),
            ("icmp6-port-unreachable", "icmp6-port-unreachable"),
            ("port-unreach", "icmp6-port-unreachable"),
            ("icmp6-policy-fail", "icmp6-policy-fail"),
            ("policy-fail", "icmp6-policy-fail"),
            ("icmp6-reject-route", "icmp6-reject-route"),
            ("reject-route", "icmp6-reject-route"),
            ("tcp-reset", "tcp-reset"),
        ],
    };
    allowed
        .iter()
        .find(|(name, _)| *name == value)
        .map(|(_, canonical)| (*canonical).to_owned())
        .ok_or_else(|| format!("unknown reject type \"{value}\""))
}

/// Bare `REJECT` is saved with its default type.
fn finish_reject(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    if options.is_empty() {
        let default = match ctx.family {
            Family::V4 => "icmp-port-unreachable",
            Family::V6 => "icmp6-port-unreachable",
        };
        options.push(Opt {
            name: "reject-with".into(),
            negated: false,
            args: vec![default.into()],
            range: Default::default(),
        });
    }
    if options
        .iter()
        .any(|o| o.args.first().is_some_and(|a| a == "tcp-reset"))
        && ctx.protocol != Some("tcp")
    {
        return Err("TCP RST can only be used with -p tcp".into());
    }
    Ok(())
}

fn log_level(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let names = [
        "emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
    ];
    if let Some(index) = names.iter().position(|n| *n == value) {
        return Ok(index.to_string());
    }
    match value {
        "panic" => Ok("0".into()),
        "err" => Ok("3".into()),
        "warn" => Ok("4".into()),
        _ => number(value, 7).map_err(|_| format!("log-level `{value}' unknown")),
    }
}

fn log_prefix(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.len() > 29 {
        return Err("Maximum prefix length 29 for --log-prefix".into());
    }
    text(value, 29)
}

/// A NAT port: a number, or a service name standing for the whole text.
fn nat_port(text: &str) -> Result<(u16, &str), String> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        let value =
            parse_uint(&text[..digits], 65535).ok_or_else(|| format!("Port `{text}' not valid"))?;
        return Ok((value as u16, &text[digits..]));
    }
    port_number(text)
        .map(|p| (p, ""))
        .ok_or_else(|| format!("Port `{text}' not valid"))
}

/// DNAT/SNAT `ADDR[-ADDR][:PORT[-PORT][/BASE]]` (v6 `[ADDR[-ADDR]]:PORT…`), saved with single
/// values for equal ends and names resolved.
fn nat_range(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let bad = || format!("Bad IP address \"{value}\"");
    let (addrs, ports) = match ctx.family {
        Family::V6 if value.starts_with('[') => {
            let close = value.find(']').ok_or_else(bad)?;
            let rest = &value[close + 1..];
            let ports = match rest.strip_prefix(':') {
                Some(p) => Some(p),
                None if rest.is_empty() => None,
                None => return Err(bad()),
            };
            (&value[1..close], ports)
        }
        Family::V6 => (value, None),
        Family::V4 => match value.split_once(':') {
            Some((a, p)) => (a, Some(p)),
            None => (value, None),
        },
    };
    let mut out = String::new();
    if !addrs.is_empty() {
        let (low, high) = match addrs.split_once('-') {
            Some((a, b)) => (a, b),
            None => (addrs, addrs),
        };
        let parse = |a: &str| -> Result<IpAddr, String> {
            let ip: IpAddr = a.parse().map_err(|_| bad())?;
            match (ctx.family, ip) {
                (Family::V4, IpAddr::V4(_)) | (Family::V6, IpAddr::V6(_)) => Ok(ip),
                _ => Err(bad()),
            }
        };
        let (low, high) = (parse(low)?, parse(high)?);
        out = if low == high {
            low.to_string()
        } else {
            format!("{low}-{high}")
        };
    }
    if let Some(ports) = ports {
        let (min, rest) = nat_port(ports)?;
        let mut text = min.to_string();
        if let Some(rest) = rest.strip_prefix('-') {
            let (max, rest) = nat_port(rest)?;
            if max < min {
                return Err(format!("Port range `{ports}' is invalid"));
            }
            if max != min {
                text = format!("{min}-{max}");
            }
            if let Some(base) = rest.strip_prefix('/') {
                let (base, tail) = nat_port(base)?;
                if base == 0 || !tail.is_empty() {
                    return Err(format!("Port range `{ports}' is invalid"));
                }
                text.push_str(&format!("/{base}"));
            } else if !rest.is_empty() {
                return Err(format!("Garbage after port value `{ports}'"));
            }
        } else if rest.starts_with(':') {
            return Err("Invalid port delimiter".into());
        } else if !rest.is_empty() {
            return Err(format!("Garbage after port value `{ports}'"));
        }
        out = if ctx.family == Family::V6 {
            format!("[{out}]:{text}")
        } else {
            format!("{out}:{text}")
        };
    } else if out.is_empty() {
        return Err(bad());
    }
    Ok(out)
}

/// REDIRECT/MASQUERADE `--to-ports PORT[-PORT]` (the upper end must be numeric).
fn redirect_ports(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let bad = || format!("Invalid --to-ports \"{value}\"");
    let (min, rest) = nat_port(value).map_err(|_| bad())?;
    if rest.is_empty() {
        return Ok(min.to_string());
    }
    let max = rest
        .strip_prefix('-')
        .and_then(|m| parse_uint(m, 65535))
        .ok_or_else(bad)?;
    if max < u64::from(min) {
        return Err(bad());
    }
    Ok(if max == u64::from(min) {
        min.to_string()
    } else {
        format!("{min}-{max}")
    })
}

fn finish_dnat(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    if !options.iter().any(|o| o.name == "to-destination") {
        return Err("option \"--to-destination\" must be specified".into());
    }
    finish_nat_needs_port_protocol(options, ctx)
}

fn finish_snat(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    if !options.iter().any(|o| o.name == "to-source") {
        return Err("option \"--to-source\" must be specified".into());
    }
    finish_nat_needs_port_protocol(options, ctx)
}

/// LOG saves the prefix only when not empty and the level only when not 4 (warning).
fn finish_log(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    options.retain(|o| {
        !(o.name == "log-level" && o.args[0] == "4"
            || o.name == "log-prefix" && o.args[0] == "\"\"")
    });
    Ok(())
}

/// NFLOG keeps at most 63 bytes of prefix (longer ones are cut).
fn nflog_prefix(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.contains('\n') {
        return Err("Newlines not allowed in --log-prefix".into());
    }
    let mut end = value.len().min(63);
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    text(&value[..end], 63)
}

/// NFLOG leaves out group 0, threshold 0 and an empty prefix.
fn finish_nflog(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if options.iter().any(|o| o.name == "nflog-size")
        && options.iter().any(|o| o.name == "nflog-range")
    {
        return Err("--nflog-size and --nflog-range cannot be combined".into());
    }
    options.retain(|o| {
        !(matches!(o.name.as_str(), "nflog-group" | "nflog-threshold") && o.args[0] == "0"
            || o.name == "nflog-prefix" && o.args[0] == "\"\"")
    });
    Ok(())
}

fn finish_nat_needs_port_protocol(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    let has_port = options.iter().any(|o| match o.name.as_str() {
        "to-destination" | "to-source" => o.args.first().is_some_and(|a| match ctx.family {
            Family::V4 => a.contains(':'),
            Family::V6 => a.starts_with('['),
        }),
        "to-ports" => true,
        _ => false,
    });
    if has_port
        && !matches!(
            ctx.protocol,
            Some("tcp" | "udp" | "sctp" | "dccp" | "udplite")
        )
    {
        return Err("Need TCP, UDP, SCTP or DCCP with port specification".into());
    }
    Ok(())
}

/// The target modules gblint knows.
pub static TARGETS: &[ModuleSpec] = &[
    ModuleSpec {
        name: "REJECT",
        aliases: &[],
        kind: Kind::Target,
        family: None,
        options: &[opt(&["reject-with"], Arity::One, Some(reject_with))],
        finish: Some(finish_reject),
        tables: &["filter", "security"],
        chains: &["INPUT", "FORWARD", "OUTPUT"],
        ordered: false,
    },
    target(
        "LOG",
        &[
            opt(&["log-prefix"], Arity::One, Some(log_prefix)),
            opt(&["log-level"], Arity::One, Some(log_level)),
            opt(&["log-tcp-sequence"], Arity::Zero, None),
            opt(&["log-tcp-options"], Arity::Zero, None),
            opt(&["log-ip-options"], Arity::Zero, None),
            opt(&["log-uid"], Arity::Zero, None),
            opt(&["log-macdecode"], Arity::Zero, None),
        ],
        Some(finish_log),
    ),
    target(
        "NFLOG",
        &[
            opt(&["nflog-prefix"], Arity::One, Some(nflog_prefix)),
            opt(&["nflog-group"], Arity::One, Some(|v, _| uint(v, 65535))),
            opt(
                &["nflog-size"],
                Arity::One,
                Some(|v, _| uint(v, u64::from(u32::MAX))),
            ),
            opt(
                &["nflog-range"],
                Arity::One,
                Some(|v, _| uint(v, u64::from(u32::MAX))),
            ),
            opt(
                &["nflog-threshold"],
                Arity::One,
                Some(|v, _| uint(v, 65535)),
            ),
        ],
        Some(finish_nflog),
    ),
    ModuleSpec {
        name: "DNAT",
        aliases: &[],
        kind: Kind::Target,
        family: None,
        options: &[
            opt(&["to-destination"], Arity::One, Some(nat_range)),
            opt(&["random"], Arity::Zero, None),
            opt(&["persistent"], Arity::Zero, None),
        ],
        finish: Some(finish_dnat),
        tables: &["nat"],
        chains: &["PREROUTING", "OUTPUT"],
        ordered: false,
    },
    ModuleSpec {
        name: "SNAT",
        aliases: &[],
        kind: Kind::Target,
        family: None,
        options: &[
            opt(&["to-source"], Arity::One, Some(nat_range)),
            opt(&["random"], Arity::Zero, None),
            opt(&["random-fully"], Arity::Zero, None),
            opt(&["persistent"], Arity::Zero, None),
        ],
        finish: Some(finish_snat),
        tables: &["nat"],
        chains: &["POSTROUTING", "INPUT"],
        ordered: false,
    },
    ModuleSpec {
        name: "MASQUERADE",
        aliases: &[],
        kind: Kind::Target,
        family: None,
        options: &[
            opt(&["to-ports"], Arity::One, Some(redirect_ports)),
            opt(&["random"], Arity::Zero, None),
            opt(&["random-fully"], Arity::Zero, None),
        ],
        finish: Some(finish_nat_needs_port_protocol),
        tables: &["nat"],
        chains: &["POSTROUTING"],
        ordered: false,
    },
    ModuleSpec {
        name: "REDIRECT",
        aliases: &[],
        kind: Kind::Target,
        family: None,
        options: &[
            opt(&["to-ports"], Arity::One, Some(redirect_ports)),
            opt(&["random"], Arity::Zero, None),
        ],
        finish: Some(finish_nat_needs_port_protocol),
        tables: &["nat"],
        chains: &["PREROUTING", "OUTPUT"],
        ordered: false,
    },
    ModuleSpec {
        name: "CT",
        aliases: &[],
        kind: Kind::Target,
        family: None,
        options: &[
            opt(&["notrack"], Arity::Zero, None),
            opt(&["helper"], Arity::One, None),
            opt(&["ctevents"], Arity::One, None),
            opt(&["expevents"], Arity::One, None),
            opt(
                &["zone-orig"],
                Arity::One,
                Some(super::mangle::ct_zone_value),
            ),
            opt(
                &["zone-reply"],
                Arity::One,
                Some(super::mangle::ct_zone_value),
            ),
            opt(&["zone"], Arity::One, Some(super::mangle::ct_zone_value)),
            opt(&["timeout"], Arity::One, None),
        ],
        finish: None,
        tables: &["raw"],
        chains: &[],
        ordered: false,
    },
];
