//! Property tests (docs/design.md §7) in the normal test suite: for generated inputs, every parser
//! reprints its input byte for byte, every formatter is idempotent and keeps the tokens, and
//! `--fix` converges to a text that re-parses without new syntax errors. The fuzz targets in
//! `fuzz/` assert the same on coverage-guided inputs; these run on every `cargo test`.

use proptest::prelude::*;

use gblint_lint::fix::fix;
use gblint_lint::{CheckOptions, Input, Settings};

/// Fragments that exercise each lexer's special cases, glued at random.
fn soup(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|parts| parts.concat())
}

const CADDY_PIECES: &[&str] = &[
    "example.com",
    "a.example.com:443",
    " ",
    "\t",
    "\n",
    "\r\n",
    "{",
    "}",
    "\"q s\"",
    "`b t`",
    "\\",
    "#c",
    "<<EOF\nx\nEOF",
    "import s",
    "(s)",
    "{$HOME}",
    "{args[0]}",
    "respond",
    "é",
    "\u{a0}",
    "reverse_proxy localhost:5858",
    "storage file_system /d",
    "@m path /x",
    "*",
    "\\\n",
];
const COREFILE_PIECES: &[&str] = &[
    ".:53",
    "example.org",
    " ",
    "\t",
    "\n",
    "{",
    "}",
    "\"q\"",
    "#c",
    "\\",
    "import s",
    "(s)",
    "acl {",
    "allow net 10.0.0.0/8",
    "block type ANY",
    "forward . 8.8.8.8",
    "{$X}",
    ",",
    "é",
];
const IPTABLES_PIECES: &[&str] = &[
    "*filter\n",
    "*nat\n",
    ":INPUT DROP [0:0]\n",
    ":OUTPUT ACCEPT [0:0]\n",
    ":X - [0:0]\n",
    "-A INPUT -i lo -j ACCEPT\n",
    "-A INPUT -p tcp --dport 6379 -j DROP\n",
    "-A INPUT -j X\n",
    "-A X -s 10.0.0.0/8 -j RETURN\n",
    "-A INPUT -m comment --comment \"a b\" -j ACCEPT\n",
    "-I INPUT 1 -j DROP\n",
    "COMMIT\n",
    "# c\n",
    "-A INPUT -m multiport --dports 80,443 -j ACCEPT\n",
    "\"",
    "\\",
    " ",
    "-A",
    "--dport",
    "!",
    "\n",
    "-A OUTPUT -o lo -j ACCEPT\n",
];
const ZONE_PIECES: &[&str] = &[
    "$ORIGIN example.com.\n",
    "$TTL 300\n",
    "@ IN SOA ns1 host 1 2 3 4 5\n",
    "www IN A 10.0.0.1\n",
    "( ",
    ") ",
    "\"txt\" ",
    ";c",
    "\n",
    " ",
    "\t",
    "IN",
    "AAAA ::1\n",
    "\\",
    "$INCLUDE x\n",
    "mail 300 IN MX 10 mx\n",
    "*.w CNAME www\n",
];

/// Every `}` closes an earlier `{` and none stays open, and braces appear only as tokens of
/// their own or as one whole placeholder (`{$HOME}`): Caddy's formatter works on characters,
/// so `a{` or `{x}{` are re-split on every pass, by Caddy's formatter as by gblint's.
fn balanced(lexed: &gblint_caddyfile::Lexed) -> bool {
    let placeholder = |t: &str| {
        t.len() >= 2
            && t.starts_with('{')
            && t.ends_with('}')
            && !t[1..t.len() - 1].contains(['{', '}'])
    };
    if lexed.tokens.iter().any(|t| {
        t.quote == gblint_caddyfile::Quote::None
            && t.text.contains(['{', '}'])
            && &*t.text != "{"
            && &*t.text != "}"
            && !placeholder(&t.text)
    }) {
        return false;
    }
    let mut depth = 0usize;
    for token in &lexed.tokens {
        if token.is_open_brace() {
            depth += 1;
        } else if token.is_close_brace() {
            let Some(less) = depth.checked_sub(1) else {
                return false;
            };
            depth = less;
        }
    }
    depth == 0
}

