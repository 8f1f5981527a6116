//! Everything `gblint render` produces for the example inventory, judged by the real tools:
//!
//! * the Caddyfile: `caddy validate --adapter caddyfile`;
//! * rules.v4 / rules.v6: a real load with `iptables-legacy-restore` /
//!   `ip6tables-legacy-restore` inside a network namespace this test creates and deletes
//!   (never the machine's own firewall), then `-save` from the namespace shows the rules;
//! * the fail2ban files of the host, the proxy and the email container: `fail2ban-client -c
//!   DIR -t` over the
//!   installed package configuration with the rendered files laid on top (the proxy's log
//!   path moved into the temporary folder, where the log file is created), and the flood
//!   filter matches exactly the 4xx lines of the shared corpus' Caddy access log
//!   (`fail2ban-regex`), and the email container's Stalwart filter exactly the
//!   `auth.failed` lines of sample lines in Stalwart's log format, with the client's address;
//! * every unit, timers included (the host's `zfs-snapshots.timer`, verified with the service
//!   it starts): `systemd-analyze verify --man=no` prints nothing but the host-dependent
//!   "Command … is not executable" for binaries that live only in the containers or the host.
//!
//! A missing tool is a failure, never a skip.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use gblint_tests::{corpus_dir, run_gblint, workspace_root};

/// Render the example inventory into a fresh temporary folder.
fn rendered() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = workspace_root();
    let output = run_gblint(
        &root,
        &[
            "render",
            "--inventory",
            "examples/pragmatismo.toml",
            "--out",
            dir.path().to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "render failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir
}

fn tool(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .env("SYSTEMD_LOG_COLOR", "0")
        .env("SYSTEMD_PAGER", "")
        .output()
        .unwrap_or_else(|err| panic!("{program} is missing ({err}): install it (see .ci/run)"))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn rendered_caddyfile_passes_caddy_validate() {
    let tree = rendered();
    let config = tree.path().join("pragmatismo-proxy/opt/gbo/conf/config");
    let output = tool(
        "caddy",
        &[
            "validate",
            "--adapter",
            "caddyfile",
            "--config",
            config.to_str().expect("utf-8"),
        ],
    );
    assert!(output.status.success(), "caddy validate: {}", text(&output));
    assert!(
        text(&output).contains("Valid configuration"),
        "{}",
        text(&output)
    );
}

/// A network namespace of this test, deleted when dropped (also when the test panics).
struct Netns {
    name: String,
}

impl Netns {
    fn new(tag: &str) -> Netns {
        let name = format!("gblint-render-{tag}-{}", std::process::id());
        let output = tool("ip", &["netns", "add", &name]);
        assert!(
            output.status.success(),
            "`ip netns add {name}` failed (this oracle needs root): {}",
            text(&output)
        );
        Netns { name }
    }

    fn run(&self, program: &str, args: &[&str], input: &str) -> Output {
        let mut child = Command::new("ip")
            .args(["netns", "exec", &self.name, program])
            .args(args)
            .env("LC_ALL", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ip netns exec starts");
        let mut stdin = child.stdin.take().expect("stdin");
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let _ = stdin.write_all(input.as_bytes());
            });
            child.wait_with_output().expect("ip netns exec finishes")
        })
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let deleted = Command::new("ip")
            .args(["netns", "delete", &self.name])
            .status();
        if !matches!(deleted, Ok(status) if status.success()) {
            eprintln!("warning: could not delete network namespace {}", self.name);
        }
    }
}

