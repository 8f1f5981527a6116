//! The output formats: SARIF validated against the 2.1.0 schema, GitHub annotations, concise,
//! JSON, GitLab, JUnit and the human report. Each run is snapshotted whole
//! (`snapshots/e2e__outputs__*.snap`); what a reader cannot check by eye (a schema, ids that
//! point at each other, fingerprints that stay the same between runs) is asserted after it.

use std::path::Path;

use gblint_tests::{gblint_command, run_gblint, workspace_root};
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
    // 3 syntax errors + (storage missing, bad port, syntax error, admin off) in the second file.
    let output = crate::assert_sarif_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", ".", "--output-format", "sarif"])
    );
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

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
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
    // Exit 0 and an empty `results`.
    let output = crate::assert_sarif_run_snapshot!(
        dir.path(),
        &mut gblint_command(
            dir.path(),
            &["check", "Caddyfile", "--output-format", "sarif"]
        )
    );
    let sarif: Value = serde_json::from_slice(&output.stdout).expect("sarif json");
    assert!(sarif_schema().is_valid(&sarif));
}

/// One `::error` or `::warning` line per finding, with file, line, column, end and title.
#[test]
fn github_annotations() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path());
    assert_cli_snapshot!(dir.path(), &["check", ".", "--output-format", "github"]);
}

#[test]
fn concise_and_json_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path());
    let concise = crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", ".", "--output-format", "concise"])
    );
    let json = crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", ".", "--output-format", "json"])
    );
    let findings: Value = serde_json::from_slice(&json.stdout).expect("json");
    let from_json: Vec<String> = findings
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            // `[*]` marks a safe fix, `[-]` an unsafe one.
            let mark = match f["fix"]["applicability"].as_str() {
                Some("safe") => "[*] ",
                Some("unsafe") => "[-] ",
                _ => "",
            };
            format!(
                "{}:{}:{}: {} {} {mark}{}",
                f["file"].as_str().unwrap(),
                f["location"]["line"],
                f["location"]["column"],
                f["severity"].as_str().unwrap(),
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
}

#[test]
fn human_report_snapshot() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path());
    assert_cli_snapshot!(dir.path(), &["check", "."]);
}

fn validate(schema: &str, instance: &Value) {
    let text = std::fs::read_to_string(workspace_root().join("tests/schemas").join(schema))
        .expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema json");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

#[test]
fn gitlab_code_quality_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path());
    let output = crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", ".", "--output-format", "gitlab"])
    );
    let issues: Value = serde_json::from_slice(&output.stdout).expect("json");
    validate("gitlab-codequality.json", &issues);
    let issues = issues.as_array().expect("array");
    for issue in issues {
        // GitLab reads the line from `location.lines.begin`.
        assert_eq!(
            issue["location"]["lines"]["begin"], issue["location"]["positions"]["begin"]["line"],
            "{issue}"
        );
    }
    let prints: std::collections::HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().expect("fp"))
        .collect();
    assert_eq!(prints.len(), 7, "fingerprints are unique");

    // The same tree checked by its absolute path from elsewhere: the same fingerprints.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let absolute = dir.path().canonicalize().expect("canonical");
    let output = run_gblint(
        elsewhere.path(),
        &[
            "check",
            absolute.to_str().expect("utf-8 path"),
            "--output-format",
            "gitlab",
        ],
        None,
    );
    let again: Value = serde_json::from_slice(&output.stdout).expect("json");
    let again: std::collections::HashSet<&str> = again
        .as_array()
        .expect("array")
        .iter()
        .map(|i| i["fingerprint"].as_str().expect("fp"))
        .collect();
    assert_eq!(
        again, prints,
        "fingerprints do not depend on the start folder"
    );
}

/// A tenant with errors, warnings, a fix and a cross-file label: what every report must carry.
fn broken_tenant(dir: &Path) {
    write_files(dir);
    // IPT002 (every TCP port open, 6379 too) and IPT003 (a secondary label) in an iptables
    // file; the fix is CDY001's, in proxy/Caddyfile.
    std::fs::write(
        dir.join("rules.v4"),
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n",
    )
    .expect("write");
}

