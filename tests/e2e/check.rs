//! `gblint check` on the example deployment and on small trees.

use gblint_tests::{copy_tree, run_gblint, workspace_root};
use serde_json::Value;

fn json_findings(stdout: &[u8]) -> Vec<Value> {
    serde_json::from_slice::<Value>(stdout)
        .expect("json output")
        .as_array()
        .expect("array")
        .clone()
}

fn example() -> std::path::PathBuf {
    workspace_root().join("examples/pragmatismo")
}

const CADDYFILE: &str = "pragmatismo-proxy/opt/gbo/conf/config";

#[test]
fn example_deployment_is_clean() {
    let output = run_gblint(&workspace_root(), &["check", "examples/pragmatismo"], None);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The summary is on standard error for every output format.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("All checks passed (29 files checked)."),
        "{stderr}"
    );
    // Every file of the example is in a format gblint checks.
    assert!(!stderr.contains("Not checked"), "{stderr}");
}

#[test]
fn removing_the_storage_block_reports_cdy001_at_the_global_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&example(), dir.path());
    let path = dir.path().join(CADDYFILE);
    let text = std::fs::read_to_string(&path).expect("caddyfile");
    let without = text.replace(
        "\tstorage file_system {\n\t\troot /opt/gbo/data/caddy\n\t}\n",
        "",
    );
    assert_ne!(without, text, "the example must contain the storage block");
    std::fs::write(&path, &without).expect("write");
    let global_line = without
        .lines()
        .position(|line| line == "{")
        .expect("global block")
        + 1;

    let output = run_gblint(dir.path(), &["check", ".", "--output-format", "json"], None);
    assert_eq!(output.status.code(), Some(1));
    let findings = json_findings(&output.stdout);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["code"], "CDY001");
    assert_eq!(findings[0]["file"], CADDYFILE);
    assert_eq!(findings[0]["location"]["line"], global_line);
    assert_eq!(
        findings[0]["fix"]["applicability"], "safe",
        "storage-root is configured in gblint.toml"
    );

    // Without any global block the finding points at the first site.
    let start = without.find("{\n}\n").expect("empty global block");
    let no_global = format!("{}{}", &without[..start], &without[start + 4..]);
    std::fs::write(&path, &no_global).expect("write");
    let first_site_line = no_global
        .lines()
        .position(|line| line.ends_with(" {") && !line.starts_with('(') && !line.starts_with('\t'))
        .expect("site")
        + 1;
    let output = run_gblint(dir.path(), &["check", ".", "--output-format", "json"], None);
    assert_eq!(output.status.code(), Some(1));
    let findings = json_findings(&output.stdout);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["code"], "CDY001");
    assert_eq!(findings[0]["location"]["line"], first_site_line);
    assert_eq!(findings[0]["location"]["column"], 1);
}

pub const THREE_ERRORS: &str = "{\n\tstorage file_system /opt/gbo/data/caddy\n}\n\na.example.com {\n\thandle /api/* { reverse_proxy localhost:8080 }\n}\n\nb.example.com {\n\trespond \"bye\" }\n}\n\nc.example.com,d.example.com {\n\treverse_proxy localhost:8082\n}\n";

#[test]
fn a_file_with_three_syntax_errors_reports_all_three() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Caddyfile"), THREE_ERRORS).expect("write");
    let output = run_gblint(
        dir.path(),
        &["check", "Caddyfile", "--output-format", "json"],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let findings = json_findings(&output.stdout);
    let lines: Vec<(String, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().expect("code").to_owned(),
                f["location"]["line"].as_u64().expect("line"),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("CDY000".to_owned(), 6),
            ("CDY000".to_owned(), 10),
            ("CDY000".to_owned(), 13)
        ],
        "{findings:#?}"
    );
}

