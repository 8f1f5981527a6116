//! Connection-tracking matches: conntrack, state, connbytes, connlabel, connlimit, connmark,
//! helper, ipvs, cluster.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::values::{
    exclusive, has, hex, new_opt, one_of, parse_uint, parse_uint_range, parse_value_mask,
    port_number, port_range_full, range_text, required, uint,
};
use super::{m, o, Arity, Ctx, ModuleSpec};
use crate::command::{canonical_protocol, parse_addresses};
use crate::rule::{Address, Family, Opt};

/// A comma list of keywords, each given as any case-insensitive prefix of one of `names`
/// (iptables compares with `strncasecmp(word, NAME, strlen(word))`), saved in the order of
/// `names` without repeats.
pub(super) fn flag_list(value: &str, names: &[&str], what: &str) -> Result<String, String> {
    keywords(value, names, what, true)
}

/// A comma list of keywords (exact when `prefix` is false, case-insensitive), saved in the
/// order of `names` without repeats.
pub(super) fn keywords(
    value: &str,
    names: &[&str],
    what: &str,
    prefix: bool,
) -> Result<String, String> {
    let mut seen = vec![false; names.len()];
    for item in value.split(',') {
        let upper = item.to_ascii_uppercase();
        let found = if item.is_empty() {
            None
        } else {
            names
                .iter()
                .position(|n| *n == upper)
                .or_else(|| names.iter().position(|n| prefix && n.starts_with(&upper)))
        };
        match found {
            Some(i) => seen[i] = true,
            None => return Err(format!("Bad {what} \"{item}\"")),
        }
    }
    Ok(names
        .iter()
        .zip(seen)
        .filter(|(_, s)| *s)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(","))
}

fn ctstate(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    flag_list(
        value,
        &[
            "INVALID",
            "NEW",
            "RELATED",
            "ESTABLISHED",
            "UNTRACKED",
            "SNAT",
            "DNAT",
        ],
        "ctstate",
    )
}

fn state(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.is_empty() || value.ends_with(',') {
        return Err(
            "\"--state\" requires a list of states with no spaces, e.g. ESTABLISHED,RELATED".into(),
        );
    }
    flag_list(
        value,
        &["INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED"],
        "state",
    )
}

fn ctstatus(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    // NONE is the empty mask; it prints only when nothing else is set.
    let list = flag_list(
        value,
        &["NONE", "EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED"],
        "ctstatus",
    )?;
    let rest: Vec<&str> = list.split(',').filter(|s| *s != "NONE").collect();
    Ok(if rest.is_empty() {
        "NONE".to_owned()
    } else {
        rest.join(",")
    })
}

/// A protocol saved as its number (`tcp` → `6`); 0 is refused.
pub(super) fn protocol_number(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let name = canonical_protocol(value, ctx.family)?;
    let number = crate::command::protocol_number(&name)
        .ok_or_else(|| format!("unknown protocol \"{value}\" specified"))?;
    if number == 0 {
        return Err("rule would never match protocol".into());
    }
    Ok(number.to_string())
}

/// One address with optional mask, saved as iptables prints it in a module (`1.1.1.1`,
/// `10.0.0.0/8`: the full-length mask is left out).
pub(super) fn module_address(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let mut list = parse_addresses(value, ctx.family)?;
    if list.len() != 1 {
        return Err(format!("host/network `{value}' not found"));
    }
    Ok(match list.remove(0) {
        Address::Net(net) => {
            let full = match ctx.family {
                Family::V4 => 32,
                Family::V6 => 128,
            };
            if net.prefix_len() == full {
                net.addr().to_string()
            } else {
                format!("{}/{}", net.addr(), net.prefix_len())
            }
        }
        other => other.to_string(),
    })
}

fn ports(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    port_range_full(value)
}

fn ctexpire(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (low, high) = parse_uint_range(value, u64::from(u32::MAX), None)?;
    Ok(range_text(low, high))
}

fn ctdir(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value.to_ascii_uppercase().as_str() {
        "ORIGINAL" => Ok("ORIGINAL".into()),
        "REPLY" => Ok("REPLY".into()),
        _ => Err(format!("Unknown --ctdir `{value}'")),
    }
}

fn require_any(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if options.is_empty() {
        Err("you must specify one or more options".into())
    } else {
        Ok(())
    }
}

fn finish_state(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "state")
}

