//! Targets that decide a packet's fate other than ACCEPT/DROP: REJECT, NFQUEUE, SYNPROXY.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::normalize::*;
use super::options::*;
use super::spec::{o, t, target_option, Arity, Ctx, Kind, ModuleSpec};
use crate::rule::{Family, Opt};
use crate::values::*;

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

/// `-j REJECT`.
pub(super) static REJECT_TARGET: ModuleSpec = ModuleSpec {
    name: "REJECT",
    aliases: &[],
    kind: Kind::Target,
    family: None,
    options: &[target_option(
        &["reject-with"],
        Arity::One,
        Some(reject_with),
    )],
    finish: Some(finish_reject),
    tables: &["filter", "security"],
    chains: &["INPUT", "FORWARD", "OUTPUT"],
    ordered: false,
};

fn finish_synproxy(_: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    target_needs_protocol(ctx, &["tcp"], "SYNPROXY target")
}

/// `-j SYNPROXY`.
pub(super) static SYNPROXY_TARGET: ModuleSpec = t(
    "SYNPROXY",
    &[
        o(&["sack-perm"], Arity::Zero, false, None),
        o(&["timestamp"], Arity::Zero, false, None),
        o(&["wscale"], Arity::One, false, Some(|v, _| uint(v, 14))),
        o(&["mss"], Arity::One, false, Some(uint16)),
        o(&["ecn"], Arity::Zero, false, None),
    ],
    Some(finish_synproxy),
);

fn queue_balance(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let bad = || format!("Bad range \"{value}\"");
    let (a, b) = value.split_once(':').ok_or_else(bad)?;
    let low = parse_uint(a, 65535).ok_or_else(bad)?;
    let high = parse_uint(b, 65534).ok_or_else(bad)?;
    if low > high {
        return Err(bad());
    }
    Ok(format!("{low}:{high}"))
}

/// NFQUEUE prints nothing when no option is given; otherwise --queue-balance or --queue-num
/// (0 by default), then the flags.
fn finish_nfqueue(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    exclusive(options, &["queue-num", "queue-balance"])?;
    if !options.is_empty() && !has(options, "queue-num") && !has(options, "queue-balance") {
        options.insert(0, new_opt("queue-num", &["0"]));
    }
    Ok(())
}

/// `-j NFQUEUE`.
pub(super) static NFQUEUE_TARGET: ModuleSpec = t(
    "NFQUEUE",
    &[
        o(&["queue-num"], Arity::One, false, Some(uint16)),
        o(&["queue-balance"], Arity::One, false, Some(queue_balance)),
        o(&["queue-bypass"], Arity::Zero, false, None),
        o(&["queue-cpu-fanout"], Arity::Zero, false, None),
    ],
    Some(finish_nfqueue),
);
