//! The whole-file formatters behind `gblint fmt`: every command normalised in place, or the
//! replayed ruleset printed as iptables-save would. Above both [`crate::printer`] (one rule)
//! and [`crate::ruleset`] (the replay), which do not depend on this module.

use crate::lexer::save_quote;
use crate::printer::{rule_lines, spec_in_place};

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
                if let Some((p, b)) = command.counters() {
                    head.push_str(&format!("[{p}:{b}] "));
                }
                // A chain name that is empty or has blanks or quotes was written quoted; bare,
                // it would read as another word (`-A "" -j X` → `-A  -j X`: `-j` as the chain).
                let chain = if command.chain.is_empty()
                    || command.chain.contains([' ', '\t', '\n', '"', '\\'])
                {
                    save_quote(&command.chain)
                } else {
                    command.chain.to_string()
                };
                let op = match &command.op {
                    Op::Append => format!("-A {chain}"),
                    // A number is kept exactly when it was written: `-I1 -j X` names chain
                    // `1`, and printing a number for it would add a word on every run.
                    Op::Insert { written: false, .. } => format!("-I {chain}"),
                    Op::Insert { at, .. } => format!("-I {chain} {at}"),
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
                        | Op::Insert { .. }
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
            LineKind::Chain(declaration) => {
                let counters = raw.split_whitespace().nth(2).unwrap_or("[0:0]");
                let (name, policy) = (&declaration.name, &declaration.policy);
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
            if !order.contains(name) {
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
            // Found by the fuzz target too: a quoted match, target or interface name with
            // blanks was printed bare, so the formatted line read as several words.
            (
                "*filter\n-I FORWARD 3 -m \"manually replaced rule 2\" -j ACCEPT\nCOMMIT\n",
                "*filter\n-I FORWARD 3 -m \"manually replaced rule 2\" -j ACCEPT\nCOMMIT\n",
            ),
            (
                "*filter\n-A X -j \"a b\"\n-A X -i \"e th\" -j DROP\nCOMMIT\n",
                "*filter\n-A X -j \"a b\"\n-A X -i \"e th\" -j DROP\nCOMMIT\n",
            ),
            // And an option: restore reads a quote anywhere in a word, so `--co" -j A x"` is
            // one option named `co -j A x`; printed bare, `-j A` read as a second target.
            (
                "*filter\n-A FORWARD -m ent --co\" -j ACCEPTsert x\" -j ACCEPT\nCOMMIT\n",
                "*filter\n-A FORWARD -m ent \"--co -j ACCEPTsert x\" -j ACCEPT\nCOMMIT\n",
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

    /// Found by the `iptables` fuzz target: `-I1` names chain `1` with the rule number
    /// implied; it was printed `-I 1`, and the next run read that `1` as a written number
    /// and printed `-I 1 1`. A number is printed exactly when it was written.
    #[test]
    fn an_insert_keeps_its_rule_number_only_when_written() {
        for (text, expected) in [
            (
                "*filter\n-N 1\n-I1 -j ACCEPT\nCOMMIT\n",
                "*filter\n-N 1\n-I 1 -j ACCEPT\nCOMMIT\n",
            ),
            (
                "*filter\n-I INPUT 1 -j ACCEPT\nCOMMIT\n",
                "*filter\n-I INPUT 1 -j ACCEPT\nCOMMIT\n",
            ),
            (
                "*filter\n-I INPUT -p tcp --dport 1 -j ACCEPT\nCOMMIT\n",
                "*filter\n-I INPUT -p tcp -m tcp --dport 1 -j ACCEPT\nCOMMIT\n",
            ),
        ] {
            let formatted = format(text);
            assert_eq!(formatted, expected);
            assert_eq!(format(&formatted), formatted);
        }
    }
}
