//! `gblint render` and the operations guide's jobs and jails: the email container's mail
//! jails (F2B008), a daily job as a systemd timer (CRN001, CRN002), and a code repository's
//! deploy workflow (WFL000–WFL002, `--code-repo`). Each run under test is snapshotted with
//! the inventory, template or rendered file it ran on (`snapshots/e2e__render_ops__*.snap`).

use std::path::Path;

use gblint_tests::workspace_root;

use crate::cli::{CliRun, Inputs};
use crate::render::{
    example_inventory, files_under, render_example, render_example_run, render_variant_run,
};

/// The `gblint check --select CODE .` run in the rendered tree `out`, to snapshot.
fn check_only(out: &Path, code: &str) -> CliRun {
    CliRun::new(out, &["check", "--select", code, "."])
}

/// The port numbers of the /etc/services names and numbers a jail's `port` lists.
fn port_numbers(value: &str) -> Vec<u16> {
    value
        .split(',')
        .map(|item| match item.trim() {
            "smtp" => 25,
            "submissions" => 465,
            "submission" => 587,
            "imap" => 143,
            "imaps" => 993,
            "pop3" => 110,
            "pop3s" => 995,
            "sieve" => 4190,
            number => number
                .parse()
                .expect("a port number or a mail service name"),
        })
        .collect()
}

/// One section of a fail2ban jail file: its name, its `enabled` value if it sets one, and
/// the ports its `port` lists.
#[derive(Debug, PartialEq)]
struct Jail {
    name: String,
    enabled: Option<bool>,
    ports: Vec<u16>,
}

/// The sections of the jail file `text`, in file order.
fn jails(text: &str) -> Vec<Jail> {
    let mut jails: Vec<Jail> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix('[') {
            jails.push(Jail {
                name: name.trim_end_matches(']').to_owned(),
                enabled: None,
                ports: Vec::new(),
            });
        } else if let (Some(jail), Some((key, value))) = (jails.last_mut(), line.split_once('=')) {
            match key.trim() {
                "enabled" => jail.enabled = Some(value.trim() == "true"),
                "port" => jail.ports = port_numbers(value),
                _ => {}
            }
        }
    }
    jails
}

#[test]
fn the_email_jails_close_every_port_the_email_container_publishes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_cli_snapshot!(run = render_example_run(&out, &[], dir.path()));
    let lxd = std::fs::read_to_string(out.join("host/etc/gblint/lxd/pragmatismo-email.yaml"))
        .expect("email instance");
    let published: Vec<u16> = lxd
        .lines()
        .filter_map(|line| line.trim().strip_prefix("listen: tcp:0.0.0.0:"))
        .map(|port| port.parse().expect("port"))
        .collect();
    assert_eq!(published.len(), 8, "{lxd}");
    let text = std::fs::read_to_string(out.join("pragmatismo-email/etc/fail2ban/jail.local"))
        .expect("email jail.local");
    let email = jails(&text);
    let names: Vec<&str> = email.iter().map(|jail| jail.name.as_str()).collect();
    assert_eq!(names, ["DEFAULT", "stalwart"], "{text}");
    let closed: Vec<u16> = email
        .iter()
        .filter(|jail| jail.enabled == Some(true))
        .flat_map(|jail| jail.ports.iter().copied())
        .collect();
    let open: Vec<u16> = published
        .into_iter()
        .filter(|port| !closed.contains(port))
        .collect();
    assert_eq!(open, Vec::<u16>::new(), "ports without a jail:\n{text}");
    // The Debian package's sshd jail is off, as in the proxy: no SSH server in a container.
    let debian = std::fs::read_to_string(
        out.join("pragmatismo-email/etc/fail2ban/jail.d/defaults-debian.conf"),
    )
    .expect("defaults-debian.conf");
    assert_eq!(
        jails(&debian),
        [Jail {
            name: "sshd".to_owned(),
            enabled: Some(false),
            ports: Vec::new(),
        }],
        "{debian}"
    );
}

#[test]
fn f2b008_is_clean_on_the_rendered_email_jails_and_fires_when_one_is_disabled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    assert_cli_snapshot!(run = check_only(&out, "F2B008"));
    let mut inputs = Inputs::new(&out);
    inputs.edit(
        "pragmatismo-email/etc/fail2ban/jail.local",
        "[stalwart]\nenabled = true",
        "[stalwart]\nenabled = false",
    );
    // Every mail port left without a jail, named at the stalwart jail.
    assert_cli_snapshot!(run = check_only(&out, "F2B008").inputs(&inputs));
}

