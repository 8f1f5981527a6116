//! The output formats: SARIF validated against the 2.1.0 schema, GitHub annotations, concise,
//! JSON, and the human report (snapshot).

use std::path::Path;

use gblint_tests::{run_gblint, workspace_root};
use serde_json::Value;

use crate::check::THREE_ERRORS;

/// A file with errors, a warning and a fixable finding, so every SARIF field gblint emits appears.
const MIXED: &str = "{\n\tadmin off\n}\n\na.example.com {\n\treverse_proxy localhost:99999\n}\n\nb.example.com {\n\trespond \"bye\" }\n}\n";

fn write_files(dir: &Path) {
    std::fs::write(dir.join("Caddyfile"), THREE_ERRORS).expect("write");
    std::fs::create_dir_all(dir.join("proxy")).expect("mkdir");
    std::fs::write(dir.join("proxy/Caddyfile"), MIXED).expect("write");
}

fn sarif_schema() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(workspace_root().join("tests/schemas/sarif-schema-2.1.0.json"))
            .expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema json");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path());
    let output = run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "sarif"],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&output.stdout).expect("sarif json");
    let validator = sarif_schema();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );

    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "gblint");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    // 3 syntax errors + (storage missing, bad port, syntax error, admin off) in the second file.
    assert_eq!(results.len(), 7, "{results:#?}");
    for result in results {
        // Stable rule ids, and every result points at its rule's entry.
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(
            result["partialFingerprints"]["gblint/v1"].is_string(),
            "{result}"
        );
        let location = &result["locations"][0]["physicalLocation"];
        assert!(location["artifactLocation"]["uri"].is_string());
        assert!(location["region"]["startLine"].as_u64().expect("line") >= 1);
    }
    let fingerprints: std::collections::HashSet<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["gblint/v1"].as_str().expect("fp"))
        .collect();
    assert_eq!(
        fingerprints.len(),
        results.len(),
        "fingerprints are unique per result"
    );

    // A second run gives the same fingerprints; an edit elsewhere in the file does not move them.
    let again = run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "sarif"],
        None,
    );
    assert_eq!(again.stdout, output.stdout, "SARIF output is deterministic");
    std::fs::write(
        dir.path().join("proxy/Caddyfile"),
        format!("# a comment added on top\n\n{MIXED}"),
    )
    .expect("write");
    let moved = run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "sarif"],
        None,
    );
    let moved: Value = serde_json::from_slice(&moved.stdout).expect("sarif json");
    let moved_fps: std::collections::HashSet<&str> = moved["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["partialFingerprints"]["gblint/v1"].as_str().expect("fp"))
        .collect();
    assert_eq!(moved_fps, fingerprints, "fingerprints survive lines moving");
}

#[test]
fn sarif_with_no_findings_is_valid_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "{\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    let output = run_gblint(
        dir.path(),
        &["check", "Caddyfile", "--output-format", "sarif"],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let sarif: Value = serde_json::from_slice(&output.stdout).expect("sarif json");
    assert!(sarif_schema().is_valid(&sarif));
    assert_eq!(
        sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .len(),
        0
    );
}

#[test]
fn github_annotations() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path());
    let output = run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "github"],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert!(
        lines
            .iter()
            .all(|line| line.starts_with("::error file=") || line.starts_with("::warning file=")),
        "{text}"
    );
    assert!(
        text.contains("::error file=Caddyfile,line=6,col=16,endLine=6,endColumn=17,title=CDY000 (syntax-error)::CDY000 Unexpected next token after '{' on same line"),
        "{text}"
    );
    assert!(
        text.contains("::warning file=proxy/Caddyfile,line=2,col=2,"),
        "{text}"
    );
}

#[test]
fn concise_and_json_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path());
    let concise = run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "concise"],
        None,
    );
    let json = run_gblint(dir.path(), &["check", ".", "--output-format", "json"], None);
    let findings: Value = serde_json::from_slice(&json.stdout).expect("json");
    let from_json: Vec<String> = findings
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{}: {} {}",
                f["file"].as_str().unwrap(),
                f["location"]["line"],
                f["location"]["column"],
                f["code"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    let text = String::from_utf8_lossy(&concise.stdout);
    let from_concise: Vec<&str> = text
        .lines()
        .filter(|line| !line.starts_with("Found ") && !line.is_empty())
        .collect();
    assert_eq!(from_concise, from_json);
    let summary = String::from_utf8_lossy(&concise.stderr);
    assert_eq!(summary, "Found 6 errors, 1 warning (2 files checked).\n");
}

#[test]
fn human_report_snapshot() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path());
    let output = run_gblint(dir.path(), &["check", "."], None);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn gitlab_code_quality_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path());
    let output = run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "gitlab"],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let issues: Value = serde_json::from_slice(&output.stdout).expect("json");
    let issues = issues.as_array().expect("array");
    assert_eq!(issues.len(), 7);
    for issue in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key} in {issue}");
        }
        assert!(issue["location"]["path"].is_string());
        assert!(
            issue["location"]["positions"]["begin"]["line"]
                .as_u64()
                .expect("line")
                >= 1
        );
        assert!(["major", "minor", "info"].contains(&issue["severity"].as_str().expect("severity")));
    }
    let prints: std::collections::HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().expect("fp"))
        .collect();
    assert_eq!(prints.len(), 7, "fingerprints are unique");
}

#[test]
fn junit_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path());
    std::fs::write(
        dir.path().join("clean.caddyfile"),
        "{\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    let output = run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "junit"],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}
