//! Match extensions (`-m NAME`).

use super::values::{keyword_list, number, port_number, port_range, text};
use super::{Arity, Ctx, Kind, ModuleSpec, OptionSpec};
use crate::rule::{Family, Opt};

const fn opt(
    names: &'static [&'static str],
    arity: Arity,
    invert: bool,
    normalize: Option<super::Normalize>,
) -> OptionSpec {
    OptionSpec {
        names,
        arity,
        invert,
        normalize,
    }
}

const fn module(
    name: &'static str,
    options: &'static [OptionSpec],
    finish: Option<super::Finish>,
) -> ModuleSpec {
    ModuleSpec {
        name,
        aliases: &[],
        kind: Kind::Match,
        family: None,
        options,
        finish,
        tables: &[],
        chains: &[],
    }
}

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

fn finish_udp(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    drop_full_port_ranges(options);
    Ok(())
}

fn drop_full_port_ranges(options: &mut Vec<Opt>) {
    options.retain(|o| {
        !(matches!(o.name.as_str(), "sport" | "dport")
            && !o.negated
            && o.args.first().is_some_and(|a| a == "0:65535"))
    });
}

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

fn ctstate(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    keyword_list(
        value,
        &[
            "INVALID",
            "ESTABLISHED",
            "NEW",
            "RELATED",
            "UNTRACKED",
            "SNAT",
            "DNAT",
        ],
    )
}

fn state(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    keyword_list(
        value,
        &["INVALID", "ESTABLISHED", "NEW", "RELATED", "UNTRACKED"],
    )
}

fn comment(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    text(value, 255)
}

fn require_any(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if options.is_empty() {
        Err("an option is required".into())
    } else {
        Ok(())
    }
}

fn limit_rate(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (count, unit) = value.split_once('/').unwrap_or((value, "sec"));
    let count: u32 = count.parse().map_err(|_| format!("bad rate `{value}'"))?;
    let unit = match unit {
        "s" | "sec" | "second" => "second",
        "m" | "min" | "minute" => "minute",
        "h" | "hour" => "hour",
        "d" | "day" => "day",
        _ => return Err(format!("bad rate `{value}'")),
    };
    if count == 0 {
        return Err(format!("bad rate `{value}'"));
    }
    Ok(format!("{count}/{unit}"))
}

fn burst(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    number(value, 10000)
}

fn icmp_type(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let names: &[(&str, &str)] = match ctx.family {
        Family::V4 => &[
            ("any", "any"),
            ("echo-reply", "0"),
            ("pong", "0"),
            ("destination-unreachable", "3"),
            ("network-unreachable", "3/0"),
            ("host-unreachable", "3/1"),
            ("protocol-unreachable", "3/2"),
            ("port-unreachable", "3/3"),
            ("fragmentation-needed", "3/4"),
            ("source-route-failed", "3/5"),
            ("source-quench", "4"),
            ("redirect", "5"),
            ("echo-request", "8"),
            ("ping", "8"),
            ("router-advertisement", "9"),
            ("router-solicitation", "10"),
            ("time-exceeded", "11"),
            ("ttl-exceeded", "11"),
            ("parameter-problem", "12"),
            ("timestamp-request", "13"),
            ("timestamp-reply", "14"),
            ("address-mask-request", "17"),
            ("address-mask-reply", "18"),
        ],
        Family::V6 => &[
            ("destination-unreachable", "1"),
            ("no-route", "1/0"),
            ("communication-prohibited", "1/1"),
            ("address-unreachable", "1/3"),
            ("port-unreachable", "1/4"),
            ("packet-too-big", "2"),
            ("time-exceeded", "3"),
            ("ttl-exceeded", "3"),
            ("parameter-problem", "4"),
            ("echo-request", "128"),
            ("ping", "128"),
            ("echo-reply", "129"),
            ("pong", "129"),
            ("router-solicitation", "133"),
            ("router-advertisement", "134"),
            ("neighbour-solicitation", "135"),
            ("neighbor-solicitation", "135"),
            ("neighbour-advertisement", "136"),
            ("neighbor-advertisement", "136"),
            ("redirect", "137"),
        ],
    };
    if let Some((_, number)) = names.iter().find(|(name, _)| *name == value) {
        return Ok((*number).to_owned());
    }
    let valid = |part: &str| part.parse::<u8>().is_ok();
    match value.split_once('/') {
        Some((t, c)) if valid(t) && valid(c) => Ok(value.to_owned()),
        None if valid(value) => Ok(value.to_owned()),
        _ => Err(format!("Invalid ICMP type `{value}'")),
    }
}

