//! iptables-save's canonical form of a rule: `[! -s] [! -d] [! -i] [! -o] [! -p] [! -f]`, then
//! each match with `-m NAME` and its options in the module's order, then `-j TARGET options`
//! or `-g CHAIN`. A rule with several `-s`/`-d` addresses prints as one line per address.

use crate::lexer::save_quote;
use crate::rule::{Addresses, Field, MatchRef, Neg, OptRef, Rule, TargetRef};

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
    let sources = expand(rule.source().as_ref());
    let destinations = expand(rule.destination().as_ref());
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
            push_iface(&mut parts, "-i", rule.in_iface());
            push_iface(&mut parts, "-o", rule.out_iface());
            if let Some(protocol) = rule.protocol() {
                if protocol.negated || protocol.value != "all" {
                    parts.push(format!("{}-p {}", bang(protocol.negated), protocol.value));
                }
            }
            if let Some(negated) = rule.fragment() {
                parts.push(format!("{}-f", bang(negated)));
            }
            for m in rule.matches() {
                parts.push(print_match(m));
            }
            if let Some(target) = rule.target() {
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

fn expand(field: Option<&Neg<Addresses>>) -> Vec<Option<(bool, String)>> {
    match field {
        None => vec![None],
        Some(neg) => neg
            .value
            .iter()
            .map(|a| Some((neg.negated, a.to_string())))
            .collect(),
    }
}

fn push_iface(parts: &mut Vec<String>, flag: &str, iface: Option<Field<'_>>) {
    if let Some(iface) = iface {
        // `-i +` matches every interface and is not saved.
        if iface.negated || iface.value != "+" {
            parts.push(format!(
                "{}{flag} {}",
                bang(iface.negated),
                word(iface.value)
            ));
        }
    }
}

/// A name or argument as iptables-save writes it: quoted when it is empty or has blanks (a
/// quoted `-m "a b"` written bare would be read as several words).
fn word(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_empty() || text.contains([' ', '\t', '\n']) && !text.starts_with('"') {
        std::borrow::Cow::Owned(save_quote(text))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// `-m NAME opts…`.
pub fn print_match(m: MatchRef<'_>) -> String {
    let mut out = format!("-m {}", word(m.name));
    for option in m.options {
        out.push(' ');
        out.push_str(&print_opt(option));
    }
    out
}

/// `-j NAME opts…` or `-g NAME`.
pub fn print_target(target: TargetRef<'_>) -> String {
    let mut out = format!(
        "{} {}",
        if target.goto { "-g" } else { "-j" },
        word(target.name)
    );
    for option in target.options {
        out.push(' ');
        out.push_str(&print_opt(option));
    }
    out
}

fn print_opt(option: OptRef<'_>) -> String {
    // The whole `--NAME` word is quoted when the name has blanks (restore reads a quote
    // anywhere in a word, so `--a" b"` is one option named `a b`).
    let name = format!("--{}", option.name);
    let mut out = format!("{}{}", bang(option.negated), word(&name));
    for arg in option.args.iter() {
        out.push(' ');
        out.push_str(&word(arg));
    }
    out
}

/// The rule specification with `-s`/`-d` address lists kept on one line (comma-joined), for
/// normalising a line in place without changing what it does.
pub fn spec_in_place(rule: &Rule) -> String {
    let mut joined = rule.clone();
    let first = |field: Option<Neg<Addresses>>| -> Option<String> {
        let neg = field.as_ref()?;
        let list = neg
            .value
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let negated = neg.negated;
        Some(format!("{}{list}", bang(negated)))
    };
    let source = first(joined.source());
    let destination = first(joined.destination());
    joined.set_source(None);
    joined.set_destination(None);
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
