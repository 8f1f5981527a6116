//! `gblint baseline` and CDY010 against a baseline file, a git revision and `min-vhosts`.

use std::process::Command;

use gblint_tests::{copy_tree, workspace_root};
use serde_json::Value;

const CADDYFILE: &str = "pragmatismo-proxy/opt/gbo/conf/config";

fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&workspace_root().join("examples/pragmatismo"), dir.path());
    dir
}

/// Remove the site block that starts with `header` (up to its closing `}` line).
fn remove_site(text: &str, header: &str) -> String {
    let start = text.find(header).expect("site present");
    let end = start + text[start..].find("\n}\n").expect("site end") + 3;
    format!("{}{}", &text[..start], &text[end..])
}

/// `gblint check . --output-format concise` (plus `extra`), snapshotted.
macro_rules! check_snapshot {
    ($dir:expr $(, $extra:expr)* $(,)?) => {
        assert_cli_snapshot!($dir, &["check", ".", "--output-format", "concise" $(, $extra)*])
    };
}

#[test]
fn a_removed_site_is_named_and_reformatting_is_not_a_regression() {
    let dir = example_copy();
    assert_cli_snapshot!(dir.path(), &["baseline", "."]);
    let baseline: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("gblint.baseline.json")).expect("baseline"),
    )
    .expect("json");
    assert_eq!(baseline["version"], 1);
    assert_eq!(
        baseline["facts"]["caddy"][CADDYFILE]["hosts"]
            .as_array()
            .expect("hosts")
            .len(),
        25
    );
    // Clean against its own baseline.
    check_snapshot!(dir.path());

    let path = dir.path().join(CADDYFILE);
    let text = std::fs::read_to_string(&path).expect("read");
    // Reformatting (a different layout, same sites) reports nothing.
    let reformatted = text
        .replace('\t', "    ")
        .replace("}\n\n", "}\n\n\n")
        .replace(" {\n", "   {\n");
    assert_ne!(reformatted, text);
    std::fs::write(&path, &reformatted).expect("write");
    check_snapshot!(dir.path());

    // One site removed: CDY010 names it.
    std::fs::write(&path, remove_site(&text, "drive.pragmatismo.com.br {")).expect("write");
    check_snapshot!(dir.path());

    // Not suppressible inline: a suppression comment is itself reported as invalid.
    let suppressed = format!(
        "# gblint: ignore[CDY010] trimming the file\n{}",
        remove_site(&text, "drive.pragmatismo.com.br {")
    );
    std::fs::write(&path, suppressed).expect("write");
    check_snapshot!(dir.path());
}

#[test]
fn baseline_ref_reads_the_same_files_from_git() {
    let dir = example_copy();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q", "."]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "tenant"]);
    let path = dir.path().join(CADDYFILE);
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        remove_site(
            &remove_site(&text, "drive.pragmatismo.com.br {"),
            "meet.pragmatismo.com.br {",
        ),
    )
    .expect("write");

    check_snapshot!(dir.path(), "--baseline-ref", "HEAD");
    // Same verdict as a baseline file written at that commit.
    std::fs::write(&path, &text).expect("restore");
    assert_cli_snapshot!(dir.path(), &["baseline"]);
    std::fs::write(
        &path,
        remove_site(
            &remove_site(&text, "drive.pragmatismo.com.br {"),
            "meet.pragmatismo.com.br {",
        ),
    )
    .expect("write");
    check_snapshot!(dir.path());
    // The working tree was not touched by --baseline-ref.
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(dir.path())
        .output()
        .expect("git status");
    let porcelain = String::from_utf8_lossy(&status.stdout);
    // Only our edit shows (the example ships its baseline, rewritten identically above).
    assert!(
        porcelain
            .lines()
            .all(|l| l.ends_with(CADDYFILE) || l.ends_with("gblint.baseline.json")),
        "only our edit and the baseline file: {porcelain}"
    );
    assert!(
        porcelain.lines().any(|l| l.ends_with(CADDYFILE)),
        "{porcelain}"
    );

    assert_cli_snapshot!(dir.path(), &["check", ".", "--baseline-ref", "no-such-rev"]);
}

#[test]
fn min_vhosts_catches_a_partial_caddyfile() {
    let dir = example_copy();
    let path = dir.path().join(CADDYFILE);
    std::fs::write(&path, "{\n\tstorage file_system {\n\t\troot /opt/gbo/data/caddy\n\t}\n}\n\nchat.pragmatismo.com.br {\n\treverse_proxy 10.16.164.33:5859\n}\n\ndrive.pragmatismo.com.br {\n\treverse_proxy 10.16.164.34:9000\n}\n").expect("write");
    // Without the shipped baseline, only min-vhosts speaks.
    std::fs::remove_file(dir.path().join("gblint.baseline.json")).expect("rm baseline");
    check_snapshot!(dir.path());
}

#[test]
fn baseline_refuses_a_broken_caddyfile() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "example.com {\n\trespond \"hi\" }\n}\n",
    )
    .expect("write");
    assert_cli_snapshot!(dir.path(), &["baseline"]);
    assert!(!dir.path().join("gblint.baseline.json").exists());
}
