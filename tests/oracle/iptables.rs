//! gblint's accept/reject verdict on iptables-restore input against iptables 1.8.9's legacy
//! backend (`iptables-legacy-restore`, `ip6tables-legacy-restore`).
//!
//! gblint's verdict: a file is rejected iff [`gblint_iptables::parse`] or the chain replay
//! ([`gblint_iptables::ruleset::replay`]: undeclared chains and jump targets, indexes past the
//! end) reports a `Syntax` or `Restore` problem (`Risk` problems load fine). Two oracles judge each input, both in a fresh
//! network namespace that this test creates and deletes (never the machine's own namespace):
//!
//! * `test`: `iptables-legacy-restore --test` (userspace parse, plus the target and chain
//!   lookups legacy does early);
//! * `load`: a real `iptables-legacy-restore` into the empty namespace, so the kernel validates
//!   the tables on commit (hooks, table restrictions, missing kernel objects).
//!
//! Inputs: the shared corpus (netfilter dumps and restore snippets, Docker's `*.golden`
//! save files, kube-proxy's dump and restore input, ufw's fragments), generated files
//! (`gen_iptables.py` at 10, 1,000 and 20,000 rules) and deterministic mutants of a generated
//! file for every way of breaking restore input that docs/iptables.md lists, plus a few
//! hand-written IPv6 files.
//!
//! ufw's `*.rules` are fragments: ufw-init creates its skeleton chains (`ufw-logging-deny`,
//! `ufw-skip-to-policy-input`, …) and then runs `iptables-restore -n` on each fragment. The
//! oracles here do the same (skeleton, then `--noflush`), and gblint replays them as fragments
//! (`ReplayOptions { fragment: true, existing: Some(skeleton) }`: ufw's skeleton chains exist).
//!
//! Every disagreement must be listed, as `ORACLE:ID<TAB>reason`, in
//! `iptables-disagreements.tsv`; an unlisted disagreement or a stale entry fails the test. The
//! suite needs root (CAP_NET_ADMIN to create namespaces), `ip` and the legacy restore tools:
//! without them it fails, never skips.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use gblint_iptables::ruleset::{replay, ReplayOptions};
use gblint_iptables::{Family, ProblemKind};
use gblint_tests::corpus_dir;

/// One input.
struct Case {
    id: String,
    text: String,
    family: Family,
    /// A ufw fragment: loaded with `--noflush` after ufw's skeleton chains.
    ufw: bool,
}

/// What one oracle said.
struct Outcome {
    accepted: bool,
    message: String,
}

/// A network namespace of this test, deleted when dropped (also when the test panics).
pub(crate) struct Netns {
    name: String,
}

