//! Address translation and redirection targets: DNAT, SNAT, MASQUERADE, REDIRECT, NETMAP,
//! DNPT, SNPT, TPROXY and TEE.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::normalize::*;
use super::options::*;
use super::spec::{o, t, target_option, Arity, Ctx, Kind, ModuleSpec, MANGLE};
use crate::rule::{Address, Family, Opt};
use crate::values::*;
use std::net::IpAddr;

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

fn finish_dnat(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    if !options.iter().any(|o| o.name == "to-destination") {
        return Err("option \"--to-destination\" must be specified".into());
    }
    finish_nat_needs_port_protocol(options, ctx)
}

fn finish_nat_needs_port_protocol(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    let has_port = options.iter().any(|o| match &*o.name {
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

/// `-j DNAT`.
pub(super) static DNAT_TARGET: ModuleSpec = ModuleSpec {
    name: "DNAT",
    aliases: &[],
    kind: Kind::Target,
    family: None,
    options: &[
        target_option(&["to-destination"], Arity::One, Some(nat_range)),
        target_option(&["random"], Arity::Zero, None),
        target_option(&["persistent"], Arity::Zero, None),
    ],
    finish: Some(finish_dnat),
    tables: &["nat"],
    chains: &["PREROUTING", "OUTPUT"],
    ordered: false,
};

fn finish_snat(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    if !options.iter().any(|o| o.name == "to-source") {
        return Err("option \"--to-source\" must be specified".into());
    }
    finish_nat_needs_port_protocol(options, ctx)
}

/// `-j SNAT`.
pub(super) static SNAT_TARGET: ModuleSpec = ModuleSpec {
    name: "SNAT",
    aliases: &[],
    kind: Kind::Target,
    family: None,
    options: &[
        target_option(&["to-source"], Arity::One, Some(nat_range)),
        target_option(&["random"], Arity::Zero, None),
        target_option(&["random-fully"], Arity::Zero, None),
        target_option(&["persistent"], Arity::Zero, None),
    ],
    finish: Some(finish_snat),
    tables: &["nat"],
    chains: &["POSTROUTING", "INPUT"],
    ordered: false,
};

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

/// `-j MASQUERADE`.
pub(super) static MASQUERADE_TARGET: ModuleSpec = ModuleSpec {
    name: "MASQUERADE",
    aliases: &[],
    kind: Kind::Target,
    family: None,
    options: &[
        target_option(&["to-ports"], Arity::One, Some(redirect_ports)),
        target_option(&["random"], Arity::Zero, None),
        target_option(&["random-fully"], Arity::Zero, None),
    ],
    finish: Some(finish_nat_needs_port_protocol),
    tables: &["nat"],
    chains: &["POSTROUTING"],
    ordered: false,
};

/// `-j REDIRECT`.
pub(super) static REDIRECT_TARGET: ModuleSpec = ModuleSpec {
    name: "REDIRECT",
    aliases: &[],
    kind: Kind::Target,
    family: None,
    options: &[
        target_option(&["to-ports"], Arity::One, Some(redirect_ports)),
        target_option(&["random"], Arity::Zero, None),
    ],
    finish: Some(finish_nat_needs_port_protocol),
    tables: &["nat"],
    chains: &["PREROUTING", "OUTPUT"],
    ordered: false,
};

fn gateway(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let addrs = parse_addresses(value, ctx.family)?;
    match addrs.as_slice() {
        [Address::Net(net)] if net.prefix_len() == net.max_prefix_len() => {
            Ok(net.addr().to_string())
        }
        [Address::Host(h)] => Ok(h.to_string()),
        _ => Err(format!("Bad --gateway \"{value}\"")),
    }
}

fn finish_tee(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "gateway")
}

/// `-j TEE`.
pub(super) static TEE_TARGET: ModuleSpec = t(
    "TEE",
    &[
        o(&["gateway"], Arity::One, false, Some(gateway)),
        o(&["oif"], Arity::One, false, None),
    ],
    Some(finish_tee),
);

fn port(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    crate::values::port_number(value)
        .map(|p| p.to_string())
        .ok_or_else(|| format!("Bad port \"{value}\""))
}

fn tproxy_mark(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (v, m) = parse_value_mask(value, U32).ok_or_else(|| format!("Bad mark \"{value}\""))?;
    Ok(format!("{}/{}", hex(v), hex(m.unwrap_or(U32))))
}

fn finish_tproxy(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    required(options, "on-port")?;
    target_needs_protocol(ctx, &["tcp", "udp"], "TPROXY target")
}

/// `-j TPROXY`.
pub(super) static TPROXY_TARGET: ModuleSpec = ModuleSpec {
    tables: MANGLE,
    chains: &["PREROUTING"],
    ..t(
        "TPROXY",
        &[
            o(&["on-port"], Arity::One, false, Some(port)),
            o(&["on-ip"], Arity::One, false, Some(gateway)),
            o(&["tproxy-mark"], Arity::One, false, Some(tproxy_mark)),
        ],
        Some(finish_tproxy),
    )
};

/// NETMAP `--to ADDR[/LEN]`: the prefix length is always saved.
fn netmap_to(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    match parse_addresses(value, ctx.family)?.as_slice() {
        [Address::Net(net)] => Ok(format!("{}/{}", net.addr(), net.prefix_len())),
        _ => Err(format!("Bad network address \"{value}\"")),
    }
}

fn finish_netmap(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "to")
}

/// `-j NETMAP`.
pub(super) static NETMAP_TARGET: ModuleSpec = ModuleSpec {
    tables: &["nat"],
    ..t(
        "NETMAP",
        &[o(&["to"], Arity::One, false, Some(netmap_to))],
        Some(finish_netmap),
    )
};

fn npt_prefix(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    if !value.contains('/') {
        return Err(format!("prefix `{value}' needs a length"));
    }
    module_address(value, ctx)
}

fn finish_npt(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "src-pfx")?;
    required(options, "dst-pfx")
}

/// `-j DNPT` (IPv6).
pub(super) static DNPT_TARGET: ModuleSpec = ModuleSpec {
    tables: MANGLE,
    family: Some(Family::V6),
    chains: &["PREROUTING", "OUTPUT"],
    ..t(
        "DNPT",
        &[
            o(&["src-pfx"], Arity::One, false, Some(npt_prefix)),
            o(&["dst-pfx"], Arity::One, false, Some(npt_prefix)),
        ],
        Some(finish_npt),
    )
};

/// `-j SNPT` (IPv6).
pub(super) static SNPT_TARGET: ModuleSpec = ModuleSpec {
    tables: MANGLE,
    family: Some(Family::V6),
    chains: &["INPUT", "POSTROUTING"],
    ..t(
        "SNPT",
        &[
            o(&["src-pfx"], Arity::One, false, Some(npt_prefix)),
            o(&["dst-pfx"], Arity::One, false, Some(npt_prefix)),
        ],
        Some(finish_npt),
    )
};
