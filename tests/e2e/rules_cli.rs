//! `gblint rules` and `gblint explain`.

use gblint_tests::{run_gblint, workspace_root};
use serde_json::Value;

/// Every registered code, from the registry itself: the binary must list exactly these.
fn codes() -> Vec<&'static str> {
    gblint_lint::registry::all()
        .iter()
        .map(|rule| rule.meta().code)
        .collect()
}

#[test]
fn rules_lists_every_rule() {
    let output = run_gblint(&workspace_root(), &["rules"], None);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    for code in codes() {
        assert!(
            text.lines().any(|line| line.starts_with(code)),
            "{code} missing from:\n{text}"
        );
    }
    let output = run_gblint(&workspace_root(), &["rules", "--json"], None);
    let rules: Value = serde_json::from_slice(&output.stdout).expect("json");
    let rules = rules.as_array().expect("array");
    assert_eq!(rules.len(), codes().len());
    for rule in rules {
        for key in ["code", "name", "severity", "fix", "summary", "doc"] {
            assert!(rule.get(key).is_some(), "{key} missing in {rule}");
        }
    }
}

/// `explain` prints the rule's doc (the same page by code, lower-case code or name).
#[test]
fn explain_shows_the_doc_by_code_or_name() {
    assert_cli_snapshot!(&workspace_root(), &["explain", "CDY001"]);
    let page = run_gblint(&workspace_root(), &["explain", "CDY001"], None).stdout;
    for query in ["cdy001", "storage-not-configured"] {
        let output = run_gblint(&workspace_root(), &["explain", query], None);
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(output.stdout, page, "{query}");
    }
}

/// A code one keystroke away from exactly one rule (`CDY01` is as near to CDY010 as to CDY014).
#[test]
fn explain_an_unknown_code_suggests_the_nearest() {
    assert_cli_snapshot!(&workspace_root(), &["explain", "CDY0111"]);
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
        // Rule codes complete `--select` and `--ignore` (and, where the shell completes
        // positionals from a list, `explain`, with names too).
        // (clap_complete's elvish and powershell scripts complete flags only.)
        if matches!(shell, "bash" | "zsh" | "fish") {
            for word in ["IPT001", "CDY011", "SYD"] {
                assert!(text.contains(word), "{shell}: no {word}");
            }
        }
        if matches!(shell, "bash" | "zsh") {
            assert!(text.contains("storage-not-configured"), "{shell}");
        }
    }
    // Parsing still takes prefixes and lists the completions do not offer.
    let output = run_gblint(
        &workspace_root(),
        &[
            "check",
            "examples/pragmatismo",
            "--select",
            "CDY0,IPT",
            "--quiet",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0));

    let output = run_gblint(&workspace_root(), &["man"], None);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.starts_with(".ie") && text.contains(".TH gblint 1"),
        "{text}"
    );
    // One page with every subcommand's options, exit codes, configuration, environment and
    // examples.
    for section in [
        ".SH \"GBLINT CHECK\"",
        ".SH \"GBLINT FMT\"",
        ".SH \"GBLINT EXPLAIN\"",
        ".SH \"EXIT STATUS\"",
        ".SH CONFIGURATION",
        ".SH ENVIRONMENT",
        ".SH EXAMPLES",
        "\\-\\-output\\-file",
        "NO_COLOR",
    ] {
        assert!(text.contains(section), "man page lacks {section}");
    }
    let output = run_gblint(&workspace_root(), &["man", "check"], None);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(".TH gblint\\-check 1") || text.contains(".TH gblint-check 1"),
        "{text}"
    );
    assert!(text.contains("\\-\\-fail\\-on"), "{text}");
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
    assert_cli_snapshot!(dir.path(), &["check", "--select", "lod", "."]);
}

#[test]
fn the_readme_rules_table_has_a_row_per_rule_with_its_category_and_severity() {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).expect("README");
    let rows: Vec<Vec<&str>> = readme
        .lines()
        .filter(|line| line.starts_with("| ") && line.len() > 9)
        .map(|line| line.split('|').map(str::trim).collect::<Vec<_>>())
        .filter(|cells| cells.len() > 4 && gblint_lint::registry::by_code(cells[1]).is_some())
        .collect();
    let listed: Vec<&str> = rows.iter().map(|cells| cells[1]).collect();
    let mut expected = codes();
    expected.sort_unstable();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted, expected,
        "README rules table rows differ from the registry"
    );
    for cells in rows {
        let meta = gblint_lint::registry::by_code(cells[1])
            .expect("rule")
            .meta();
        assert_eq!(cells[2], meta.name, "{}", cells[1]);
        assert_eq!(cells[3], meta.category.as_str(), "{}", cells[1]);
        let severity = if meta.enabled_by_default {
            meta.default_severity.as_str()
        } else {
            "off"
        };
        assert_eq!(cells[4], severity, "{}", cells[1]);
    }
}