impl Netns {
    pub(crate) fn new() -> Netns {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "gblint-oracle-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let output = Command::new("ip")
            .args(["netns", "add", &name])
            .output()
            .expect("ip runs");
        assert!(
            output.status.success(),
            "`ip netns add {name}` failed (the iptables oracle needs root): {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        Netns { name }
    }

    /// Run `program args` inside the namespace with `input` on standard input.
    pub(crate) fn run(&self, program: &str, args: &[&str], input: &str) -> Output {
        let mut child = Command::new("ip")
            .args(["netns", "exec", &self.name, program])
            .args(args)
            .env("LC_ALL", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ip netns exec starts");
        let mut stdin = child.stdin.take().expect("stdin");
        let output = std::thread::scope(|scope| {
            // A writer thread: iptables-restore may stop reading at its first error.
            scope.spawn(move || {
                let _ = stdin.write_all(input.as_bytes());
            });
            child.wait_with_output().expect("ip netns exec finishes")
        });
        output
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let deleted = Command::new("ip")
            .args(["netns", "delete", &self.name])
            .status();
        if !matches!(deleted, Ok(status) if status.success()) {
            eprintln!("warning: could not delete network namespace {}", self.name);
        }
    }
}

/// Check the prerequisites; a missing one is a failure with the way to fix it.
/// The listed disagreements; each id names its oracle (`test:` or `load:`).
fn listed() -> BTreeMap<String, String> {
    let listed = gblint_tests::listed_disagreements("iptables-disagreements.tsv");
    for id in listed.keys() {
        assert!(
            id.starts_with("test:") || id.starts_with("load:"),
            "{id}: a listed disagreement names its oracle (test: or load:)"
        );
    }
    listed
}

fn require_tools() {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let uid = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .unwrap_or("?");
    assert_eq!(
        uid, "0",
        "the iptables oracle must run as root: it creates network namespaces and loads rules \
         into them (effective uid is {uid})"
    );
    for (tool, args, package) in [
        ("ip", &["-V"][..], "iproute2"),
        ("iptables-legacy-restore", &["--version"][..], "iptables"),
        ("ip6tables-legacy-restore", &["--version"][..], "iptables"),
    ] {
        let output = Command::new(tool)
            .args(args)
            .output()
            .unwrap_or_else(|error| {
                panic!(
                "the iptables oracle needs `{tool}` (apt-get install {package}): cannot run it: \
                 {error}"
            )
            });
        assert!(
            output.status.success(),
            "`{tool} {}` failed",
            args.join(" ")
        );
        if tool == "iptables-legacy-restore" {
            println!(
                "iptables oracle: {}",
                String::from_utf8_lossy(&output.stdout).trim()
            );
        }
    }
}

fn restore_tool(family: Family) -> &'static str {
    match family {
        Family::V4 => "iptables-legacy-restore",
        Family::V6 => "ip6tables-legacy-restore",
    }
}

/// ufw's skeleton: the chains ufw-init creates before it restores the fragments with `-n`
/// (gblint's list of them, so that a chain missing from it shows as a disagreement).
fn ufw_skeleton(family: Family) -> String {
    let mut text = String::from("*filter\n");
    for chain in gblint_lint::load::iptables::ufw_skeleton(family) {
        text.push_str(&format!(":{chain} - [0:0]\n"));
    }
    text.push_str("COMMIT\n");
    text
}

/// Both oracles on one input, in a fresh namespace: `--test` first (it changes nothing), then
/// the real load.
fn run_oracles(case: &Case) -> (Outcome, Outcome) {
    let netns = Netns::new();
    let tool = restore_tool(case.family);
    let mut flags = vec!["--wait", "30"];
    if case.ufw {
        let skeleton = netns.run(tool, &flags, &ufw_skeleton(case.family));
        assert!(
            skeleton.status.success(),
            "{}: creating ufw's skeleton chains failed: {}",
            case.id,
            String::from_utf8_lossy(&skeleton.stderr)
        );
        flags.push("--noflush");
    }
    let outcome = |output: Output| Outcome {
        accepted: output.status.success(),
        message: format!(
            "rc {} {}",
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .filter(|l| !l.starts_with("Try `"))
                .collect::<Vec<_>>()
                .join(" / ")
        ),
    };
    let mut test_flags = flags.clone();
    test_flags.push("--test");
    let test = outcome(netns.run(tool, &test_flags, &case.text));
    let load = outcome(netns.run(tool, &flags, &case.text));
    (test, load)
}

/// gblint's verdict: the first Syntax or Restore problem of [`gblint_iptables::parse`] or of
/// the chain replay ([`gblint_iptables::ruleset::replay`], as a fragment for ufw's files), if any.
fn gblint_rejection(case: &Case) -> Option<String> {
    let file = gblint_iptables::parse(&case.text, case.family);
    let replayed = replay(
        &file,
        ReplayOptions {
            fragment: case.ufw,
            existing: case
                .ufw
                .then(|| gblint_lint::load::iptables::ufw_skeleton(case.family)),
            source: 0,
        },
    );
    file.problems
        .iter()
        .chain(&replayed.problems)
        .filter(|p| p.kind != ProblemKind::Risk)
        .min_by_key(|p| p.line)
        .map(|p| format!("line {} {:?}: {}", p.line, p.kind, p.message))
}

/// Family from the name (`ip6`, `6.rules`, `.v6`) or an ip6tables header.
fn family_of(name: &str, text: &str) -> Family {
    let v6_name = name.contains("ip6") || name.ends_with("6.rules") || name.ends_with(".v6");
    let v6_header = text
        .lines()
        .take_while(|l| l.starts_with('#') || l.is_empty())
        .any(|l| l.contains("ip6tables"));
    if v6_name || v6_header {
        Family::V6
    } else {
        Family::V4
    }
}

fn corpus_cases() -> Vec<Case> {
    let root = corpus_dir().join("iptables");
    let mut cases = Vec::new();
    for (dir, keep) in [
        ("netfilter-dumps", None),
        ("netfilter-restore-snippets", None),
        ("docker", Some(".golden")),
        ("kube-proxy", None),
        ("ufw", Some(".rules")),
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("corpus folder iptables/{dir}: {e}"))
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            if keep.is_some_and(|suffix| !name.ends_with(suffix)) {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("corpus file is UTF-8");
            cases.push(Case {
                id: format!("{dir}/{name}"),
                family: family_of(&name, &text),
                ufw: dir == "ufw",
                text,
            });
        }
    }
    let count = |dir: &str| cases.iter().filter(|c| c.id.starts_with(dir)).count();
    assert!(
        count("netfilter-dumps/") >= 9
            && count("netfilter-restore-snippets/") >= 26
            && count("docker/") >= 6
            && count("kube-proxy/") >= 2
            && count("ufw/") >= 6,
        "the iptables corpus is incomplete"
    );
    cases
}

