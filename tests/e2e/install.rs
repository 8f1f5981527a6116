//! What the install paths rely on: `gblint --version` names version, commit and target (the
//! prebuilt pre-commit hooks compare the version), and `gblint fmt --no-backup` (the `gblint-fmt`
//! hook) rewrites files without leaving `.bak-` copies in the repository.

use std::process::Command;

use gblint_tests::{gblint_command, workspace_root};

/// The snapshot shows the line's shape; the version, commit and target, which change from
/// build to build, are filtered there and asserted here.
#[test]
fn version_names_version_commit_and_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let version = format!(
        "(?m)^gblint {} ",
        env!("CARGO_PKG_VERSION").replace('.', r"\.")
    );
    let output = crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["--version"]),
        filters = &[
            (version.as_str(), "gblint [VERSION] "),
            (r"\(([0-9a-f]{12}|unknown)\) \S+", "([COMMIT]) [TARGET]"),
        ],
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let words: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(words.len(), 4, "{text:?}");
    assert_eq!(words[0], "gblint");
    assert_eq!(words[1], env!("CARGO_PKG_VERSION"), "the workspace version");
    let commit = words[2]
        .strip_prefix('(')
        .and_then(|w| w.strip_suffix(')'))
        .expect("commit in parentheses");
    assert!(
        commit == "unknown"
            || (commit.len() == 12 && commit.bytes().all(|b| b.is_ascii_hexdigit())),
        "{commit:?}"
    );
    assert!(
        words[3].starts_with(std::env::consts::ARCH) && words[3].contains(std::env::consts::OS),
        "target triple {:?}",
        words[3]
    );
    // In a git checkout (and without an explicit GBLINT_COMMIT), the commit is HEAD's.
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(workspace_root())
        .output();
    if let Ok(head) = head {
        if head.status.success() && std::env::var_os("GBLINT_COMMIT").is_none() {
            assert_eq!(commit, String::from_utf8_lossy(&head.stdout).trim());
        }
    }
}

#[test]
fn fmt_no_backup_rewrites_without_a_copy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    std::fs::write(&path, "a.example.com   {\n    respond   hi\n}\n").expect("write");
    assert_cli_snapshot!(dir.path(), &["fmt", "--no-backup"]);
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "a.example.com {\n\trespond hi\n}\n"
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read_dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["Caddyfile"], "no backup, no temporary file left");
}

#[test]
fn fmt_no_backup_conflicts_with_check_and_diff() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "a.example.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    assert_cli_snapshot!(dir.path(), &["fmt", "--no-backup", "--check"]);
    assert_cli_snapshot!(dir.path(), &["fmt", "--no-backup", "--diff"]);
}
