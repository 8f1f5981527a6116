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

#[test]
fn fixes_are_shown_as_a_diff_and_written_together() {
    let dir = tempfile::tempdir().unwrap();
    let caddyfile = dir.path().join("Caddyfile");
    std::fs::write(&caddyfile, "example.com {\n\trespond \"hi\"\n}\n").unwrap();
    let linter = gblint::Linter::discover(dir.path()).unwrap();
    let fixed = linter.fix(gblint::Applicability::Unsafe).unwrap();
    assert_eq!(fixed.changed_files(), 1);
    assert_eq!(fixed.text_input(), None);
    let diff = fixed.diff().unwrap();
    assert!(diff.starts_with("--- a/"), "{diff}");
    assert!(diff.contains("+\tstorage file_system"), "{diff}");
    // Nothing is written before `write`.
    assert!(!std::fs::read_to_string(&caddyfile)
        .unwrap()
        .contains("storage"));
    let written = fixed
        .write(&gblint::WriteOptions::default().backup(false))
        .unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].fixes, ["CDY001"]);
    assert_eq!(written[0].backup, None);
    assert!(std::fs::read_to_string(&caddyfile)
        .unwrap()
        .contains("storage file_system"));
}

/// `fix` keeps only a digest of what it read: a file edited since (same length) is neither
/// diffed nor written; `fix_for_diff` diffs the text it read whatever the file holds now.
#[test]
fn a_file_edited_after_fix_read_it_is_neither_diffed_nor_written() {
    let dir = tempfile::tempdir().unwrap();
    let caddyfile = dir.path().join("Caddyfile");
    let read = "example.com {\n\trespond \"hi\"\n}\n";
    std::fs::write(&caddyfile, read).unwrap();
    let linter = gblint::Linter::discover(dir.path()).unwrap();
    let fixed = linter.fix(gblint::Applicability::Unsafe).unwrap();
    let for_diff = linter.fix_for_diff(gblint::Applicability::Unsafe).unwrap();
    let edited = read.replace("hi", "ho");
    assert_eq!(edited.len(), read.len());
    std::fs::write(&caddyfile, &edited).unwrap();

    let err = fixed.diff().unwrap_err().to_string();
    assert!(err.contains("changed after gblint read it"), "{err}");
    let err = fixed
        .write(&gblint::WriteOptions::default().backup(false))
        .unwrap_err()
        .to_string();
    assert!(err.contains("changed after gblint read it"), "{err}");
    assert_eq!(std::fs::read_to_string(&caddyfile).unwrap(), edited);
    let diff = for_diff.diff().unwrap();
    assert!(diff.contains(" \trespond \"hi\""), "{diff}");
    assert!(diff.contains("+\tstorage file_system"), "{diff}");

    // Put back as read, the digest matches again.
    std::fs::write(&caddyfile, read).unwrap();
    assert_eq!(fixed.diff().unwrap(), for_diff.diff().unwrap());
    fixed
        .write(&gblint::WriteOptions::default().backup(false))
        .unwrap();
    assert!(std::fs::read_to_string(&caddyfile)
        .unwrap()
        .contains("storage file_system"));
}

#[test]
fn text_input_is_read_within_the_limit_and_as_utf8() {
    let input = gblint::Input::read(&b"example.com {\n}\n"[..], "Caddyfile", 100).unwrap();
    assert!(matches!(input, gblint::Input::Text { .. }));
    assert_eq!(
        gblint::Input::read(&b"0123456789"[..], "Caddyfile", 4),
        Err(gblint::ReadError::TooLarge { limit: 4 })
    );
    assert_eq!(
        gblint::Input::read(&b"ok\xff"[..], "Caddyfile", 100),
        Err(gblint::ReadError::NotUtf8 { valid_up_to: 2 })
    );
}

#[test]
fn a_rule_name_shared_by_formats_must_be_asked_for_by_code() {
    let error = gblint::lookup_rule("syntax-error").unwrap_err();
    assert!(matches!(error, gblint::Error::AmbiguousRule { ref codes, .. } if codes.len() > 1));
    assert!(
        error.to_string().ends_with("; ask for one by code"),
        "{error}"
    );
}
