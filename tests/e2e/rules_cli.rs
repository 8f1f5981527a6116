//! `gblint rules` and `gblint explain`.

use gblint_tests::{run_gblint, workspace_root};
use serde_json::Value;

const CODES: [&str; 39] = [
    "CDY000", "CDY001", "CDY002", "CDY003", "CDY004", "CDY005", "CDY006", "CDY007", "CDY010",
    "CDY011", "IPT000", "IPT001", "IPT002", "IPT003", "IPT004", "DNS000", "DNS001", "DNS002",
    "DNS003", "DNS004", "DNS005", "DNS006", "DNS007", "F2B000", "F2B001", "F2B002", "F2B003",
    "F2B004", "F2B005", "SYD000", "SYD001", "SYD002", "SYD003", "SYD004", "UFW001", "GBL001",
    "GBL002", "GBL900", "GBL901",
];

#[test]
fn rules_lists_every_rule() {
    let output = run_gblint(&workspace_root(), &["rules"], None);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    for code in CODES {
        assert!(
            text.lines().any(|line| line.starts_with(code)),
            "{code} missing from:\n{text}"
        );
    }
    let output = run_gblint(&workspace_root(), &["rules", "--json"], None);
    let rules: Value = serde_json::from_slice(&output.stdout).expect("json");
    let rules = rules.as_array().expect("array");
    assert_eq!(rules.len(), CODES.len());
    for rule in rules {
        for key in ["code", "name", "severity", "fix", "summary", "doc"] {
            assert!(rule.get(key).is_some(), "{key} missing in {rule}");
        }
    }
}

#[test]
fn explain_shows_the_doc_by_code_or_name() {
    for query in ["CDY001", "cdy001", "storage-not-configured"] {
        let output = run_gblint(&workspace_root(), &["explain", query], None);
        assert_eq!(output.status.code(), Some(0));
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.starts_with("# CDY001 storage-not-configured\n"),
            "{text}"
        );
        for section in [
            "## What it does",
            "## Why is this bad",
            "## Example",
            "## Use instead",
            "## Fix safety",
        ] {
            assert!(text.contains(section), "{section} missing:\n{text}");
        }
    }
}

#[test]
fn explain_an_unknown_code_suggests_the_nearest() {
    let output = run_gblint(&workspace_root(), &["explain", "CDY01"], None);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "gblint: error: unknown rule `CDY01`; did you mean `CDY011`?\n"
    );
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = run_gblint(&workspace_root(), &["completions", shell], None);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.contains("gblint") && text.contains("baseline") && text.contains("render"),
            "{shell}: {text}"
        );
    }
    let output = run_gblint(&workspace_root(), &["man"], None);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.starts_with(".ie") && text.contains(".TH gblint 1"),
        "{text}"
    );
}
