//! LXD instance files through the CLI: discovery by host path, LXD's own refusals, the
//! operations guide's rules, and proxy devices removed since `gblint baseline`.

use std::path::Path;

use gblint_tests::{copy_tree, run_gblint, workspace_root};
use serde_json::Value;

const PROXY: &str =
    "host/var/snap/lxd/common/lxd/storage-pools/default/containers/acme-proxy/backup.yaml";

fn codes(dir: &Path) -> (Option<i32>, Vec<String>) {
    let output = run_gblint(dir, &["check", ".", "--output-format", "json"], None);
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("json: {}", String::from_utf8_lossy(&output.stderr)));
    let codes = json
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect();
    (output.status.code(), codes)
}

fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(
        &workspace_root()
            .join("crates/lint/resources/deployments")
            .join(name),
        dir.path(),
    );
    dir
}

#[test]
fn lxd_files_are_found_by_their_host_path_and_checked() {
    let dir = fixture("LXD001");
    let (status, found) = codes(dir.path());
    assert_eq!(status, Some(1));
    assert_eq!(found, ["LXD001", "LXD002", "LXD001", "LXD001"]);
    let shown = run_gblint(dir.path(), &["check", ".", "--show-files"], None);
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("lxd"),
        "{shown:?}"
    );
    // The same text outside LXD's storage layout is not an instance file.
    let plain = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        dir.path().join(
            "host/var/snap/lxd/common/lxd/storage-pools/default/containers/acme-system/backup.yaml",
        ),
        plain.path().join("backup.yaml"),
    )
    .expect("copy");
    let output = run_gblint(plain.path(), &["check", "."], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("none in a format gblint knows (backup.yaml)"),
        "{output:?}"
    );
}

#[test]
fn a_clean_tree_passes_and_a_removed_proxy_device_is_named_after_a_baseline() {
    let dir = fixture("LXD004_ok");
    std::fs::remove_file(dir.path().join("gblint.baseline.json")).expect("fresh baseline");
    let (status, found) = codes(dir.path());
    assert_eq!((status, found.len()), (Some(0), 0), "{found:?}");
    let written = run_gblint(dir.path(), &["baseline", "."], None);
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    let baseline =
        std::fs::read_to_string(dir.path().join("gblint.baseline.json")).expect("baseline");
    assert!(baseline.contains("\"port-443\""), "{baseline}");
    let path = dir.path().join(PROXY);
    let text = std::fs::read_to_string(&path).expect("backup");
    let without = text.replacen(
        "    port-443:\n      connect: tcp:127.0.0.1:443\n      listen: tcp:0.0.0.0:443\n      type: proxy\n",
        "",
        2,
    );
    assert_ne!(without, text);
    std::fs::write(&path, without).expect("write");
    let (status, found) = codes(dir.path());
    assert_eq!(status, Some(1));
    assert_eq!(found, ["LXD003", "LXD004"]);
}

#[test]
fn explain_shows_the_lxd_rules() {
    for code in [
        "LXD000", "LXD001", "LXD002", "LXD003", "LXD004", "LXD005", "LXD006",
    ] {
        let output = run_gblint(Path::new("."), &["explain", code], None);
        assert_eq!(output.status.code(), Some(0), "{code}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("Use instead"), "{code}: {text}");
    }
}

#[test]
fn format_lxd_reads_any_file_as_an_export_named_after_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run_gblint(
        dir.path(),
        &[
            "check",
            "-",
            "--format",
            "lxd",
            "--stdin-filename",
            "acme-system.yaml",
            "--output-format",
            "concise",
        ],
        Some(b"config:\n  security.privileged: maybe\ndevices: {}\n"),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        stdout.contains(
            "acme-system.yaml:2:24: error LXD001 Invalid config: Invalid value for a boolean \"maybe\""
        ),
        "{stdout}"
    );
    assert!(stdout.contains("LXD002"), "{stdout}");
}