fn connbytes_range(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (low, high) = parse_uint_range(value, u64::MAX, None)?;
    // The upper end prints only when it is neither 0 nor the maximum; a single value means
    // "from here on".
    let high = if value.contains(':') { high } else { u64::MAX };
    Ok(if high != 0 && high < u64::MAX {
        format!("{low}:{high}")
    } else {
        low.to_string()
    })
}

fn connbytes_mode(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "packets" | "bytes" | "avgpkt" => Ok(value.to_owned()),
        _ => Err(format!("Unknown --connbytes-mode `{value}'")),
    }
}

fn connbytes_dir(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "original" | "reply" | "both" => Ok(value.to_owned()),
        _ => Err(format!("Unknown --connbytes-dir `{value}'")),
    }
}

fn finish_connbytes(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    for name in ["connbytes", "connbytes-mode", "connbytes-dir"] {
        required(options, name)?;
    }
    Ok(())
}

fn connlabel(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    // Names come from connlabel.conf on the loading machine and are kept as written.
    if value.bytes().all(|b| b.is_ascii_digit()) && !value.is_empty() {
        match value.parse::<u32>() {
            Ok(n) if n < 128 => return Ok(format!("\"{n}\"")),
            _ => return Err(format!("label '{value}' is out of range")),
        }
    }
    if value.is_empty() {
        return Err("label name cannot be empty".into());
    }
    Ok(format!("\"{value}\""))
}

fn finish_connlabel(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "label")
}

fn uint32(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, u64::from(u32::MAX))
}

fn connlimit_mask(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let max = match ctx.family {
        Family::V4 => 32,
        Family::V6 => 128,
    };
    if let Some(n) = parse_uint(value, max) {
        return Ok(n.to_string());
    }
    Err(format!("Bad connlimit mask \"{value}\""))
}

/// `--connlimit-upto N` is `! --connlimit-above N` and the other way round; the mask (full
/// length by default) and the address side (source by default) are always saved.
fn finish_connlimit(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["connlimit-upto", "connlimit-above"])?;
    exclusive(options, &["connlimit-saddr", "connlimit-daddr"])?;
    for option in options.iter_mut() {
        if option.name == "connlimit-upto" || option.name == "connlimit-above" {
            let upto = (option.name == "connlimit-upto") != option.negated;
            option.name = if upto {
                "connlimit-upto".into()
            } else {
                "connlimit-above".into()
            };
            option.negated = false;
        }
    }
    if !has(options, "connlimit-mask") {
        let full = match ctx.family {
            Family::V4 => "32",
            Family::V6 => "128",
        };
        let at = options
            .iter()
            .position(|o| o.name.starts_with("connlimit-") && o.name.ends_with("addr"))
            .unwrap_or(options.len());
        options.insert(at, new_opt("connlimit-mask", &[full]));
    }
    if !has(options, "connlimit-saddr") && !has(options, "connlimit-daddr") {
        options.push(new_opt("connlimit-saddr", &[]));
    }
    Ok(())
}

/// `VALUE[/MASK]` saved as hex, without the mask when it is all ones.
pub(super) fn mark_mask(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let max = u64::from(u32::MAX);
    let (v, m) = parse_value_mask(value, max).ok_or_else(|| format!("Bad mark \"{value}\""))?;
    Ok(match m {
        Some(m) if m != max => format!("{}/{}", hex(v), hex(m)),
        _ => hex(v),
    })
}

fn finish_mark(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "mark")
}

fn helper_name(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.len() > 29 {
        return Err(format!("helper name `{value}' too long"));
    }
    super::values::text(value, 29)
}

fn finish_helper(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "helper")
}

fn port_or_name(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    port_number(value)
        .map(|p| p.to_string())
        .ok_or_else(|| format!("Port \"{value}\" does not resolve to anything"))
}

fn vdir(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "ORIGINAL" | "REPLY" => Ok(value.to_owned()),
        _ => Err(format!("Bad --vdir \"{value}\"")),
    }
}

fn vmethod(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value.to_ascii_uppercase().as_str() {
        "GATE" => Ok("GATE".into()),
        "IPIP" => Ok("IPIP".into()),
        "MASQ" => Ok("MASQ".into()),
        _ => Err(format!("Bad --vmethod \"{value}\"")),
    }
}

fn cluster_seed(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    parse_uint(value, u64::from(u32::MAX))
        .map(|v| format!("{v:#010x}"))
        .ok_or_else(|| format!("Bad --cluster-hash-seed \"{value}\""))
}

