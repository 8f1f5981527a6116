//! Every match and target gblint models against iptables 1.8.9's own option list: the options
//! `iptables-legacy -m NAME --help` / `-j NAME --help` print (`ip6tables-legacy` for IPv6-only
//! extensions), and the words of its shared object that `iptables-legacy-restore --test` takes as
//! its options, must be exactly the long names gblint accepts for that extension. An option the
//! help names and gblint lacks is a false "unknown option" finding on a valid file (as
//! `-m set --packets-gt` once was); one gblint accepts and the help never names is a refusal
//! gblint would miss.
//!
//! The help needs no kernel state, but the commands still run in a network namespace the test
//! creates and deletes, like the rest of this suite. Differences are listed, with the reason,
//! in `iptables-help-disagreements.tsv` (`NAME/KIND:--option:missing|extra`); an unlisted
//! difference or a stale entry fails the test.

use std::collections::{BTreeMap, BTreeSet};

use gblint_iptables::modules::{all, implicit_match_for, Arity, Kind};
use gblint_iptables::Family;

use crate::iptables::Netns;

/// The `--long-option` words of `text`.
fn long_options(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("--") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '-') {
            continue;
        }
        let name: String = text[at + 2..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let name = name.trim_end_matches('-');
        if !name.is_empty() && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            out.insert(name.to_string());
        }
    }
    out
}

/// The extension's own part of the help: what follows the generic `-h` text.
fn extension_help(netns: &Netns, program: &str, flag: &str, name: &str, generic: &str) -> String {
    let output = netns.run(program, &[flag, name, "--help"], "");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let generic: Vec<&str> = generic.lines().collect();
    let lines: Vec<&str> = text.lines().collect();
    let common = lines
        .iter()
        .zip(&generic)
        .take_while(|(a, b)| a == b)
        .count();
    lines[common..].join("\n")
}

/// Lower-case words (`utc`, `hashlimit-name`) in the shared object that implements
/// extension `name` for `program` (`libxt_`, `libipt_` or `libip6t_`): its option table's names
/// are among them.
fn object_words(name: &str, program: &str) -> BTreeSet<String> {
    let dir = std::path::Path::new("/usr/lib/x86_64-linux-gnu/xtables");
    let family = if program.starts_with("ip6") {
        "libip6t_"
    } else {
        "libipt_"
    };
    let mut words = BTreeSet::new();
    for prefix in ["libxt_", family] {
        let Ok(bytes) = std::fs::read(dir.join(format!("{prefix}{name}.so"))) else {
            continue;
        };
        for run in bytes.split(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')) {
            if run.len() >= 3 && run[0].is_ascii_lowercase() && !run.ends_with(b"-") {
                words.insert(String::from_utf8_lossy(run).to_string());
            }
        }
    }
    words
}

/// Restore input using `--option` of extension `name` once (with placeholder arguments), in
/// a table and chain where the extension is allowed as far as option parsing goes.
fn probe_rule(name: &str, kind: Kind, option: &str, arity: Arity) -> String {
    let protocol = [
        "tcp",
        "udp",
        "icmp",
        "sctp",
        "dccp",
        "udplite",
        "esp",
        "ah",
        "ipv6-icmp",
        "mobility-header",
    ]
    .into_iter()
    .find(|p| implicit_match_for(p) == Some(name))
    .map(|p| format!(" -p {p}"))
    .unwrap_or_default();
    let args = match arity {
        Arity::Zero => "",
        Arity::One | Arity::Optional => " 1",
        Arity::Two => " 1 1",
    };
    let spec = match kind {
        Kind::Match => format!("-m {name} --{option}{args} -j ACCEPT"),
        Kind::Target => format!("-j {name} --{option}{args}"),
    };
    format!("*mangle\n-A PREROUTING{protocol} {spec}\nCOMMIT\n")
}

