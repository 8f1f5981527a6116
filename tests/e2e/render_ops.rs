//! `gblint render` and the operations guide's jobs and jails: the email container's mail
//! jails (F2B008), a daily job as a systemd timer (CRN001, CRN002), and a code repository's
//! deploy workflow (WFL000–WFL002, `--code-repo`).

use std::path::Path;

use gblint_tests::{run_gblint, workspace_root};

use crate::render::{
    example_inventory, files_under, line_of, render, render_example, render_variant, stderr, stdout,
};

/// `gblint check --select CODE DIR`: its exit code and standard output.
fn check_only(dir: &Path, code: &str) -> (Option<i32>, String) {
    let output = run_gblint(dir, &["check", "--select", code, "."], None);
    (output.status.code(), stdout(&output))
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

#[test]
fn the_email_jails_close_every_port_the_email_container_publishes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let output = render_example(&out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lxd = std::fs::read_to_string(out.join("host/etc/gblint/lxd/pragmatismo-email.yaml"))
        .expect("email instance");
    let published: Vec<u16> = lxd
        .lines()
        .filter_map(|line| line.trim().strip_prefix("listen: tcp:0.0.0.0:"))
        .map(|port| port.parse().expect("port"))
        .collect();
    assert_eq!(published.len(), 8, "{lxd}");
    let jails = std::fs::read_to_string(out.join("pragmatismo-email/etc/fail2ban/jail.local"))
        .expect("email jail.local");
    // Each section's `enabled` and `port`, in file order.
    let mut closed = Vec::new();
    let mut enabled = false;
    let mut sections = Vec::new();
    for line in jails.lines() {
        if let Some(name) = line.strip_prefix('[') {
            sections.push(name.trim_end_matches(']').to_owned());
            enabled = false;
        } else if let Some((key, value)) = line.split_once('=') {
            match key.trim() {
                "enabled" => enabled = value.trim() == "true",
                "port" if enabled => closed.extend(port_numbers(value)),
                _ => {}
            }
        }
    }
    assert_eq!(sections, ["DEFAULT", "stalwart"], "{jails}");
    for port in &published {
        assert!(closed.contains(port), "port {port} has no jail:\n{jails}");
    }
    // The Debian package's sshd jail is off, as in the proxy: no SSH server in a container.
    let debian = std::fs::read_to_string(
        out.join("pragmatismo-email/etc/fail2ban/jail.d/defaults-debian.conf"),
    )
    .expect("defaults-debian.conf");
    assert!(debian.contains("[sshd]\nenabled = false"), "{debian}");
}

#[test]
fn f2b008_is_clean_on_the_rendered_email_jails_and_fires_when_one_is_disabled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(render_example(&out, &[]).status.code(), Some(0));
    assert_eq!(check_only(&out, "F2B008"), (Some(0), String::new()));
    let path = out.join("pragmatismo-email/etc/fail2ban/jail.local");
    let text = std::fs::read_to_string(&path).expect("jail.local");
    let disabled = text.replacen(
        "[stalwart]\nenabled = true",
        "[stalwart]\nenabled = false",
        1,
    );
    assert_ne!(disabled, text);
    std::fs::write(&path, disabled).expect("write");
    let (code, report) = check_only(&out, "F2B008");
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("F2B008")
            && report.contains("pragmatismo-email/etc/fail2ban/jail.local")
            && report.contains("mail submission (SMTP) and mailbox access"),
        "{report}"
    );
}

#[test]
fn postfix_and_dovecot_jails_stay_selectable_and_f2b008_fires_when_one_is_disabled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let text = example_inventory().replacen(
        "jails = [{ name = \"stalwart\" }]",
        "jails = [{ name = \"postfix\" }, { name = \"dovecot\" }]",
        1,
    );
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let fail2ban = out.join("pragmatismo-email/etc/fail2ban");
    let path = fail2ban.join("jail.local");
    let jails = std::fs::read_to_string(&path).expect("jail.local");
    assert!(
        jails.contains("[postfix]\nenabled = true\nport    = smtp,submissions,submission\n")
            && jails.contains("[dovecot]\nenabled = true\nport    = imap,imaps,pop3,pop3s,sieve\n")
            && !jails.contains("[stalwart]")
            && !jails.contains("logpath"),
        "{jails}"
    );
    // The stock jails use the package's filters: no filter file is rendered for them.
    assert!(!fail2ban.join("filter.d").exists());
    assert_eq!(check_only(&out, "F2B008"), (Some(0), String::new()));
    let disabled = jails.replacen("[postfix]\nenabled = true", "[postfix]\nenabled = false", 1);
    std::fs::write(&path, disabled).expect("write");
    let (code, report) = check_only(&out, "F2B008");
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("mail submission (SMTP: 25, 465, 587)"),
        "{report}"
    );
}

