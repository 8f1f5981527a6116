//! Match and target extensions: their options, how iptables validates each value, and how
//! iptables-save prints them. A module not listed here is accepted as *opaque*: its options are
//! kept in the order written and printed as written, and rules reading it treat it as unknown.

mod matches;
mod targets;
pub mod values;

use crate::rule::{Family, Opt};

/// How many arguments an option takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// A flag.
    Zero,
    /// One argument.
    One,
    /// An argument only when the next word does not start with `-` or `!`.
    Optional,
    /// Two arguments (`--tcp-flags MASK COMP`).
    Two,
}

/// What a value normalizer sees besides the value.
#[derive(Clone, Debug)]
pub struct Ctx<'a> {
    /// Address family.
    pub family: Family,
    /// `-p` as given so far (canonical), if any.
    pub protocol: Option<&'a str>,
    /// Table.
    pub table: &'a str,
    /// Chain.
    pub chain: &'a str,
}

/// Turns one argument into its saved form, or explains why iptables refuses it.
pub type Normalize = fn(&str, &Ctx<'_>) -> Result<String, String>;

/// Checks and canonicalizes a whole module instance once all its options are read (required
/// options, combinations, `--syn` → `--tcp-flags …`).
pub type Finish = fn(&mut Vec<Opt>, &Ctx<'_>) -> Result<(), String>;

/// One option of a module.
#[derive(Debug)]
pub struct OptionSpec {
    /// Long names without dashes; the first is the one iptables-save prints.
    pub names: &'static [&'static str],
    /// Arguments.
    pub arity: Arity,
    /// Whether `!` may precede it.
    pub invert: bool,
    /// Value check and canonical form (identity when `None`). For `Two` it is applied to
    /// each argument.
    pub normalize: Option<Normalize>,
}

/// Match or target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `-m NAME`.
    Match,
    /// `-j NAME`.
    Target,
}

/// A known extension.
#[derive(Debug)]
pub struct ModuleSpec {
    /// Name as written after `-m`/`-j` (the saved one).
    pub name: &'static str,
    /// Other accepted names (`-m state` is its own module; aliases are rare).
    pub aliases: &'static [&'static str],
    /// Match or target.
    pub kind: Kind,
    /// Only for this family, if any.
    pub family: Option<Family>,
    /// Options in saved order.
    pub options: &'static [OptionSpec],
    /// Whole-instance check.
    pub finish: Option<Finish>,
    /// Tables it may be used in (empty = any).
    pub tables: &'static [&'static str],
    /// Built-in chains it may be used in (empty = any; user chains are always allowed).
    pub chains: &'static [&'static str],
}

impl ModuleSpec {
    /// The option spec for the long name `name`.
    pub fn option(&self, name: &str) -> Option<(usize, &OptionSpec)> {
        self.options
            .iter()
            .enumerate()
            .find(|(_, spec)| spec.names.contains(&name))
    }
}

/// Every known module.
pub fn all() -> impl Iterator<Item = &'static ModuleSpec> {
    matches::MATCHES.iter().chain(targets::TARGETS.iter())
}

/// The known match called `name` for `family`.
pub fn find_match(name: &str, family: Family) -> Option<&'static ModuleSpec> {
    matches::MATCHES.iter().find(|m| {
        (m.name == name || m.aliases.contains(&name)) && m.family.is_none_or(|f| f == family)
    })
}

/// The known target called `name` for `family`.
pub fn find_target(name: &str, family: Family) -> Option<&'static ModuleSpec> {
    targets::TARGETS.iter().find(|m| {
        (m.name == name || m.aliases.contains(&name)) && m.family.is_none_or(|f| f == family)
    })
}

/// Whether `name` names a target extension of any family (so `-j NAME` is never a chain).
pub fn is_target_extension(name: &str) -> bool {
    targets::TARGETS
        .iter()
        .any(|m| m.name == name || m.aliases.contains(&name))
        || targets::OTHER_TARGETS.contains(&name)
}

/// Protocols whose match module `-p NAME` loads implicitly when one of its options is used.
pub fn implicit_match_for(protocol: &str) -> Option<&'static str> {
    match protocol {
        "tcp" => Some("tcp"),
        "udp" => Some("udp"),
        "icmp" => Some("icmp"),
        "sctp" => Some("sctp"),
        "dccp" => Some("dccp"),
        "udplite" => Some("udplite"),
        "esp" => Some("esp"),
        "ah" => Some("ah"),
        "mh" => Some("mh"),
        "ipv6-icmp" | "icmpv6" => Some("icmp6"),
        _ => None,
    }
}