/// Whether some line's first character other than a blank is a `\` escape.
fn escape_starts_a_line(text: &str) -> bool {
    text.split('\n')
        .any(|line| line.trim_start_matches([' ', '\t']).starts_with('\\'))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn caddyfile_reprints_and_formats_stably(text in soup(CADDY_PIECES, 40)) {
        let lexed = gblint_caddyfile::tokenize(&text);
        let tree = gblint_caddyfile::SyntaxTree::build(&text, &lexed);
        prop_assert_eq!(tree.print(&text), text.clone());
        // Idempotent on what Caddy can read: with unbalanced braces Caddy's own formatter is
        // not (`caddy fmt` 2.6.2 turns `{$HOME}{ {` into `{$HOME}\n\n{\n`, then into
        // `{$HOME}\n`), and gblint's matches it byte for byte.
        // An escaped heredoc opener (`\<<EOF`) and a `\` line continuation are left out too:
        // Caddy's formatter changes them again on a second pass (caddy 2.6.2 turns `B \\\n{`
        // into `B \\\n {`), and gblint's matches it.
        // So is an escaped `#` at the start of a word: Caddy's lexer reads `\#c{$HOME}{ {` as
        // a comment (no tokens, so the braces look balanced), its formatter as a word and
        // two braces, and caddy 2.6.2 formats it to `\#c{$HOME}\n\n{\n`, then to `\#c{$HOME}\n`.
        // And a heredoc after an escape that starts a line: Caddy's formatter is still at the
        // line start after writing an escape, so it drops the blank after it (`\\ <<EOF`
        // becomes `\\<<EOF`), which is no longer a heredoc opener on the second pass.
        // And a `{` right before an escape: Caddy's formatter keeps the `{` pending and writes
        // the escape first (caddy 2.6.2 turns `"q s"{\} "q s"` into `"q s"\}\n\n{\n\t"q s"\n`,
        // then into `"q s"\} {\n\t"q s"\n`).
        if lexed.errors.is_empty() && balanced(&lexed) && !text.contains("\\<")
            && !text.contains("\\#")
            && !text.contains("\\\n")
            && !text.contains("\\\r")
            && !(text.contains("<<") && escape_starts_a_line(&text))
            && !text.contains("{\\")
        {
            let once = gblint_caddyfile::format::format(&text);
            prop_assert_eq!(gblint_caddyfile::format::format(&once), once.clone());
        }
        // Caddy's formatter may change tokens (`a{` becomes `a {`); `gblint fmt` then refuses
        // to write (tests/e2e/fmt.rs), so token preservation is not a property of `format`.
    }

    #[test]
    fn corefile_reprints_and_formats_stably(text in soup(COREFILE_PIECES, 40)) {
        let options = gblint_corefile::ImportOptions {
            base: None,
            fence: None,
            env: &|_| None,
            max_file_bytes: 1 << 20,
            secret_scan: None,
        };
        let parsed = gblint_corefile::parse(std::path::Path::new("Corefile"), &text, &options);
        prop_assert_eq!(&parsed.files[0].1, &text);
        let once = gblint_corefile::format::format(&text);
        prop_assert_eq!(gblint_corefile::format::format(&once), once.clone());
        let words = |t: &str| -> Vec<String> {
            gblint_corefile::lexer::tokenize(t).into_iter().map(|t| t.text).collect()
        };
        prop_assert_eq!(words(&once), words(&text));
    }

    #[test]
    fn iptables_reprints_and_formats_stably(text in soup(IPTABLES_PIECES, 30)) {
        for family in [gblint_iptables::Family::V4, gblint_iptables::Family::V6] {
            let rules = gblint_iptables::parse(&text, family);
            prop_assert_eq!(rules.print(&text), text.clone());
            if let Some(once) = gblint_iptables::formatter::format_in_place(&rules, &text) {
                let again = gblint_iptables::parse(&once, family);
                let twice = gblint_iptables::formatter::format_in_place(&again, &once);
                prop_assert_eq!(twice.as_deref().unwrap_or(&once), once.as_str());
            }
        }
    }

    #[test]
    fn zone_files_reprint(text in soup(ZONE_PIECES, 30)) {
        let zone = gblint_corefile::zone::parse(&text, "example.com.");
        prop_assert_eq!(zone.print(&text), text);
    }

    #[test]
    fn fail2ban_and_systemd_parsers_take_anything(text in ".{0,300}") {
        let _ = gblint_fail2ban::parse_ini(&text);
        let files = std::collections::BTreeMap::from([("jail.local".to_string(), text.clone())]);
        let config = gblint_fail2ban::load(&files);
        for jail in config.jail_views() {
            for (_, value) in jail.options() {
                let _ = value.interpolated();
            }
        }
        let _ = gblint_systemd::parse(&text);
    }
}

