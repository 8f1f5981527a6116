//! Target extensions (`-j NAME`).

use super::values::{number, text};
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
        return Err(format!("Maximum prefix length 29 for --log-prefix"));
    }
    text(value, 29)
}

fn nat_range(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.is_empty() {
        return Err("bad address".into());
    }
    Ok(value.to_owned())
}

fn finish_nat_needs_port_protocol(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    let has_port = options.iter().any(|o| match o.name.as_str() {
        "to-destination" | "to-source" => o.args.first().is_some_and(|a| {
            a.rsplit_once(']')
                .map_or(a.as_str(), |(_, rest)| rest)
                .contains(':')
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
    },
    target(
        "LOG",
        &[
            opt(&["log-level"], Arity::One, Some(log_level)),
            opt(&["log-prefix"], Arity::One, Some(log_prefix)),
            opt(&["log-tcp-sequence"], Arity::Zero, None),
            opt(&["log-tcp-options"], Arity::Zero, None),
            opt(&["log-ip-options"], Arity::Zero, None),
            opt(&["log-uid"], Arity::Zero, None),
            opt(&["log-macdecode"], Arity::Zero, None),
        ],
        None,
    ),
    target(
        "NFLOG",
        &[
            opt(&["nflog-group"], Arity::One, Some(|v, _| number(v, 65535))),
            opt(&["nflog-prefix"], Arity::One, Some(|v, _| text(v, 63))),
            opt(&["nflog-range"], Arity::One, None),
            opt(&["nflog-size"], Arity::One, None),
            opt(&["nflog-threshold"], Arity::One, None),
        ],
        None,
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
        finish: Some(finish_nat_needs_port_protocol),
        tables: &["nat"],
        chains: &["PREROUTING", "OUTPUT"],
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
        finish: Some(finish_nat_needs_port_protocol),
        tables: &["nat"],
        chains: &["POSTROUTING", "INPUT"],
    },
    ModuleSpec {
        name: "MASQUERADE",
        aliases: &[],
        kind: Kind::Target,
        family: None,
        options: &[
            opt(&["to-ports"], Arity::One, None),
            opt(&["random"], Arity::Zero, None),
            opt(&["random-fully"], Arity::Zero, None),
        ],
        finish: Some(finish_nat_needs_port_protocol),
        tables: &["nat"],
        chains: &["POSTROUTING"],
    },
    ModuleSpec {
        name: "REDIRECT",
        aliases: &[],
        kind: Kind::Target,
        family: None,
        options: &[
            opt(&["to-ports"], Arity::One, None),
            opt(&["random"], Arity::Zero, None),
        ],
        finish: Some(finish_nat_needs_port_protocol),
        tables: &["nat"],
        chains: &["PREROUTING", "OUTPUT"],
    },
    target(
        "MARK",
        &[
            opt(&["set-xmark"], Arity::One, None),
            opt(&["set-mark"], Arity::One, None),
            opt(&["and-mark"], Arity::One, None),
            opt(&["or-mark"], Arity::One, None),
            opt(&["xor-mark"], Arity::One, None),
        ],
        None,
    ),
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
            opt(&["zone-orig"], Arity::One, None),
            opt(&["zone-reply"], Arity::One, None),
            opt(&["zone"], Arity::One, None),
            opt(&["timeout"], Arity::One, None),
        ],
        finish: None,
        tables: &["raw"],
        chains: &[],
    },
];