#[test]
fn the_stalwart_jail_reads_the_inventorys_log_with_the_rendered_filter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let text = example_inventory().replacen(
        "jails = [{ name = \"stalwart\" }]",
        "logpath = \"/var/log/stalwart/mail.log\"\njails = [{ name = \"stalwart\" }]",
        1,
    );
    assert_ne!(text, example_inventory());
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let fail2ban = out.join("pragmatismo-email/etc/fail2ban");
    let jails = std::fs::read_to_string(fail2ban.join("jail.local")).expect("jail.local");
    assert!(
        jails.contains(concat!(
            "[stalwart]\nenabled = true\nfilter  = stalwart\n",
            "port    = smtp,submission,submissions,imap,imaps,pop3,pop3s,sieve\n",
        )) && jails.contains("logpath = /var/log/stalwart/mail.log\n")
            && jails.contains("backend = auto\n"),
        "{jails}"
    );
    // The filter's comment tells the operator how Stalwart must name that file.
    let filter = std::fs::read_to_string(fail2ban.join("filter.d/stalwart.conf")).expect("filter");
    assert!(
        filter.contains("path = \"/var/log/stalwart\"")
            && filter.contains("prefix = \"mail.log\"")
            && filter.contains("rotate = \"never\"")
            && filter.contains("\"auth.failed\" = \"info\""),
        "{filter}"
    );
    // A relative log path is an inventory error naming its line.
    let relative = example_inventory().replacen(
        "jails = [{ name = \"stalwart\" }]",
        "logpath = \"logs/stalwart.log\"\njails = [{ name = \"stalwart\" }]",
        1,
    );
    let out = dir.path().join("relative");
    let output = render_variant(dir.path(), &relative, &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let line = line_of(&relative, "logpath = ");
    assert!(
        stderr(&output).contains(&format!("inventory.toml:{line}:"))
            && stderr(&output).contains("stalwart log path `logs/stalwart.log`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_inventory_disabling_a_mail_jail_is_refused_with_f2b008() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let text = example_inventory().replacen(
        "jails = [{ name = \"stalwart\" }]",
        "jails = [{ name = \"postfix\" }, { name = \"dovecot\", enabled = false }]",
        1,
    );
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // The email files come from the email machine's entry.
    let line = line_of(&text, "email = { ip");
    assert!(
        stderr(&output).contains(&format!("inventory.toml:{line}:1: "))
            && stderr(&output).contains("F2B008")
            && stderr(&output).contains("mailbox access"),
        "{}",
        stderr(&output)
    );
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
    assert_eq!(check_only(&out, "CRN002"), (Some(0), String::new()));
    // The timer is what satisfies the rule: made weekly, the host has no daily snapshots.
    let timer = units.join("zfs-snapshots.timer");
    let text = std::fs::read_to_string(&timer).expect("timer");
    std::fs::write(
        &timer,
        text.replacen("OnCalendar=*-*-* 03:15:00", "OnCalendar=weekly", 1),
    )
    .expect("write");
    let (code, report) = check_only(&out, "CRN002");
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains("host/etc/systemd/system/zfs-snapshots.timer")
            && report.contains("the host takes no ZFS snapshots at least daily"),
        "{report}"
    );
}

#[test]
fn the_schedule_chooses_cron_or_timer_per_job() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let text = example_inventory()
        .replacen("zfs_snapshots = \"timer\"", "zfs_snapshots = \"cron\"", 1)
        .replacen("ci_cache_clean = \"cron\"", "ci_cache_clean = \"timer\"", 1);
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
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
    assert_eq!(check_only(&out, "CRN001"), (Some(0), String::new()));
    // Without its registry clean-up line, the runner's timer service no longer satisfies
    // CRN001: the rule reads the service the timer starts.
    let service = out.join("pragmatismo-alm-ci/etc/systemd/system/ci-cache-clean.service");
    let unit = std::fs::read_to_string(&service).expect("service");
    let kept: Vec<&str> = unit
        .lines()
        .filter(|line| !line.contains("registry"))
        .collect();
    std::fs::write(&service, kept.join("\n") + "\n").expect("write");
    let (code, report) = check_only(&out, "CRN001");
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("the cargo registry"), "{report}");
}

