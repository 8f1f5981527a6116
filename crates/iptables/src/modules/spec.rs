//! What an extension module is to the parser: its options, their arity and normalizers, its
//! whole-instance check, where it may be used; and the `const fn` helpers the family files
//! write their specs with. Every family file depends on this module, never on another family's
//! code through the registry.

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

/// An option (helper for the module tables).
pub(super) const fn o(
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

/// An option that `!` may not precede (helper for the target tables).
pub(super) const fn target_option(
    names: &'static [&'static str],
    arity: Arity,
    normalize: Option<Normalize>,
) -> OptionSpec {
    OptionSpec {
        names,
        arity,
        invert: false,
        normalize,
    }
}

/// The mangle table, where most header-rewriting targets are allowed.
pub(super) const MANGLE: &[&str] = &["mangle"];

/// A match of any family, usable in every table and chain.
pub(super) const fn m(
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
pub(super) const fn t(
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
