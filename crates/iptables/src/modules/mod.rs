//! Match and target extensions: their options, how iptables validates each value, and how
//! iptables-save prints them. A module not listed here is accepted as *opaque*: its options are
//! kept in the order written and printed as written, and rules reading it treat it as unknown.

mod conn;
mod header;
mod mangle;
mod matches;
mod misc;
mod targets;
pub mod values;

use crate::rule::{Family, Opt, Rule};

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
    /// Options are kept in the order written and may repeat (policy elements separated by
    /// `--next`); `finish` puts them in saved order and checks repeats.
    pub ordered: bool,
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

/// Every known match module.
fn all_matches() -> impl Iterator<Item = &'static ModuleSpec> {
    matches::MATCHES
        .iter()
        .chain(conn::MATCHES)
        .chain(header::MATCHES)
        .chain(misc::MATCHES)
}

/// Every known target module.
fn all_targets() -> impl Iterator<Item = &'static ModuleSpec> {
    targets::TARGETS.iter().chain(mangle::TARGETS)
}

/// Every known module.
pub fn all() -> impl Iterator<Item = &'static ModuleSpec> {
    all_matches().chain(all_targets())
}

/// The known match called `name` for `family`.
pub fn find_match(name: &str, family: Family) -> Option<&'static ModuleSpec> {
    all_matches().find(|m| {
        (m.name == name || m.aliases.contains(&name)) && m.family.is_none_or(|f| f == family)
    })
}

/// The known target called `name` for `family`.
pub fn find_target(name: &str, family: Family) -> Option<&'static ModuleSpec> {
    all_targets().find(|m| {
        (m.name == name || m.aliases.contains(&name)) && m.family.is_none_or(|f| f == family)
    })
}

/// Whether `name` names a target extension of any family (so `-j NAME` is never a chain).
pub fn is_target_extension(name: &str) -> bool {
    all_targets().any(|m| m.name == name || m.aliases.contains(&name))
        || targets::OTHER_TARGETS.contains(&name)
}

/// An option (helper for the module tables).
const fn o(
    names: &'static [&'static str],
    arity: Arity,
    invert: bool,
    normalize: Option<Normalize>,
) -> OptionSpec {
    OptionSpec {
        names,
        arity,
        invert,
        normalize,
    }
}

/// A match of any family, usable in every table and chain.
const fn m(
    name: &'static str,
    options: &'static [OptionSpec],
    finish: Option<Finish>,
) -> ModuleSpec {
    ModuleSpec {
        name,
        aliases: &[],
        kind: Kind::Match,
        family: None,
        options,
        finish,
        tables: &[],
        chains: &[],
        ordered: false,
    }
}

/// A target of any family, usable in every table and chain.
const fn t(
    name: &'static str,
    options: &'static [OptionSpec],
    finish: Option<Finish>,
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
        ordered: false,
    }
}

/// Protocols whose match module `-p NAME` loads implicitly when one of its options is used.
pub fn implicit_match_for(protocol: &str) -> Option<&'static str> {
    match protocol {
        "tcp" => Some("tcp"),
        "udp" => Some("udp"),
        "icmp" => Some("icmp"),
        "sctp" => Some("sctp"),
        "dccp" => Some("dccp"),
        "esp" => Some("esp"),
        "ah" => Some("ah"),
        "mobility-header" => Some("mh"),
        "ipv6-icmp" | "icmpv6" => Some("icmp6"),
        _ => None,
    }
}

/// Checks the kernel makes across a rule's matches and target when the rule is added:
/// TCPMSS only works on TCP SYN packets (a `--tcp-flags` match with SYN in both sets), and
/// path-MTU clamping only in FORWARD, OUTPUT and POSTROUTING.
pub fn check_rule(rule: &Rule, chain: &str) -> Result<(), String> {
    let Some(target) = &rule.target else {
        return Ok(());
    };
    if target.name == "TCPMSS" && !target.goto {
        let has_syn = |set: &str| set.split(',').any(|f| f == "SYN");
        let syn = rule.matches.iter().filter(|m| m.name == "tcp").any(|m| {
            m.options.iter().any(|o| {
                o.name == "tcp-flags"
                    && !o.negated
                    && o.args.len() == 2
                    && has_syn(&o.args[0])
                    && has_syn(&o.args[1])
            })
        });
        if !syn {
            return Err("TCPMSS: Only works on TCP SYN packets".into());
        }
        let builtin = matches!(
            chain,
            "INPUT" | "OUTPUT" | "FORWARD" | "PREROUTING" | "POSTROUTING"
        );
        if builtin
            && target.opt("clamp-mss-to-pmtu").is_some()
            && !matches!(chain, "FORWARD" | "OUTPUT" | "POSTROUTING")
        {
            return Err(
                "TCPMSS: path-MTU clamping only supported in FORWARD, OUTPUT and POSTROUTING hooks"
                    .into(),
            );
        }
    }
    Ok(())
}