#[test]
fn deployment_imports_resolve_inside_the_machine_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let machine = dir.path().join("acme-proxy");
    std::fs::create_dir_all(machine.join("etc/caddy/sites")).expect("mkdir");
    std::fs::write(
        machine.join("etc/caddy/Caddyfile"),
        "{\n\tstorage file_system /data\n}\n\nimport /etc/caddy/sites/*.caddyfile\nimport ../../../../outside.caddyfile\n",
    )
    .expect("write");
    std::fs::write(
        machine.join("etc/caddy/sites/chat.caddyfile"),
        "chat.example.com {\n\treverse_proxy 10.0.0.1:99999\n}\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("outside.caddyfile"), "x.example.com {\n}\n").expect("write");
    let output = run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "concise"],
        None,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    // The imported site file is checked through the import (and only once, not as a root).
    assert!(
        stdout.contains("acme-proxy/etc/caddy/sites/chat.caddyfile:2:16: error CDY011"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("CDY011").count(), 1, "{stdout}");
    // An import leaving the machine folder is reported, not followed.
    assert!(
        stdout.contains(
            "CDY012 import of '../../../../outside.caddyfile' not followed: it resolves to"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("CDY001"), "{stdout}");
}

#[test]
fn suppressions_apply_and_can_be_disabled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "{\n\t# gblint: ignore[CDY005] the test proxy is never reloaded\n\tadmin off\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond hi\n}\n";
    std::fs::write(dir.path().join("Caddyfile"), text).expect("write");
    let output = run_gblint(
        dir.path(),
        &["check", "Caddyfile", "--output-format", "concise"],
        None,
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(output.stdout.is_empty());
    let output = run_gblint(
        dir.path(),
        &[
            "check",
            "Caddyfile",
            "--output-format",
            "concise",
            "--no-inline-ignores",
            "--fail-on",
            "warning",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Caddyfile:3:2: warning CDY005"));
}

#[test]
fn stdin_is_checked_under_its_filename() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run_gblint(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "conf/Caddyfile",
            "--output-format",
            "concise",
        ],
        Some(b"example.com {\n\treverse_proxy\n}\n"),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout.contains("conf/Caddyfile:1:1: error CDY001"),
        "{stdout}"
    );
    assert!(
        stdout.contains("conf/Caddyfile:2:2: error CDY011 `reverse_proxy` has no upstream"),
        "{stdout}"
    );
}

#[test]
fn selection_and_fail_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "{\n\tadmin off\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    let run = |args: &[&str]| run_gblint(dir.path(), args, None).status.code();
    assert_eq!(
        run(&["check", "Caddyfile"]),
        Some(0),
        "a warning does not fail by default"
    );
    assert_eq!(
        run(&["check", "Caddyfile", "--fail-on", "warning"]),
        Some(1)
    );
    assert_eq!(
        run(&[
            "check",
            "Caddyfile",
            "--fail-on",
            "warning",
            "--ignore",
            "CDY005"
        ]),
        Some(0)
    );
    assert_eq!(
        run(&[
            "check",
            "Caddyfile",
            "--fail-on",
            "warning",
            "--select",
            "CDY001"
        ]),
        Some(0)
    );
    std::fs::write(
        dir.path().join("gblint.toml"),
        "[rules.severity]\nCDY005 = \"error\"\n",
    )
    .expect("write");
    assert_eq!(
        run(&["check", "Caddyfile"]),
        Some(1),
        "severity raised in gblint.toml"
    );
}

#[test]
fn usage_and_input_problems_exit_2_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let check = |args: &[&str]| {
        let output = run_gblint(dir.path(), args, None);
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stderr) = check(&["check", "missing/Caddyfile"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "gblint: error: missing/Caddyfile: no such file or directory\n"
    );

    let (code, _) = check(&["check", "--output-format", "xml"]);
    assert_eq!(code, Some(2));

    std::fs::write(
        dir.path().join("gblint.toml"),
        "[caddy]\nstorage_root = \"/x\"\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("Caddyfile"), "example.com {\n}\n").expect("write");
    let (code, stderr) = check(&["check", "Caddyfile"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.ends_with(
            "gblint.toml: unknown key `storage_root` in [caddy]; did you mean `storage-root`?\n"
        ),
        "{stderr}"
    );
    std::fs::remove_file(dir.path().join("gblint.toml")).expect("rm");

    let (code, stderr) = check(&["check", "Caddyfile", "--select", "CDY0001"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("`CDY0001` matches no rule"), "{stderr}");

    std::fs::write(dir.path().join("notes.txt"), "hello\n").expect("write");
    let (code, stderr) = check(&["check", "notes.txt"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("cannot tell the format of notes.txt"),
        "{stderr}"
    );
    let (code, _) = check(&[
        "check",
        "notes.txt",
        "--format",
        "caddyfile",
        "--select",
        "CDY000",
    ]);
    assert_eq!(
        code,
        Some(0),
        "forced format: a single site `hello` is a valid Caddyfile"
    );
}
