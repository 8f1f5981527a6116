//! The operations guide's cron, ssh, fail2ban-by-role and workflow rules on the example
//! deployment and the example code repository: each edit triggers exactly its rule(s), and
//! the unchanged examples report nothing.

use gblint_tests::{copy_tree, run_gblint, workspace_root};
use serde_json::Value;

const ZFS: &str = "host/etc/cron.d/zfs-snapshots";
const ZFS_TIMER: &str = "host/etc/systemd/system/zfs-snapshots.timer";
const ZFS_SERVICE: &str = "host/etc/systemd/system/zfs-snapshots.service";
const CACHE: &str = "pragmatismo-alm-ci/etc/cron.d/ci-cache-clean";
const SSH: &str = "pragmatismo-alm-ci/root/.ssh/config";
const HOST_JAIL: &str = "host/etc/fail2ban/jail.local";
const WORKFLOW: &str = ".forgejo/workflows/botserver.yaml";

fn example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&workspace_root().join("examples").join(name), dir.path());
    dir
}

fn edit(dir: &tempfile::TempDir, path: &str, from: &str, to: &str) {
    let full = dir.path().join(path);
    let text = std::fs::read_to_string(&full).expect("read");
    assert!(text.contains(from), "{path} must contain {from:?}");
    std::fs::write(&full, text.replacen(from, to, 1)).expect("write");
}

fn write(dir: &tempfile::TempDir, path: &str, text: &str) {
    let full = dir.path().join(path);
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    std::fs::write(full, text).expect("write");
}

/// Every finding as `path:line code message`, sorted.
fn findings(dir: &tempfile::TempDir) -> Vec<String> {
    let output = run_gblint(dir.path(), &["check", ".", "--output-format", "json"], None);
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    let mut out: Vec<String> = json
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f["file"].as_str().unwrap_or("?"),
                f["location"]["line"],
                f["code"].as_str().expect("code"),
                f["message"].as_str().expect("message"),
            )
        })
        .collect();
    out.sort();
    out
}

fn codes(dir: &tempfile::TempDir) -> Vec<String> {
    let mut codes: Vec<String> = findings(dir)
        .iter()
        .map(|f| f.split(' ').nth(1).expect("code").to_owned())
        .collect();
    codes.sort();
    codes
}

#[test]
fn the_unchanged_examples_report_nothing() {
    assert_eq!(findings(&example("pragmatismo")), Vec::<String>::new());
    assert_eq!(findings(&example("botserver")), Vec::<String>::new());
}

/// The example host with its snapshots as a cron.d file instead of its timer (the inventory's
/// `[schedule] zfs_snapshots = "cron"`).
fn example_with_snapshot_cron() -> tempfile::TempDir {
    let dir = example("pragmatismo");
    for unit in [ZFS_TIMER, ZFS_SERVICE] {
        std::fs::remove_file(dir.path().join(unit)).expect("remove");
    }
    write(
        &dir,
        ZFS,
        "SHELL=/bin/sh\n15 3 * * * root zfs-auto-snapshot --quiet --syslog --label=daily --keep=7 //\n",
    );
    assert_eq!(findings(&dir), Vec::<String>::new());
    dir
}

#[test]
fn a_weekly_snapshot_is_crn002_and_a_broken_line_is_crn000_too() {
    let dir = example("pragmatismo");
    edit(
        &dir,
        ZFS_TIMER,
        "OnCalendar=*-*-* 03:15:00",
        "OnCalendar=Sun *-*-* 03:15:00",
    );
    let found = findings(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(&format!(
            "{ZFS_TIMER}:1 CRN002 the host takes no ZFS snapshots at least daily"
        )),
        "{found:?}"
    );

    let dir = example_with_snapshot_cron();
    edit(&dir, ZFS, "15 3 * * * root", "15 3 * * 0 root");
    assert_eq!(codes(&dir), ["CRN002"]);
    // A sixth time field: cron ignores the whole file, so the snapshots stop as well.
    let dir = example_with_snapshot_cron();
    edit(&dir, ZFS, "15 3 * * * root", "15 3 * * * * root");
    assert_eq!(codes(&dir), ["CRN000", "CRN002"]);
}

