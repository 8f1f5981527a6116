//! IPsec matches: ah, esp, ipcomp (SPI ranges) and policy (the IPsec policy a packet was or will be handled by).

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::normalize::*;
use super::options::*;
use super::spec::{m, o, Arity, Ctx, ModuleSpec};
use crate::rule::{Family, Opt};
use crate::values::*;

fn finish_ah(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "ahspi", "0:4294967295");
    if ctx.family == Family::V4 {
        needs_protocol(ctx, &["ah"], "ah")?;
    }
    Ok(())
}

/// `-m ah` (IPv4).
// libipt_ah knows only `--ahspi`; `--ahlen` and `--ahres` are libip6t_ah's.
pub(super) static AH_MATCH_V4: ModuleSpec = ModuleSpec {
    family: Some(Family::V4),
    ..m(
        "ah",
        &[o(&["ahspi"], Arity::One, true, Some(spi_range))],
        Some(finish_ah),
    )
};

/// `-m ah` (IPv6).
pub(super) static AH_MATCH_V6: ModuleSpec = ModuleSpec {
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
};

fn finish_esp(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "espspi", "0:4294967295");
    Ok(())
}

/// `-m esp`.
pub(super) static ESP_MATCH: ModuleSpec = m(
    "esp",
    &[o(&["espspi"], Arity::One, true, Some(spi_range))],
    Some(finish_esp),
);

fn finish_ipcomp(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "ipcompspi", "0:4294967295");
    needs_protocol(ctx, &["ipcomp"], "ipcomp")
}

/// `-m ipcomp`.
pub(super) static IPCOMP_MATCH: ModuleSpec = m(
    "ipcomp",
    &[
        o(&["ipcompspi"], Arity::One, true, Some(spi_range)),
        o(&["compres"], Arity::Zero, false, None),
    ],
    Some(finish_ipcomp),
);

fn policy_dir(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "in" | "out" => Ok(value.to_owned()),
        _ => Err(format!("policy match: invalid dir \"{value}\"")),
    }
}

fn policy_pol(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "none" | "ipsec" => Ok(value.to_owned()),
        _ => Err(format!("policy match: invalid policy \"{value}\"")),
    }
}

fn policy_spi(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    parse_uint(value, U32)
        .map(|v| format!("{v:#x}"))
        .ok_or_else(|| format!("policy match: invalid spi \"{value}\""))
}

fn policy_proto(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value.to_ascii_lowercase().as_str() {
        "esp" | "50" => Ok("esp".into()),
        "ah" | "51" => Ok("ah".into()),
        "ipcomp" | "108" => Ok("ipcomp".into()),
        _ => Err(format!(
            "policy match: protocol must be ah/esp/ipcomp, got \"{value}\""
        )),
    }
}

fn policy_mode(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "transport" | "tunnel" => Ok(value.to_owned()),
        _ => Err(format!("policy match: invalid mode \"{value}\"")),
    }
}

/// Options are kept as written: `--dir`, `--pol`, `--strict`, then policy elements separated
/// by `--next`, each saved in the order reqid, spi, proto, mode, tunnel-dst, tunnel-src.
fn finish_policy(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    const HEAD: [&str; 3] = ["dir", "pol", "strict"];
    const ELEMENT: [&str; 6] = ["reqid", "spi", "proto", "mode", "tunnel-dst", "tunnel-src"];
    let mut head: Vec<Opt> = Vec::new();
    let mut elements: Vec<Vec<Opt>> = vec![Vec::new()];
    for option in options.drain(..) {
        if HEAD.contains(&&*option.name) {
            if head.iter().any(|h| h.name == option.name) {
                return Err(format!(
                    "policy match: \"--{}\" option may only be specified once",
                    option.name
                ));
            }
            head.push(option);
        } else if option.name == "next" {
            if elements.last().is_some_and(Vec::is_empty) {
                return Err("policy match: empty policy element".into());
            }
            elements.push(Vec::new());
        } else {
            let element = elements.last_mut().expect("one element");
            if element.iter().any(|e| e.name == option.name) {
                return Err(format!("policy match: double --{} option", option.name));
            }
            element.push(option);
        }
    }
    if elements.last().is_some_and(Vec::is_empty) {
        elements.pop();
        if !elements.is_empty() {
            return Err("policy match: empty policy element".into());
        }
    }
    if elements.len() > 4 {
        return Err("policy match: maximum policy depth reached".into());
    }
    if !head.iter().any(|h| h.name == "dir") {
        return Err("policy match: neither --dir in nor --dir out specified".into());
    }
    let none = head
        .iter()
        .any(|h| h.name == "pol" && h.args.first().is_some_and(|a| a == "none"));
    if none && !elements.is_empty() {
        return Err("policy match: policy none but --strict or policy elements given".into());
    }
    let strict = head.iter().any(|h| h.name == "strict");
    if strict && elements.is_empty() {
        return Err("policy match: --strict without any policy element".into());
    }
    for element in &mut elements {
        let tunnel = element
            .iter()
            .any(|e| e.name == "mode" && e.args.first().is_some_and(|a| a == "tunnel"));
        if !tunnel && element.iter().any(|e| e.name.starts_with("tunnel-")) {
            return Err(
                "policy match: --tunnel-src/--tunnel-dst is only valid in tunnel mode".into(),
            );
        }
        element.sort_by_key(|e| ELEMENT.iter().position(|n| *n == e.name));
    }
    head.sort_by_key(|h| HEAD.iter().position(|n| *n == h.name));
    options.extend(head);
    let count = elements.len();
    for (i, element) in elements.into_iter().enumerate() {
        options.extend(element);
        if i + 1 < count {
            options.push(new_opt("next", &[]));
        }
    }
    Ok(())
}

/// `-m policy`.
pub(super) static POLICY_MATCH: ModuleSpec = ModuleSpec {
    ordered: true,
    ..m(
        "policy",
        &[
            o(&["dir"], Arity::One, false, Some(policy_dir)),
            o(&["pol"], Arity::One, false, Some(policy_pol)),
            o(&["strict"], Arity::Zero, false, None),
            o(&["reqid"], Arity::One, true, Some(uint32)),
            o(&["spi"], Arity::One, true, Some(policy_spi)),
            o(&["proto"], Arity::One, true, Some(policy_proto)),
            o(&["mode"], Arity::One, true, Some(policy_mode)),
            o(&["tunnel-src"], Arity::One, true, Some(module_address)),
            o(&["tunnel-dst"], Arity::One, true, Some(module_address)),
            o(&["next"], Arity::Zero, false, None),
        ],
        Some(finish_policy),
    )
};