#[test]
fn postfix_and_dovecot_jails_stay_selectable_and_f2b008_fires_when_one_is_disabled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    let text = example_inventory().replacen(
        "jails = [{ name = \"stalwart\" }]",
        "jails = [{ name = \"postfix\" }, { name = \"dovecot\" }]",
        1,
    );
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
    let fail2ban = out.join("pragmatismo-email/etc/fail2ban");
    let jail_local = std::fs::read_to_string(fail2ban.join("jail.local")).expect("jail.local");
    insta::assert_snapshot!("postfix_and_dovecot_jail_local", jail_local);
    // The stock jails use the package's filters: no filter file is rendered for them.
    assert!(!fail2ban.join("filter.d").exists());
    assert_cli_snapshot!(run = check_only(&out, "F2B008"));
    let mut inputs = Inputs::new(&out);
    inputs.edit(
        "pragmatismo-email/etc/fail2ban/jail.local",
        "[postfix]\nenabled = true",
        "[postfix]\nenabled = false",
    );
    // The SMTP ports (25, 465, 587) left without a jail.
    assert_cli_snapshot!(run = check_only(&out, "F2B008").inputs(&inputs));
}

#[test]
fn the_stalwart_jail_reads_the_inventorys_log_with_the_rendered_filter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    let text = example_inventory().replacen(
        "jails = [{ name = \"stalwart\" }]",
        "logpath = \"/var/log/stalwart/mail.log\"\njails = [{ name = \"stalwart\" }]",
        1,
    );
    assert_ne!(text, example_inventory());
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
    // The jail reads the inventory's log; the filter's comment tells the operator how
    // Stalwart must name that file (path, prefix, no rotation, auth.failed at info).
    let fail2ban = out.join("pragmatismo-email/etc/fail2ban");
    let jail_local = std::fs::read_to_string(fail2ban.join("jail.local")).expect("jail.local");
    insta::assert_snapshot!("stalwart_logpath_jail_local", jail_local);
    let filter = std::fs::read_to_string(fail2ban.join("filter.d/stalwart.conf")).expect("filter");
    insta::assert_snapshot!("stalwart_logpath_filter", filter);
    // A relative log path is an inventory error naming its line; nothing is written.
    let relative = example_inventory().replacen(
        "jails = [{ name = \"stalwart\" }]",
        "logpath = \"logs/stalwart.log\"\njails = [{ name = \"stalwart\" }]",
        1,
    );
    let out = dir.path().join("relative");
    let mut inputs = Inputs::new(dir.path());
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &relative, &out, &[]));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn an_inventory_disabling_a_mail_jail_is_refused_with_f2b008() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    let text = example_inventory().replacen(
        "jails = [{ name = \"stalwart\" }]",
        "jails = [{ name = \"postfix\" }, { name = \"dovecot\", enabled = false }]",
        1,
    );
    // The finding names the email machine's entry (`email = { ip …`, column 1), where the
    // email files come from, and the mailbox ports left without a jail.
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn the_hosts_snapshot_timer_satisfies_crn002_and_a_weekly_one_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    let units = out.join("host/etc/systemd/system");
    assert!(units.join("zfs-snapshots.timer").is_file());
    assert!(units.join("zfs-snapshots.service").is_file());
    assert!(!out.join("host/etc/cron.d/zfs-snapshots").exists());
    assert_cli_snapshot!(run = check_only(&out, "CRN002"));
    // The timer is what satisfies the rule: made weekly, the host has no daily snapshots.
    let mut inputs = Inputs::new(&out);
    inputs.edit(
        "host/etc/systemd/system/zfs-snapshots.timer",
        "OnCalendar=*-*-* 03:15:00",
        "OnCalendar=weekly",
    );
    assert_cli_snapshot!(run = check_only(&out, "CRN002").inputs(&inputs));
}