/// `text` with `lines` inserted before its last `COMMIT`.
fn before_commit(text: &str, lines: &str) -> String {
    let at = text.rfind("COMMIT\n").expect("COMMIT");
    format!("{}{lines}\n{}", &text[..at], &text[at..])
}

/// `text` with the first `from` replaced (which must occur).
fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "mutant anchor `{from}' not in the base"
    );
    text.replacen(from, to, 1)
}

/// Deterministic ways of breaking (or nearly breaking) a generated file, one per case.
fn mutants(base: &str) -> Vec<(&'static str, String)> {
    let input_rules = base.lines().filter(|l| l.starts_with("-A INPUT ")).count();
    let nat = |rules: &str| {
        format!("{base}*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n{rules}\nCOMMIT\n")
    };
    let mangle = |rules: &str| format!("{base}*mangle\n{rules}\nCOMMIT\n");
    let rule = |line: &str| before_commit(base, line);
    let long_comment = |n: usize| {
        rule(&format!(
            "-A INPUT -m comment --comment \"{}\" -j ACCEPT",
            "c".repeat(n)
        ))
    };
    vec![
        ("unchanged", base.to_owned()),
        ("bad-option", replace(base, "--dport 2 ", "--dprot 2 ")),
        (
            "option-unique-prefix",
            replace(base, "--dport 2 ", "--dpor 2 "),
        ),
        ("bad-port", replace(base, "--dport 2 ", "--dport 70000 ")),
        (
            "bad-service-name",
            replace(base, "--dport 2 ", "--dport nosuchservice "),
        ),
        ("service-name", replace(base, "--dport 2 ", "--dport ssh ")),
        (
            "port-range-reversed",
            replace(base, "--dport 2 ", "--dport 30:20 "),
        ),
        (
            "port-range-open",
            replace(base, "--dport 2 ", "--dport 1024: "),
        ),
        (
            "port-without-protocol",
            rule("-A INPUT --dport 22 -j ACCEPT"),
        ),
        (
            "intrapositional-negation",
            replace(base, "-s 10.0.0.2/32", "-s ! 10.0.0.2/32"),
        ),
        (
            "negation-before-option",
            replace(base, "-s 10.0.0.2/32", "! -s 10.0.0.2/32"),
        ),
        ("negated-match", rule("-A INPUT ! -m tcp -p tcp -j ACCEPT")),
        (
            "missing-commit",
            base.strip_suffix("COMMIT\n").expect("COMMIT").to_owned(),
        ),
        (
            "commit-trailing-space",
            replace(base, "\nCOMMIT\n", "\nCOMMIT \n"),
        ),
        (
            "commit-lowercase",
            replace(base, "\nCOMMIT\n", "\ncommit\n"),
        ),
        ("commit-without-table", format!("{base}COMMIT\n")),
        ("crlf", base.replace('\n', "\r\n")),
        (
            "crlf-on-a-rule",
            replace(base, "-j ACCEPT\n", "-j ACCEPT\r\n"),
        ),
        (
            "no-final-newline",
            base.strip_suffix('\n').expect("newline").to_owned(),
        ),
        ("jump-to-undeclared-chain", rule("-A INPUT -j NOSUCHCHAIN")),
        ("goto-undeclared-chain", rule("-A INPUT -g NOSUCHCHAIN")),
        ("goto-declared-chain", rule("-A INPUT -g GBL-WEB")),
        ("rule-in-undeclared-chain", rule("-A NOSUCHCHAIN -j ACCEPT")),
        ("jump-before-new-chain", rule("-A INPUT -j LATER\n-N LATER")),
        (
            "jump-before-chain-line",
            rule("-A INPUT -j LATER\n:LATER - [0:0]"),
        ),
        ("jump-after-new-chain", rule("-N LATER\n-A INPUT -j LATER")),
        ("new-existing-chain", rule("-N GBL-WEB")),
        (
            "chain-line-twice",
            replace(
                base,
                ":GBL-WEB - [0:0]\n",
                ":GBL-WEB - [0:0]\n:GBL-WEB - [0:0]\n",
            ),
        ),
        ("delete-referenced-chain", rule("-X GBL-WEB")),
        ("delete-undeclared-chain", rule("-X NOSUCHCHAIN")),
        ("flush-undeclared-chain", rule("-F NOSUCHCHAIN")),
        ("rename-chain", rule("-E GBL-WEB GBL-WWW")),
        ("policy-on-user-chain", rule("-P GBL-WEB DROP")),
        ("policy-command", rule("-P FORWARD ACCEPT")),
        (
            "insert-index-last-plus-one",
            rule(&format!("-I INPUT {} -j ACCEPT", input_rules + 1)),
        ),
        (
            "insert-index-too-big",
            rule(&format!("-I INPUT {} -j ACCEPT", input_rules + 2)),
        ),
        ("insert-index-zero", rule("-I INPUT 0 -j ACCEPT")),
        ("insert-top", rule("-I INPUT -j ACCEPT")),
        (
            "replace-index-too-big",
            rule(&format!("-R INPUT {} -j ACCEPT", input_rules + 1)),
        ),
        (
            "replace-last",
            rule(&format!("-R INPUT {input_rules} -j ACCEPT")),
        ),
        (
            "delete-index-too-big",
            rule(&format!("-D INPUT {}", input_rules + 1)),
        ),
        ("delete-by-spec", rule("-D INPUT -i lo -j ACCEPT")),
        ("delete-missing-spec", rule("-D INPUT -i nosuch0 -j ACCEPT")),
        (
            "dnat-in-filter",
            rule("-A INPUT -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.1:80"),
        ),
        ("masquerade-in-filter", rule("-A OUTPUT -j MASQUERADE")),
        (
            "redirect-in-filter",
            rule("-A INPUT -p tcp -j REDIRECT --to-ports 8080"),
        ),
        ("drop-in-nat", nat("-A POSTROUTING -j DROP")),
        ("nat-policy-drop-command", nat("-P PREROUTING DROP")),
        (
            "nat-policy-drop-line",
            replace(&nat(""), ":PREROUTING ACCEPT", ":PREROUTING DROP"),
        ),
        (
            "dnat-in-prerouting",
            nat("-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.1:8080"),
        ),
        (
            "dnat-ports-without-protocol",
            nat("-A PREROUTING -j DNAT --to-destination 10.0.0.1:8080"),
        ),
        (
            "snat-in-prerouting",
            nat("-A PREROUTING -j SNAT --to-source 10.0.0.1"),
        ),
        (
            "masquerade-in-prerouting",
            nat("-A PREROUTING -j MASQUERADE"),
        ),
        ("reject-in-mangle", mangle("-A PREROUTING -j REJECT")),
        (
            "owner-in-input",
            rule("-A INPUT -m owner --uid-owner 0 -j ACCEPT"),
        ),
        (
            "owner-in-output",
            rule("-A OUTPUT -m owner --uid-owner 0 -j ACCEPT"),
        ),
        (
            "owner-via-chain-from-input",
            rule("-N OWNED\n-A OWNED -m owner --uid-owner 0 -j ACCEPT\n-A INPUT -j OWNED"),
        ),
        (
            "reject-tcp-reset-without-tcp",
            rule("-A INPUT -j REJECT --reject-with tcp-reset"),
        ),
        (
            "reject-tcp-reset",
            rule("-A INPUT -p tcp -j REJECT --reject-with tcp-reset"),
        ),
        (
            "unterminated-quote",
            replace(base, "synthetic\" -j", "synthetic -j"),
        ),
        (
            "quote-adjacent-word",
            replace(base, "\"rule 0 gblint synthetic\"", "\"rule 0\"x"),
        ),
        (
            "single-quoted-word",
            replace(base, "\"rule 0 gblint synthetic\"", "'rule0'"),
        ),
        (
            "single-quoted-words",
            replace(base, "\"rule 0 gblint synthetic\"", "'rule 0'"),
        ),
        (
            "empty-quoted-comment",
            replace(base, "\"rule 0 gblint synthetic\"", "\"\""),
        ),
        ("comment-255-bytes", long_comment(255)),
        ("comment-300-bytes", long_comment(300)),
        ("word-1023-bytes", long_comment(1023)),
        ("word-1024-bytes", long_comment(1024)),
        (
            "line-over-10240-bytes",
            rule(&format!(
                "-A INPUT {}-j ACCEPT",
                "-m comment --comment x ".repeat(500)
            )),
        ),
        ("hash-not-in-column-0", rule("  # an indented comment")),
        (
            "trailing-hash-comment",
            replace(base, "-i lo -j ACCEPT", "-i lo -j ACCEPT # loopback"),
        ),
        ("comment-line-in-table", rule("# a comment in column 0")),
        ("blank-only-line", rule("   ")),
        ("tab-only-line", rule("\t")),
        ("empty-line-in-table", rule("")),
        ("empty-file", String::new()),
        ("comments-only", "# nothing\n# at all\n".to_owned()),
        ("rule-outside-table", format!("{base}-A INPUT -j ACCEPT\n")),
        ("table-inside-table", rule("*nat")),
        ("bad-table-name", replace(base, "*filter\n", "*filtre\n")),
        (
            "table-name-with-comment",
            replace(base, "*filter\n", "*filter # main\n"),
        ),
        ("table-option-inside", rule("-t filter -A INPUT -j ACCEPT")),
        ("bad-policy", replace(base, ":INPUT DROP", ":INPUT ACCEPTT")),
        (
            "user-chain-with-policy",
            replace(base, ":GBL-WEB -", ":GBL-WEB ACCEPT"),
        ),
        (
            "bad-policy-counters",
            replace(base, ":INPUT DROP [0:0]", ":INPUT DROP [x:0]"),
        ),
        (
            "no-policy-counters",
            replace(base, ":INPUT DROP [0:0]", ":INPUT DROP"),
        ),
        (
            "rule-counters",
            replace(base, "-A INPUT -i lo", "[5:300] -A INPUT -i lo"),
        ),
        (
            "bad-rule-counters",
            replace(base, "-A INPUT -i lo", "[5:x] -A INPUT -i lo"),
        ),
        (
            "chain-name-28",
            rule(&format!(":{} - [0:0]", "C".repeat(28))),
        ),
        (
            "chain-name-29",
            rule(&format!(":{} - [0:0]", "C".repeat(29))),
        ),
        (
            "interface-15",
            replace(base, "-i lo ", "-i abcdefghijklmno "),
        ),
        (
            "interface-16",
            replace(base, "-i lo ", "-i abcdefghijklmnop "),
        ),
        ("interface-wildcard", replace(base, "-i lo ", "-i eth+ ")),
        ("bad-address", replace(base, "10.0.0.2/32", "10.0.0.256/32")),
        ("bad-mask", replace(base, "10.0.0.2/32", "10.0.0.2/33")),
        (
            "dotted-mask",
            replace(base, "10.0.0.2/32", "10.0.0.0/255.255.0.0"),
        ),
        (
            "non-canonical-network",
            replace(base, "10.0.0.2/32", "10.0.0.2/8"),
        ),
        (
            "address-list",
            replace(base, "10.0.0.2/32", "10.0.0.2,10.0.0.3"),
        ),
        ("v6-address-in-v4", replace(base, "10.0.0.2/32", "::1")),
        (
            "hostname-localhost",
            replace(base, "10.0.0.2/32", "localhost"),
        ),
        (
            "hostname-unresolvable",
            replace(base, "10.0.0.2/32", "no-such-host.invalid"),
        ),
        (
            "two-targets",
            replace(base, "-i lo -j ACCEPT", "-i lo -j ACCEPT -j DROP"),
        ),
        (
            "options-after-target",
            rule("-A INPUT -j ACCEPT -p tcp --dport 22"),
        ),
        ("no-target", rule("-A INPUT -p tcp --dport 22")),
        ("target-without-name", rule("-A INPUT -j")),
        ("unknown-match", rule("-A INPUT -m nosuchmatch -j ACCEPT")),
        ("unknown-target", rule("-A INPUT -j NOSUCHTARGET --with x")),
        (
            "comment-match-without-comment",
            rule("-A INPUT -m comment -j ACCEPT"),
        ),
        (
            "multiport-15",
            rule(&format!(
                "-A INPUT -p tcp -m multiport --dports {} -j ACCEPT",
                (1..=15)
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            )),
        ),
        (
            "multiport-16",
            rule(&format!(
                "-A INPUT -p tcp -m multiport --dports {} -j ACCEPT",
                (1..=16)
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            )),
        ),
        (
            "multiport-without-protocol",
            rule("-A INPUT -m multiport --dports 80,443 -j ACCEPT"),
        ),
        (
            "bad-ctstate",
            replace(base, "--ctstate NEW", "--ctstate NEWW"),
        ),
        (
            "state-match",
            rule("-A INPUT -m state --state ESTABLISHED -j ACCEPT"),
        ),
        (
            "icmp-type-name",
            rule("-A INPUT -p icmp --icmp-type echo-request -j ACCEPT"),
        ),
        (
            "bad-icmp-type",
            rule("-A INPUT -p icmp --icmp-type no-such-type -j ACCEPT"),
        ),
        ("protocol-300", rule("-A INPUT -p 300 -j ACCEPT")),
        (
            "protocol-unknown-name",
            rule("-A INPUT -p nosuchproto -j ACCEPT"),
        ),
        ("fragment-v4", rule("-A INPUT -f -j DROP")),
        (
            "match-set-missing",
            rule("-A INPUT -m set --match-set nosuchset src -j DROP"),
        ),
        (
            "log-prefix-29",
            rule(&format!(
                "-A INPUT -j LOG --log-prefix \"{}\"",
                "p".repeat(29)
            )),
        ),
        (
            "log-prefix-30",
            rule(&format!(
                "-A INPUT -j LOG --log-prefix \"{}\"",
                "p".repeat(30)
            )),
        ),
        ("log-level-name", rule("-A INPUT -j LOG --log-level alert")),
        ("bad-log-level", rule("-A INPUT -j LOG --log-level loud")),
        (
            "limit",
            rule("-A INPUT -m limit --limit 5/min --limit-burst 10 -j ACCEPT"),
        ),
        (
            "bad-limit",
            rule("-A INPUT -m limit --limit 5/fortnight -j ACCEPT"),
        ),
        ("mark-target", rule("-A INPUT -j MARK --set-xmark 0x1/0xff")),
        ("ipv6-only-line-in-v4", rule("-6 -A INPUT -s ::1 -j ACCEPT")),
        (
            "ipv4-only-line-in-v4",
            rule("-4 -A INPUT -s 10.1.1.1 -j ACCEPT"),
        ),
    ]
}

