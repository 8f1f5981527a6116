//! IPv6 extension-header matches: frag, rt, mh, eui64.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::normalize::*;
use super::options::*;
use super::spec::{m, o, Arity, Ctx, ModuleSpec};
use crate::rule::{Family, Opt};
use crate::values::*;

fn finish_frag(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "fragid", "0:4294967295");
    exclusive(options, &["fragmore", "fraglast"])
}

/// `-m frag` (IPv6).
pub(super) static FRAG_MATCH: ModuleSpec = ModuleSpec {
    family: Some(Family::V6),
    ..m(
        "frag",
        &[
            o(&["fragid"], Arity::One, true, Some(spi_range)),
            o(&["fraglen"], Arity::One, true, Some(uint32)),
            o(&["fragres"], Arity::Zero, false, None),
            o(&["fragfirst"], Arity::Zero, false, None),
            o(&["fragmore"], Arity::Zero, false, None),
            o(&["fraglast"], Arity::Zero, false, None),
        ],
        Some(finish_frag),
    )
};

fn finish_rt(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "rt-segsleft", "0:4294967295");
    Ok(())
}

/// `-m rt` (IPv6).
pub(super) static RT_MATCH: ModuleSpec = ModuleSpec {
    family: Some(Family::V6),
    ..m(
        "rt",
        &[
            o(&["rt-type"], Arity::One, true, Some(uint32)),
            o(&["rt-segsleft"], Arity::One, true, Some(spi_range)),
            o(&["rt-len"], Arity::One, true, Some(uint32)),
            o(&["rt-0-res"], Arity::Zero, false, None),
            o(&["rt-0-addrs"], Arity::One, false, None),
            o(&["rt-0-not-strict"], Arity::Zero, false, None),
        ],
        Some(finish_rt),
    )
};

fn mh_type_name(name: &str) -> Option<u64> {
    const TYPES: &[(&str, u64)] = &[
        ("binding-refresh-request", 0),
        ("brr", 0),
        ("home-test-init", 1),
        ("hoti", 1),
        ("careof-test-init", 2),
        ("coti", 2),
        ("home-test", 3),
        ("hot", 3),
        ("careof-test", 4),
        ("cot", 4),
        ("binding-update", 5),
        ("bu", 5),
        ("binding-acknowledgement", 6),
        ("ba", 6),
        ("binding-error", 7),
        ("be", 7),
    ];
    TYPES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

fn mh_type(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (low, high) = parse_uint_range(value, 255, Some(mh_type_name))?;
    Ok(range_text(low, high))
}

fn finish_mh(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    drop_full_range(options, "mh-type", "0:255");
    needs_protocol(ctx, &["mobility-header"], "mobility-header")
}

/// `-m mh` (IPv6).
pub(super) static MH_MATCH: ModuleSpec = ModuleSpec {
    family: Some(Family::V6),
    ..m(
        "mh",
        &[o(&["mh-type"], Arity::One, true, Some(mh_type))],
        Some(finish_mh),
    )
};

/// `-m eui64` (IPv6).
pub(super) static EUI64_MATCH: ModuleSpec = ModuleSpec {
    family: Some(Family::V6),
    chains: &["PREROUTING", "INPUT", "FORWARD"],
    ..m("eui64", &[], None)
};