#[test]
fn the_schedule_chooses_cron_or_timer_per_job() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    let text = example_inventory()
        .replacen("zfs_snapshots = \"timer\"", "zfs_snapshots = \"cron\"", 1)
        .replacen("ci_cache_clean = \"cron\"", "ci_cache_clean = \"timer\"", 1);
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
    let files = files_under(&out);
    for (path, present) in [
        ("host/etc/cron.d/zfs-snapshots", true),
        ("host/etc/systemd/system/zfs-snapshots.timer", false),
        ("pragmatismo-alm-ci/etc/cron.d/ci-cache-clean", false),
        (
            "pragmatismo-alm-ci/etc/systemd/system/ci-cache-clean.timer",
            true,
        ),
        (
            "pragmatismo-alm-ci/etc/systemd/system/ci-cache-clean.service",
            true,
        ),
    ] {
        assert_eq!(files.contains(&path.into()), present, "{path}: {files:?}");
    }
    assert_cli_snapshot!(run = check_only(&out, "CRN001"));
    // Without its registry clean-up line, the runner's timer service no longer satisfies
    // CRN001: the rule reads the service the timer starts.
    let mut edits = Inputs::new(&out);
    let service = "pragmatismo-alm-ci/etc/systemd/system/ci-cache-clean.service";
    let unit = std::fs::read_to_string(out.join(service)).expect("service");
    let kept: Vec<&str> = unit
        .lines()
        .filter(|line| !line.contains("registry"))
        .collect();
    edits.write(service, &(kept.join("\n") + "\n"));
    assert_cli_snapshot!(run = check_only(&out, "CRN001").inputs(&edits));
}

#[test]
fn an_unknown_scheduler_is_an_inventory_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("out");
    let text = example_inventory().replacen(
        "zfs_snapshots = \"timer\"",
        "zfs_snapshots = \"anacron\"",
        1,
    );
    // The line of `anacron`, and the two schedulers there are.
    assert_cli_snapshot!(run = render_variant_run(&mut inputs, &text, &out, &[]));
}

#[test]
fn the_botserver_workflow_is_rendered_and_lints_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("botserver");
    assert_cli_snapshot!(run = render_example_run(&out, &["--code-repo", "botserver"], dir.path()));
    assert_eq!(
        files_under(&out),
        [
            Path::new(".forgejo/workflows/botserver.yaml"),
            Path::new(".rendered-by-gblint"),
        ]
    );
    // Stopped dependants first, on the host the runner's ssh config names, before the copy;
    // then the health checks of both services.
    let workflow =
        std::fs::read_to_string(out.join(".forgejo/workflows/botserver.yaml")).expect("workflow");
    insta::assert_snapshot!(workflow);
    assert_cli_snapshot!(&out, &["check", "--select", "ALL", "."]);
}

#[test]
fn a_workflow_template_that_copies_before_stopping_is_refused_with_wfl001() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let shipped = "templates/workflow/deploy.yaml.j2";
    let original = std::fs::read_to_string(workspace_root().join(shipped)).expect("template");
    let stop = "      - name: Stop {{ binaries | join(\" and \") }}\n        run: ssh {{ host }} 'sudo systemctl stop {{ stop | join(\" \") }}'\n";
    let without_stop = original.replacen(stop, "", 1);
    assert_ne!(
        without_stop, original,
        "the shipped template has the stop step"
    );
    inputs.write_variant(
        "templates/workflow/deploy.yaml.j2",
        &original,
        shipped,
        &without_stop,
    );
    let out = dir.path().join("botserver");
    let templates = dir.path().join("templates");
    assert_cli_snapshot!(
        run = render_example_run(
            &out,
            &[
                "--code-repo",
                "botserver",
                "--templates",
                templates.to_str().expect("utf-8"),
            ],
            dir.path(),
        )
        .inputs(&inputs)
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn code_repo_errors_name_the_inventory_line_or_the_known_repositories() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Inputs::new(dir.path());
    let out = dir.path().join("repo");
    // A misspelt repository: the known one suggested.
    assert_cli_snapshot!(run = render_example_run(&out, &["--code-repo", "botsrever"], dir.path()));
    // A deployed service on another machine: the runner's ssh config names only the system
    // container, so the inventory is refused at the entry's line.
    let text = example_inventory().replacen("{ service = \"ui\" }", "{ service = \"dns\" }", 1);
    assert_cli_snapshot!(
        run = render_variant_run(&mut inputs, &text, &out, &["--code-repo", "botserver"])
    );
    assert!(!out.exists(), "nothing written");
}