fn addr_type(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    keyword_list(
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
    )
}

fn mark_value(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (v, m) = match value.split_once('/') {
        Some((v, m)) => (v, Some(m)),
        None => (value, None),
    };
    let parse = |t: &str| {
        if let Some(h) = t.strip_prefix("0x") {
            u32::from_str_radix(h, 16).ok()
        } else {
            t.parse::<u32>().ok()
        }
    };
    let v = parse(v).ok_or_else(|| format!("Bad MARK value \"{value}\""))?;
    Ok(match m.map(parse) {
        Some(Some(m)) => format!("{v:#x}/{m:#x}"),
        Some(None) => return Err(format!("Bad MARK value \"{value}\"")),
        None => format!("{v:#x}"),
    })
}

fn port_or_service(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    port_number(value)
        .map(|p| p.to_string())
        .ok_or_else(|| format!("invalid port/service `{value}' specified"))
}

/// The match modules gblint knows.
pub static MATCHES: &[ModuleSpec] = &[
    module(
        "tcp",
        &[
            opt(
                &["sport", "source-port"],
                Arity::One,
                true,
                Some(port_range),
            ),
            opt(
                &["dport", "destination-port"],
                Arity::One,
                true,
                Some(port_range),
            ),
            opt(&["tcp-flags"], Arity::Two, true, Some(tcp_flags)),
            opt(&["syn"], Arity::Zero, true, None),
            opt(
                &["tcp-option"],
                Arity::One,
                true,
                Some(|v, _| number(v, 255)),
            ),
        ],
        Some(finish_tcp),
    ),
    module(
        "udp",
        &[
            opt(
                &["sport", "source-port"],
                Arity::One,
                true,
                Some(port_range),
            ),
            opt(
                &["dport", "destination-port"],
                Arity::One,
                true,
                Some(port_range),
            ),
        ],
        Some(finish_udp),
    ),
    module(
        "multiport",
        &[
            opt(
                &["sports", "source-ports"],
                Arity::One,
                true,
                Some(multiport_list),
            ),
            opt(
                &["dports", "destination-ports"],
                Arity::One,
                true,
                Some(multiport_list),
            ),
            opt(&["ports"], Arity::One, true, Some(multiport_list)),
        ],
        Some(finish_multiport),
    ),
    module(
        "conntrack",
        &[
            opt(&["ctstate"], Arity::One, true, Some(ctstate)),
            opt(&["ctproto"], Arity::One, true, None),
            opt(&["ctorigsrc"], Arity::One, true, None),
            opt(&["ctorigdst"], Arity::One, true, None),
            opt(&["ctreplsrc"], Arity::One, true, None),
            opt(&["ctrepldst"], Arity::One, true, None),
            opt(&["ctorigsrcport"], Arity::One, true, None),
            opt(&["ctorigdstport"], Arity::One, true, None),
            opt(&["ctreplsrcport"], Arity::One, true, None),
            opt(&["ctrepldstport"], Arity::One, true, None),
            opt(&["ctstatus"], Arity::One, true, None),
            opt(&["ctexpire"], Arity::One, true, None),
            opt(&["ctdir"], Arity::One, false, None),
        ],
        Some(require_any),
    ),
    module(
        "state",
        &[opt(&["state"], Arity::One, true, Some(state))],
        Some(require_any),
    ),
    module(
        "comment",
        &[opt(&["comment"], Arity::One, false, Some(comment))],
        Some(require_any),
    ),
    module(
        "limit",
        &[
            opt(&["limit"], Arity::One, false, Some(limit_rate)),
            opt(&["limit-burst"], Arity::One, false, Some(burst)),
        ],
        None,
    ),
    ModuleSpec {
        name: "icmp",
        aliases: &[],
        kind: Kind::Match,
        family: Some(Family::V4),
        options: &[opt(&["icmp-type"], Arity::One, true, Some(icmp_type))],
        finish: None,
        tables: &[],
        chains: &[],
    },
    ModuleSpec {
        name: "icmp6",
        aliases: &[],
        kind: Kind::Match,
        family: Some(Family::V6),
        options: &[opt(&["icmpv6-type"], Arity::One, true, Some(icmp_type))],
        finish: None,
        tables: &[],
        chains: &[],
    },
    module(
        "addrtype",
        &[
            opt(&["src-type"], Arity::One, true, Some(addr_type)),
            opt(&["dst-type"], Arity::One, true, Some(addr_type)),
            opt(&["limit-iface-in"], Arity::Zero, false, None),
            opt(&["limit-iface-out"], Arity::Zero, false, None),
        ],
        None,
    ),
    module(
        "mark",
        &[opt(&["mark"], Arity::One, true, Some(mark_value))],
        Some(require_any),
    ),
    module(
        "connmark",
        &[opt(&["mark"], Arity::One, true, Some(mark_value))],
        Some(require_any),
    ),
    module(
        "owner",
        &[
            opt(&["uid-owner"], Arity::One, true, None),
            opt(&["gid-owner"], Arity::One, true, None),
            opt(&["suppl-groups"], Arity::Zero, false, None),
            opt(&["socket-exists"], Arity::Zero, true, None),
        ],
        None,
    ),
    module(
        "recent",
        &[
            opt(&["set"], Arity::Zero, true, None),
            opt(&["rcheck"], Arity::Zero, true, None),
            opt(&["update"], Arity::Zero, true, None),
            opt(&["remove"], Arity::Zero, true, None),
            opt(&["seconds"], Arity::One, false, None),
            opt(&["reap"], Arity::Zero, false, None),
            opt(&["hitcount"], Arity::One, false, None),
            opt(&["rttl"], Arity::Zero, false, None),
            opt(&["name"], Arity::One, false, None),
            opt(&["mask"], Arity::One, false, None),
            opt(&["rsource"], Arity::Zero, false, None),
            opt(&["rdest"], Arity::Zero, false, None),
        ],
        None,
    ),
    module(
        "set",
        &[
            opt(&["match-set"], Arity::Two, true, None),
            opt(&["return-nomatch"], Arity::Zero, false, None),
            opt(&["update-counters"], Arity::Zero, true, None),
        ],
        Some(require_any),
    ),
    module(
        "mac",
        &[opt(&["mac-source"], Arity::One, true, None)],
        Some(require_any),
    ),
    module(
        "iprange",
        &[
            opt(&["src-range"], Arity::One, true, None),
            opt(&["dst-range"], Arity::One, true, None),
        ],
        Some(require_any),
    ),
    module(
        "physdev",
        &[
            opt(&["physdev-in"], Arity::One, true, None),
            opt(&["physdev-out"], Arity::One, true, None),
            opt(&["physdev-is-in"], Arity::Zero, true, None),
            opt(&["physdev-is-out"], Arity::Zero, true, None),
            opt(&["physdev-is-bridged"], Arity::Zero, true, None),
        ],
        Some(require_any),
    ),
    module(
        "udplite",
        &[
            opt(
                &["sport", "source-port"],
                Arity::One,
                true,
                Some(port_or_service),
            ),
            opt(
                &["dport", "destination-port"],
                Arity::One,
                true,
                Some(port_or_service),
            ),
        ],
        None,
    ),
];
