//! `gblint check --fix`, `--fix --unsafe` and `--diff`.

use gblint_tests::{copy_tree, run_gblint, workspace_root};

const NO_STORAGE: &str = "chat.example.com {\n\treverse_proxy 10.0.0.10:5859\n}\n";

#[test]
fn unsafe_fix_inserts_the_guide_root_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    std::fs::write(&path, NO_STORAGE).expect("write");
    // Without `[caddy] storage-root` the fix is unsafe: --fix alone leaves the file.
    let output = run_gblint(dir.path(), &["check", "Caddyfile", "--fix"], None);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), NO_STORAGE);
    let output = run_gblint(
        dir.path(),
        &["check", "Caddyfile", "--fix", "--unsafe"],
        None,
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let fixed = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        fixed,
        format!(
            "{{\n\tstorage file_system {{\n\t\troot /opt/gbo/data/caddy\n\t}}\n}}\n\n{NO_STORAGE}"
        )
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Fixed Caddyfile: CDY001 (previous version kept as Caddyfile.bak-"),
        "{stderr}"
    );
    assert!(stderr.ends_with("Fixed 1 problem in 1 file.\n"), "{stderr}");
    // Idempotent: a second run applies nothing and writes nothing.
    let output = run_gblint(
        dir.path(),
        &[
            "check",
            "Caddyfile",
            "--fix",
            "--unsafe",
            "--extend-select",
            "CDY007",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr)
        .ends_with("Fixed nothing: there are no findings.\n"));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), fixed);
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("read_dir").count(),
        2,
        "the file and one backup"
    );
}

#[test]
fn safe_fix_uses_the_configured_root_in_a_deployment() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&workspace_root().join("examples/pragmatismo"), dir.path());
    let path = dir.path().join("pragmatismo-proxy/opt/gbo/conf/config");
    let text = std::fs::read_to_string(&path).expect("read");
    let without = text.replace(
        "\tstorage file_system {\n\t\troot /opt/gbo/data/caddy\n\t}\n",
        "",
    );
    std::fs::write(&path, &without).expect("write");
    let output = run_gblint(dir.path(), &["check", ".", "--fix"], None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        text,
        "the fix restores the block the example had"
    );
}

#[test]
fn diff_shows_fixes_without_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    std::fs::write(
        &path,
        "chat.example.com {\n    reverse_proxy 10.0.0.10:5859\n}\n",
    )
    .expect("write");
    let output = run_gblint(
        dir.path(),
        &[
            "check",
            "Caddyfile",
            "--diff",
            "--unsafe",
            "--extend-select",
            "CDY007",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "Would fix 2 problems in 1 file.\n"
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "chat.example.com {\n    reverse_proxy 10.0.0.10:5859\n}\n"
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("read_dir").count(), 1);
}

#[test]
fn fixed_standard_input_is_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run_gblint(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "Caddyfile",
            "--fix",
            "--unsafe",
            "--output-format",
            "concise",
        ],
        Some(NO_STORAGE.as_bytes()),
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("{\n\tstorage file_system {\n"));
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("read_dir").count(),
        0,
        "nothing written"
    );
}

#[test]
fn files_with_syntax_errors_are_not_fixed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    let broken = "chat.example.com {\n\trespond \"hi\" }\n}\n";
    std::fs::write(&path, broken).expect("write");
    let output = run_gblint(
        dir.path(),
        &["check", "Caddyfile", "--fix", "--unsafe"],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), broken);
}

#[test]
fn unsafe_without_fix_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Caddyfile"), NO_STORAGE).expect("write");
    let output = run_gblint(dir.path(), &["check", "Caddyfile", "--unsafe"], None);
    assert_eq!(output.status.code(), Some(2));
}
