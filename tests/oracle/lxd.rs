//! gblint's reading of LXD instance configuration against LXD 5.0.2 itself (Debian's `lxd`).
//!
//! The suite starts its own daemon as root with a private `LXD_DIR` in a temporary folder
//! (`lxd --group root`), creates a `dir` storage pool and empty containers (`lxc init
//! --empty`: no image, no network — no bridge or firewall table is ever made), and for each
//! case feeds an `lxc config show` document, mutated, to `lxc config edit NAME`. LXD's verdict
//! (accepted or refused, and its message) is compared with gblint's (`gblint_lxd::read` as an
//! export: a syntax problem or a `validate` problem means refused). When gblint reports exactly
//! one problem, its message must be LXD's. After every accepted edit, the `backup.yaml` LXD
//! rewrote is read back and must be clean for gblint. When the suite ends — passed or not —
//! it deletes the containers and the pool, shuts the daemon down, unmounts what it mounted
//! under its `LXD_DIR` and removes the folder.
//!
//! Every disagreement must be listed, as `id<TAB>reason`, in `lxd-disagreements.tsv`; an
//! unlisted disagreement or a stale entry fails, and so does a missing `lxd`.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use gblint_lxd::Shape;
use gblint_tests::{listed_disagreements, ListedCheck};

/// The daemon and what it created; torn down on drop.
struct Daemon {
    dir: tempfile::TempDir,
    child: Option<Child>,
    instances: Vec<String>,
    pool: bool,
}

impl Daemon {
    fn lxd_dir(&self) -> PathBuf {
        self.dir.path().join("lxd")
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let mut command = Command::new(program);
        command.args(args).env("LXD_DIR", self.lxd_dir());
        command
    }

    fn lxc(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut command = self.command("lxc", args);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("lxc runs");
        let mut input = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("write stdin");
        }
        drop(input);
        child.wait_with_output().expect("lxc finishes")
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.lxc(args, None);
        assert!(
            output.status.success(),
            "lxc {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn start() -> (std::sync::MutexGuard<'static, ()>, Daemon) {
        // One daemon at a time: the tests of this file run on parallel threads.
        static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let guard = ONE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let version = Command::new("lxd").arg("--version").output().expect(
            "lxd is missing: apt-get install lxd (Debian's LXD 5.0; .ci/run's oracle tools step)",
        );
        assert!(version.status.success());
        let dir = tempfile::tempdir().expect("tempdir");
        let mut daemon = Daemon {
            dir,
            child: None,
            instances: Vec::new(),
            pool: false,
        };
        std::fs::create_dir_all(daemon.lxd_dir()).expect("LXD_DIR");
        let log = daemon.dir.path().join("lxd.log");
        let child = daemon
            .command("lxd", &["--group", "root", "--logfile"])
            .arg(&log)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("lxd starts");
        daemon.child = Some(child);
        let ready = daemon
            .command("lxd", &["waitready", "--timeout", "60"])
            .status()
            .expect("lxd waitready");
        assert!(
            ready.success(),
            "LXD did not start (log: {})",
            log.display()
        );
        daemon.ok(&["storage", "create", "default", "dir"]);
        daemon.pool = true;
        daemon.ok(&[
            "profile",
            "device",
            "add",
            "default",
            "root",
            "disk",
            "path=/",
            "pool=default",
        ]);
        (guard, daemon)
    }

    fn create(&mut self, name: &str) {
        self.ok(&["init", "--empty", name]);
        self.instances.push(name.to_owned());
    }