#[test]
fn a_retention_other_than_seven_days_is_crn002() {
    let dir = example("pragmatismo");
    edit(&dir, ZFS_SERVICE, "--keep=7", "--keep=31");
    let found = findings(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("keeps 31 daily ZFS snapshots; the retention is 7 days"),
        "{found:?}"
    );
    // Debian's own daily job keeps 31: it counts too.
    let dir = example("pragmatismo");
    write(
        &dir,
        "host/etc/cron.daily/zfs-auto-snapshot",
        "#!/bin/sh\nexec zfs-auto-snapshot --quiet --syslog --label=daily --keep=31 //\n",
    );
    assert_eq!(codes(&dir), ["CRN002"]);
}

#[test]
fn snapshots_never_pruned_are_crn002() {
    let dir = example("pragmatismo");
    edit(
        &dir,
        ZFS_SERVICE,
        "/usr/sbin/zfs-auto-snapshot --quiet --syslog --label=daily --keep=7 //",
        "/usr/sbin/zfs snapshot -r default@daily",
    );
    let found = findings(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("never pruned"), "{found:?}");
}

#[test]
fn a_host_tree_without_scheduled_jobs_is_not_judged() {
    let dir = example("pragmatismo");
    for unit in [ZFS_TIMER, ZFS_SERVICE] {
        std::fs::remove_file(dir.path().join(unit)).expect("remove");
    }
    assert_eq!(findings(&dir), Vec::<String>::new());
}

#[test]
fn a_weekly_cache_clean_up_is_crn001_and_a_daily_timer_replaces_cron() {
    let dir = example("pragmatismo");
    edit(&dir, CACHE, "30 4 * * * root find", "30 4 * * 0 root find");
    let found = findings(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(&format!("{CACHE}:6 CRN001"))
            && found[0].contains("cleans sccache less often than daily"),
        "{found:?}"
    );

    // systemd timers are the alternative to cron (both files pass systemd-analyze verify).
    let dir = example("pragmatismo");
    std::fs::remove_file(dir.path().join(CACHE)).expect("remove");
    write(
        &dir,
        "pragmatismo-alm-ci/etc/systemd/system/ci-cache-clean.timer",
        "[Unit]\nDescription=Daily clean-up of the CI caches\n\n[Timer]\nOnCalendar=*-*-* 04:30:00\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n",
    );
    let service = "[Unit]\nDescription=Clean the sccache and cargo registry caches\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/find /root/.cache/sccache -type f -atime +2 -delete\nExecStart=/bin/rm -rf /root/.cargo/registry/cache /root/.cargo/registry/src\n";
    write(
        &dir,
        "pragmatismo-alm-ci/etc/systemd/system/ci-cache-clean.service",
        service,
    );
    assert_eq!(findings(&dir), Vec::<String>::new());
    edit(
        &dir,
        "pragmatismo-alm-ci/etc/systemd/system/ci-cache-clean.timer",
        "OnCalendar=*-*-* 04:30:00",
        "OnCalendar=Sun *-*-* 04:30:00",
    );
    assert_eq!(codes(&dir), ["CRN001"]);
}