/// A small hand-written IPv6 file and its mutants.
fn v6_cases() -> Vec<(&'static str, String)> {
    let base = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -s ::1/128 -j ACCEPT\n-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n";
    let rule = |line: &str| before_commit(base, line);
    vec![
        ("v6/unchanged", base.to_owned()),
        ("v6/v4-address", rule("-A INPUT -s 10.0.0.0/8 -j ACCEPT")),
        ("v6/fragment-option", rule("-A INPUT -f -j DROP")),
        ("v6/icmp-type-v4", rule("-A INPUT -p icmp --icmp-type echo-request -j ACCEPT")),
        ("v6/icmpv6-name", rule("-A INPUT -p icmpv6 -m icmp6 --icmpv6-type echo-request -j ACCEPT")),
        ("v6/reject-v4-type", rule("-A INPUT -j REJECT --reject-with icmp-port-unreachable")),
        ("v6/reject-v6-type", rule("-A INPUT -j REJECT --reject-with icmp6-adm-prohibited")),
        ("v6/bad-mask", rule("-A INPUT -s 2001:db8::/129 -j ACCEPT")),
        ("v6/ipv4-only-line", rule("-4 -A INPUT -s 10.1.1.1 -j ACCEPT")),
        ("v6/ipv6-only-line", rule("-6 -A INPUT -s 2001:db8::1 -j ACCEPT")),
        ("v6/nat-masquerade", format!("{base}*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n")),
    ]
}