    fn backup_yaml(&self, name: &str) -> PathBuf {
        self.lxd_dir()
            .join("storage-pools/default/containers")
            .join(name)
            .join("backup.yaml")
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        for name in std::mem::take(&mut self.instances) {
            let _ = self.lxc(&["delete", "--force", &name], None);
        }
        if self.pool {
            let _ = self.lxc(&["profile", "device", "remove", "default", "root"], None);
            let _ = self.lxc(&["storage", "delete", "default"], None);
        }
        let _ = self
            .command("lxd", &["shutdown", "--timeout", "30"])
            .status();
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // The daemon mounts small tmpfs folders under LXD_DIR (shmounts, devlxd).
        let root = self.lxd_dir();
        let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
        let mut inside: Vec<&str> = mounts
            .lines()
            .filter_map(|line| line.split(' ').nth(1))
            .filter(|point| Path::new(point).starts_with(&root))
            .collect();
        inside.sort_by_key(|point| std::cmp::Reverse(point.len()));
        for point in inside {
            let _ = Command::new("umount").args(["-l", point]).status();
        }
    }
}

/// gblint's verdict on an export: the problems it reports (empty = accepted).
fn gblint_verdict(text: &str) -> Vec<String> {
    let instance = gblint_lxd::read(text, Shape::Export);
    let mut problems: Vec<String> = instance.syntax.iter().map(|p| p.message.clone()).collect();
    problems.extend(instance.validate().into_iter().map(|p| p.message));
    problems
}