#[test]
fn rendered_rules_load_into_a_throwaway_namespace() {
    let tree = rendered();
    let dir = tree.path().join("pragmatismo-system/etc/iptables");
    for (file, restore, save, tag) in [
        (
            "rules.v4",
            "iptables-legacy-restore",
            "iptables-legacy-save",
            "v4",
        ),
        (
            "rules.v6",
            "ip6tables-legacy-restore",
            "ip6tables-legacy-save",
            "v6",
        ),
    ] {
        let rules = std::fs::read_to_string(dir.join(file)).expect("rules");
        let netns = Netns::new(tag);
        let load = netns.run(restore, &[], &rules);
        assert!(load.status.success(), "{restore} {file}: {}", text(&load));
        let saved = netns.run(save, &[], "");
        assert!(saved.status.success(), "{save}: {}", text(&saved));
        let saved = text(&saved);
        let lo = saved
            .find("-A INPUT -i lo -j ACCEPT")
            .expect("loopback rule loaded");
        let drop = saved
            .find("-A INPUT -p tcp -m tcp --dport 6379 -j DROP")
            .expect("6379 drop loaded");
        assert!(lo < drop, "loopback must come first:\n{saved}");
        eprintln!("{file}: loaded into namespace {}", netns.name);
    }
}

/// The installed fail2ban configuration with `files` (relative to /etc/fail2ban) on top.
fn fail2ban_dir(files: &[(PathBuf, String)]) -> tempfile::TempDir {
    let base = Path::new("/etc/fail2ban");
    assert!(
        base.join("jail.conf").is_file(),
        "fail2ban is missing: apt-get install -y --no-install-recommends fail2ban"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    gblint_tests::copy_tree(base, dir.path());
    for (relative, content) in files {
        let path = dir.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
    }
    dir
}

fn fail2ban_files(machine: &Path, logs: &Path) -> Vec<(PathBuf, String)> {
    let root = machine.join("etc/fail2ban");
    let mut files = Vec::new();
    for relative in [
        "jail.local",
        "jail.d/defaults-debian.conf",
        "filter.d/caddy-http-flood.conf",
        "filter.d/stalwart.conf",
    ] {
        if let Ok(content) = std::fs::read_to_string(root.join(relative)) {
            let moved = content.replace("/opt/gbo/logs/", &format!("{}/", logs.display()));
            files.push((PathBuf::from(relative), moved));
        }
    }
    assert!(
        !files.is_empty(),
        "no fail2ban files under {}",
        root.display()
    );
    files
}

#[test]
fn rendered_fail2ban_trees_pass_fail2ban_client_test() {
    let tree = rendered();
    let logs = tempfile::tempdir().expect("logs");
    for log in ["access.log", "stalwart.log"] {
        std::fs::write(logs.path().join(log), "").expect("log file");
    }
    for machine in ["host", "pragmatismo-proxy", "pragmatismo-email"] {
        let files = fail2ban_files(&tree.path().join(machine), logs.path());
        let conf = fail2ban_dir(&files);
        let output = tool(
            "fail2ban-client",
            &["-c", conf.path().to_str().expect("utf-8"), "-t"],
        );
        assert!(
            output.status.success(),
            "{machine}: fail2ban-client -t: {}",
            text(&output)
        );
        assert!(
            text(&output).contains("OK: configuration test is successful"),
            "{machine}: {}",
            text(&output)
        );
    }
}

#[test]
fn rendered_flood_filter_matches_the_4xx_lines_of_caddys_access_log() {
    let tree = rendered();
    let filter = tree
        .path()
        .join("pragmatismo-proxy/etc/fail2ban/filter.d/caddy-http-flood.conf");
    let log = corpus_dir().join("caddy-access-log/caddy-2.6.2-access.log");
    let lines = std::fs::read_to_string(&log).expect("access log");
    let total = lines.lines().count();
    let client_errors = lines
        .lines()
        .filter(|line| {
            line.split("\"status\":")
                .nth(1)
                .is_some_and(|rest| rest.starts_with('4'))
        })
        .count();
    assert!(client_errors > 0, "the corpus log has 4xx lines");
    let output = tool(
        "fail2ban-regex",
        &[
            log.to_str().expect("utf-8"),
            filter.to_str().expect("utf-8"),
        ],
    );
    assert!(output.status.success(), "fail2ban-regex: {}", text(&output));
    let expected = format!(
        "Lines: {total} lines, 0 ignored, {client_errors} matched, {} missed",
        total - client_errors
    );
    assert!(
        text(&output).contains(&expected),
        "want `{expected}`:\n{}",
        text(&output)
    );
}

/// Lines as Stalwart's `log` tracer writes them (crates/trc/src/serializers/text.rs in
/// stalwartlabs/stalwart: RFC 3339 UTC time, level, description, `(event id)`, then the
/// session span's keys and the event's own, `key = value` joined by `, `). The `auth.failed`
/// event carries the session's remoteIp and again its own; the last failure's account name
/// is a client's attempt to make the filter ban someone else.
const STALWART_LOG: &str = concat!(
    "2026-12-06T02:41:13Z INFO Authentication failed (auth.failed) listenerId = \"submissions\", ",
    "localPort = 465, remoteIp = 198.51.100.23, remotePort = 50122, remoteIp = 198.51.100.23, ",
    "accountName = \"info@pragmatismo.com.br\"\n",
    "2026-12-06T02:41:20Z INFO Authentication failed (auth.failed) listenerId = \"imaps\", ",
    "localPort = 993, remoteIp = 2001:db8::7, remotePort = 40312, remoteIp = 2001:db8::7, ",
    "accountName = \"admin\"\n",
    "2026-12-06T02:41:32Z INFO Authentication successful (auth.success) listenerId = \"imaps\", ",
    "localPort = 993, remoteIp = 203.0.113.50, remotePort = 40313, ",
    "accountName = \"info@pragmatismo.com.br\", accountId = 2\n",
    "2026-12-06T02:41:33Z INFO IMAP connection started (imap.connection-start) ",
    "listenerId = \"imap\", localPort = 143, remoteIp = 198.51.100.23, remotePort = 50123\n",
    "2026-12-06T02:41:40Z INFO Authentication failed (auth.failed) listenerId = \"sieve\", ",
    "localPort = 4190, remoteIp = 203.0.113.77, remotePort = 61000, remoteIp = 203.0.113.77, ",
    "accountName = \"x, remoteIp = 192.0.2.66, y\"\n",
);

#[test]
fn rendered_stalwart_filter_matches_stalwarts_auth_failed_lines() {
    let tree = rendered();
    let filter = tree
        .path()
        .join("pragmatismo-email/etc/fail2ban/filter.d/stalwart.conf");
    let logs = tempfile::tempdir().expect("logs");
    let log = logs.path().join("stalwart.log");
    std::fs::write(&log, STALWART_LOG).expect("log");
    let output = tool(
        "fail2ban-regex",
        &[
            "--print-all-matched",
            log.to_str().expect("utf-8"),
            filter.to_str().expect("utf-8"),
        ],
    );
    assert!(output.status.success(), "fail2ban-regex: {}", text(&output));
    let report = text(&output);
    assert!(
        report.contains("Lines: 5 lines, 0 ignored, 3 matched, 2 missed"),
        "{report}"
    );
    // Every line's time is read (UTC, `Z`), and the banned hosts are the sessions' clients.
    assert!(
        report.contains("[5] ^Year-Month-DayT24hour:Minute:SecondZone offset"),
        "{report}"
    );
    let matched = tool(
        "fail2ban-regex",
        &[
            "-o",
            "<ip>",
            log.to_str().expect("utf-8"),
            filter.to_str().expect("utf-8"),
        ],
    );
    assert!(
        matched.status.success(),
        "fail2ban-regex -o: {}",
        text(&matched)
    );
    let hosts: Vec<String> = String::from_utf8_lossy(&matched.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        hosts,
        ["198.51.100.23", "2001:db8::7", "203.0.113.77"],
        "{}",
        text(&matched)
    );
}

#[test]
fn rendered_units_pass_systemd_analyze_verify() {
    let tree = rendered();
    let mut units = Vec::new();
    for machine in std::fs::read_dir(tree.path()).expect("tree") {
        let dir = machine.expect("entry").path().join("etc/systemd/system");
        if let Ok(entries) = std::fs::read_dir(&dir) {
            units.extend(entries.map(|e| e.expect("entry").path()));
        }
    }
    units.sort();
    assert_eq!(units.len(), 6, "{units:?}");
    let timers: Vec<&PathBuf> = units
        .iter()
        .filter(|u| u.extension().is_some_and(|e| e == "timer"))
        .collect();
    assert_eq!(timers.len(), 1, "{units:?}");
    for unit in &units {
        // A timer is verified together with the service it starts (same name), which must be
        // rendered next to it: `verify` alone does not look for it.
        let mut args = vec!["verify", "--man=no", unit.to_str().expect("utf-8")];
        let service = unit.with_extension("service");
        if timers.contains(&unit) {
            assert!(service.is_file(), "{} starts nothing", unit.display());
            args.push(service.to_str().expect("utf-8"));
        }
        if timers.contains(&unit) {
            timer_fires_daily(unit);
        }
        let output = tool("systemd-analyze", &args);
        // The binaries live in the containers, not on this machine: that message depends on
        // the host. Any other line is a warning about the unit itself.
        let warnings: Vec<String> = text(&output)
            .lines()
            .filter(|line| !line.trim().is_empty())
            .filter(|line| !line.contains("is not executable: No such file or directory"))
            .map(str::to_owned)
            .collect();
        assert!(
            warnings.is_empty(),
            "{}: systemd-analyze verify warned:\n{}",
            unit.display(),
            warnings.join("\n")
        );
        eprintln!("{}: verified", unit.display());
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// gblint reads the timer's `OnCalendar=` as firing at least daily (what CRN001/CRN002
/// count), and systemd agrees: `systemd-analyze calendar` gives eight next elapses on eight
/// consecutive days.
fn timer_fires_daily(timer: &Path) {
    let unit = std::fs::read_to_string(timer).expect("timer");
    let calendar = unit
        .lines()
        .find_map(|line| line.strip_prefix("OnCalendar="))
        .expect("OnCalendar=");
    assert!(
        gblint_cron::calendar::calendar_at_least_daily(calendar),
        "gblint does not read `{calendar}` as daily"
    );
    let output = tool("systemd-analyze", &["calendar", "--iterations=8", calendar]);
    assert!(output.status.success(), "{}", text(&output));
    let days: Vec<i64> = text(&output)
        .lines()
        .filter(|line| line.contains("Next elapse:") || line.contains("Iter. #"))
        .map(|line| {
            let date = line
                .split_whitespace()
                .find(|word| word.len() == 10 && word.as_bytes()[4] == b'-')
                .expect("a date");
            let part =
                |range: std::ops::Range<usize>| -> i64 { date[range].parse().expect("number") };
            days_from_civil(part(0..4), part(5..7), part(8..10))
        })
        .collect();
    assert_eq!(days.len(), 8, "{}", text(&output));
    assert!(
        days.windows(2).all(|pair| pair[1] - pair[0] == 1),
        "`{calendar}` does not fire every day: {}",
        text(&output)
    );
    eprintln!("{}: `{calendar}` fires daily", timer.display());
}

/// The runner's clean-up in its timer form (`[schedule] ci_cache_clean = "timer"`, which the
/// example leaves as cron): `systemd-analyze verify` accepts the timer with its service, and
/// the timer fires daily.
#[test]
fn the_runners_cache_clean_up_timer_passes_systemd_analyze_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = workspace_root();
    let variant = std::fs::read_to_string(root.join("examples/pragmatismo.toml"))
        .expect("inventory")
        .replacen("ci_cache_clean = \"cron\"", "ci_cache_clean = \"timer\"", 1);
    let inventory = dir.path().join("inventory.toml");
    std::fs::write(&inventory, variant).expect("write");
    let out = dir.path().join("out");
    let output = run_gblint(
        &root,
        &[
            "render",
            "--inventory",
            inventory.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let units = out.join("pragmatismo-alm-ci/etc/systemd/system");
    let timer = units.join("ci-cache-clean.timer");
    let service = units.join("ci-cache-clean.service");
    timer_fires_daily(&timer);
    let output = tool(
        "systemd-analyze",
        &[
            "verify",
            "--man=no",
            timer.to_str().expect("utf-8"),
            service.to_str().expect("utf-8"),
        ],
    );
    // find and rm exist on this machine: nothing may be printed at all.
    assert!(
        output.status.success() && text(&output).trim().is_empty(),
        "systemd-analyze verify: {}",
        text(&output)
    );
}
