//! Packet-mangling and miscellaneous targets: TOS, DSCP, TTL, HL, MARK, CONNMARK, TCPMSS,
//! TCPOPTSTRIP, CLASSIFY, CHECKSUM, SECMARK, CONNSECMARK, AUDIT, LED, IDLETIMER, TEE, TPROXY,
//! SYNPROXY, HMARK, NETMAP, DNPT, SNPT, NFQUEUE, TRACE, NOTRACK.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::conn::module_address;
use super::header::{dscp_class_value, dscp_value, fold_dscp_class, tos_value_mask};
use super::values::{
    arg, exclusive, has, hex, new_opt, one_of, parse_uint, parse_value_mask, required, uint,
};
use super::{o, t, Arity, Ctx, ModuleSpec};
use crate::command::parse_addresses;
use crate::rule::{Address, Family, Opt};

const U32: u64 = u32::MAX as u64;

fn uint8(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 255)
}

fn uint8_nonzero(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match parse_uint(value, 255) {
        Some(v) if v > 0 => Ok(v.to_string()),
        _ => Err(format!("Value \"{value}\" out of range (1-255)")),
    }
}

fn uint16(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 65535)
}

fn uint32(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, U32)
}

fn needs_protocol(ctx: &Ctx<'_>, names: &[&str], what: &str) -> Result<(), String> {
    if ctx.protocol.is_some_and(|p| names.contains(&p)) {
        Ok(())
    } else {
        Err(format!("{what} can only be used with {}", names.join("/")))
    }
}

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

fn finish_tos(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["set-tos", "and-tos", "or-tos", "xor-tos"])?;
    for option in options.iter_mut() {
        let bits: u64 = option.args[0].parse().unwrap_or(0);
        let (v, m) = match option.name.as_str() {
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

fn finish_dscp(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    fold_dscp_class(options, "set-dscp", "set-dscp-class")
}

fn finish_ttl(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["ttl-set", "ttl-inc", "ttl-dec"])
}

fn finish_hl(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["hl-set", "hl-inc", "hl-dec"])
}

fn value_mask(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (v, m) = parse_value_mask(value, U32).ok_or_else(|| format!("Bad mark \"{value}\""))?;
    Ok(match m {
        Some(m) => format!("{}/{}", hex(v), hex(m)),
        None => hex(v),
    })
}

fn split_mark(text: &str) -> (u64, Option<u64>) {
    let parse = |t: &str| u64::from_str_radix(t.trim_start_matches("0x"), 16).unwrap_or(0);
    match text.split_once('/') {
        Some((v, m)) => (parse(v), Some(parse(m))),
        None => (parse(text), None),
    }
}

/// The xmark pair (value, mask) a MARK/CONNMARK setting option stands for.
fn xmark(name: &str, text: &str) -> Option<(u64, u64)> {
    let (v, m) = split_mark(text);
    Some(match name {
        "set-xmark" => (v, m.unwrap_or(U32)),
        "set-mark" => (v, v | m.unwrap_or(U32)),
        "and-mark" => (0, !v & U32),
        "or-mark" => (v, v),
        "xor-mark" => (v, 0),
        _ => return None,
    })
}

/// Every MARK form is saved as `--set-xmark V/M`.
fn finish_mark(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(
        options,
        &["set-xmark", "set-mark", "and-mark", "or-mark", "xor-mark"],
    )?;
    for option in options.iter_mut() {
        if let Some((v, m)) = xmark(&option.name, &option.args[0]) {
            option.name = "set-xmark".into();
            option.args = vec![format!("{}/{}", hex(v), hex(m))];
        }
    }
    Ok(())
}

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

fn mask_value(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    parse_uint(value, U32)
        .map(hex)
        .ok_or_else(|| format!("Bad mask \"{value}\""))
}

fn finish_connsecmark(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["save", "restore"])
}

fn finish_secmark(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "selctx")
}

fn finish_tcpmss(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["set-mss", "clamp-mss-to-pmtu"])?;
    needs_protocol(ctx, &["tcp"], "TCPMSS target")
}

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
    needs_protocol(ctx, &["tcp"], "TCPOPTSTRIP target")
}

fn class(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let bad = || format!("Bad class value \"{value}\"");
    let (major, minor) = value.split_once(':').ok_or_else(bad)?;
    let part = |p: &str| {
        if p.is_empty() || p.len() > 8 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            None
        } else {
            u32::from_str_radix(p, 16).ok().filter(|v| *v <= 0xffff)
        }
    };
    let (major, minor) = (part(major).ok_or_else(bad)?, part(minor).ok_or_else(bad)?);
    Ok(format!("{major:04x}:{minor:04x}"))
}

fn finish_classify(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "set-class")
}

fn finish_checksum(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "checksum-fill")
}

fn audit_type(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "accept" | "drop" | "reject" => Ok(value.to_owned()),
        _ => Err(format!("Bad action type value \"{value}\"")),
    }
}

fn finish_audit(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "type")
}

fn led_id(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.is_empty() || value.len() > 27 {
        return Err(format!("Bad --led-trigger-id \"{value}\""));
    }
    Ok(format!("\"{value}\""))
}