#[test]
fn a_stale_or_missing_system_address_is_ssh001() {
    let dir = example("pragmatismo");
    edit(&dir, SSH, "HostName 10.16.164.10", "HostName 10.107.115.10");
    let found = findings(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(&format!("{SSH}:4 SSH001"))
            && found[0]
                .contains("points at 10.107.115.10, but the system container is 10.16.164.10"),
        "{found:?}"
    );

    let dir = example("pragmatismo");
    edit(&dir, SSH, "Host pragmatismo-system", "Host system");
    let found = findings(&dir);
    assert!(
        found.len() == 1 && found[0].contains("no `Host pragmatismo-system` entry"),
        "{found:?}"
    );

    let dir = example("pragmatismo");
    edit(&dir, SSH, "    HostName 10.16.164.10\n", "");
    let found = findings(&dir);
    assert!(
        found.len() == 1 && found[0].contains("has no `HostName`"),
        "{found:?}"
    );

    // A typo in a keyword: ssh refuses the whole file.
    let dir = example("pragmatismo");
    edit(&dir, SSH, "    User gbuser", "    Usr gbuser");
    assert_eq!(codes(&dir), ["SSH000"]);
}

#[test]
fn a_disabled_host_sshd_jail_is_f2b007() {
    let dir = example("pragmatismo");
    edit(
        &dir,
        HOST_JAIL,
        "[sshd]\nenabled  = true",
        "[sshd]\nenabled  = false",
    );
    let found = findings(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(&format!("{HOST_JAIL}:14 F2B007")),
        "{found:?}"
    );
}

#[test]
fn the_email_machine_needs_jails_for_smtp_and_mailboxes() {
    let dir = example("pragmatismo");
    let jail = "pragmatismo-email/etc/fail2ban/jail.local";
    write(
        &dir,
        jail,
        "[DEFAULT]\nignoreip = 127.0.0.1/8 ::1\n\n[postfix]\nenabled = true\nport    = smtp,465,submission\n",
    );
    let found = findings(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("F2B008 the email machine runs no fail2ban jail for mailbox access"),
        "{found:?}"
    );
    // Stalwart serves both: one jail over every mail port.
    write(
        &dir,
        jail,
        "[DEFAULT]\nignoreip = 127.0.0.1/8 ::1\n\n[stalwart]\nenabled  = true\nfilter   = stalwart\nport     = smtp,submission,submissions,imap,imaps,pop3,pop3s,sieve\nlogpath  = /opt/gbo/logs/stalwart.log\n",
    );
    write(
        &dir,
        "pragmatismo-email/etc/fail2ban/filter.d/stalwart.conf",
        "[Definition]\nfailregex = ^.*Authentication failed.*remote\\.ip = <HOST>\n",
    );
    assert_eq!(findings(&dir), Vec::<String>::new());
    edit(&dir, jail, "enabled  = true", "enabled  = false");
    assert_eq!(codes(&dir), ["F2B008"]);
}

#[test]
fn a_deploy_without_a_stop_is_wfl001_and_through_a_mount_wfl002() {
    let dir = example("botserver");
    edit(
        &dir,
        WORKFLOW,
        "run: ssh pragmatismo-system 'sudo systemctl stop ui.service system.service'",
        "run: ssh pragmatismo-system 'sudo systemctl status ui.service system.service'",
    );
    let found = findings(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(&format!("{WORKFLOW}:23 WFL001"))
            && found[0].contains("/opt/gbo/bin/botui on pragmatismo-system"),
        "{found:?}"
    );

    let dir = example("botserver");
    edit(
        &dir,
        WORKFLOW,
        "run: scp target/release/botserver target/release/botui pragmatismo-system:/opt/gbo/bin/",
        "run: sudo cp target/release/botserver target/release/botui /opt/gbo/bin/system/",
    );
    let found = findings(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(&format!("{WORKFLOW}:23 WFL002")),
        "{found:?}"
    );
}

#[test]
fn only_config_files_of_hidden_folders_are_linted() {
    let dir = example("botserver");
    // A workflow folder's other files, and other hidden folders, stay unlinted.
    write(&dir, ".forgejo/workflows/notes.txt", "not a workflow\n");
    write(&dir, ".forgejo/ISSUE_TEMPLATE/bug.yaml", "name: bug\n");
    write(&dir, ".github/workflows/ci.yml", "jobs: [\n");
    let output = run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "json-report"],
        None,
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(report["files_checked"], 2, "{report}");
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["WFL000"]);
}