#[test]
fn every_modelled_extension_has_iptables_options() {
    let netns = Netns::new();
    let generic: BTreeMap<&str, String> = ["iptables-legacy", "ip6tables-legacy"]
        .into_iter()
        .map(|program| {
            let output = netns.run(program, &["-h"], "");
            (program, String::from_utf8_lossy(&output.stdout).to_string())
        })
        .collect();
    assert!(
        generic["iptables-legacy"].contains("--append"),
        "iptables-legacy -h printed no help: apt-get install -y iptables"
    );
    let generic_options: BTreeSet<String> =
        generic.values().flat_map(|h| long_options(h)).collect();
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    let mut checked = 0;
    let mut seen = BTreeSet::new();
    for spec in all() {
        let program = if spec.family == Some(Family::V6) {
            "ip6tables-legacy"
        } else {
            "iptables-legacy"
        };
        let (flag, kind) = match spec.kind {
            Kind::Match => ("-m", "match"),
            Kind::Target => ("-j", "target"),
        };
        let key = format!("{}/{kind}", spec.name);
        if !seen.insert((key.clone(), program)) {
            continue;
        }
        checked += 1;
        let help = extension_help(&netns, program, flag, spec.name, &generic[program]);
        if help.contains("Couldn't load") || help.contains("Couldn't find") {
            found.insert(
                format!("{key}:load"),
                help.lines().next().unwrap_or("").to_string(),
            );
            continue;
        }
        let theirs = long_options(&help);
        let ours: BTreeSet<String> = spec
            .options
            .iter()
            .flat_map(|o| o.names.iter().map(|n| n.to_string()))
            .collect();
        // Options the help leaves out (time's `--utc`): words of the extension's shared
        // object that iptables' parser takes as an option of this extension.
        let mut hidden = BTreeSet::new();
        for word in object_words(spec.name, program) {
            if ours.contains(&word)
                || theirs.contains(&word)
                || generic_options.iter().any(|g| g.starts_with(word.as_str()))
                || ours
                    .iter()
                    .chain(&theirs)
                    .any(|o| o.starts_with(word.as_str()))
            {
                continue;
            }
            let restore = program.replace("tables-legacy", "tables-legacy-restore");
            let known = |rule: String| {
                let output = netns.run(&restore, &["--test"], &rule);
                let said = String::from_utf8_lossy(&output.stderr).to_string();
                !said.contains("unknown option") && !said.contains("is ambiguous")
            };
            // Known with the extension, and not already without it (`--src` is iptables'
            // own abbreviation of `--source`).
            if known(probe_rule(spec.name, spec.kind, &word, Arity::Zero))
                && !known(format!("*mangle\n-A PREROUTING --{word}\nCOMMIT\n"))
            {
                hidden.insert(word);
            }
        }
        for missing in theirs.difference(&ours) {
            found.insert(
                format!("{key}:--{missing}:missing"),
                format!(
                    "{program} {flag} {} --help names it; gblint refuses it",
                    spec.name
                ),
            );
        }
        for missing in &hidden {
            found.insert(
                format!("{key}:--{missing}:missing"),
                format!(
                    "iptables-legacy-restore --test takes it as an option of {}; gblint refuses it",
                    spec.name
                ),
            );
        }
        for extra in ours.difference(&theirs) {
            // The help is not the whole option table (`--localtz`, `--utc` are left out of
            // time's): an option the parser itself knows is no difference. getopt says
            // `unknown option "--X"` only for a name missing from the table.
            let arity = spec
                .options
                .iter()
                .find(|o| o.names.contains(&extra.as_str()))
                .map_or(Arity::Zero, |o| o.arity);
            let rule = probe_rule(spec.name, spec.kind, extra, arity);
            let restore = program.replace("tables-legacy", "tables-legacy-restore");
            let output = netns.run(&restore, &["--test"], &rule);
            let said = String::from_utf8_lossy(&output.stderr).to_string();
            if !said.contains(&format!("unknown option \"--{extra}\"")) {
                continue;
            }
            found.insert(
                format!("{key}:--{extra}:extra"),
                format!(
                    "gblint accepts it; {program} {flag} {} --help never names it",
                    spec.name
                ),
            );
        }
    }
    let listed = gblint_tests::listed_disagreements("iptables-help-disagreements.tsv");
    let check = gblint_tests::ListedCheck::new(&found, &listed);
    println!(
        "iptables help oracle: {checked} extensions, {} differences (all listed: {})",
        found.len(),
        check.unlisted.is_empty()
    );
    check.assert_clean(
        "differences from iptables' --help",
        "iptables-help-disagreements.tsv",
    );
}
