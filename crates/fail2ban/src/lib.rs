//! fail2ban configuration for gblint.
//!
//! * [`parse_ini`] reads one file exactly as fail2ban's Python `configparser` does (first
//!   `=`/`:` splits, keys lower-cased, continuation by deeper indentation, ` ;` inline
//!   comments, strict duplicates), keeping a lossless line table ([`IniFile::print`]).
//! * [`load`] merges a configuration directory in fail2ban's read order (`X.conf`,
//!   `X.d/*.conf`, `X.local`, `X.d/*.local`, `[INCLUDES] before/after`) and gives each jail's
//!   options with `[DEFAULT]` fallback and fail2ban's lazy `%(x)s` interpolation
//!   ([`Config::jail`]), plus filters' and actions' `[Definition]`s.
//! * [`parse_duration`], [`parse_bool`], [`parse_spec`] and [`split_actions`] read option
//!   values as fail2ban's client and server do.
//!
//! Which parsers are written how: the option specs ([`parse_spec`], [`split_actions`]) are
//! small regular grammars, and `nom` states them pattern part by pattern part (`spec.rs`).
//! The INI reader stays hand-written: configparser decides line by line with state (the
//! indentation of the previous key, whether a section is open, which comment prefixes apply
//! inline), the lossless line table has to keep every byte, and each problem carries
//! configparser's own message and line — a combinator grammar would only wrap the same
//! line loop. Durations follow fail2ban's `str2seconds` rewriting (a sequence of regex
//! substitutions, then Python's expression evaluator), which a grammar does not describe either.
//!
//! Nothing here runs fail2ban or touches the file system: the caller reads the files. The
//! behaviour was taken from fail2ban 1.0.2 and Python 3.11 and is checked against
//! `fail2ban-client -d` by the oracle suite.
//!
//! **Internal to gblint, with no stability promise**: embed gblint through the `gblint`
//! crate, which is its library API. This crate is published only because `gblint` is built
//! from it; like rust-analyzer's `ra_ap_` crates, any release may change or remove any item.
#![deny(missing_docs)]

mod config;
mod duration;
mod ini;
mod spec;
mod stock;

pub use config::{load, load_with, Config, Jail, LoadOptions, Origin, Value};
pub use duration::{eval_duration, parse_duration, rewrite_duration, Number};
pub use ini::{parse_ini, Entry, IniFile, Line, LineKind, Problem, Section};
pub use spec::{parse_spec, split_actions, FilterSpec};
pub use stock::{is_stock, STOCK_ACTIONS, STOCK_FILTERS};

/// fail2ban's boolean reading (`helpers._as_bool`): `1`, `on`, `true`, `yes` (any case) are
/// true and *everything else* is silently false. This returns `Some(false)` only for the
/// spellings that clearly mean false (`0`, `off`, `false`, `no`) and `None` for the rest
/// (`ture`, `enable`, empty), which fail2ban reads as false without a word — a lint's cue.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.to_lowercase().as_str() {
        "1" | "on" | "true" | "yes" => Some(true),
        "0" | "off" | "false" | "no" => Some(false),
        _ => None,
    }
}
