//! The effective ruleset: a restore file's commands replayed per table into the chains the
//! kernel would hold (`-I` inserts at the top by default, `-D`/`-R` by number or spec, `-F`,
//! `-N`, `-X`, `-E`, `-P`, one rule per `-s a,b` address), plus the problems only the replay
//! can see: a rule appended to a chain that does not exist, a jump to a chain not declared
//! yet, an insertion index past the end.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use gblint_diagnostics::TextRange;

use crate::command::{Command, Op};
use crate::file::{
    builtin_chains, ChainLine, LineKind, Problem, ProblemKind, RulesFile, TableName,
};
use crate::modules;
use crate::printer;
use crate::rule::{AddrRef, Addresses, Family, Neg, Rule};

/// A rule in a chain, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedRule {
    /// The rule (a single `-s`/`-d` address each), shared with its command when the
    /// command names at most one address each.
    pub rule: Arc<Rule>,
    /// 1-based line of the command that put it there.
    pub line: u32,
    /// The command's range.
    pub range: TextRange,
    /// Which input of an assembly it came from ([`ReplayOptions::source`]; 0 for one file).
    pub source: u32,
}

/// A chain of the effective ruleset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// Name.
    pub name: String,
    /// Built-in chain of its table.
    pub builtin: bool,
    /// Policy of a built-in chain (`ACCEPT`/`DROP`); `None` when unknown (a fragment loaded
    /// on top of rules gblint cannot see).
    pub policy: Option<String>,
    /// Line setting the policy, if any.
    pub policy_line: Option<u32>,
    /// The input of an assembly that set the policy ([`ReplayOptions::source`]).
    pub policy_source: u32,
    /// Rules in order.
    pub rules: Vec<PlacedRule>,
    /// Its contents are not fully known (it existed before the file was loaded).
    pub opaque: bool,
}

/// A table of the effective ruleset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Chains: built-ins first in hook order, then user chains in creation order.
    pub chains: Vec<Chain>,
}

impl Table {
    /// The chain called `name`.
    pub fn chain(&self, name: &str) -> Option<&Chain> {
        self.chains.iter().find(|c| c.name == name)
    }

    fn chain_mut(&mut self, name: &str) -> Option<&mut Chain> {
        self.chains.iter_mut().find(|c| c.name == name)
    }
}

/// How the file is loaded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplayOptions {
    /// Loaded with `--noflush` on top of existing rules (ufw's `*.rules`, kube-proxy, Docker):
    /// chains it uses without declaring already exist with unknown contents, and built-in
    /// policies it does not set are unknown.
    pub fragment: bool,
    /// With `fragment`: the only chains that exist before the file is loaded besides the
    /// built-in ones (ufw's skeleton: a jump to any other undeclared chain fails as in a
    /// whole file). `None`: every chain the fragment uses is assumed to exist.
    pub existing: Option<&'static [&'static str]>,
    /// Tags every rule and policy this replay places ([`PlacedRule::source`]), so that an
    /// assembly of several files (ufw's) can tell where each came from.
    pub source: u32,
}

impl ReplayOptions {
    /// Whether `name`, used without a declaration, exists before the file is loaded.
    fn assumed(&self, name: &str) -> bool {
        self.fragment && self.existing.is_none_or(|chains| chains.contains(&name))
    }
}

/// The replayed tables of one file.
#[derive(Clone, Debug)]
pub struct Ruleset {
    /// Address family.
    pub family: Family,
    /// Tables by name.
    pub tables: BTreeMap<String, Table>,
    /// Problems found while replaying (all [`ProblemKind::Restore`]).
    pub problems: Vec<Problem>,
}

impl Ruleset {
    /// The table called `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }
}

fn fresh_table(name: &str, fragment: bool) -> Table {
    Table {
        chains: builtin_chains(name)
            .iter()
            .map(|chain| Chain {
                name: (*chain).to_owned(),
                builtin: true,
                policy: (!fragment).then(|| "ACCEPT".to_owned()),
                policy_line: None,
                policy_source: 0,
                rules: Vec::new(),
                opaque: fragment,
            })
            .collect(),
    }
}

/// Whether `-j NAME` is a verdict or an extension rather than a chain.
pub fn is_standard_or_extension(name: &str) -> bool {
    matches!(name, "ACCEPT" | "DROP" | "RETURN" | "QUEUE") || modules::is_target_extension(name)
}

