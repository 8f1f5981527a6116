//! iptables-save and iptables-restore files for gblint (v4 and v6, legacy and nft dumps).
//!
//! * [`file::parse`] reads a restore file line by line as iptables-restore does, losslessly
//!   ([`file::RulesFile::print`] gives the text back byte for byte), with the exact tokenizer
//!   ([`lexer`]), getopt-style option parsing with unique prefixes ([`command`]) and typed,
//!   canonical values for the common match and target modules ([`modules`], grouped by
//!   extension family), over the value grammars both share ([`values`]: numbers, ports and
//!   ranges, addresses, protocols). Layers only look down: `file` → `command` → `modules` →
//!   `values` → `rule`/`lexer` → `names` (the module tables'
//!   names as numbers, filled by `command` from `modules`).
//! * [`printer`] prints rules in iptables-save's canonical form; [`formatter`] formats whole
//!   files with it.
//! * [`ruleset`] replays a file's commands (`-A`, `-I N`, `-D`, `-R`, `-F`, `-N`, `-X`, `-P`,
//!   `-E`) into the chains the kernel would hold.
//! * [`eval`] follows a loopback connection through those chains in three-valued logic and
//!   says whether it can be dropped, and by which path.
//!
//! The tokenizer and line reader are hand-written (the grammar is line-oriented and
//! context-sensitive); 100,000 rules parse in well under a second, see `docs/benchmarks.md`.
//!
//! **Internal to gblint, with no stability promise**: embed gblint through the `gblint`
//! crate, which is its library API. This crate is published only because `gblint` is built
//! from it; like rust-analyzer's `ra_ap_` crates, any release may change or remove any item.
#![deny(missing_docs)]

pub mod command;
pub mod eval;
pub mod file;
pub mod formatter;
pub mod lexer;
pub mod modules;
mod names;
pub mod printer;
pub mod rule;
pub mod ruleset;
pub mod values;

pub use file::{parse, ChainLine, Dialect, Line, LineKind, Problem, ProblemKind, RulesFile};
pub use rule::{
    AddrRef, Address, Addresses, Args, Family, Field, Masked, MatchRef, Matches, Name, Neg, Opt,
    OptRef, Options, Rule, TargetRef,
};