fn led_delay(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value == "inf" {
        return Ok(value.to_owned());
    }
    uint(value, U32)
}

fn finish_led(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "led-trigger-id")?;
    options.retain(|o| !(o.name == "led-delay" && o.args[0] == "0"));
    Ok(())
}

fn idletimer_label(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.is_empty() || value.len() > 27 {
        return Err(format!("Bad --label \"{value}\""));
    }
    Ok(value.to_owned())
}

fn finish_idletimer(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "timeout")?;
    required(options, "label")
}

fn gateway(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let addrs = parse_addresses(value, ctx.family)?;
    match addrs.as_slice() {
        [Address::Net(net)] if net.prefix_len() == net.max_prefix_len() => {
            Ok(net.addr().to_string())
        }
        [Address::Host(h)] => Ok(h.clone()),
        _ => Err(format!("Bad --gateway \"{value}\"")),
    }
}

fn finish_tee(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "gateway")
}

fn port(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    super::values::port_number(value)
        .map(|p| p.to_string())
        .ok_or_else(|| format!("Bad port \"{value}\""))
}

fn tproxy_mark(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (v, m) = parse_value_mask(value, U32).ok_or_else(|| format!("Bad mark \"{value}\""))?;
    Ok(format!("{}/{}", hex(v), hex(m.unwrap_or(U32))))
}

fn finish_tproxy(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    required(options, "on-port")?;
    needs_protocol(ctx, &["tcp", "udp"], "TPROXY target")
}

fn finish_synproxy(_: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    needs_protocol(ctx, &["tcp"], "SYNPROXY target")
}

fn hmark_prefix(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let max = match ctx.family {
        Family::V4 => 32,
        Family::V6 => 128,
    };
    uint(value, max)
}

fn hex16(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    parse_uint(value, 0xffff)
        .map(|v| format!("{v:#06x}"))
        .ok_or_else(|| format!("Bad mask \"{value}\""))
}

fn hex32(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    parse_uint(value, U32)
        .map(|v| format!("{v:#010x}"))
        .ok_or_else(|| format!("Bad value \"{value}\""))
}

/// `--hmark-tuple` types; only `ct` is saved as such (the others stand for full masks, kept
/// as written here).
fn hmark_tuple(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let known = ["src", "dst", "sport", "dport", "spi", "ct"];
    if value.split(',').all(|t| known.contains(&t)) {
        Ok(value.to_owned())
    } else {
        Err(format!("Bad type \"{value}\""))
    }
}

fn hex16_02(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    parse_uint(value, 0xffff)
        .map(|v| format!("{v:#04x}"))
        .ok_or_else(|| format!("Bad mask \"{value}\""))
}

fn finish_hmark(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "hmark-mod")?;
    required(options, "hmark-rnd")?;
    if arg(options, "hmark-mod") == Some("0") {
        return Err("--hmark-mod cannot be 0".into());
    }
    if has(options, "hmark-spi-mask")
        && (has(options, "hmark-sport-mask") || has(options, "hmark-dport-mask"))
    {
        return Err("--hmark-spi-mask cannot be combined with port masks".into());
    }
    Ok(())
}

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

fn ct_zone(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value == "mark" {
        return Ok(value.to_owned());
    }
    uint(value, 65535)
}

const MANGLE: &[&str] = &["mangle"];