#[test]
fn an_unknown_scheduler_is_an_inventory_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let text = example_inventory().replacen(
        "zfs_snapshots = \"timer\"",
        "zfs_snapshots = \"anacron\"",
        1,
    );
    let output = render_variant(dir.path(), &text, &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let line = line_of(&text, "anacron");
    assert!(
        stderr(&output).contains(&format!("inventory.toml:{line}:"))
            && stderr(&output).contains("cron")
            && stderr(&output).contains("timer"),
        "{}",
        stderr(&output)
    );
}

/// Render the example's code repository `botserver` into `out`.
fn render_botserver(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--code-repo", "botserver"];
    args.extend_from_slice(extra);
    let root = workspace_root();
    render(&root, &root.join("examples/pragmatismo.toml"), out, &args)
}

#[test]
fn the_botserver_workflow_is_rendered_and_lints_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("botserver");
    let output = render_botserver(&out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        files_under(&out),
        [
            Path::new(".forgejo/workflows/botserver.yaml"),
            Path::new(".rendered-by-gblint"),
        ]
    );
    let workflow =
        std::fs::read_to_string(out.join(".forgejo/workflows/botserver.yaml")).expect("workflow");
    // Stopped dependants first, on the host the runner's ssh config names, before the copy.
    let stop = workflow
        .find("ssh pragmatismo-system 'sudo systemctl stop ui.service system.service'")
        .expect("stop step");
    let copy = workflow
        .find("scp target/release/botserver target/release/botui pragmatismo-system:/opt/gbo/bin/")
        .expect("copy step");
    assert!(stop < copy, "{workflow}");
    assert!(
        workflow.contains("curl -fsS http://localhost:5858/api/health")
            && workflow.contains("curl -fsS http://localhost:5859/"),
        "{workflow}"
    );
    let check = run_gblint(&out, &["check", "--select", "ALL", "."], None);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

#[test]
fn a_workflow_template_that_copies_before_stopping_is_refused_with_wfl001() {
    let dir = tempfile::tempdir().expect("tempdir");
    let templates = dir.path().join("templates/workflow");
    std::fs::create_dir_all(&templates).expect("mkdir");
    let original =
        std::fs::read_to_string(workspace_root().join("templates/workflow/deploy.yaml.j2"))
            .expect("template");
    let stop = "      - name: Stop {{ binaries | join(\" and \") }}\n        run: ssh {{ host }} 'sudo systemctl stop {{ stop | join(\" \") }}'\n";
    assert!(original.contains(stop));
    std::fs::write(
        templates.join("deploy.yaml.j2"),
        original.replacen(stop, "", 1),
    )
    .expect("override");
    let out = dir.path().join("botserver");
    let templates_dir = dir.path().join("templates");
    let output = render_botserver(
        &out,
        &["--templates", templates_dir.to_str().expect("utf-8")],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("WFL001"), "{}", stderr(&output));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn code_repo_errors_name_the_inventory_line_or_the_known_repositories() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("repo");
    let root = workspace_root();
    let unknown = render(
        &root,
        &root.join("examples/pragmatismo.toml"),
        &out,
        &["--code-repo", "botsrever"],
    );
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
    assert!(
        stderr(&unknown).contains("--code-repo botsrever: not a code repository")
            && stderr(&unknown).contains("did you mean `botserver`?"),
        "{}",
        stderr(&unknown)
    );
    // A deployed service on another machine: the runner's ssh config names only the system
    // container, so the inventory is refused at the entry's line.
    let text = example_inventory().replacen("{ service = \"ui\" }", "{ service = \"dns\" }", 1);
    let output = render_variant(dir.path(), &text, &out, &["--code-repo", "botserver"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let line = line_of(&text, "{ service = \"dns\" }");
    assert!(
        stderr(&output).contains(&format!("inventory.toml:{line}:"))
            && stderr(&output).contains(
                "deploy service `dns` runs on `dns`; the runner's ssh config names only pragmatismo-system"
            ),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists(), "nothing written");
}
