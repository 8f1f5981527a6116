//! `gblint rules` and `gblint explain`.

use gblint_tests::{run_gblint, workspace_root};
use serde_json::Value;

const CODES: [&str; 40] = [
    "CDY000", "CDY001", "CDY002", "CDY003", "CDY004", "CDY005", "CDY006", "CDY007", "CDY010",
    "CDY011", "IPT000", "IPT001", "IPT002", "IPT003", "IPT004", "DNS000", "DNS001", "DNS002",
    "DNS003", "DNS004", "DNS005", "DNS006", "DNS007", "F2B000", "F2B001", "F2B002", "F2B003",
    "F2B004", "F2B005", "F2B006", "SYD000", "SYD001", "SYD002", "SYD003", "SYD004", "UFW001",
    "GBL001", "GBL002", "GBL900", "GBL901",
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

#[test]
fn every_rule_has_a_category_and_a_category_selects_its_rules() {
    let output = run_gblint(
        &workspace_root(),
        &["rules", "--output-format", "json"],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let rules: Value = serde_json::from_slice(&output.stdout).expect("json");
    let categories = [
        "load",
        "correctness",
        "security",
        "suspicious",
        "policy",
        "style",
        "suppression",
    ];
    let mut load = Vec::new();
    for rule in rules.as_array().expect("array") {
        let category = rule["category"].as_str().expect("category");
        assert!(categories.contains(&category), "{rule}");
        if category == "load" {
            load.push(rule["code"].as_str().expect("code").to_owned());
        }
    }
    // Every syntax-error rule refuses the file, so it is a load finding.
    for code in ["CDY000", "IPT000", "DNS000", "F2B000", "SYD000", "IPT004"] {
        assert!(load.iter().any(|c| c == code), "{code} not load: {load:?}");
    }

    // `--select load` on a Caddyfile with a syntax error and a missing storage block reports
    // only the syntax error, and JSON findings carry the category.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "example.com {\n\treverse_proxy localhost:8080\n}\n}\n",
    )
    .expect("write");
    let all = run_gblint(dir.path(), &["check", "--output-format", "json", "."], None);
    let all: Value = serde_json::from_slice(&all.stdout).expect("json");
    let codes: Vec<&str> = all
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["code"].as_str().expect("code"))
        .collect();
    assert!(
        codes.contains(&"CDY001") && codes.contains(&"CDY000"),
        "{codes:?}"
    );
    let only_load = run_gblint(
        dir.path(),
        &["check", "--select", "load", "--output-format", "json", "."],
        None,
    );
    let only_load: Value = serde_json::from_slice(&only_load.stdout).expect("json");
    let findings = only_load.as_array().expect("array");
    assert!(!findings.is_empty());
    for finding in findings {
        assert_eq!(finding["category"], "load", "{finding}");
    }

    // A mistyped category gets a did-you-mean, exit 2.
    let typo = run_gblint(dir.path(), &["check", "--select", "lod", "."], None);
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean `load`"));
}
