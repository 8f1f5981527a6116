//! iptables-save's canonical form of a rule: `[! -s] [! -d] [! -i] [! -o] [! -p] [! -f]`, then
//! each match with `-m NAME` and its options in the module's order, then `-j TARGET options`
//! or `-g CHAIN`. A rule with several `-s`/`-d` addresses prints as one line per address.

use crate::lexer::save_quote;
use crate::rule::{Address, Match, Neg, Opt, Rule, Target};

/// The rule's saved lines for `chain` (`-A CHAIN …`), one per address combination.
pub fn rule_lines(chain: &str, rule: &Rule) -> Vec<String> {
    specs(rule)
        .into_iter()
        .map(|spec| {
            if spec.is_empty() {
                format!("-A {chain}")
            } else {
                format!("-A {chain} {spec}")
            }
        })
        .collect()
}

/// The rule specification (what follows `-A CHAIN`), one per address combination.
pub fn specs(rule: &Rule) -> Vec<String> {
    let sources = expand(rule.source.as_ref());
    let destinations = expand(rule.destination.as_ref());
    let mut out = Vec::new();
    for source in &sources {
        for destination in &destinations {
            let mut parts: Vec<String> = Vec::new();
            if let Some((negated, address)) = source {
                parts.push(format!("{}-s {address}", bang(*negated)));
            }
            if let Some((negated, address)) = destination {
                parts.push(format!("{}-d {address}", bang(*negated)));
            }
            push_iface(&mut parts, "-i", rule.in_iface.as_ref());
            push_iface(&mut parts, "-o", rule.out_iface.as_ref());
            if let Some(protocol) = &rule.protocol {
                if protocol.negated || protocol.value != "all" {
                    parts.push(format!("{}-p {}", bang(protocol.negated), protocol.value));
                }
            }
            if let Some(negated) = rule.fragment {
                parts.push(format!("{}-f", bang(negated)));
            }
            for m in &rule.matches {
                parts.push(print_match(m));
            }
            if let Some(target) = &rule.target {
                parts.push(print_target(target));
            }
            out.push(parts.join(" "));
        }
    }
    out
}

fn bang(negated: bool) -> &'static str {
    if negated {
        "! "
    } else {
        ""
    }
}

fn expand(field: Option<&Neg<Vec<Address>>>) -> Vec<Option<(bool, String)>> {
    match field {
        None => vec![None],
        Some(neg) => neg
            .value
            .iter()
            .map(|a| Some((neg.negated, a.to_string())))
            .collect(),
    }
}

fn push_iface(parts: &mut Vec<String>, flag: &str, iface: Option<&Neg<String>>) {
    if let Some(iface) = iface {
        // `-i +` matches every interface and is not saved.
        if iface.negated || iface.value != "+" {
            parts.push(format!("{}{flag} {}", bang(iface.negated), iface.value));
        }
    }
}

/// `-m NAME opts…`.
pub fn print_match(m: &Match) -> String {
    let mut out = format!("-m {}", m.name);
    for option in &m.options {
        out.push(' ');
        out.push_str(&print_opt(option));
    }
    out
}

/// `-j NAME opts…` or `-g NAME`.
pub fn print_target(target: &Target) -> String {
    let mut out = format!("{} {}", if target.goto { "-g" } else { "-j" }, target.name);
    for option in &target.options {
        out.push(' ');
        out.push_str(&print_opt(option));
    }
    out
}

fn print_opt(option: &Opt) -> String {
    let mut out = format!("{}--{}", bang(option.negated), option.name);
    for arg in &option.args {
        out.push(' ');
        if arg.is_empty() || arg.contains([' ', '\t', '\n']) && !arg.starts_with('"') {
            out.push_str(&save_quote(arg));
        } else {
            out.push_str(arg);
        }
    }
    out
}

