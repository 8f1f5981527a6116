//! LXD instance files through the CLI: discovery by host path, LXD's own refusals, the
//! operations guide's rules, and proxy devices removed since `gblint baseline`. Each run is
//! snapshotted with the files it ran on (`snapshots/e2e__lxd__*.snap`).

use gblint_tests::{copy_tree, workspace_root};

use crate::cli::Inputs;

const PROXY: &str =
    "host/var/snap/lxd/common/lxd/storage-pools/default/containers/acme-proxy/backup.yaml";

const CONCISE: &[&str] = &["check", ".", "--output-format", "concise"];

/// A copy of a rule fixture tree of crates/lint/resources/deployments.
fn fixture(name: &str) -> (tempfile::TempDir, Inputs) {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(
        &workspace_root()
            .join("crates/lint/resources/deployments")
            .join(name),
        dir.path(),
    );
    let inputs = Inputs::new(dir.path());
    (dir, inputs)
}

#[test]
fn lxd_files_are_found_by_their_host_path_and_checked() {
    // The fixture is shipped (crates/lint/resources/deployments/LXD001); --show-files names
    // each file found with its format.
    let (dir, _) = fixture("LXD001");
    assert_cli_snapshot!(dir.path(), CONCISE);
    assert_cli_snapshot!(dir.path(), &["check", ".", "--show-files"]);
    // The same text outside LXD's storage layout is not an instance file.
    let plain = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(plain.path());
    inputs.write(
        "backup.yaml",
        &std::fs::read_to_string(dir.path().join(
            "host/var/snap/lxd/common/lxd/storage-pools/default/containers/acme-system/backup.yaml",
        ))
        .expect("read"),
    );
    assert_cli_snapshot!(plain.path(), &["check", "."], inputs = &inputs);
}

#[test]
fn a_clean_tree_passes_and_a_removed_proxy_device_is_named_after_a_baseline() {
    let (dir, mut inputs) = fixture("LXD004_ok");
    inputs.remove("gblint.baseline.json");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    assert_cli_snapshot!(dir.path(), &["baseline", "."], inputs = &inputs);
    // The baseline it wrote records the proxy devices, port-443 among them.
    let baseline =
        std::fs::read_to_string(dir.path().join("gblint.baseline.json")).expect("baseline");
    insta::with_settings!({ filters => vec![(r"gblint \d+\.\d+\.\d+", "gblint [VERSION]")] }, {
        insta::assert_snapshot!(baseline);
    });
    let mut inputs = Inputs::new(dir.path());
    let text = std::fs::read_to_string(dir.path().join(PROXY)).expect("backup");
    let without = text.replacen(
        "    port-443:\n      connect: tcp:127.0.0.1:443\n      listen: tcp:0.0.0.0:443\n      type: proxy\n",
        "",
        2,
    );
    assert_ne!(without, text);
    inputs.write(PROXY, &without);
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn explain_shows_the_lxd_rules() {
    // Each page ends with its "Use instead" part.
    for code in [
        "LXD000", "LXD001", "LXD002", "LXD003", "LXD004", "LXD005", "LXD006",
    ] {
        assert_cli_snapshot!(&workspace_root(), &["explain", code]);
    }
}

#[test]
fn format_lxd_reads_any_file_as_an_export_named_after_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_cli_snapshot!(
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
        stdin = "config:\n  security.privileged: maybe\ndevices: {}\n",
    );
}

#[test]
fn a_comment_above_a_device_suppresses_its_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let export = "host/etc/gblint/lxd/acme-alm.yaml";
    let device =
        "  web:\n    connect: tcp:127.0.0.1:4747\n    listen: tcp:0.0.0.0:4747\n    type: proxy\n";
    inputs.write(export, &format!("config: {{}}\ndevices:\n{device}"));
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    inputs.write(
        export,
        &format!(
        "config: {{}}\ndevices:\n  # gblint: ignore[LXD006] Forgejo's SSH port, published on purpose\n{device}"
    ),
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
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
    let mut inputs = Inputs::new(dir.path());
    let device = "  port-4190:\n    connect: tcp:127.0.0.1:4190\n    listen: tcp:0.0.0.0:4190\n    type: proxy\n";
    inputs.edit("host/etc/gblint/lxd/pragmatismo-email.yaml", device, "");
    assert_cli_snapshot!(
        dir.path(),
        &[
            "check",
            ".",
            "--baseline-ref",
            "HEAD",
            "--output-format",
            "concise",
        ],
        inputs = &inputs
    );
}

#[test]
fn an_instance_in_backup_yaml_and_export_is_reported_once() {
    const EXPORT: &str = "host/etc/gblint/lxd/acme-system.yaml";
    // Both not privileged: once, on the export (where the fix goes), with a label on the
    // same place in LXD's backup.yaml.
    let (dir, _) = fixture("LXD002_backup_and_export");
    assert_cli_snapshot!(dir.path(), CONCISE);
    assert_cli_snapshot!(dir.path(), &["check", "."]);
    // The export is privileged, the instance LXD runs is not: on the backup.yaml.
    let (dir, _) = fixture("LXD002_export_differs");
    assert_cli_snapshot!(dir.path(), CONCISE);
    // Each file alone still reports it.
    let (dir, mut inputs) = fixture("LXD002_backup_and_export");
    inputs.remove(EXPORT);
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}