/// The cases: (id, line to replace in the base export, its replacement).
fn cases(source: &str) -> Vec<(String, String)> {
    let config = |line: &str| format!("config:\n  {line}");
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add =
        |id: &str, find: &str, replace: String| out.push((format!("{id}\t{find}"), replace));
    for (key, values) in [
        (
            "security.privileged",
            &[
                "true",
                "\"false\"",
                "yes",
                "On",
                "1",
                "maybe",
                "2",
                "\"\"",
                "null",
                "TRUE",
                "y",
            ][..],
        ),
        ("security.nesting", &["\"true\"", "nope"][..]),
        ("boot.autostart", &["\"on\"", "enabled"][..]),
        ("boot.autostart.delay", &["\"5\"", "5x", "-3", "\"\""][..]),
        ("boot.stop.priority", &["\"7\"", "1.5"][..]),
        (
            "limits.memory",
            &[
                "2048MB", "2GiB", "50%", "0%", "0", "2048XB", "MB", "1.5GB", "x%",
            ][..],
        ),
        (
            "limits.cpu.allowance",
            &["100ms/100ms", "50%", "100ms", "x/100ms", "25ms/100"][..],
        ),
        (
            "limits.cpu.priority",
            &["\"10\"", "\"11\"", "\"-1\"", "high"][..],
        ),
        ("limits.memory.enforce", &["soft", "hard", "medium"][..]),
        ("limits.processes", &["\"500\"", "many"][..]),
        ("limits.hugepages.2MB", &["1GB", "1XB"][..]),
        (
            "security.idmap.base",
            &["\"100000\"", "\"-1\"", "\"4294967296\""][..],
        ),
        ("cluster.evacuate", &["auto", "stop", "never"][..]),
        (
            "security.syscalls.intercept.mknod",
            &["\"true\"", "sure"][..],
        ),
        ("security.secureboot", &["\"true\""][..]),
        ("security.privilegd", &["\"true\""][..]),
        ("user.anything", &["whatever"][..]),
        ("environment.PORT", &["\"5858\""][..]),
        ("linux.sysctl.net.ipv4.ip_forward", &["\"1\""][..]),
        ("limits.kernel.nofile", &["\"1024\""][..]),
        ("image.os", &["Debian"][..]),
        ("volatile.eth0.hwaddr", &["00:16:3e:00:00:01"][..]),
        ("snapshots.expiry", &["1d"][..]),
        ("raw.idmap", &["both 1000 1000"][..]),
        ("limits.memory.swap", &["\"false\"", "swap"][..]),
        ("security.syscalls.intercept.setxattr", &["\"true\""][..]),
        ("security.protection.delete", &["\"true\"", "protect"][..]),
        (
            "migration.incremental.memory.goal",
            &["\"70\"", "\"-70\""][..],
        ),
        ("limits.disk.priority", &["\"5\"", "\"20\""][..]),
        ("boot.host_shutdown_timeout", &["\"30\"", "30s"][..]),
        ("limits.hugepages.1GB", &["\"2\""][..]),
        ("security.agent.metrics", &["\"true\""][..]),
        ("volatile.foo", &["bar"][..]),
        ("environment", &["x"][..]),
    ] {
        for value in values {
            add(
                &format!("config {key}={value}"),
                "config:",
                config(&format!("{key}: {value}")),
            );
        }
    }
    add(
        "config map value",
        "config:",
        config("security.privileged: {a: b}"),
    );
    add(
        "config list value",
        "config:",
        config("security.privileged: [a]"),
    );
    add(
        "yaml unterminated quote",
        "config:",
        config("security.privileged: \"true"),
    );
    let device = |name: &str, lines: &[&str]| {
        let mut text = format!("devices:\n  {name}:\n");
        for line in lines {
            text.push_str(&format!("    {line}\n"));
        }
        text.trim_end().to_owned()
    };
    let proxy_cases: &[(&str, &[&str])] = &[
        (
            "proxy ok",
            &[
                "type: proxy",
                "listen: tcp:0.0.0.0:80",
                "connect: tcp:127.0.0.1:80",
            ],
        ),
        (
            "proxy udp v6",
            &[
                "type: proxy",
                "listen: udp:[::]:53",
                "connect: udp:127.0.0.1:53",
            ],
        ),
        (
            "proxy range",
            &[
                "type: proxy",
                "listen: tcp:0.0.0.0:8000-8002",
                "connect: tcp:127.0.0.1:8000-8002",
            ],
        ),
        (
            "proxy unix",
            &[
                "type: proxy",
                "listen: unix:/tmp/x.sock",
                "connect: unix:/tmp/y.sock",
                "bind: instance",
            ],
        ),
        (
            "proxy no port",
            &[
                "type: proxy",
                "listen: tcp:0.0.0.0",
                "connect: tcp:127.0.0.1:80",
            ],
        ),
        (
            "proxy no listen",
            &["type: proxy", "connect: tcp:127.0.0.1:80"],
        ),
        (
            "proxy bad protocol",
            &[
                "type: proxy",
                "listen: sctp:0.0.0.0:80",
                "connect: tcp:127.0.0.1:80",
            ],
        ),
        (
            "proxy hostname",
            &[
                "type: proxy",
                "listen: tcp:example.com:80",
                "connect: tcp:127.0.0.1:80",
            ],
        ),
        (
            "proxy unknown option",
            &[
                "type: proxy",
                "listen: tcp:0.0.0.0:80",
                "connect: tcp:127.0.0.1:80",
                "foo: bar",
            ],
        ),
        (
            "proxy user option",
            &[
                "type: proxy",
                "listen: tcp:0.0.0.0:80",
                "connect: tcp:127.0.0.1:80",
                "user.note: x",
            ],
        ),
        (
            "proxy nat maybe",
            &[
                "type: proxy",
                "listen: tcp:0.0.0.0:80",
                "connect: tcp:127.0.0.1:80",
                "nat: maybe",
            ],
        ),
        (
            "proxy bind other",
            &[
                "type: proxy",
                "listen: tcp:0.0.0.0:80",
                "connect: tcp:127.0.0.1:80",
                "bind: both",
            ],
        ),
        (
            "proxy port mismatch",
            &[
                "type: proxy",
                "listen: tcp:0.0.0.0:80",
                "connect: tcp:127.0.0.1:80-81",
            ],
        ),
        (
            "proxy bad range",
            &[
                "type: proxy",
                "listen: tcp:0.0.0.0:90-80",
                "connect: tcp:127.0.0.1:80",
            ],
        ),
        (
            "proxy protocol udp",
            &[
                "type: proxy",
                "listen: tcp:0.0.0.0:80",
                "connect: udp:127.0.0.1:80",
                "proxy_protocol: \"true\"",
            ],
        ),
        ("unknown type", &["type: proxi", "listen: tcp:0.0.0.0:80"]),
        ("no type", &["listen: tcp:0.0.0.0:80"]),
        (
            "nic any option",
            &["type: nic", "nictype: p2p", "name: eth1"],
        ),
        (
            "proxy lxd-sock",
            &[
                "type: proxy",
                "connect: unix:/var/lib/lxd/unix.socket",
                "listen: unix:/tmp/lxd.sock",
                "bind: instance",
                "uid: \"0\"",
                "gid: \"0\"",
                "mode: \"0660\"",
            ],
        ),
        (
            "proxy public ip",
            &[
                "type: proxy",
                "listen: tcp:203.0.113.10:53",
                "connect: tcp:127.0.0.1:53",
            ],
        ),
        (
            "proxy nat",
            &[
                "type: proxy",
                "listen: tcp:203.0.113.10:80",
                "connect: tcp:0.0.0.0:80",
                "nat: \"true\"",
            ],
        ),
        (
            "proxy missing address",
            &["type: proxy", "listen: tcp:", "connect: tcp:127.0.0.1:80"],
        ),
        (
            "proxy too many colons",
            &[
                "type: proxy",
                "listen: tcp:::1:80",
                "connect: tcp:127.0.0.1:80",
            ],
        ),
        (
            "disk root in instance",
            &["type: disk", "path: /", "pool: default"],
        ),
        (
            "disk recursive readonly",
            &[
                "type: disk",
                "source: SRC",
                "path: /opt/gbo/data",
                "recursive: \"true\"",
                "readonly: \"true\"",
            ],
        ),
        (
            "disk ceph options",
            &[
                "type: disk",
                "source: SRC",
                "path: /opt/gbo/data",
                "ceph.user_name: admin",
            ],
        ),
        (
            "disk root with source",
            &["type: disk", "path: /", "pool: default", "source: SRC"],
        ),
        (
            "disk ok",
            &["type: disk", "source: SRC", "path: /opt/gbo/data"],
        ),
        (
            "disk readonly",
            &[
                "type: disk",
                "source: SRC",
                "path: /opt/gbo/data",
                "readonly: \"true\"",
            ],
        ),
        (
            "disk readonly bad",
            &[
                "type: disk",
                "source: SRC",
                "path: /opt/gbo/data",
                "readonly: perhaps",
            ],
        ),
        (
            "disk unknown option",
            &[
                "type: disk",
                "source: SRC",
                "path: /opt/gbo/data",
                "mode: rw",
            ],
        ),
        ("disk no source", &["type: disk", "path: /opt/gbo/data"]),
        (
            "disk size",
            &[
                "type: disk",
                "source: SRC",
                "path: /opt/gbo/data",
                "size: 10GB",
            ],
        ),
        (
            "disk required and optional",
            &[
                "type: disk",
                "source: SRC",
                "path: /opt/gbo/data",
                "required: \"true\"",
                "optional: \"true\"",
            ],
        ),
    ];
    for (id, lines) in proxy_cases {
        let text = device("d1", lines).replace("SRC", source);
        add(id, "devices:", text);
    }
    add("devices list", "devices:", "devices: []".into());
    add(
        "disk same path twice",
        "devices:",
        format!("devices:\n  d1: {{type: disk, source: {source}, path: /srv}}\n  d2: {{type: disk, source: {source}, path: /srv}}"),
    );
    out
}

