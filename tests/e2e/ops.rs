//! The operations guide's cron, ssh, fail2ban-by-role and workflow rules on the example
//! deployment and the example code repository: each edit triggers exactly its rule(s), and
//! the unchanged examples report nothing. Each run is snapshotted with the edits it ran on
//! (`snapshots/e2e__ops__*.snap`).

use gblint_tests::{copy_tree, workspace_root};

use crate::cli::Inputs;

const ZFS: &str = "host/etc/cron.d/zfs-snapshots";
const ZFS_TIMER: &str = "host/etc/systemd/system/zfs-snapshots.timer";
const ZFS_SERVICE: &str = "host/etc/systemd/system/zfs-snapshots.service";
const CACHE: &str = "pragmatismo-alm-ci/etc/cron.d/ci-cache-clean";
const SSH: &str = "pragmatismo-alm-ci/root/.ssh/config";
const HOST_JAIL: &str = "host/etc/fail2ban/jail.local";
const WORKFLOW: &str = ".forgejo/workflows/botserver.yaml";

/// A copy of `examples/NAME`, and the record of the edits a test makes to it.
fn example(name: &str) -> (tempfile::TempDir, Inputs) {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&workspace_root().join("examples").join(name), dir.path());
    let inputs = Inputs::new(dir.path());
    (dir, inputs)
}

const CONCISE: &[&str] = &["check", ".", "--output-format", "concise"];