/// `--cluster-local-node N` is saved as `--cluster-local-nodemask` with bit N-1, first.
fn finish_cluster(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "cluster-total-nodes")?;
    required(options, "cluster-hash-seed")?;
    one_of(options, &["cluster-local-node", "cluster-local-nodemask"])?;
    let total: u64 = super::values::arg(options, "cluster-total-nodes")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if total == 0 || total > 32 {
        return Err("Wrong number of total nodes".into());
    }
    let Some(index) = options
        .iter()
        .position(|o| o.name == "cluster-local-node" || o.name == "cluster-local-nodemask")
    else {
        return Ok(());
    };
    let mut local = options.remove(index);
    let value: u64 = local.args[0].parse().unwrap_or(0);
    let mask = if local.name == "cluster-local-node" {
        if value == 0 || value > total {
            return Err("Wrong node id".into());
        }
        1u64 << (value - 1)
    } else {
        value
    };
    local.name = "cluster-local-nodemask".into();
    local.args = vec![format!("{mask:#010x}")];
    options.insert(0, local);
    Ok(())
}

/// Connection-tracking matches.
pub static MATCHES: &[ModuleSpec] = &[
    m(
        "conntrack",
        &[
            o(&["ctstate"], Arity::One, true, Some(ctstate)),
            o(&["ctproto"], Arity::One, true, Some(protocol_number)),
            o(&["ctorigsrc"], Arity::One, true, Some(module_address)),
            o(&["ctorigdst"], Arity::One, true, Some(module_address)),
            o(&["ctreplsrc"], Arity::One, true, Some(module_address)),
            o(&["ctrepldst"], Arity::One, true, Some(module_address)),
            o(&["ctorigsrcport"], Arity::One, true, Some(ports)),
            o(&["ctorigdstport"], Arity::One, true, Some(ports)),
            o(&["ctreplsrcport"], Arity::One, true, Some(ports)),
            o(&["ctrepldstport"], Arity::One, true, Some(ports)),
            o(&["ctstatus"], Arity::One, true, Some(ctstatus)),
            o(&["ctexpire"], Arity::One, true, Some(ctexpire)),
            o(&["ctdir"], Arity::One, false, Some(ctdir)),
        ],
        Some(require_any),
    ),
    m(
        "state",
        &[o(&["state"], Arity::One, true, Some(state))],
        Some(finish_state),
    ),
    m(
        "connbytes",
        &[
            o(&["connbytes"], Arity::One, true, Some(connbytes_range)),
            o(&["connbytes-mode"], Arity::One, false, Some(connbytes_mode)),
            o(&["connbytes-dir"], Arity::One, false, Some(connbytes_dir)),
        ],
        Some(finish_connbytes),
    ),
    m(
        "connlabel",
        &[
            o(&["label"], Arity::One, true, Some(connlabel)),
            o(&["set"], Arity::Zero, false, None),
        ],
        Some(finish_connlabel),
    ),
    m(
        "connlimit",
        &[
            o(&["connlimit-upto"], Arity::One, true, Some(uint32)),
            o(&["connlimit-above"], Arity::One, true, Some(uint32)),
            o(&["connlimit-mask"], Arity::One, false, Some(connlimit_mask)),
            o(&["connlimit-saddr"], Arity::Zero, false, None),
            o(&["connlimit-daddr"], Arity::Zero, false, None),
        ],
        Some(finish_connlimit),
    ),
    m(
        "connmark",
        &[o(&["mark"], Arity::One, true, Some(mark_mask))],
        Some(finish_mark),
    ),
    m(
        "helper",
        &[o(&["helper"], Arity::One, true, Some(helper_name))],
        Some(finish_helper),
    ),
    m(
        "ipvs",
        &[
            o(&["ipvs"], Arity::Zero, true, None),
            o(&["vproto"], Arity::One, true, Some(protocol_number)),
            o(&["vaddr"], Arity::One, true, Some(module_address)),
            o(&["vport"], Arity::One, true, Some(port_or_name)),
            o(&["vdir"], Arity::One, false, Some(vdir)),
            o(&["vmethod"], Arity::One, true, Some(vmethod)),
            o(&["vportctl"], Arity::One, true, Some(port_or_name)),
        ],
        Some(require_any),
    ),
    m(
        "cluster",
        &[
            o(&["cluster-local-nodemask"], Arity::One, true, Some(uint32)),
            o(&["cluster-total-nodes"], Arity::One, false, Some(uint32)),
            o(&["cluster-local-node"], Arity::One, true, Some(uint32)),
            o(
                &["cluster-hash-seed"],
                Arity::One,
                false,
                Some(cluster_seed),
            ),
        ],
        Some(finish_cluster),
    ),
];