#[test]
fn lxd_config_edit_agrees_with_gblint() {
    let (_one, mut daemon) = Daemon::start();
    daemon.create("oracle-c");
    let source = daemon.dir.path().join("src");
    std::fs::create_dir_all(&source).expect("source folder");
    let base = daemon.ok(&["config", "show", "--expanded", "oracle-c"]);
    assert!(
        gblint_verdict(&base).is_empty(),
        "gblint refuses LXD's own export:\n{base}"
    );

    let mut disagreements: BTreeMap<String, String> = BTreeMap::new();
    let (mut agreed, mut total, mut messages, mut same_message) = (0, 0, 0, 0);
    let mut backups = 0;
    for (key, replacement) in cases(&source.to_string_lossy()) {
        let (id, find) = key.split_once('\t').expect("id");
        let edited = base.replacen(find, &replacement, 1);
        assert_ne!(edited, base, "{id}: nothing replaced");
        let ours = gblint_verdict(&edited);
        let output = daemon.lxc(&["config", "edit", "oracle-c"], Some(&edited));
        let accepted = output.status.success();
        let theirs = String::from_utf8_lossy(&output.stderr)
            .trim()
            .trim_start_matches("Error: ")
            .to_owned();
        total += 1;
        if accepted == ours.is_empty() {
            agreed += 1;
        } else {
            disagreements.insert(
                format!("{id}|verdict"),
                format!(
                    "lxd {}: {theirs}; gblint: {ours:?}",
                    if accepted { "accepts" } else { "refuses" }
                ),
            );
        }
        if !accepted && ours.len() == 1 && !theirs.starts_with("yaml:") {
            messages += 1;
            if ours[0] == theirs {
                same_message += 1;
            } else {
                disagreements.insert(
                    format!("{id}|message"),
                    format!("lxd: {theirs}; gblint: {}", ours[0]),
                );
            }
        }
        if accepted {
            // LXD rewrote backup.yaml from the accepted config: gblint must read it clean.
            let backup =
                std::fs::read_to_string(daemon.backup_yaml("oracle-c")).expect("backup.yaml");
            let instance = gblint_lxd::read(&backup, Shape::Backup);
            backups += 1;
            if !instance.syntax.is_empty() || !instance.validate().is_empty() {
                disagreements.insert(
                    format!("{id}|backup"),
                    format!("{:?} {:?}", instance.syntax, instance.validate()),
                );
            }
            let restore = daemon.lxc(&["config", "edit", "oracle-c"], Some(&base));
            assert!(
                restore.status.success(),
                "{id}: restoring the base config failed"
            );
        }
    }
    println!(
        "lxd oracle: {agreed}/{total} verdicts agree; {same_message}/{messages} single-problem messages identical; {backups} backup.yaml files LXD wrote read clean"
    );
    let listed = listed_disagreements("lxd-disagreements.tsv");
    ListedCheck::new(&disagreements, &listed)
        .assert_clean("LXD disagreements", "lxd-disagreements.tsv");
}