/// A Caddyfile built from parts a tenant's file has, some of them wrong on purpose.
fn caddyfile() -> impl Strategy<Value = String> {
    let global = prop::sample::select(vec![
        "",
        "{\n\temail ops@example.com\n}\n",
        "{\n\tstorage file_system {\n\t\troot /opt/gbo/data/caddy\n\t}\n}\n",
        "{\n\tadmin off\n}\n",
    ]);
    let directive = prop::sample::select(vec![
        "reverse_proxy localhost:5858",
        "reverse_proxy http://10.0.0.5:8080",
        "respond \"hi\"",
        "encode gzip",
        "log {\n\t\toutput file /var/log/caddy/access.log\n\t}",
        "tls internal",
    ]);
    let site = (0u8..30, prop::collection::vec(directive, 0..4)).prop_map(|(n, directives)| {
        let body: String = directives.iter().map(|d| format!("\t{d}\n")).collect();
        format!("s{n}.example.com {{\n{body}}}\n")
    });
    (global, prop::collection::vec(site, 0..6))
        .prop_map(|(global, sites)| format!("{global}{}", sites.concat()))
}

/// A rules file with the loopback and exposure mistakes the IPT rules fix.
fn rules_v4() -> impl Strategy<Value = String> {
    let rule = prop::sample::select(vec![
        "-A INPUT -p tcp --dport 6379 -j DROP",
        "-A INPUT -i lo -j ACCEPT",
        "-A INPUT -p tcp --dport 22 -j ACCEPT",
        "-A INPUT -s 10.0.0.0/8 -j ACCEPT",
        "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "-A INPUT -j DROP",
        "-A OUTPUT -o lo -j ACCEPT",
    ]);
    let policy = prop::sample::select(vec!["ACCEPT", "DROP"]);
    (policy.clone(), policy, prop::collection::vec(rule, 0..8)).prop_map(|(input, output, rules)| {
        format!(
            "*filter\n:INPUT {input} [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT {output} [0:0]\n{}COMMIT\n",
            rules.iter().map(|r| format!("{r}\n")).collect::<String>()
        )
    })
}

fn no_env(_: &str) -> Option<String> {
    None
}

/// `--fix --unsafe` on `text` (as standard input named `name`): the fixed text, and the
/// number of syntax errors before and after.
fn fix_once(name: &str, text: &str) -> (String, usize, usize) {
    let mut settings = Settings::default();
    settings.caddy.storage_root = Some("/opt/gbo/data/caddy".into());
    let options = CheckOptions::new(settings, &no_env);
    let inputs = [Input::Stdin {
        name: name.into(),
        text: text.to_owned(),
    }];
    let outcome = fix(&inputs, &options, true).expect("the check runs");
    let fixed = outcome
        .changes
        .first()
        .map_or_else(|| text.to_owned(), |change| change.fixed.to_string());
    let syntax = |report: &gblint_lint::Report| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.code.ends_with("000"))
            .count()
    };
    let before = syntax(&gblint_lint::check(&inputs, &options).expect("check"));
    (fixed, before, syntax(&outcome.report))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn caddy_fixes_converge(text in caddyfile()) {
        let (fixed, before, after) = fix_once("Caddyfile", &text);
        prop_assert!(after <= before, "fixing added syntax errors:\n{fixed}");
        let (again, _, _) = fix_once("Caddyfile", &fixed);
        prop_assert_eq!(again, fixed, "a second --fix changed the text");
    }

    #[test]
    fn iptables_fixes_converge(text in rules_v4()) {
        let (fixed, before, after) = fix_once("rules.v4", &text);
        prop_assert!(after <= before, "fixing added syntax errors:\n{fixed}");
        let (again, _, _) = fix_once("rules.v4", &fixed);
        prop_assert_eq!(again, fixed, "a second --fix changed the text");
    }
}
