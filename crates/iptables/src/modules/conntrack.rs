//! Connection tracking: the matches on a packet's connection (conntrack, state, connbytes,
//! connlabel, connlimit, connmark, helper, ipvs, cluster) and the targets that set its mark or
//! template (CONNMARK, CONNSECMARK, CT, NOTRACK, TRACE).

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::marks::{split_mark, xmark};
use super::normalize::*;
use super::options::*;
use super::spec::{m, o, t, target_option, Arity, Ctx, Kind, ModuleSpec};
use crate::rule::{Family, Opt};
use crate::values::*;

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
    let number = crate::values::protocol_number(&name)
        .ok_or_else(|| format!("unknown protocol \"{value}\" specified"))?;
    if number == 0 {
        return Err("rule would never match protocol".into());
    }
    Ok(number.to_string())
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

/// `-m conntrack`.
pub(super) static CONNTRACK_MATCH: ModuleSpec = m(
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
    Some(require_one_or_more),
);

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

fn finish_state(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "state")
}

/// `-m state`.
pub(super) static STATE_MATCH: ModuleSpec = m(
    "state",
    &[o(&["state"], Arity::One, true, Some(state))],
    Some(finish_state),
);

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

/// `-m connbytes`.
pub(super) static CONNBYTES_MATCH: ModuleSpec = m(
    "connbytes",
    &[
        o(&["connbytes"], Arity::One, true, Some(connbytes_range)),
        o(&["connbytes-mode"], Arity::One, false, Some(connbytes_mode)),
        o(&["connbytes-dir"], Arity::One, false, Some(connbytes_dir)),
    ],
    Some(finish_connbytes),
);

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

/// `-m connlabel`.
pub(super) static CONNLABEL_MATCH: ModuleSpec = m(
    "connlabel",
    &[
        o(&["label"], Arity::One, true, Some(connlabel)),
        o(&["set"], Arity::Zero, false, None),
    ],
    Some(finish_connlabel),
);

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

/// `-m connlimit`.
pub(super) static CONNLIMIT_MATCH: ModuleSpec = m(
    "connlimit",
    &[
        o(&["connlimit-upto"], Arity::One, true, Some(uint32)),
        o(&["connlimit-above"], Arity::One, true, Some(uint32)),
        o(&["connlimit-mask"], Arity::One, false, Some(connlimit_mask)),
        o(&["connlimit-saddr"], Arity::Zero, false, None),
        o(&["connlimit-daddr"], Arity::Zero, false, None),
    ],
    Some(finish_connlimit),
);

fn finish_mark(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "mark")
}

/// `-m connmark`.
pub(super) static CONNMARK_MATCH: ModuleSpec = m(
    "connmark",
    &[o(&["mark"], Arity::One, true, Some(mark_mask))],
    Some(finish_mark),
);

fn helper_name(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.len() > 29 {
        return Err(format!("helper name `{value}' too long"));
    }
    crate::values::text(value, 29)
}

fn finish_helper(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "helper")
}

/// `-m helper`.
pub(super) static HELPER_MATCH: ModuleSpec = m(
    "helper",
    &[o(&["helper"], Arity::One, true, Some(helper_name))],
    Some(finish_helper),
);

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

/// `-m ipvs`.
pub(super) static IPVS_MATCH: ModuleSpec = m(
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
    Some(require_one_or_more),
);

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
    let total: u64 = arg(options, "cluster-total-nodes")
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

/// `-m cluster`.
pub(super) static CLUSTER_MATCH: ModuleSpec = m(
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
);

/// `-j CT`.
pub(super) static CT_TARGET: ModuleSpec = ModuleSpec {
    name: "CT",
    aliases: &[],
    kind: Kind::Target,
    family: None,
    options: &[
        target_option(&["notrack"], Arity::Zero, None),
        target_option(&["helper"], Arity::One, None),
        target_option(&["ctevents"], Arity::One, None),
        target_option(&["expevents"], Arity::One, None),
        target_option(&["zone-orig"], Arity::One, Some(ct_zone_value)),
        target_option(&["zone-reply"], Arity::One, Some(ct_zone_value)),
        target_option(&["zone"], Arity::One, Some(ct_zone_value)),
        target_option(&["timeout"], Arity::One, None),
    ],
    finish: None,
    tables: &["raw"],
    chains: &[],
    ordered: false,
};

