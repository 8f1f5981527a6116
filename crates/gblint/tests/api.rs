//! The library surface: findings round-trip through JSON, unsaved text is checked in the
//! context of the tree, and the types an embedder holds cross threads.

use std::collections::HashMap;

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Caddyfile"),
        "{\n\tstorage file_system {\n\t\troot /opt/gbo/data/caddy\n\t}\n}\n\nexample.com {\n\trespond hi\n}\n",
    )
    .unwrap();
    dir
}

#[test]
fn diagnostics_round_trip_through_json() {
    let dir = tree();
    let path = dir.path().join("Caddyfile");
    let text = "é.example.com {\n\treverse_proxy a:1\n}\né.example.com {\n\trespond hi\n}\n";
    std::fs::write(&path, text).unwrap();
    let report = gblint::Linter::discover(dir.path())
        .unwrap()
        .check()
        .unwrap();
    assert!(!report.diagnostics().is_empty());
    let json = report.to_json();
    let back: Vec<gblint::Diagnostic> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report.diagnostics());
}

#[test]
fn unsaved_text_is_checked_in_place_of_the_file() {
    let dir = tree();
    let linter = gblint::Linter::discover(dir.path()).unwrap();
    assert!(linter.check().unwrap().diagnostics().is_empty());
    let path = std::fs::canonicalize(dir.path().join("Caddyfile")).unwrap();
    // Unsaved: the global options block is gone.
    let overlay = HashMap::from([(path.clone(), "example.com {\n\trespond hi\n}\n".to_owned())]);
    let report = linter.check_with(&overlay).unwrap();
    let codes: Vec<&str> = report
        .diagnostics()
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["CDY001"]);
    assert_eq!(
        report.disk_path(&report.diagnostics()[0].file),
        Some(path.as_path())
    );
}

#[test]
fn unknown_selector_is_a_typed_error() {
    let dir = tree();
    let error = gblint::Linter::builder(dir.path())
        .select(["CDY9999"])
        .build()
        .and_then(|linter| linter.check())
        .unwrap_err();
    match &error {
        gblint::Error::UnknownSelector { selector, .. } => assert_eq!(selector, "CDY9999"),
        other => panic!("not a selector error: {other:?}"),
    }
    assert!(error.to_string().contains("matches no rule"));
}

#[test]
fn linter_is_used_from_another_thread() {
    let dir = tree();
    let linter = std::sync::Arc::new(gblint::Linter::discover(dir.path()).unwrap());
    let shared = std::sync::Arc::clone(&linter);
    let report = std::thread::spawn(move || shared.check().unwrap())
        .join()
        .unwrap();
    assert!(report.diagnostics().is_empty());
}

#[test]
fn rules_carry_their_metadata() {
    let rules = gblint::rules();
    assert!(rules.iter().any(|rule| rule.code == "SYD002"));
    let cdy001 = gblint::rule("CDY001").unwrap();
    assert_eq!(cdy001.name, "storage-not-configured");
    assert!(cdy001
        .explain()
        .starts_with("# CDY001 storage-not-configured\n\n"));
}