/// Whether `-s` and `-d` name at most one address each (the rule expands to itself).
fn single_addresses(rule: &Rule) -> bool {
    let single = |field: AddrRef<'_>| match field {
        AddrRef::Other(n) => n.value.len() == 1,
        AddrRef::Absent | AddrRef::Net(_) => true,
    };
    single(rule.source_ref()) && single(rule.destination_ref())
}

/// One rule per combination of `-s`/`-d` addresses, as iptables expands them (the rule
/// itself, shared, when it names at most one address each).
pub fn expand(rule: &Arc<Rule>) -> Vec<Arc<Rule>> {
    if single_addresses(rule) {
        return vec![Arc::clone(rule)];
    }
    let split = |field: &Option<Neg<Addresses>>| -> Vec<Option<Neg<Addresses>>> {
        match field {
            None => vec![None],
            Some(neg) => neg
                .value
                .iter()
                .map(|a| {
                    Some(Neg {
                        negated: neg.negated,
                        value: a.clone().into(),
                    })
                })
                .collect(),
        }
    };
    let mut out = Vec::new();
    for source in split(&rule.source()) {
        for destination in split(&rule.destination()) {
            let mut one = Rule::clone(rule);
            one.set_source(source.clone());
            one.set_destination(destination);
            out.push(Arc::new(one));
        }
    }
    out
}

/// Replay `file`'s commands.
pub fn replay(file: &RulesFile, options: ReplayOptions) -> Ruleset {
    replay_tables(BTreeMap::new(), file, options)
}

/// Replay `file` with `iptables-restore -n` on top of `base` (ufw-init loads its files one
/// after the other this way); the problems are those of `file` alone. Chains `base` holds
/// exist; tables it lacks are created as in a fragment.
pub fn replay_onto(base: &Ruleset, file: &RulesFile, options: ReplayOptions) -> Ruleset {
    let options = ReplayOptions {
        fragment: true,
        existing: Some(options.existing.unwrap_or(&[])),
        ..options
    };
    replay_tables(base.tables.clone(), file, options)
}

/// How many rules each chain receives in each `*table` block of a file (`-A` and `-I`
/// commands), counted before the replay so that a chain's vector is allocated once at its
/// size.
///
/// Grown by doubling and then shrunk, the vector of a 100,000-rule chain left ~6 MB of
/// freed blocks behind, which the allocator still held when IPT003 reached its peak. Counted
/// per block, not per file: a block flushes its table, and a file of many small blocks would
/// otherwise reserve the whole file's count in each.
struct ChainSizes(HashMap<SizeKey, usize, foldhash::fast::FixedState>);

/// A `*table` block (its number in the file), its table and a chain (its shared name).
type SizeKey = (u32, Option<TableName>, *const String);

impl ChainSizes {
    fn of(file: &RulesFile) -> Self {
        let mut sizes = HashMap::default();
        let mut block = 0u32;
        // Commands for one chain mostly come in runs: counted in a run, stored at its end.
        let mut run: Option<(SizeKey, usize)> = None;
        for line in &file.lines {
            let command = match &line.kind {
                LineKind::Table(_) => {
                    block += 1;
                    continue;
                }
                LineKind::Command(command) => command,
                _ => continue,
            };
            if !matches!(command.op, Op::Append | Op::Insert { .. }) {
                continue;
            }
            let key = (block, line.table, Arc::as_ptr(&command.chain));
            match &mut run {
                Some((at, count)) if *at == key => *count += 1,
                _ => {
                    if let Some((at, count)) = run.replace((key, 1)) {
                        *sizes.entry(at).or_insert(0) += count;
                    }
                }
            }
        }
        if let Some((at, count)) = run {
            *sizes.entry(at).or_insert(0) += count;
        }
        ChainSizes(sizes)
    }

    /// The rules `command`'s chain receives in block `block` (at least 1).
    fn get(&self, block: u32, table: Option<TableName>, command: &Command) -> usize {
        let key = (block, table, Arc::as_ptr(&command.chain));
        self.0.get(&key).copied().unwrap_or(1).max(1)
    }
}