/// What `gblint render` writes for the example inventory's containers (`host/etc/gblint/lxd/`)
/// creates each container with `lxc init`, LXD shows it back unchanged, and the `backup.yaml` LXD then writes reads clean. The
/// host folders the disks mount do not exist on this machine: they are moved into the test's
/// temporary folder (and created), since LXD refuses a missing disk source.
#[test]
fn rendered_lxd_configurations_create_the_instances() {
    let out = tempfile::tempdir().expect("tempdir");
    let output = gblint_tests::run_gblint(
        &gblint_tests::workspace_root(),
        &[
            "render",
            "--inventory",
            "examples/pragmatismo.toml",
            "--out",
            out.path().to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let (_one, mut daemon) = Daemon::start();
    let tenants = daemon.dir.path().join("tenants");
    let exports = out.path().join("host/etc/gblint/lxd");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&exports)
        .expect("rendered exports")
        .map(|entry| entry.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for file in &files {
        let name = file
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(file).expect("export");
        assert!(
            gblint_verdict(&text).is_empty(),
            "{name}: gblint refuses its own render"
        );
        let moved = text.replace("/opt/gbo/tenants/", &format!("{}/", tenants.display()));
        for line in moved.lines() {
            if let Some(source) = line.trim().strip_prefix("source: ") {
                std::fs::create_dir_all(source).expect("disk source");
            }
        }
        // A rendered file creates the instance (`lxc init IMAGE NAME < FILE`; no image here).
        // `lxc config edit` of an existing instance needs its volatile keys kept: see
        // rendered_lxd_configurations_apply_to_existing_instances.
        let init = daemon.lxc(&["init", "--empty", &name], Some(&moved));
        assert!(
            init.status.success(),
            "{name}: lxc init refuses the rendered configuration: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        daemon.instances.push(name.clone());
        // And LXD's export of what it made is what was rendered, volatile keys aside.
        let shown = daemon.ok(&["config", "show", "--expanded", &name]);
        let kept: String = shown
            .lines()
            .filter(|line| !line.trim_start().starts_with("volatile."))
            .map(|line| format!("{line}\n"))
            .collect();
        let config_empty = kept.replace("config:\ndevices:", "config: {}\ndevices:");
        assert_eq!(
            config_empty, moved,
            "{name}: LXD's export differs from the render"
        );
        let backup = std::fs::read_to_string(daemon.backup_yaml(&name)).expect("backup.yaml");
        let instance = gblint_lxd::read(&backup, Shape::Backup);
        assert!(
            instance.syntax.is_empty() && instance.validate().is_empty(),
            "{name}: {:?} {:?}",
            instance.syntax,
            instance.validate()
        );
    }
    println!(
        "lxd oracle: {} rendered instance configurations created by lxc init and shown back identical",
        files.len()
    );
}

/// The command docs/lxd.md gives for applying a rendered file to an existing instance: the
/// first `sh` block of its "Applying it to an existing instance" section, run as written.
fn documented_apply_command() -> String {
    let doc = std::fs::read_to_string(gblint_tests::workspace_root().join("docs/lxd.md"))
        .expect("docs/lxd.md");
    let section = doc
        .split("### Applying it to an existing instance")
        .nth(1)
        .expect("docs/lxd.md has the section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section has an sh block");
    block.to_owned()
}

/// The `volatile.*` lines of `lxc config show NAME`, sorted.
fn volatile_lines(shown: &str) -> Vec<String> {
    let mut lines: Vec<String> = shown
        .lines()
        .filter(|line| line.starts_with("  volatile."))
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

/// What `gblint render` writes for the example inventory's containers applies to an existing
/// instance of that name: LXD refuses the file as it is (`lxc config edit` would delete the
/// instance's volatile idmap keys), and accepts it through the command docs/lxd.md gives,
/// which keeps every volatile key the instance had (LXD recomputes the next idmap itself when
/// the file makes the instance privileged). Applied twice — the second time to the
/// instance the first made — LXD shows the rendered configuration back each time.
#[test]
fn rendered_lxd_configurations_apply_to_existing_instances() {
    let out = tempfile::tempdir().expect("tempdir");
    let output = gblint_tests::run_gblint(
        &gblint_tests::workspace_root(),
        &[
            "render",
            "--inventory",
            "examples/pragmatismo.toml",
            "--out",
            out.path().to_str().expect("utf-8"),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let apply = documented_apply_command();
    let (_one, mut daemon) = Daemon::start();
    let tenants = daemon.dir.path().join("tenants");
    let exports = out.path().join("host/etc/gblint/lxd");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&exports)
        .expect("rendered exports")
        .map(|entry| entry.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let mut applied = 0;
    for file in &files {
        let name = file
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(file).expect("export");
        let moved = text.replace("/opt/gbo/tenants/", &format!("{}/", tenants.display()));
        for line in moved.lines() {
            if let Some(source) = line.trim().strip_prefix("source: ") {
                std::fs::create_dir_all(source).expect("disk source");
            }
        }
        let moved_file = daemon.dir.path().join(format!("{name}.yaml"));
        std::fs::write(&moved_file, &moved).expect("write the rendered file");
        // An existing instance, as `lxc launch IMAGE NAME` leaves one: unprivileged, LXD's
        // volatile keys, no devices of its own.
        daemon.create(&name);
        let before = volatile_lines(&daemon.ok(&["config", "show", &name]));
        assert!(
            before.iter().any(|l| l.contains("volatile.idmap.next")),
            "{name}: {before:?}"
        );

        // The file as rendered: LXD refuses to drop the idmap keys, and changes nothing.
        let bare = daemon.lxc(&["config", "edit", &name], Some(&moved));
        assert!(!bare.status.success(), "{name}: bare edit accepted");
        assert!(
            String::from_utf8_lossy(&bare.stderr)
                .contains("Volatile idmap keys can't be deleted by the user"),
            "{name}: {}",
            String::from_utf8_lossy(&bare.stderr)
        );

        let privileged = moved.contains("security.privileged: \"true\"");
        // What the instance's volatile keys must be after the command: the same keys with the
        // same values, except that LXD itself recomputes the next uid/gid map when the edit
        // makes the instance privileged (a privileged container maps no ids).
        let expected: Vec<String> = before
            .iter()
            .map(|line| {
                if privileged && line.starts_with("  volatile.idmap.next:") {
                    "  volatile.idmap.next: '[]'".to_owned()
                } else {
                    line.clone()
                }
            })
            .collect();
        for round in ["existing instance", "again"] {
            let mut command = daemon.command("sh", &["-c", &apply]);
            let result = command
                .env("NAME", &name)
                .env("FILE", &moved_file)
                .output()
                .expect("sh runs");
            assert!(
                result.status.success(),
                "{name} ({round}): the documented command fails: {}",
                String::from_utf8_lossy(&result.stderr)
            );
            let shown = daemon.ok(&["config", "show", "--expanded", &name]);
            assert_eq!(
                volatile_lines(&shown),
                expected,
                "{name} ({round}): volatile keys changed"
            );
            let kept: String = shown
                .lines()
                .filter(|line| !line.trim_start().starts_with("volatile."))
                .map(|line| format!("{line}\n"))
                .collect();
            let config_empty = kept.replace("config:\ndevices:", "config: {}\ndevices:");
            assert_eq!(
                config_empty, moved,
                "{name} ({round}): LXD's export differs from the render"
            );
        }
        let backup = std::fs::read_to_string(daemon.backup_yaml(&name)).expect("backup.yaml");
        let instance = gblint_lxd::read(&backup, Shape::Backup);
        assert!(
            instance.syntax.is_empty() && instance.validate().is_empty(),
            "{name}: {:?} {:?}",
            instance.syntax,
            instance.validate()
        );
        applied += 1;
    }
    // Keeping only the idmap keys is accepted, but LXD then deletes the other volatile keys
    // (docs/lxd.md): the documented command keeps them all.
    let name = "oracle-idmap-only";
    daemon.create(name);
    let idmap: String = volatile_lines(&daemon.ok(&["config", "show", name]))
        .iter()
        .filter(|line| line.contains("idmap"))
        .map(|line| format!("{line}\n"))
        .collect();
    let only_idmap = format!("config:\n{idmap}devices: {{}}\nprofiles:\n- default\n");
    let edit = daemon.lxc(&["config", "edit", name], Some(&only_idmap));
    assert!(
        edit.status.success(),
        "{}",
        String::from_utf8_lossy(&edit.stderr)
    );
    let after = volatile_lines(&daemon.ok(&["config", "show", name]));
    assert!(
        !after.iter().any(|line| line.contains("volatile.uuid")),
        "LXD kept volatile.uuid: {after:?}"
    );
    println!(
        "lxd oracle: {applied} rendered instance configurations refused by a bare lxc config edit of an existing instance, applied by docs/lxd.md's command (twice), volatile keys kept"
    );
}