/// The snapshot shows a result with its fix (CDY001) and one with a related location
/// (IPT003); the rule catalogue it leaves out is checked here: every rule has a help URI and
/// its documentation as Markdown and as plain text.
#[test]
fn sarif_carries_help_uri_fixes_and_related_locations() {
    let dir = tempfile::tempdir().expect("tempdir");
    broken_tenant(dir.path());
    let output = crate::assert_sarif_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", ".", "--output-format", "sarif"])
    );
    let sarif: Value = serde_json::from_slice(&output.stdout).expect("sarif json");
    validate("sarif-schema-2.1.0.json", &sarif);
    let run = &sarif["runs"][0];
    for rule in run["tool"]["driver"]["rules"].as_array().expect("rules") {
        assert!(rule["helpUri"].is_string(), "{rule}");
        assert!(rule["fullDescription"]["markdown"].is_string(), "{rule}");
        assert!(
            !rule["fullDescription"]["text"]
                .as_str()
                .expect("text")
                .contains('`'),
            "plain text: {rule}"
        );
    }
    let results = run["results"].as_array().expect("results");
    assert!(
        results
            .iter()
            .any(|r| r["fixes"][0]["artifactChanges"][0]["replacements"]
                .as_array()
                .is_some_and(|r| !r.is_empty())),
        "a finding with a fix carries it: {results:#?}"
    );
    assert!(
        results.iter().any(
            |r| r["relatedLocations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .is_some()
        ),
        "a finding with a secondary label points at it: {results:#?}"
    );
}

/// Run junitparser (PyPI) over a JUnit report, when python3 has it; .ci/run installs it and sets
/// GBLINT_REQUIRE_JUNITPARSER=1, so there the parser must be present.
fn junitparser_counts(xml: &[u8]) -> Option<(usize, usize)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.xml");
    std::fs::write(&path, xml).expect("write");
    let script = "import sys, junitparser\nx = junitparser.JUnitXml.fromfile(sys.argv[1])\ncases = [c for s in x for c in s]\nfailed = [c for c in cases if any(isinstance(r, junitparser.Failure) for r in c.result)]\nassert x.tests == len(cases), (x.tests, len(cases))\nassert x.failures == len(failed), (x.failures, len(failed))\nfor s in x:\n    assert s.tests == len(list(s)), s.name\nprint(len(cases), len(failed))\n";
    let run = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output();
    let required = std::env::var_os("GBLINT_REQUIRE_JUNITPARSER").is_some();
    match run {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let mut numbers = text.split_whitespace().map(|n| n.parse().expect("count"));
            Some((numbers.next()?, numbers.next()?))
        }
        Ok(out) if String::from_utf8_lossy(&out.stderr).contains("No module named") => {
            assert!(!required, "junitparser is not installed");
            None
        }
        Ok(out) => panic!(
            "junitparser rejected the report: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(err) => {
            assert!(!required, "python3: {err}");
            None
        }
    }
}

/// Test cases and failures counted from the XML itself.
fn junit_counts(xml: &str) -> (usize, usize, usize, usize) {
    let root = xml.lines().nth(1).expect("root");
    let attr = |name: &str| -> usize {
        let at = root.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        root[at..]
            .split('"')
            .next()
            .expect("value")
            .parse()
            .expect("number")
    };
    (
        attr("tests"),
        attr("failures"),
        xml.matches("<testcase ").count(),
        xml.matches("<failure ").count(),
    )
}

#[test]
fn junit_counts_match_the_cases_and_warnings_pass_when_the_run_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    broken_tenant(dir.path());
    let output = crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", ".", "--output-format", "junit"])
    );
    let xml = String::from_utf8_lossy(&output.stdout);
    let (tests, failures, cases, failed) = junit_counts(&xml);
    assert_eq!((tests, failures), (cases, failed), "{xml}");
    assert!(cases > failed, "warnings are not failures: {xml}");
    if let Some(parsed) = junitparser_counts(&output.stdout) {
        assert_eq!(parsed, (cases, failed));
    }

    // Only warnings, and the run exits 0: no failure.
    let clean = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        clean.path().join("Caddyfile"),
        "{\n\tadmin off\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    let output = crate::assert_run_snapshot!(
        clean.path(),
        &mut gblint_command(clean.path(), &["check", ".", "--output-format", "junit"])
    );
    let xml = String::from_utf8_lossy(&output.stdout);
    let (tests, failures, cases, failed) = junit_counts(&xml);
    assert_eq!((tests, failures, failed), (cases, 0, 0), "{xml}");
    if let Some(parsed) = junitparser_counts(&output.stdout) {
        assert_eq!(parsed, (cases, 0));
    }

    // Names do not carry line numbers: a comment on top changes none of them.
    let names = |xml: &str| -> Vec<String> {
        xml.lines()
            .filter(|l| l.contains("<testcase "))
            .map(str::to_owned)
            .collect()
    };
    let before = names(&xml);
    std::fs::write(
        clean.path().join("Caddyfile"),
        "# moved\n\n{\n\tadmin off\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    let output = run_gblint(
        clean.path(),
        &["check", ".", "--output-format", "junit"],
        None,
    );
    assert_eq!(names(&String::from_utf8_lossy(&output.stdout)), before);
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
    assert_cli_snapshot!(dir.path(), &["check", ".", "--output-format", "junit"]);
}
