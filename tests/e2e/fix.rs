//! `gblint check --fix`, `--fix --unsafe` and `--diff`: each run is snapshotted whole
//! (`snapshots/e2e__fix__*.snap`); what a run leaves on disk is asserted after it.

use gblint_tests::{copy_tree, gblint_command, workspace_root};

use crate::snap::BACKUP_STAMP;

const NO_STORAGE: &str = "chat.example.com {\n\treverse_proxy 10.0.0.10:5859\n}\n";

#[test]
fn unsafe_fix_inserts_the_guide_root_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    std::fs::write(&path, NO_STORAGE).expect("write");
    // Without `[caddy] storage-root` the fix is unsafe: --fix alone leaves the file.
    assert_cli_snapshot!(dir.path(), &["check", "Caddyfile", "--fix"]);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), NO_STORAGE);
    // With --unsafe it is applied, and the previous version is kept as a backup.
    crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", "Caddyfile", "--fix", "--unsafe"]),
        filters = &[BACKUP_STAMP],
    );
    let fixed = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        fixed,
        format!(
            "{{\n\tstorage file_system {{\n\t\troot /opt/gbo/data/caddy\n\t}}\n}}\n\n{NO_STORAGE}"
        )
    );
    // Idempotent: a second run applies nothing and writes nothing.
    assert_cli_snapshot!(
        dir.path(),
        &[
            "check",
            "Caddyfile",
            "--fix",
            "--unsafe",
            "--extend-select",
            "CDY007",
        ]
    );
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
    crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", ".", "--fix"]),
        filters = &[BACKUP_STAMP],
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        text,
        "the fix restores the block the example had"
    );
}

/// The diff on standard output, the count on standard error, and nothing written.
#[test]
fn diff_shows_fixes_without_writing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    std::fs::write(
        &path,
        "chat.example.com {\n    reverse_proxy 10.0.0.10:5859\n}\n",
    )
    .expect("write");
    assert_cli_snapshot!(
        dir.path(),
        &[
            "check",
            "Caddyfile",
            "--diff",
            "--unsafe",
            "--extend-select",
            "CDY007",
        ]
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
    assert_cli_snapshot!(
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
        stdin = NO_STORAGE,
    );
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
    assert_cli_snapshot!(dir.path(), &["check", "Caddyfile", "--fix", "--unsafe"]);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), broken);
}

#[test]
fn unsafe_without_fix_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Caddyfile"), NO_STORAGE).expect("write");
    assert_cli_snapshot!(dir.path(), &["check", "Caddyfile", "--unsafe"]);
}
