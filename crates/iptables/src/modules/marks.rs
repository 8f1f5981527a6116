//! Packet marks and classification: the mark match and the MARK, SECMARK, CLASSIFY and HMARK
//! targets.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::normalize::*;
use super::options::*;
use super::spec::{m, o, t, Arity, Ctx, ModuleSpec, MANGLE};
use crate::rule::{Family, Opt};
use crate::values::*;

/// `-m mark`.
pub(super) static MARK_MATCH: ModuleSpec = m(
    "mark",
    &[o(&["mark"], Arity::One, true, Some(mark_mask))],
    Some(require_an_option),
);

pub(super) fn split_mark(text: &str) -> (u64, Option<u64>) {
    let parse = |t: &str| u64::from_str_radix(t.trim_start_matches("0x"), 16).unwrap_or(0);
    match text.split_once('/') {
        Some((v, m)) => (parse(v), Some(parse(m))),
        None => (parse(text), None),
    }
}

/// The xmark pair (value, mask) a MARK/CONNMARK setting option stands for.
pub(super) fn xmark(name: &str, text: &str) -> Option<(u64, u64)> {
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

/// `-j MARK`.
pub(super) static MARK_TARGET: ModuleSpec = t(
    "MARK",
    &[
        o(&["set-xmark"], Arity::One, false, Some(value_mask)),
        o(&["set-mark"], Arity::One, false, Some(value_mask)),
        o(&["and-mark"], Arity::One, false, Some(mask_value)),
        o(&["or-mark"], Arity::One, false, Some(mask_value)),
        o(&["xor-mark"], Arity::One, false, Some(mask_value)),
    ],
    Some(finish_mark),
);

fn finish_secmark(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "selctx")
}

/// `-j SECMARK`.
pub(super) static SECMARK_TARGET: ModuleSpec = ModuleSpec {
    tables: &["mangle", "security"],
    ..t(
        "SECMARK",
        &[o(&["selctx"], Arity::One, false, None)],
        Some(finish_secmark),
    )
};

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

/// `-j CLASSIFY`.
pub(super) static CLASSIFY_TARGET: ModuleSpec = ModuleSpec {
    tables: MANGLE,
    chains: &["FORWARD", "OUTPUT", "POSTROUTING"],
    ..t(
        "CLASSIFY",
        &[o(&["set-class"], Arity::One, false, Some(class))],
        Some(finish_classify),
    )
};

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

/// `-j HMARK`.
pub(super) static HMARK_TARGET: ModuleSpec = t(
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
);