/// The rule specification with `-s`/`-d` address lists kept on one line (comma-joined), for
/// normalising a line in place without changing what it does.
pub fn spec_in_place(rule: &Rule) -> String {
    let mut joined = rule.clone();
    let first = |field: &mut Option<Neg<Vec<Address>>>| -> Option<String> {
        let neg = field.as_ref()?;
        let list = neg
            .value
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let negated = neg.negated;
        *field = None;
        Some(format!("{}{list}", bang(negated)))
    };
    let source = first(&mut joined.source);
    let destination = first(&mut joined.destination);
    let rest = specs(&joined).pop().unwrap_or_default();
    let mut parts = Vec::new();
    if let Some(s) = source {
        parts.push(match s.strip_prefix("! ") {
            Some(list) => format!("! -s {list}"),
            None => format!("-s {s}"),
        });
    }
    if let Some(d) = destination {
        parts.push(match d.strip_prefix("! ") {
            Some(list) => format!("! -d {list}"),
            None => format!("-d {d}"),
        });
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    parts.join(" ")
}

/// Normalise every command line of a file in place (canonical option order and values, e.g.
/// `-p tcp --dport 22` → `-p tcp -m tcp --dport 22`), leaving comments, blank lines, table,
/// chain and COMMIT lines, line order and commands (`-I 2`, `-D`, …) as they are. `None` when
/// the file has a line iptables-restore cannot read.
pub fn format_in_place(file: &crate::file::RulesFile, text: &str) -> Option<String> {
    use crate::command::Op;
    use crate::file::{LineKind, ProblemKind};
    if file.problems.iter().any(|p| p.kind == ProblemKind::Syntax) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (index, line) in file.lines.iter().enumerate() {
        let raw = &text[line.range.as_range()];
        match &line.kind {
            // An unterminated `"` takes the rest of the line, newline included, into one value
            // that no quoting can write back on one line: such a line stays as written.
            LineKind::Command(_)
                if crate::lexer::words(raw, 0, true)
                    .iter()
                    .any(|word| word.unterminated) =>
            {
                out.push_str(raw)
            }
            LineKind::Command(command) => {
                let mut head = String::new();
                if let Some((p, b)) = command.counters {
                    head.push_str(&format!("[{p}:{b}] "));
                }
                // A chain name that is empty or has blanks or quotes was written quoted; bare,
                // it would read as another word (`-A "" -j X` → `-A  -j X`: `-j` as the chain).
                let chain = if command.chain.is_empty()
                    || command.chain.contains([' ', '\t', '\n', '"', '\\'])
                {
                    save_quote(&command.chain)
                } else {
                    command.chain.clone()
                };
                let op = match &command.op {
                    Op::Append => format!("-A {chain}"),
                    Op::Insert(1) if !raw.split_whitespace().any(|w| w == "1") => {
                        format!("-I {chain}")
                    }
                    Op::Insert(n) => format!("-I {chain} {n}"),
                    Op::DeleteNumber(n) => format!("-D {chain} {n}"),
                    Op::DeleteRule => format!("-D {chain}"),
                    Op::Replace(n) => format!("-R {chain} {n}"),
                    Op::Check => format!("-C {chain}"),
                    // Chain commands have no rule to normalise.
                    _ => raw.trim().to_owned(),
                };
                let is_rule_op = matches!(
                    command.op,
                    Op::Append
                        | Op::Insert(_)
                        | Op::DeleteRule
                        | Op::Replace(_)
                        | Op::Check
                        | Op::DeleteNumber(_)
                );
                let spec = if is_rule_op && !matches!(command.op, Op::DeleteNumber(_)) {
                    spec_in_place(&command.rule)
                } else {
                    String::new()
                };
                head.push_str(&op);
                if !spec.is_empty() {
                    head.push(' ');
                    head.push_str(&spec);
                }
                // An option's value written attached (`-i#x`) would, once separated, be a word
                // starting with `#`, which iptables-restore refuses: such a line stays as written.
                let unreadable = crate::lexer::words(&head, 0, false)
                    .iter()
                    .any(|word| word.value.starts_with('#') && !word.quoted);
                out.push_str(if unreadable { raw } else { &head });
            }
            LineKind::Chain { name, policy, .. } => {
                let counters = raw.split_whitespace().nth(2).unwrap_or("[0:0]");
                out.push_str(&format!(":{name} {policy} {counters}"));
            }
            _ => out.push_str(raw),
        }
        if index + 1 < file.lines.len() || file.final_newline {
            out.push('\n');
        }
    }
    Some(out)
}

/// The iptables-save form of a replayed ruleset: per table (in the file's order) the
/// built-in chains in hook order, user chains sorted, then every rule chain by chain, then
/// `COMMIT`. Comments are not kept. Policies gblint cannot know print as `-`.
pub fn canonical(file: &crate::file::RulesFile, ruleset: &crate::ruleset::Ruleset) -> String {
    use crate::file::LineKind;
    let mut order: Vec<&str> = Vec::new();
    for line in &file.lines {
        if let LineKind::Table(name) = &line.kind {
            if !order.contains(&name.as_str()) {
                order.push(name);
            }
        }
    }
    let mut out = String::new();
    for name in order {
        let Some(table) = ruleset.table(name) else {
            continue;
        };
        out.push_str(&format!("*{name}\n"));
        let mut user: Vec<&crate::ruleset::Chain> =
            table.chains.iter().filter(|c| !c.builtin).collect();
        user.sort_by(|a, b| a.name.cmp(&b.name));
        for chain in table
            .chains
            .iter()
            .filter(|c| c.builtin)
            .chain(user.iter().copied())
        {
            let policy = if chain.builtin {
                chain.policy.as_deref().unwrap_or("-")
            } else {
                "-"
            };
            out.push_str(&format!(":{} {policy} [0:0]\n", chain.name));
        }
        for chain in table
            .chains
            .iter()
            .filter(|c| c.builtin)
            .chain(user.iter().copied())
        {
            for placed in &chain.rules {
                for line in rule_lines(&chain.name, &placed.rule) {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
        }
        out.push_str("COMMIT\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_in_place;
    use crate::file::{parse, ProblemKind};
    use crate::rule::Family;

    fn format(text: &str) -> String {
        format_in_place(&parse(text, Family::V4), text).expect("readable")
    }

    /// Found by the `iptables` fuzz target: `-A ""` was printed as `-A ` and the next option
    /// became the chain name (`-A  -j ACCEPT`: `-j` is the chain, `ACCEPT` a bad argument),
    /// a line with an unterminated quote was re-quoted across two lines, and `-i#x` became
    /// `-i #x`, where `#x` is refused.
    #[test]
    fn a_quoted_chain_name_stays_quoted() {
        for (text, expected) in [
            (
                "*filter\n-A \"\" -j ACCEPT\nCOMMIT\n",
                "*filter\n-A \"\" -j ACCEPT\nCOMMIT\n",
            ),
            ("*nat\n-A \"", "*nat\n-A \""),
            (
                "*filter\n-A X -i#x -j ACCEPT\nCOMMIT\n",
                "*filter\n-A X -i#x -j ACCEPT\nCOMMIT\n",
            ),
            (
                "*filter\n-A X -m comment --comment \"a -j ACCEPT\nCOMMIT\n",
                "*filter\n-A X -m comment --comment \"a -j ACCEPT\nCOMMIT\n",
            ),
            (
                "*filter\n-I \"a b\" 2 -j DROP\nCOMMIT\n",
                "*filter\n-I \"a b\" 2 -j DROP\nCOMMIT\n",
            ),
        ] {
            let formatted = format(text);
            assert_eq!(formatted, expected);
            let reparsed = parse(&formatted, Family::V4);
            assert!(!reparsed
                .problems
                .iter()
                .any(|p| p.kind == ProblemKind::Syntax));
            assert_eq!(format(&formatted), formatted);
        }
    }
}
