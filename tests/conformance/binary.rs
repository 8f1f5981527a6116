//! The `gblint` binary end to end on every file of the Caddyfile corpus: no panic, and the
//! exit code is a verdict (0 or 1), never an internal failure. The verdicts themselves are
//! checked by `caddy_adapt`; this proves the CLI path (discovery, rules, emitters) holds up.

use std::path::{Path, PathBuf};

use gblint_tests::{corpus_dir, run_gblint};

#[test]
fn every_corpus_file_through_the_binary() {
    let mut files = Vec::new();
    collect(&corpus_dir().join("caddyfile"), &mut files);
    assert!(
        files.len() >= 250,
        "expected the whole Caddyfile corpus, found {} files",
        files.len()
    );
    for file in &files {
        for format in ["human", "sarif"] {
            let path = file.to_str().expect("utf-8 path");
            let output = run_gblint(
                file.parent().expect("parent"),
                &[
                    "check",
                    path,
                    "--format",
                    "caddyfile",
                    "--output-format",
                    format,
                ],
                None,
            );
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!stderr.contains("panicked"), "{}: {stderr}", file.display());
            assert!(
                matches!(output.status.code(), Some(0 | 1)),
                "{} ({format}): exit {:?} {stderr}",
                file.display(),
                output.status.code()
            );
        }
    }
    println!(
        "binary: {} corpus files checked in human and SARIF output, no panic",
        files.len()
    );
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(&path, files);
        } else if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "tsv" | "md")
        ) {
            files.push(path);
        }
    }
}