fn replay_tables(
    mut tables: BTreeMap<String, Table>,
    file: &RulesFile,
    options: ReplayOptions,
) -> Ruleset {
    let mut problems = Vec::new();
    let mut current: Option<&'static str> = None;
    let sizes = ChainSizes::of(file);
    // The `*table` block being replayed, numbered as `ChainSizes` numbers them.
    let mut block = 0u32;
    for line in &file.lines {
        let mut problem = |message: String, range: TextRange| {
            problems.push(Problem {
                kind: ProblemKind::Restore,
                message,
                range,
                line: line.number,
            })
        };
        match &line.kind {
            LineKind::Table(name) => {
                block += 1;
                // Without --noflush the table is flushed and its user chains deleted.
                if !options.fragment || !tables.contains_key(*name) {
                    tables.insert((*name).to_owned(), fresh_table(name, options.fragment));
                }
                current = Some(*name);
            }
            LineKind::Commit => current = None,
            LineKind::Chain(declaration) => {
                let ChainLine {
                    name,
                    policy,
                    name_range,
                } = &**declaration;
                let Some(table) = current.and_then(|t| tables.get_mut(t)) else {
                    continue;
                };
                match table.chain_mut(name) {
                    Some(chain) if chain.builtin => {
                        if policy != "-" {
                            chain.policy = Some(policy.to_string());
                            chain.policy_line = Some(line.number);
                            chain.policy_source = options.source;
                        }
                    }
                    Some(chain) => {
                        if !options.fragment {
                            // The table was flushed at `*table`: the chain was declared twice
                            // in this block, which iptables-legacy-restore refuses (nft accepts).
                            problem(format!("error creating chain '{name}': File exists (iptables-legacy-restore refuses a chain declared twice)"), *name_range);
                        }
                        // Re-declaring a user chain (with --noflush) flushes it.
                        chain.rules.clear();
                        chain.opaque = false;
                    }
                    None => table.chains.push(Chain {
                        name: name.clone(),
                        builtin: false,
                        policy: None,
                        policy_line: None,
                        policy_source: 0,
                        rules: Vec::new(),
                        opaque: false,
                    }),
                }
            }
            LineKind::Command(command) => {
                let Some(table_name) = current else {
                    continue;
                };
                let table = tables.get_mut(table_name).expect("open table exists");
                let expected = || sizes.get(block, line.table, command);
                apply(
                    table,
                    command,
                    line.number,
                    options,
                    &expected,
                    &mut problem,
                );
            }
            _ => {}
        }
    }
    // A chain's rules outgrow the count of its commands only through address lists, deletes
    // leave room behind: give it back before the rules run.
    for table in tables.values_mut() {
        for chain in &mut table.chains {
            chain.rules.shrink_to_fit();
        }
    }
    Ruleset {
        family: file.family,
        tables,
        problems,
    }
}

fn ensure_chain<'t>(
    table: &'t mut Table,
    name: &str,
    options: ReplayOptions,
) -> Option<&'t mut Chain> {
    if table.chain(name).is_none() && options.assumed(name) {
        table.chains.push(Chain {
            name: name.to_owned(),
            builtin: false,
            policy: None,
            policy_line: None,
            policy_source: 0,
            rules: Vec::new(),
            opaque: true,
        });
    }
    table.chain_mut(name)
}