#[test]
fn a_comment_above_a_device_suppresses_its_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let export = dir.path().join("host/etc/gblint/lxd/acme-alm.yaml");
    std::fs::create_dir_all(export.parent().expect("parent")).expect("mkdir");
    let device =
        "  web:\n    connect: tcp:127.0.0.1:4747\n    listen: tcp:0.0.0.0:4747\n    type: proxy\n";
    let text = format!("config: {{}}\ndevices:\n{device}");
    std::fs::write(&export, &text).expect("write");
    assert_eq!(codes(dir.path()).1, ["LXD006"]);
    let suppressed = format!(
        "config: {{}}\ndevices:\n  # gblint: ignore[LXD006] Forgejo's SSH port, published on purpose\n{device}"
    );
    std::fs::write(&export, suppressed).expect("write");
    let (status, found) = codes(dir.path());
    assert_eq!((status, found.len()), (Some(0), 0), "{found:?}");
}

#[test]
fn a_proxy_device_removed_since_a_git_revision_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&workspace_root().join("examples/pragmatismo"), dir.path());
    // The example's baseline file predates nothing here: compare with git only.
    std::fs::remove_file(dir.path().join("gblint.baseline.json")).expect("no baseline file");
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
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
    let email = dir
        .path()
        .join("host/etc/gblint/lxd/pragmatismo-email.yaml");
    let text = std::fs::read_to_string(&email).expect("export");
    let device = "  port-4190:\n    connect: tcp:127.0.0.1:4190\n    listen: tcp:0.0.0.0:4190\n    type: proxy\n";
    assert!(text.contains(device));
    std::fs::write(&email, text.replace(device, "")).expect("write");
    let output = run_gblint(
        dir.path(),
        &[
            "check",
            ".",
            "--baseline-ref",
            "HEAD",
            "--output-format",
            "json",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).expect("json");
    let messages: Vec<(&str, &str)> = json
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().expect("code"),
                f["message"].as_str().expect("message"),
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            ("LXD003", "pragmatismo-email (email) has no proxy device listening publicly on tcp/4190"),
            ("LXD004", "pragmatismo-email: 1 proxy device(s) at the baseline (git HEAD) are gone: port-4190"),
        ]
    );
}

/// Every finding as `file code`, in the order reported.
fn files_and_codes(dir: &Path) -> Vec<String> {
    let output = run_gblint(dir, &["check", ".", "--output-format", "json"], None);
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("json: {}", String::from_utf8_lossy(&output.stderr)));
    json.as_array()
        .expect("array")
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["file"].as_str().expect("file"),
                f["code"].as_str().expect("code")
            )
        })
        .collect()
}

#[test]
fn an_instance_in_backup_yaml_and_export_is_reported_once() {
    const EXPORT: &str = "host/etc/gblint/lxd/acme-system.yaml";
    const BACKUP: &str =
        "host/var/snap/lxd/common/lxd/storage-pools/default/containers/acme-system/backup.yaml";
    // Both not privileged: once, on the export (where the fix goes).
    let dir = fixture("LXD002_backup_and_export");
    assert_eq!(files_and_codes(dir.path()), [format!("{EXPORT} LXD002")]);
    let human = run_gblint(dir.path(), &["check", "."], None);
    assert!(
        String::from_utf8_lossy(&human.stdout).contains("the same in LXD's backup.yaml"),
        "{human:?}"
    );
    // The export is privileged, the instance LXD runs is not: on the backup.yaml.
    let dir = fixture("LXD002_export_differs");
    assert_eq!(files_and_codes(dir.path()), [format!("{BACKUP} LXD002")]);
    // Each file alone still reports it.
    let dir = fixture("LXD002_backup_and_export");
    std::fs::remove_file(dir.path().join(EXPORT)).expect("remove the export");
    assert_eq!(files_and_codes(dir.path()), [format!("{BACKUP} LXD002")]);
}
