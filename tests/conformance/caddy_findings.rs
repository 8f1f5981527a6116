//! The Caddy token rework changed no finding: every Caddyfile of the corpus and
//! tests/realworld, and two generated files (1,000 and 10,000 sites), give the exit code,
//! finding count and JSON output (FNV-1a 64 hash) that main's binary gave before it, recorded
//! in `caddy-findings.tsv` by `scripts/caddy-findings-expect.py`. A finding that changes on
//! purpose regenerates the file with that script (the diff shows which inputs moved).

use std::path::Path;
use std::process::Command;

use gblint_tests::{corpus_dir, gblint_binary, workspace_root};

fn fnv1a64(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `exit \t findings \t hash` of one run in `dir` on the file `name`.
fn run(dir: &Path, name: &str) -> String {
    let output = Command::new(gblint_binary())
        .args([
            "check",
            "--format",
            "caddyfile",
            "--output-format",
            "json",
            name,
        ])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("gblint runs");
    let findings = serde_json::from_slice::<serde_json::Value>(&output.stdout)
        .ok()
        .and_then(|value| value.as_array().map(Vec::len))
        .map_or(-1, |count| i64::try_from(count).unwrap_or(i64::MAX));
    format!(
        "{}\t{findings}\t{:016x}",
        output.status.code().unwrap_or(-1),
        fnv1a64(&output.stdout)
    )
}

/// Sites of the benchmark shape (gen_caddy.py's, without its global block).
fn sites(count: usize) -> String {
    (1..=count)
        .map(|i| {
            format!(
                "\nsite{i}.example.com {{\n\treverse_proxy 10.{}.{}.{}:8080\n\tencode gzip\n\tlog\n}}\n",
                (i >> 16) & 255,
                (i >> 8) & 255,
                i & 255
            )
        })
        .collect()
}

#[test]
fn caddy_findings_match_mains() {
    let expected =
        std::fs::read_to_string(workspace_root().join("tests/conformance/caddy-findings.tsv"))
            .expect("caddy-findings.tsv");
    let corpus = corpus_dir();
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in expected.lines().filter(|line| !line.starts_with('#')) {
        let (key, want) = line.split_once('\t').expect("key and expectation");
        let got = if let Some(count) = key
            .strip_prefix("generated/")
            .and_then(|rest| rest.strip_suffix("-sites"))
        {
            let dir = tempfile::tempdir().expect("tempdir");
            let count: usize = count.parse().expect("site count");
            std::fs::write(dir.path().join("Caddyfile"), sites(count)).expect("write");
            run(dir.path(), "Caddyfile")
        } else {
            let path = match key.split_once('/') {
                Some(("corpus", rest)) => corpus.join(rest),
                Some(("repo", rest)) => workspace_root().join(rest),
                _ => panic!("unknown input {key}"),
            };
            assert!(path.is_file(), "{} is missing", path.display());
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            run(path.parent().expect("folder"), &name)
        };
        checked += 1;
        if got != want {
            failures.push(format!("{key}: main {want}, now {got}"));
        }
    }
    println!(
        "caddy findings: {checked} inputs, {} differ",
        failures.len()
    );
    assert!(checked > 400, "only {checked} inputs listed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