#[test]
fn the_unchanged_examples_report_nothing() {
    let (dir, inputs) = example("pragmatismo");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    let (dir, inputs) = example("botserver");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

/// The example host with its snapshots as a cron.d file instead of its timer (the inventory's
/// `[schedule] zfs_snapshots = "cron"`).
fn example_with_snapshot_cron() -> (tempfile::TempDir, Inputs) {
    let (dir, mut inputs) = example("pragmatismo");
    inputs.remove(ZFS_TIMER);
    inputs.remove(ZFS_SERVICE);
    inputs.write(
        ZFS,
        "SHELL=/bin/sh\n15 3 * * * root zfs-auto-snapshot --quiet --syslog --label=daily --keep=7 //\n",
    );
    (dir, inputs)
}

#[test]
fn a_weekly_snapshot_is_crn002_and_a_broken_line_is_crn000_too() {
    let (dir, mut inputs) = example("pragmatismo");
    inputs.edit(
        ZFS_TIMER,
        "OnCalendar=*-*-* 03:15:00",
        "OnCalendar=Sun *-*-* 03:15:00",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);

    // The same job as a cron file: clean daily, reported weekly.
    let (dir, mut inputs) = example_with_snapshot_cron();
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    inputs.edit(ZFS, "15 3 * * * root", "15 3 * * 0 root");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);

    // A sixth time field: cron ignores the whole file, so the snapshots stop as well.
    let (dir, mut inputs) = example_with_snapshot_cron();
    inputs.edit(ZFS, "15 3 * * * root", "15 3 * * * * root");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn a_retention_other_than_seven_days_is_crn002() {
    let (dir, mut inputs) = example("pragmatismo");
    inputs.edit(ZFS_SERVICE, "--keep=7", "--keep=31");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    // Debian's own daily job keeps 31: it counts too.
    let (dir, mut inputs) = example("pragmatismo");
    inputs.write(
        "host/etc/cron.daily/zfs-auto-snapshot",
        "#!/bin/sh\nexec zfs-auto-snapshot --quiet --syslog --label=daily --keep=31 //\n",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn snapshots_never_pruned_are_crn002() {
    let (dir, mut inputs) = example("pragmatismo");
    inputs.edit(
        ZFS_SERVICE,
        "/usr/sbin/zfs-auto-snapshot --quiet --syslog --label=daily --keep=7 //",
        "/usr/sbin/zfs snapshot -r default@daily",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn a_host_tree_without_scheduled_jobs_is_not_judged() {
    let (dir, mut inputs) = example("pragmatismo");
    inputs.remove(ZFS_TIMER);
    inputs.remove(ZFS_SERVICE);
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn a_weekly_cache_clean_up_is_crn001_and_a_daily_timer_replaces_cron() {
    let (dir, mut inputs) = example("pragmatismo");
    inputs.edit(CACHE, "30 4 * * * root find", "30 4 * * 0 root find");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);

    // systemd timers are the alternative to cron (both files pass systemd-analyze verify).
    let (dir, mut inputs) = example("pragmatismo");
    inputs.remove(CACHE);
    inputs.write(
        "pragmatismo-alm-ci/etc/systemd/system/ci-cache-clean.timer",
        "[Unit]\nDescription=Daily clean-up of the CI caches\n\n[Timer]\nOnCalendar=*-*-* 04:30:00\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n",
    );
    let service = "[Unit]\nDescription=Clean the sccache and cargo registry caches\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/find /root/.cache/sccache -type f -atime +2 -delete\nExecStart=/bin/rm -rf /root/.cargo/registry/cache /root/.cargo/registry/src\n";
    inputs.write(
        "pragmatismo-alm-ci/etc/systemd/system/ci-cache-clean.service",
        service,
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    inputs.edit(
        "pragmatismo-alm-ci/etc/systemd/system/ci-cache-clean.timer",
        "OnCalendar=*-*-* 04:30:00",
        "OnCalendar=Sun *-*-* 04:30:00",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn a_stale_or_missing_system_address_is_ssh001() {
    let (dir, mut inputs) = example("pragmatismo");
    inputs.edit(SSH, "HostName 10.16.164.10", "HostName 10.107.115.10");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);

    let (dir, mut inputs) = example("pragmatismo");
    inputs.edit(SSH, "Host pragmatismo-system", "Host system");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);

    let (dir, mut inputs) = example("pragmatismo");
    inputs.edit(SSH, "    HostName 10.16.164.10\n", "");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);

    // A typo in a keyword: ssh refuses the whole file.
    let (dir, mut inputs) = example("pragmatismo");
    inputs.edit(SSH, "    User gbuser", "    Usr gbuser");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn a_disabled_host_sshd_jail_is_f2b007() {
    let (dir, mut inputs) = example("pragmatismo");
    inputs.edit(
        HOST_JAIL,
        "[sshd]\nenabled  = true",
        "[sshd]\nenabled  = false",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn the_email_machine_needs_jails_for_smtp_and_mailboxes() {
    let (dir, mut inputs) = example("pragmatismo");
    let jail = "pragmatismo-email/etc/fail2ban/jail.local";
    inputs.write(
        jail,
        "[DEFAULT]\nignoreip = 127.0.0.1/8 ::1\n\n[postfix]\nenabled = true\nport    = smtp,465,submission\n",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    // Stalwart serves both: one jail over every mail port.
    inputs.write(
        jail,
        "[DEFAULT]\nignoreip = 127.0.0.1/8 ::1\n\n[stalwart]\nenabled  = true\nfilter   = stalwart\nport     = smtp,submission,submissions,imap,imaps,pop3,pop3s,sieve\nlogpath  = /opt/gbo/logs/stalwart.log\n",
    );
    // The example's own filter.d/stalwart.conf (rendered with the example) is the filter.
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    inputs.edit(jail, "enabled  = true", "enabled  = false");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn a_deploy_without_a_stop_of_each_program_is_wfl001_and_through_a_mount_wfl002() {
    // Both files copied into bin/ are reported.
    let (dir, mut inputs) = example("botserver");
    inputs.edit(
        WORKFLOW,
        "run: ssh pragmatismo-system 'sudo systemctl stop ui.service system.service'",
        "run: ssh pragmatismo-system 'sudo systemctl status ui.service system.service'",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);

    // A stop of botui's unit only leaves botserver running.
    let (dir, mut inputs) = example("botserver");
    inputs.edit(
        WORKFLOW,
        "stop ui.service system.service",
        "stop ui.service",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);

    // A stop of another program stops neither.
    let (dir, mut inputs) = example("botserver");
    inputs.edit(WORKFLOW, "stop ui.service system.service", "stop nginx");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);

    // A stop the rule cannot read (a script on the host) is taken as one.
    let (dir, mut inputs) = example("botserver");
    inputs.edit(
        WORKFLOW,
        "'sudo systemctl stop ui.service system.service'",
        "'sudo /opt/gbo/bin/deploy-stop'",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);

    // A deploy that copies through another container's disk mount instead of SSH.
    let (dir, mut inputs) = example("botserver");
    inputs.edit(
        WORKFLOW,
        "run: scp target/release/botserver target/release/botui pragmatismo-system:/opt/gbo/bin/",
        "run: sudo cp target/release/botserver target/release/botui /opt/gbo/bin/system/",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn only_config_files_of_hidden_folders_are_linted() {
    let (dir, mut inputs) = example("botserver");
    // A workflow folder's other files, and other hidden folders, stay unlinted: two files
    // checked (the workflow and ci.yml), and only ci.yml's WFL000.
    inputs.write(".forgejo/workflows/notes.txt", "not a workflow\n");
    inputs.write(".forgejo/ISSUE_TEMPLATE/bug.yaml", "name: bug\n");
    inputs.write(".github/workflows/ci.yml", "jobs: [\n");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    assert_cli_snapshot!(dir.path(), &["check", ".", "--show-files"]);
}