/// CONNMARK: setting forms become `--set-xmark V/M`; --save-mark and --restore-mark always
/// print both masks (--mask sets both).
fn finish_connmark(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    const MODES: [&str; 7] = [
        "set-xmark",
        "set-mark",
        "and-mark",
        "or-mark",
        "xor-mark",
        "save-mark",
        "restore-mark",
    ];
    one_of(options, &MODES)?;
    let masks = ["nfmask", "ctmask", "mask"];
    let copy = has(options, "save-mark") || has(options, "restore-mark");
    if !copy && masks.iter().any(|m| has(options, m)) {
        return Err(
            "--nfmask, --ctmask and --mask only go with --save-mark or --restore-mark".into(),
        );
    }
    if has(options, "mask") && (has(options, "nfmask") || has(options, "ctmask")) {
        return Err("--mask cannot be combined with --nfmask or --ctmask".into());
    }
    if copy {
        let mask_of = |name: &str| {
            arg(options, name)
                .or_else(|| arg(options, "mask"))
                .map_or(U32, |m| split_mark(m).0)
        };
        let nfmask = hex(mask_of("nfmask"));
        let ctmask = hex(mask_of("ctmask"));
        let shifts: Vec<Opt> = options
            .iter()
            .filter(|o| o.name.ends_with("-shift-mark"))
            .cloned()
            .collect();
        let mode = options
            .iter()
            .find(|o| o.name == "save-mark" || o.name == "restore-mark")
            .cloned()
            .expect("mode");
        options.clear();
        options.push(mode);
        options.push(new_opt("nfmask", &[&nfmask]));
        options.push(new_opt("ctmask", &[&ctmask]));
        options.extend(shifts);
        return Ok(());
    }
    for option in options.iter_mut() {
        if let Some((v, m)) = xmark(&option.name, &option.args[0]) {
            option.name = "set-xmark".into();
            option.args = vec![format!("{}/{}", hex(v), hex(m))];
        }
    }
    Ok(())
}

/// `-j CONNMARK`.
pub(super) static CONNMARK_TARGET: ModuleSpec = t(
    "CONNMARK",
    &[
        o(&["set-xmark"], Arity::One, false, Some(value_mask)),
        o(&["set-mark"], Arity::One, false, Some(value_mask)),
        o(&["and-mark"], Arity::One, false, Some(mask_value)),
        o(&["or-mark"], Arity::One, false, Some(mask_value)),
        o(&["xor-mark"], Arity::One, false, Some(mask_value)),
        o(&["save-mark"], Arity::Zero, false, None),
        o(&["restore-mark"], Arity::Zero, false, None),
        o(&["nfmask"], Arity::One, false, Some(mask_value)),
        o(&["ctmask"], Arity::One, false, Some(mask_value)),
        o(&["mask"], Arity::One, false, Some(mask_value)),
        o(&["left-shift-mark"], Arity::One, false, Some(uint8)),
        o(&["right-shift-mark"], Arity::One, false, Some(uint8)),
    ],
    Some(finish_connmark),
);

fn finish_connsecmark(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["save", "restore"])
}

/// `-j CONNSECMARK`.
pub(super) static CONNSECMARK_TARGET: ModuleSpec = ModuleSpec {
    tables: &["mangle", "security"],
    ..t(
        "CONNSECMARK",
        &[
            o(&["save"], Arity::Zero, false, None),
            o(&["restore"], Arity::Zero, false, None),
        ],
        Some(finish_connsecmark),
    )
};

/// `-j TRACE`.
pub(super) static TRACE_TARGET: ModuleSpec = ModuleSpec {
    tables: &["raw"],
    ..t("TRACE", &[], None)
};

fn ct_zone(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value == "mark" {
        return Ok(value.to_owned());
    }
    uint(value, 65535)
}

/// `--zone` of CT: a number up to 65535 or `mark`.
fn ct_zone_value(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    ct_zone(value, ctx)
}

/// `-j NOTRACK`.
pub(super) static NOTRACK_TARGET: ModuleSpec = ModuleSpec {
    tables: &["raw"],
    ..t("NOTRACK", &[], None)
};