/// Mangling and other targets.
pub static TARGETS: &[ModuleSpec] = &[
    ModuleSpec {
        tables: MANGLE,
        ..t(
            "TOS",
            &[
                o(&["set-tos"], Arity::One, false, Some(tos_any)),
                o(&["and-tos"], Arity::One, false, Some(tos_bits)),
                o(&["or-tos"], Arity::One, false, Some(tos_bits)),
                o(&["xor-tos"], Arity::One, false, Some(tos_bits)),
            ],
            Some(finish_tos),
        )
    },
    ModuleSpec {
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
            Some(finish_dscp),
        )
    },
    ModuleSpec {
        tables: MANGLE,
        family: Some(Family::V4),
        ..t(
            "TTL",
            &[
                o(&["ttl-set"], Arity::One, false, Some(uint8)),
                o(&["ttl-dec"], Arity::One, false, Some(uint8_nonzero)),
                o(&["ttl-inc"], Arity::One, false, Some(uint8_nonzero)),
            ],
            Some(finish_ttl),
        )
    },
    ModuleSpec {
        tables: MANGLE,
        family: Some(Family::V6),
        ..t(
            "HL",
            &[
                o(&["hl-set"], Arity::One, false, Some(uint8)),
                o(&["hl-dec"], Arity::One, false, Some(uint8_nonzero)),
                o(&["hl-inc"], Arity::One, false, Some(uint8_nonzero)),
            ],
            Some(finish_hl),
        )
    },
    t(
        "MARK",
        &[
            o(&["set-xmark"], Arity::One, false, Some(value_mask)),
            o(&["set-mark"], Arity::One, false, Some(value_mask)),
            o(&["and-mark"], Arity::One, false, Some(mask_value)),
            o(&["or-mark"], Arity::One, false, Some(mask_value)),
            o(&["xor-mark"], Arity::One, false, Some(mask_value)),
        ],
        Some(finish_mark),
    ),
    t(
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
    ),
    ModuleSpec {
        tables: &["mangle", "security"],
        ..t(
            "CONNSECMARK",
            &[
                o(&["save"], Arity::Zero, false, None),
                o(&["restore"], Arity::Zero, false, None),
            ],
            Some(finish_connsecmark),
        )
    },
    ModuleSpec {
        tables: &["mangle", "security"],
        ..t(
            "SECMARK",
            &[o(&["selctx"], Arity::One, false, None)],
            Some(finish_secmark),
        )
    },
    t(
        "TCPMSS",
        &[
            o(&["set-mss"], Arity::One, false, Some(uint16)),
            o(&["clamp-mss-to-pmtu"], Arity::Zero, false, None),
        ],
        Some(finish_tcpmss),
    ),
    ModuleSpec {
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
    },
    ModuleSpec {
        tables: MANGLE,
        chains: &["FORWARD", "OUTPUT", "POSTROUTING"],
        ..t(
            "CLASSIFY",
            &[o(&["set-class"], Arity::One, false, Some(class))],
            Some(finish_classify),
        )
    },
    ModuleSpec {
        tables: MANGLE,
        ..t(
            "CHECKSUM",
            &[o(&["checksum-fill"], Arity::Zero, false, None)],
            Some(finish_checksum),
        )
    },
    t(
        "AUDIT",
        &[o(&["type"], Arity::One, false, Some(audit_type))],
        Some(finish_audit),
    ),
    t(
        "LED",
        &[
            o(&["led-trigger-id"], Arity::One, false, Some(led_id)),
            o(&["led-delay"], Arity::One, false, Some(led_delay)),
            o(&["led-always-blink"], Arity::Zero, false, None),
        ],
        Some(finish_led),
    ),
    t(
        "IDLETIMER",
        &[
            o(&["timeout"], Arity::One, false, Some(uint32)),
            o(&["label"], Arity::One, false, Some(idletimer_label)),
            o(&["alarm"], Arity::Zero, false, None),
        ],
        Some(finish_idletimer),
    ),
    t(
        "TEE",
        &[
            o(&["gateway"], Arity::One, false, Some(gateway)),
            o(&["oif"], Arity::One, false, None),
        ],
        Some(finish_tee),
    ),
    ModuleSpec {
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
    },
    t(
        "SYNPROXY",
        &[
            o(&["sack-perm"], Arity::Zero, false, None),
            o(&["timestamp"], Arity::Zero, false, None),
            o(&["wscale"], Arity::One, false, Some(|v, _| uint(v, 14))),
            o(&["mss"], Arity::One, false, Some(uint16)),
            o(&["ecn"], Arity::Zero, false, None),
        ],
        Some(finish_synproxy),
    ),
    t(
        "HMARK",
        &[
            o(&["hmark-src-prefix"], Arity::One, false, Some(hmark_prefix)),
            o(&["hmark-dst-prefix"], Arity::One, false, Some(hmark_prefix)),
            o(&["hmark-sport-mask"], Arity::One, false, Some(hex16)),
            o(&["hmark-dport-mask"], Arity::One, false, Some(hex16)),
            o(&["hmark-spi-mask"], Arity::One, false, Some(hex32)),
            o(&["hmark-sport"], Arity::One, false, Some(hex16)),
            o(&["hmark-dport"], Arity::One, false, Some(hex16)),
            o(&["hmark-spi"], Arity::One, false, Some(hex32)),
            o(&["hmark-proto-mask"], Arity::One, false, Some(hex16_02)),
            o(&["hmark-rnd"], Arity::One, false, Some(hex32)),
            o(&["hmark-mod"], Arity::One, false, Some(uint32)),
            o(&["hmark-offset"], Arity::One, false, Some(uint32)),
            o(&["hmark-tuple"], Arity::One, false, Some(hmark_tuple)),
        ],
        Some(finish_hmark),
    ),
    ModuleSpec {
        tables: &["nat"],
        ..t(
            "NETMAP",
            &[o(&["to"], Arity::One, false, Some(netmap_to))],
            Some(finish_netmap),
        )
    },
    ModuleSpec {
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
    },
    ModuleSpec {
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
    },
    t(
        "NFQUEUE",
        &[
            o(&["queue-num"], Arity::One, false, Some(uint16)),
            o(&["queue-balance"], Arity::One, false, Some(queue_balance)),
            o(&["queue-bypass"], Arity::Zero, false, None),
            o(&["queue-cpu-fanout"], Arity::Zero, false, None),
        ],
        Some(finish_nfqueue),
    ),
    ModuleSpec {
        tables: &["raw"],
        ..t("TRACE", &[], None)
    },
    ModuleSpec {
        tables: &["raw"],
        ..t("NOTRACK", &[], None)
    },
];

/// `--zone` of CT: a number up to 65535 or `mark`.
pub(super) fn ct_zone_value(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    ct_zone(value, ctx)
}