fn apply(
    table: &mut Table,
    command: &Command,
    line: u32,
    options: ReplayOptions,
    expected: &dyn Fn() -> usize,
    problem: &mut dyn FnMut(String, TextRange),
) {
    let chain_name: &str = &command.chain;
    // A jump target must exist when the rule is added.
    if let Some(target) = command.rule.target() {
        let needs_chain = matches!(
            command.op,
            Op::Append | Op::Insert { .. } | Op::Replace(_) | Op::Check | Op::DeleteRule
        ) && (target.goto || !is_standard_or_extension(target.name));
        if needs_chain && table.chain(target.name).is_none() {
            if options.assumed(target.name) {
                ensure_chain(table, target.name, options);
            } else {
                problem(
                    format!(
                        "Couldn't load target `{}': chain `{}' is not declared before this line",
                        target.name, target.name
                    ),
                    target.range,
                );
                return;
            }
        }
        // libiptc maps a jump only to a user chain: `-j INPUT` fails the line in
        // iptables-legacy-restore (`--test` too), whatever the chain declares.
        if needs_chain && table.chain(target.name).is_some_and(|c| c.builtin) {
            problem(
                format!(
                    "iptables-restore: line {line} failed: `{}' is a built-in chain, and only user-defined chains can be jumped to",
                    target.name
                ),
                target.range,
            );
            return;
        }
    }
    let placed = |rule: Arc<Rule>| PlacedRule {
        rule,
        line,
        range: command.range,
        source: options.source,
    };
    match &command.op {
        Op::Append
        | Op::Insert { .. }
        | Op::Replace(_)
        | Op::DeleteNumber(_)
        | Op::DeleteRule
        | Op::Check => {
            let Some(chain) = ensure_chain(table, chain_name, options) else {
                problem(format!("chain `{chain_name}' does not exist (declare it with `:{chain_name} - [0:0]' first)"), command.chain_range);
                return;
            };
            let rules = || expand(&command.rule);
            if matches!(command.op, Op::Append | Op::Insert { .. })
                && chain.rules.len() == chain.rules.capacity()
            {
                chain.rules.reserve(expected());
            }
            match &command.op {
                // Nearly every command appends one rule: no vector for it.
                Op::Append if single_addresses(&command.rule) => {
                    chain.rules.push(placed(Arc::clone(&command.rule)));
                }
                Op::Append => chain.rules.extend(rules().into_iter().map(placed)),
                Op::Insert { at: n, .. } => {
                    let at = *n as usize - 1;
                    if at > chain.rules.len() && !chain.opaque {
                        problem(
                            format!(
                                "Index of insertion too big: {n} in a chain of {} rules",
                                chain.rules.len()
                            ),
                            command.range,
                        );
                        return;
                    }
                    let at = at.min(chain.rules.len());
                    for (offset, rule) in rules().into_iter().enumerate() {
                        chain.rules.insert(at + offset, placed(rule));
                    }
                }
                Op::Replace(n) => {
                    let at = *n as usize - 1;
                    match (chain.rules.get_mut(at), rules().into_iter().next()) {
                        (Some(slot), Some(rule)) => *slot = placed(rule),
                        _ if chain.opaque => {}
                        _ => problem(format!("Index of replacement too big: {n}"), command.range),
                    }
                }
                Op::DeleteNumber(n) => {
                    let at = *n as usize - 1;
                    if at < chain.rules.len() {
                        chain.rules.remove(at);
                    } else if !chain.opaque {
                        problem(format!("Index of deletion too big: {n}"), command.range);
                    }
                }
                Op::DeleteRule => {
                    for rule in rules() {
                        let wanted = printer::specs(&rule);
                        match chain
                            .rules
                            .iter()
                            .position(|r| printer::specs(&r.rule) == wanted)
                        {
                            Some(at) => {
                                chain.rules.remove(at);
                            }
                            None if chain.opaque => {}
                            None => problem(
                                "Bad rule (does a matching rule exist in that chain?)".into(),
                                command.range,
                            ),
                        }
                    }
                }
                _ => {}
            }
        }
        Op::NewChain => {
            if table.chain(chain_name).is_some() {
                problem(
                    format!("Chain `{chain_name}' already exists"),
                    command.chain_range,
                );
            } else {
                table.chains.push(Chain {
                    name: chain_name.to_owned(),
                    builtin: false,
                    policy: None,
                    policy_line: None,
                    policy_source: 0,
                    rules: Vec::new(),
                    opaque: false,
                });
            }
        }
        Op::DeleteChain => {
            if chain_name.is_empty() {
                table.chains.retain(|c| c.builtin);
            } else {
                let referenced = table.chains.iter().any(|c| {
                    c.rules
                        .iter()
                        .any(|r| r.rule.target().is_some_and(|t| t.name == chain_name))
                });
                match table.chains.iter().position(|c| c.name == chain_name) {
                    Some(at)
                        if !table.chains[at].builtin
                            && (referenced || !table.chains[at].rules.is_empty()) =>
                    {
                        problem(format!("Can't delete chain `{chain_name}': it still has rules or is still jumped to"), command.chain_range);
                    }
                    Some(at) if !table.chains[at].builtin => {
                        table.chains.remove(at);
                    }
                    Some(_) => problem(
                        format!("Can't delete built-in chain `{chain_name}'"),
                        command.chain_range,
                    ),
                    None if options.assumed(chain_name) => {}
                    None => problem(
                        format!("chain `{chain_name}' does not exist"),
                        command.chain_range,
                    ),
                }
            }
        }
        Op::Flush => {
            if chain_name.is_empty() {
                for chain in &mut table.chains {
                    chain.rules.clear();
                    chain.opaque = false;
                }
            } else if let Some(chain) = ensure_chain(table, chain_name, options) {
                chain.rules.clear();
                chain.opaque = false;
            } else {
                problem(
                    format!("chain `{chain_name}' does not exist"),
                    command.chain_range,
                );
            }
        }
        Op::Zero => {}
        Op::Policy if command.argument() == "DROP" && table_is_nat(table) => {
            problem("The \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.".into(), command.range);
        }
        Op::Policy => match table.chain_mut(chain_name) {
            Some(chain) if chain.builtin => {
                let policy = command.argument();
                if matches!(policy, "ACCEPT" | "DROP") {
                    chain.policy = Some(policy.to_string());
                    chain.policy_line = Some(line);
                    chain.policy_source = options.source;
                } else {
                    problem(format!("Bad policy name `{policy}'"), command.range);
                }
            }
            _ => problem(
                format!("-P only applies to built-in chains, not `{chain_name}'"),
                command.chain_range,
            ),
        },
        Op::Rename => {
            let new = command.argument();
            if table.chain(new).is_some() {
                problem(format!("Chain `{new}' already exists"), command.range);
                return;
            }
            let Some(chain) = table.chain_mut(chain_name) else {
                problem(
                    format!("chain `{chain_name}' does not exist"),
                    command.chain_range,
                );
                return;
            };
            chain.name = new.to_string();
            for chain in &mut table.chains {
                for placed in &mut chain.rules {
                    let renamed = placed.rule.target().is_some_and(|t| t.name == chain_name);
                    if renamed {
                        // Copy on write: the command's own rule keeps the name it was given.
                        Arc::make_mut(&mut placed.rule).set_target_name(new);
                    }
                }
            }
        }
    }
}

