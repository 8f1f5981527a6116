//! Differential test of the iptables engine: the findings (`--output-format json`) of this
//! build on every iptables and ufw file of the shared corpus, on every `.t` case of
//! netfilter's own test suite (each file's rules appended to one restore file), on the
//! collected real-world files (`tests/realworld/iptables`) and on generated dumps of 1,000,
//! 10,000 and 100,000 rules must equal the findings recorded from the engine before it was
//! restructured and moved to borrowed, interned values (`iptables-differential/*.txt`).
//!
//! To record the expectation again from a given binary (only ever from an engine whose
//! findings are known good): `GBLINT_DIFFERENTIAL_BLESS=path/to/gblint cargo test -p
//! gblint-tests --features conformance --test conformance -- iptables_differential`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use gblint_tests::{corpus_dir, gblint_binary, workspace_root};

/// One input: the name it is given in the scratch folder (which decides its family and
/// whether it is a ufw file, as on a real host) and its text.
struct Input {
    name: String,
    text: String,
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// A file name gblint reads as iptables: names it already recognizes are kept, others get
/// `.rules` appended (the original name still decides the family: `ip6tables`, `ip6t`).
fn rules_name(relative: &str) -> String {
    let flat = relative.replace('/', "__");
    if flat.ends_with(".rules") || flat.ends_with(".v4") || flat.ends_with(".v6") {
        flat
    } else {
        format!("{flat}.rules")
    }
}

/// Restore files and dumps of the shared corpus (netfilter's `.t` cases apart), with the
/// shared real-world iptables and ufw files.
fn corpus_inputs() -> Vec<Input> {
    let corpus = corpus_dir();
    let mut inputs = Vec::new();
    for base in ["iptables", "realworld/iptables"] {
        let dir = corpus.join(base);
        for path in sorted_files(&dir) {
            let relative = path
                .strip_prefix(&dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            if relative.starts_with("netfilter-t/")
                || relative.ends_with(".md") && relative.contains("PROVENANCE")
            {
                continue;
            }
            let bytes = std::fs::read(&path).expect("read");
            inputs.push(Input {
                name: format!("{}__{}", base.replace('/', "-"), rules_name(&relative)),
                text: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
    }
    inputs
}

/// Each netfilter `.t` file as one restore file: its cases appended, in order, to the first
/// chain its `:CHAIN,…` header names, inside the table its `*table` line names.
fn netfilter_t_inputs() -> Vec<Input> {
    let dir = corpus_dir().join("iptables/netfilter-t");
    let mut inputs = Vec::new();
    for path in sorted_files(&dir) {
        let text = std::fs::read_to_string(&path).expect("read");
        let mut out = String::from("*filter\n");
        let mut table = "filter".to_string();
        let mut chain = "INPUT".to_string();
        for line in text.lines() {
            if let Some(name) = line.strip_prefix('*') {
                if name != table {
                    out.push_str("COMMIT\n*");
                    out.push_str(name);
                    out.push('\n');
                    table = name.to_string();
                }
            } else if let Some(chains) = line.strip_prefix(':') {
                chain = chains.split(',').next().unwrap_or("INPUT").to_string();
            } else if line.starts_with('-') || line.starts_with('!') {
                let rule = line.split(';').next().unwrap_or("");
                out.push_str(&format!("-A {chain} {rule}\n"));
            }
        }
        out.push_str("COMMIT\n");
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        inputs.push(Input {
            name: rules_name(&name),
            text: out,
        });
    }
    inputs
}

/// The collected real-world files kept in this repository.
fn realworld_inputs() -> Vec<Input> {
    let dir = workspace_root().join("tests/realworld/iptables");
    sorted_files(&dir)
        .into_iter()
        .map(|path| Input {
            name: rules_name(&path.file_name().expect("name").to_string_lossy()),
            text: String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned(),
        })
        .collect()
}

/// The benchmark dump of `n` rules (the same text as `gen_iptables.py` of the shared bench
/// generators): sources over 10.0.0.0/8 at /16, /24 and /32, single ports or multiport
/// pairs, every fifth rule with a conntrack state, every seventh with a comment, an eighth in
/// a user chain.
pub fn generated_dump(n: usize) -> String {
    let mut lines: Vec<String> = [
        "# Generated by gen_iptables.py",
        "*filter",
        ":INPUT DROP [0:0]",
        ":FORWARD DROP [0:0]",
        ":OUTPUT ACCEPT [0:0]",
        ":GBL-WEB - [0:0]",
        "-A INPUT -i lo -j ACCEPT",
        "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
        "-A INPUT -p tcp -m multiport --dports 80,443 -j GBL-WEB",
    ]
    .iter()
    .map(|line| (*line).to_string())
    .collect();
    for i in 0..n.saturating_sub(3) {
        let (a, b, c) = ((i >> 16) & 255, (i >> 8) & 255, i & 255);
        let chain = if i % 8 == 0 { "GBL-WEB" } else { "INPUT" };
        let source = match [16, 24, 32][i % 3] {
            32 => format!("10.{a}.{b}.{c}/32"),
            24 => format!("10.{a}.{b}.0/24"),
            _ => format!("10.{a}.0.0/16"),
        };
        let mut parts = vec![format!("-A {chain} -s {source} -p tcp")];
        if i % 11 == 0 {
            parts.push(format!(
                "-m multiport --dports {},{}",
                1000 + i % 50000,
                2000 + i % 50000
            ));
        } else {
            parts.push(format!("--dport {}", 1 + i % 65535));
        }
        if i % 5 == 0 {
            parts.push("-m conntrack --ctstate NEW".to_string());
        }
        if i % 7 == 0 {
            parts.push(format!(
                "-m comment --comment \"rule {i} gblint synthetic\""
            ));
        }
        parts.push(format!("-j {}", if i % 2 == 0 { "ACCEPT" } else { "DROP" }));
        lines.push(parts.join(" "));
    }
    lines.push("COMMIT".to_string());
    lines.join("\n") + "\n"
}

/// gblint's exit code, standard output and standard error on each input, each checked alone
/// from inside a scratch folder (so the paths in the output are the inputs' names).
fn findings(binary: &Path, inputs: &[Input]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut out = String::new();
    for input in inputs {
        std::fs::write(dir.path().join(&input.name), &input.text).expect("write");
        let output = Command::new(binary)
            .args(["check", "--output-format", "json", &input.name])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("gblint runs");
        std::fs::remove_file(dir.path().join(&input.name)).expect("remove");
        out.push_str(&format!(
            "== {} (exit {:?})\n{}",
            input.name,
            output.status.code(),
            String::from_utf8_lossy(&output.stdout)
        ));
        if !output.stdout.ends_with(b"\n") {
            out.push('\n');
        }
        if !output.stderr.is_empty() {
            out.push_str("-- stderr\n");
            out.push_str(&String::from_utf8_lossy(&output.stderr));
        }
    }
    out
}

fn compare(group: &str, inputs: &[Input]) {
    assert!(!inputs.is_empty(), "{group}: no inputs");
    let expected_path = workspace_root()
        .join("tests/conformance/iptables-differential")
        .join(format!("{group}.txt"));
    if let Some(bless) = std::env::var_os("GBLINT_DIFFERENTIAL_BLESS") {
        let recorded = findings(Path::new(&bless), inputs);
        std::fs::create_dir_all(expected_path.parent().expect("folder")).expect("mkdir");
        std::fs::write(&expected_path, recorded).expect("write expectation");
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
    let actual = findings(gblint_binary(), inputs);
    if actual != expected {
        let first = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(actual.lines().count().min(expected.lines().count()));
        let show = |text: &str| {
            text.lines()
                .skip(first)
                .take(5)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{group}: findings differ from {} at line {}:\n--- expected\n{}\n--- actual\n{}",
            expected_path.display(),
            first + 1,
            show(&expected),
            show(&actual)
        );
    }
    println!("{group}: {} inputs, findings identical", inputs.len());
}

#[test]
fn iptables_differential_corpus() {
    compare("corpus", &corpus_inputs());
}

#[test]
fn iptables_differential_netfilter_t() {
    compare("netfilter-t", &netfilter_t_inputs());
}

#[test]
fn iptables_differential_realworld() {
    compare("realworld", &realworld_inputs());
}

#[test]
fn iptables_differential_generated() {
    let inputs: Vec<Input> = [1_000, 10_000, 100_000]
        .into_iter()
        .map(|n| Input {
            name: format!("generated-{n}.v4"),
            text: generated_dump(n),
        })
        .collect();
    compare("generated", &inputs);
}
