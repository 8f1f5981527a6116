//! `gblint fmt` against `caddy fmt` (Debian's Caddy 2.6.2), byte for byte, on every file under
//! `corpus/caddyfile` and on generated inputs (`gen_caddy.py` at three sizes, and deformatted
//! copies of them: indentation stripped, runs of spaces, braces on their own lines, blank-line
//! runs). Also: `fmt` is idempotent, and it keeps the tokens Caddy reads wherever `caddy fmt`
//! keeps them. Differences must be listed with their reason in `caddy-fmt-disagreements.tsv`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gblint_caddyfile::tokenize;
use gblint_tests::{corpus_dir, run_gblint};

use crate::caddy_syntax::caddy;

fn caddy_fmt(caddy: &Path, file: &Path) -> String {
    let output = Command::new(caddy)
        .arg("fmt")
        .arg(file)
        .env_clear()
        .output()
        .expect("caddy fmt runs");
    assert!(
        output.status.success(),
        "caddy fmt {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("caddy fmt prints UTF-8")
}

fn gblint_fmt(text: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run_gblint(dir.path(), &["fmt", "-"], Some(text.as_bytes()));
    assert_eq!(
        output.status.code(),
        Some(0),
        "gblint fmt - failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn token_texts(text: &str) -> Option<Vec<String>> {
    let lexed = tokenize(text);
    lexed.errors.is_empty().then(|| {
        lexed
            .tokens
            .into_iter()
            .map(|t| t.text.to_string())
            .collect()
    })
}

fn corpus_inputs() -> Vec<(String, PathBuf)> {
    let root = corpus_dir().join("caddyfile");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            (
                path.strip_prefix(&root)
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned(),
                path,
            )
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "tsv" | "md")
        ) {
            out.push(path);
        }
    }
}

/// `gen_caddy.py N` plus four deformatted copies of it.
fn generated_inputs(scratch: &Path) -> Vec<(String, PathBuf)> {
    let shared = corpus_dir().parent().expect("shared").to_path_buf();
    let mut out = Vec::new();
    for sites in [10u32, 100, 1000] {
        let path = scratch.join(format!("gen{sites}.Caddyfile"));
        let status = Command::new("python3")
            .arg(shared.join("bench/gen/gen_caddy.py"))
            .arg(sites.to_string())
            .arg(&path)
            .status()
            .expect("python3 runs the generator");
        assert!(status.success());
        let text = std::fs::read_to_string(&path).expect("generated");
        out.push((format!("generated/{sites}"), path.clone()));
        let variants: [(&str, String); 4] = [
            (
                "unindented",
                text.lines()
                    .map(str::trim_start)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            ("spaces", text.replace('\t', "    ").replace(' ', "   ")),
            ("brace-own-line", text.replace(" {\n", "\n{\n")),
            (
                "blank-runs",
                text.replace("\n", "\n\n\n").replace("}\n", "}  \n"),
            ),
        ];
        for (name, variant) in variants {
            let path = scratch.join(format!("gen{sites}-{name}.Caddyfile"));
            std::fs::write(&path, variant).expect("write");
            out.push((format!("generated/{sites}/{name}"), path));
        }
    }
    out
}

#[test]
fn fmt_matches_caddy_fmt_byte_for_byte() {
    let caddy = caddy();
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut inputs = corpus_inputs();
    let corpus_count = inputs.len();
    inputs.extend(generated_inputs(scratch.path()));
    let mut same = 0;
    let mut differ = BTreeMap::new();
    let mut token_problems = Vec::new();
    let mut not_idempotent = Vec::new();
    for (id, path) in &inputs {
        let text = String::from_utf8_lossy(&std::fs::read(path).expect("read")).into_owned();
        let theirs = caddy_fmt(&caddy, path);
        let ours = gblint_fmt(&text);
        if ours == theirs {
            same += 1;
        } else {
            let line = ours
                .lines()
                .zip(theirs.lines())
                .position(|(a, b)| a != b)
                .map_or(0, |i| i + 1);
            differ.insert(
                id.clone(),
                format!("first difference at output line {line}"),
            );
        }
        if gblint_caddyfile::format::format(&ours) != ours {
            not_idempotent.push(id.clone());
        }
        let before = token_texts(&text);
        if before.is_some() && token_texts(&theirs) == before && token_texts(&ours) != before {
            token_problems.push(id.clone());
        }
    }
    println!(
        "caddy fmt oracle: {} inputs ({corpus_count} corpus files, {} generated): {same} identical, {} differ",
        inputs.len(),
        inputs.len() - corpus_count,
        differ.len()
    );
    let listed = gblint_tests::listed_disagreements("caddy-fmt-disagreements.tsv");
    for (id, what) in &differ {
        if let Some(reason) = listed.get(id) {
            println!("  listed difference {id}: {what} — {reason}");
        }
    }
    assert!(
        not_idempotent.is_empty(),
        "gblint fmt is not idempotent on: {not_idempotent:?}"
    );
    assert!(
        token_problems.is_empty(),
        "gblint fmt changes tokens where caddy fmt does not: {token_problems:?}"
    );
    let check = gblint_tests::ListedCheck::new(&differ, &listed);
    check.assert_clean("differences from caddy fmt", "caddy-fmt-disagreements.tsv");
}