/// The nat table is the only one with PREROUTING and POSTROUTING but no FORWARD.
fn table_is_nat(table: &Table) -> bool {
    let has = |name: &str| table.chains.iter().any(|c| c.builtin && c.name == name);
    has("PREROUTING") && has("POSTROUTING") && !has("FORWARD")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::parse;

    #[test]
    fn a_chain_gets_its_rules_in_one_allocation_of_their_count() {
        // 1,000 appends to INPUT interleaved with 10 to a user chain, and two inserts: each
        // vector is sized by the count of its commands, not grown by doubling.
        let mut text = String::from("*filter\n:INPUT ACCEPT [0:0]\n:web - [0:0]\n");
        for i in 0..1000 {
            text.push_str(&format!("-A INPUT -p tcp --dport {} -j ACCEPT\n", i + 1));
            if i % 100 == 0 {
                text.push_str("-A web -j RETURN\n");
            }
        }
        text.push_str("-I INPUT 1 -j DROP\n-I web -j DROP\nCOMMIT\n");
        let file = parse(&text, Family::V4);
        let sizes = ChainSizes::of(&file);
        let mut expected = Vec::new();
        for line in &file.lines {
            if let LineKind::Command(command) = &line.kind {
                expected.push((command.chain.to_string(), sizes.get(1, line.table, command)));
            }
        }
        assert!(expected
            .iter()
            .all(|(name, n)| *n == if name == "INPUT" { 1001 } else { 11 }));
        let ruleset = replay(&file, ReplayOptions::default());
        let table = &ruleset.tables["filter"];
        for (name, count) in [("INPUT", 1001), ("web", 11)] {
            let chain = table.chains.iter().find(|c| c.name == name).expect("chain");
            assert_eq!(chain.rules.len(), count, "{name}");
            assert_eq!(chain.rules.capacity(), count, "{name}");
        }
    }

    #[test]
    fn chains_are_counted_per_table_block() {
        // Each `*filter` block flushes the table: a chain gets room for its block's rules,
        // not for the whole file's.
        let block = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n-A INPUT -j DROP\nCOMMIT\n";
        let file = parse(&block.repeat(50), Family::V4);
        let sizes = ChainSizes::of(&file);
        let mut number = 0;
        for line in &file.lines {
            match &line.kind {
                LineKind::Table(_) => number += 1,
                LineKind::Command(command) => assert_eq!(sizes.get(number, line.table, command), 2),
                _ => {}
            }
        }
        assert_eq!(number, 50);
    }
}