fn cases() -> Vec<Case> {
    let mut cases = corpus_cases();
    let shared = corpus_dir().parent().expect("shared").to_path_buf();
    for rules in [10, 1000, 20000] {
        cases.push(Case {
            id: format!("generated/{rules}"),
            text: gblint_tests::run_generator(&shared, "gen_iptables.py", rules, "rules.v4"),
            family: Family::V4,
            ufw: false,
        });
    }
    let base = gblint_tests::run_generator(&shared, "gen_iptables.py", 10, "rules.v4");
    for (name, text) in mutants(&base) {
        cases.push(Case {
            id: format!("mutant/{name}"),
            text,
            family: Family::V4,
            ufw: false,
        });
    }
    for (name, text) in v6_cases() {
        cases.push(Case {
            id: format!("mutant/{name}"),
            text,
            family: Family::V6,
            ufw: false,
        });
    }
    cases
}

#[test]
fn iptables_restore_verdicts_agree_with_legacy_restore() {
    require_tools();
    let started = std::time::Instant::now();
    let cases = cases();
    let ids: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), cases.len(), "case ids must be unique");

    let mut counts = BTreeMap::<String, usize>::new();
    let mut disagreements = BTreeMap::<String, String>::new();
    for case in &cases {
        let gblint = gblint_rejection(case);
        let (test, load) = run_oracles(case);
        for (oracle, outcome) in [("test", &test), ("load", &load)] {
            let agree = outcome.accepted == gblint.is_none();
            let verdict = match (outcome.accepted, agree) {
                (true, true) => "agree, both accept",
                (false, true) => "agree, both reject",
                (true, false) => "disagree, gblint rejects, iptables accepts",
                (false, false) => "disagree, gblint accepts, iptables rejects",
            };
            *counts.entry(format!("{oracle}: {verdict}")).or_default() += 1;
            if !agree {
                disagreements.insert(
                    format!("{oracle}:{}", case.id),
                    format!(
                        "iptables {} ({}); gblint {}",
                        if outcome.accepted {
                            "accepts"
                        } else {
                            "rejects"
                        },
                        outcome.message.trim(),
                        gblint.as_deref().unwrap_or("accepts")
                    ),
                );
            }
        }
    }

    println!(
        "iptables oracle over {} inputs ({} corpus, {} generated, {} mutants; {} ufw fragments \
         loaded with --noflush after ufw's skeleton) in {:.1}s:",
        cases.len(),
        cases
            .iter()
            .filter(|c| !c.id.starts_with("generated/") && !c.id.starts_with("mutant/"))
            .count(),
        cases
            .iter()
            .filter(|c| c.id.starts_with("generated/"))
            .count(),
        cases.iter().filter(|c| c.id.starts_with("mutant/")).count(),
        cases.iter().filter(|c| c.ufw).count(),
        started.elapsed().as_secs_f64()
    );
    for (verdict, count) in &counts {
        println!("  {count:4}  {verdict}");
    }
    let listed = listed();
    for (id, what) in &disagreements {
        match listed.get(id) {
            Some(reason) => println!("  listed {id}: {what}\n      reason: {reason}"),
            None => println!("  UNLISTED {id}: {what}"),
        }
    }
    let check = gblint_tests::ListedCheck::new(&disagreements, &listed);
    check.assert_clean(
        "disagreements with iptables-legacy-restore",
        "iptables-disagreements.tsv",
    );
}
