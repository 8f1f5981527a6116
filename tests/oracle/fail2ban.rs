//! gblint's merged fail2ban configuration against fail2ban 1.0.2's own reader
//! (`fail2ban-client -c DIR -d`, which reads the configuration and prints the command stream
//! it would send to the server; it never starts or contacts a server).
//!
//! * Upstream `config/`: copied to a temporary folder with every absolute log path moved
//!   under that folder, a `jail.local` enabling every jail, and the log files gblint's
//!   `logpath` names created there. For every jail, gblint's interpolated values (maxretry,
//!   findtime, bantime, backend, usedns, ignoreip, ignorecommand, logpath, the actions and
//!   their port, the filter's failregex) are compared with the dump.
//! * The imperfect test config (`tests-config/`), as a machine's `/etc/fail2ban`: for every
//!   enabled jail, `gblint check`'s `load` findings (F2B000: a parse problem or an
//!   interpolation error; F2B006: a bad filter/action spec, a missing filter or action file)
//!   against fail2ban's "Errors in jail" list.
//!
//! Disagreements are listed in `fail2ban-disagreements.tsv` (`id<TAB>reason`); an unlisted
//! one or a stale entry fails the test, and so does a missing `fail2ban-client`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};

use gblint_fail2ban::{load_with, parse_bool, parse_spec, split_actions, Config, LoadOptions};
use gblint_tests::corpus_dir;

/// Top-level folders of the log paths in jail.conf and paths-*.conf, moved under the
/// temporary folder so that the files can exist without touching the machine.
const ROOTS: &[&str] = &[
    "/var/",
    "/opt/",
    "/home/",
    "/root/",
    "/service/",
    "/usr/local/",
];

fn read_tree(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read folder")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let key = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if path.is_dir() {
            read_tree(&path, &key, out);
        } else {
            out.insert(key, std::fs::read_to_string(&path).expect("utf-8 config"));
        }
    }
}

fn write_tree(dir: &Path, files: &BTreeMap<String, String>) {
    for (path, text) in files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, text).expect("write");
    }
}

/// Prefixes absolute paths (after whitespace or `=`) with `root`.
fn move_paths(text: &str, root: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev = '\n';
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if (prev.is_whitespace() || prev == '=') && ROOTS.iter().any(|r| rest.starts_with(r)) {
            out.push_str(root);
        }
        out.push(c);
        prev = c;
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A file name a glob matches: `*`/`?` → `x`, `[…]` → its first character.
fn example_of(glob: &str) -> String {
    let mut out = String::new();
    let mut chars = glob.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' | '?' => out.push('x'),
            '[' => {
                let class: String = chars.by_ref().take_while(|&c| c != ']').collect();
                out.push(class.chars().next().unwrap_or('x'));
            }
            c => out.push(c),
        }
    }
    out
}

/// `fail2ban-client -c DIR -d` as JSON values, one per command (python3 converts the
/// Python literals), and stderr.
fn dump(dir: &Path) -> (Vec<serde_json::Value>, String) {
    let output = Command::new("fail2ban-client")
        .arg("-c")
        .arg(dir)
        .arg("-d")
        .stdin(Stdio::null())
        .output()
        .expect("fail2ban-client runs");
    // Through a file: piping both ways to python3 would deadlock on a large dump.
    let raw = dir.join(".gblint-dump.txt");
    std::fs::write(&raw, &output.stdout).expect("write dump");
    let converted = Command::new("python3")
        .args([
            "-c",
            "import ast,json,sys\nfor l in open(sys.argv[1]):\n  l=l.strip()\n  if l.startswith('['): print(json.dumps(ast.literal_eval(l)))",
        ])
        .arg(&raw)
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs");
    let commands = String::from_utf8_lossy(&converted.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    (
        commands,
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

fn require_fail2ban() {
    let found = Command::new("fail2ban-client")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "fail2ban-client is missing: apt-get install -y --no-install-recommends fail2ban"
    );
}

/// What fail2ban dumped for one jail.
#[derive(Default, Debug)]
struct Dumped {
    backend: Option<String>,
    set: BTreeMap<String, String>,
    logpaths: Vec<String>,
    ignoreip: Vec<String>,
    failregex: Vec<String>,
    actions: Vec<String>,
    ports: Vec<String>,
}

fn as_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "None".to_string(),
        other => other.to_string(),
    }
}

fn by_jail(commands: &[serde_json::Value]) -> BTreeMap<String, Dumped> {
    let mut jails: BTreeMap<String, Dumped> = BTreeMap::new();
    for command in commands {
        let Some(parts) = command.as_array() else {
            continue;
        };
        let word = |i: usize| parts.get(i).map(as_text).unwrap_or_default();
        let jail = jails.entry(word(1)).or_default();
        match (word(0).as_str(), word(2).as_str()) {
            ("add", _) => jail.backend = Some(word(2)),
            ("set", "addlogpath") => jail.logpaths.push(word(3)),
            ("set", "addignoreip") => jail.ignoreip.extend((3..parts.len()).map(word)),
            ("set", "addfailregex") => jail.failregex.push(word(3)),
            ("multi-set", "addfailregex") => {
                if let Some(list) = parts.get(3).and_then(|v| v.as_array()) {
                    jail.failregex.extend(list.iter().map(as_text));
                }
            }
            ("set", "addaction") => jail.actions.push(word(3)),
            ("multi-set", "action") => {
                let port = parts
                    .get(4)
                    .and_then(|v| v.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|pair| pair.as_array())
                    .find(|pair| pair.first().map(as_text).as_deref() == Some("port"))
                    .and_then(|pair| pair.get(1).map(as_text));
                jail.ports.extend(port);
            }
            ("set", key) => {
                jail.set.insert(key.to_string(), word(3));
            }
            _ => {}
        }
    }
    jails
}

fn value(config: &Config, jail: &str, key: &str) -> Option<String> {
    config.jail(jail)?.get(key).map(|v| {
        v.interpolated()
            .clone()
            .unwrap_or_else(|e| format!("ERROR {e}"))
    })
}

/// Server-side tags fail2ban leaves in a failregex; any other `<tag>` is substituted by the
/// client from the filter's `[Init]` and gblint does not do that layer.
fn only_server_tags(regex: &str) -> bool {
    regex.split('<').skip(1).all(|part| {
        let tag = part.split('>').next().unwrap_or("");
        matches!(
            tag,
            "HOST" | "ADDR" | "IP4" | "IP6" | "DNS" | "CIDR" | "SUBNET" | "SKIPLINES"
        ) || tag.starts_with("F-")
            || tag.starts_with("/F-")
            || !part.contains('>')
    })
}

/// Compares every jail of upstream config/ and returns (disagreements, comparisons).
fn compare_upstream(found: &mut BTreeMap<String, String>) -> usize {
    let tmp = tempfile::tempdir().expect("tempdir");
    let conf = tmp.path().join("conf");
    let root = tmp.path().join("root").to_string_lossy().to_string();
    let mut files = BTreeMap::new();
    read_tree(&corpus_dir().join("fail2ban/config"), "", &mut files);
    for (path, text) in files.iter_mut() {
        if path == "jail.conf" || path.starts_with("paths-") {
            *text = move_paths(text, &root);
        }
    }
    let options = LoadOptions {
        confpath: conf.to_string_lossy().to_string(),
        ..LoadOptions::default()
    };
    let jails = load_with(&files, &options).jails();
    let local: String = jails
        .iter()
        .map(|j| format!("[{j}]\nenabled = true\n\n"))
        .collect();
    files.insert("jail.local".to_string(), local);
    write_tree(&conf, &files);
    let config = load_with(&files, &options);
    // The log files gblint says each jail reads.
    for jail in &jails {
        let logpath = value(&config, jail, "logpath").unwrap_or_default();
        for line in logpath.split('\n') {
            let glob = line.rsplit_once(' ').map_or(line, |(path, _)| path);
            if glob.starts_with(&root) {
                let file = example_of(glob);
                std::fs::create_dir_all(Path::new(&file).parent().expect("parent")).expect("mkdir");
                std::fs::write(&file, "").expect("log file");
            }
        }
    }
    let (commands, _stderr) = dump(&conf);
    let dumped = by_jail(&commands);
    let mut compared = 0;
    let mut check = |id: String, ours: String, theirs: String| {
        compared += 1;
        if ours != theirs {
            found.insert(id, format!("gblint {ours:?}, fail2ban {theirs:?}"));
        }
    };
    for jail in &jails {
        let empty = Dumped::default();
        let d = dumped.get(jail).unwrap_or(&empty);
        let enabled = value(&config, jail, "enabled").and_then(|v| parse_bool(&v)) == Some(true);
        check(
            format!("config:{jail}:enabled"),
            enabled.to_string(),
            d.backend.is_some().to_string(),
        );
        for key in ["maxretry", "findtime", "bantime", "usedns", "ignorecommand"] {
            let theirs = d.set.get(key).cloned().unwrap_or_default();
            check(
                format!("config:{jail}:{key}"),
                value(&config, jail, key).unwrap_or_default(),
                theirs,
            );
        }
        let backend = value(&config, jail, "backend").unwrap_or_default();
        check(
            format!("config:{jail}:backend"),
            backend.clone(),
            d.backend.clone().unwrap_or_default(),
        );
        let ignoreip: Vec<String> = value(&config, jail, "ignoreip")
            .unwrap_or_default()
            .split([' ', ',', '\n'])
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
        check(
            format!("config:{jail}:ignoreip"),
            ignoreip.join(" "),
            d.ignoreip.join(" "),
        );
        if !backend.starts_with("systemd") {
            let logpaths: BTreeSet<String> = value(&config, jail, "logpath")
                .unwrap_or_default()
                .split('\n')
                .map(|l| example_of(l.rsplit_once(' ').map_or(l, |(p, _)| p)))
                .collect();
            let theirs: BTreeSet<String> = d.logpaths.iter().cloned().collect();
            check(
                format!("config:{jail}:logpath"),
                format!("{logpaths:?}"),
                format!("{theirs:?}"),
            );
        }
        let actions = value(&config, jail, "action").unwrap_or_default();
        let mut names = Vec::new();
        let mut ports = Vec::new();
        for item in split_actions(&actions) {
            match parse_spec(&item) {
                Ok(spec) => {
                    let args: BTreeMap<_, _> = spec.args.iter().cloned().collect();
                    // ActionReader: a unique name per jail from the `name` argument.
                    let actname =
                        args.get("actname")
                            .cloned()
                            .unwrap_or_else(|| match args.get("name") {
                                Some(n) if n != jail => match n.strip_prefix(jail.as_str()) {
                                    Some(rest) => format!("{}{rest}", spec.name),
                                    None => format!("{}-{n}", spec.name),
                                },
                                _ => spec.name.clone(),
                            });
                    names.push(actname);
                    if let Some(port) = args.get("port") {
                        ports.push(port.clone());
                    }
                }
                Err(e) => names.push(format!("ERROR {e}")),
            }
        }
        // Actions whose own [Init] sets the port are left out of the port comparison.
        check(
            format!("config:{jail}:action"),
            names.join(" "),
            d.actions.join(" "),
        );
        let theirs_ports: Vec<String> = d.ports.iter().take(ports.len()).cloned().collect();
        check(
            format!("config:{jail}:port"),
            ports.join(" "),
            theirs_ports.join(" "),
        );
        let filter = value(&config, jail, "filter").unwrap_or_default();
        match parse_spec(&filter) {
            Ok(spec) => {
                let ours = config
                    .filter_options(&spec.name)
                    .and_then(|f| f.get("failregex").cloned())
                    .map(|v| {
                        v.interpolated()
                            .clone()
                            .unwrap_or_else(|e| format!("ERROR {e}"))
                    })
                    .unwrap_or_default();
                if only_server_tags(&ours) {
                    let ours: Vec<&str> = ours.split('\n').filter(|l| !l.is_empty()).collect();
                    check(
                        format!("config:{jail}:filter"),
                        ours.join("\n"),
                        d.failregex.join("\n"),
                    );
                }
            }
            Err(e) => check(
                format!("config:{jail}:filter"),
                format!("ERROR {e}"),
                String::new(),
            ),
        }
    }
    compared
}

/// gblint's `load` findings on a tree, as (message, code).
fn load_findings(root: &Path) -> Vec<(String, String)> {
    let output = gblint_tests::run_gblint(
        root,
        &["check", ".", "--output-format", "json", "--select", "load"],
        None,
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("gblint json: {}", String::from_utf8_lossy(&output.stderr)));
    json.as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["message"].as_str().unwrap_or_default().to_string(),
                f["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Verdicts on every enabled jail of tests-config/; returns the number of jails judged.
fn compare_test_config(found: &mut BTreeMap<String, String>) -> usize {
    let tmp = tempfile::tempdir().expect("tempdir");
    // As a machine's /etc/fail2ban, so that `gblint check` reads it as one configuration.
    let etc = tmp.path().join("etc/fail2ban");
    let mut files = BTreeMap::new();
    read_tree(&corpus_dir().join("fail2ban/tests-config"), "", &mut files);
    write_tree(&etc, &files);
    let config = load_with(
        &files,
        &LoadOptions {
            confpath: etc.to_string_lossy().to_string(),
            ..LoadOptions::default()
        },
    );
    // gblint's own verdict: a finding naming the jail (F2B006 skipped, F2B000 for one of its
    // options), or a file fail2ban cannot read at all (F2B000 without a jail).
    let findings = load_findings(tmp.path());
    let everything = findings
        .iter()
        .find(|(message, _)| !message.starts_with('['))
        .map(|(message, code)| format!("{code} {message}"));
    let (_commands, stderr) = dump(&etc);
    let refused: BTreeSet<String> = stderr
        .lines()
        .filter_map(|l| l.split("Errors in jail '").nth(1))
        .filter_map(|l| l.split('\'').next())
        .map(String::from)
        .collect();
    let failed_everything = stderr.contains("Failed during configuration");
    let mut judged = 0;
    for jail in config.jails() {
        let enabled = value(&config, &jail, "enabled").and_then(|v| parse_bool(&v)) == Some(true);
        if !enabled {
            continue;
        }
        judged += 1;
        let prefix = format!("[{jail}] ");
        let ours = findings
            .iter()
            .find(|(message, _)| message.starts_with(&prefix))
            .map(|(message, code)| format!("{code} {message}"))
            .or_else(|| everything.clone());
        let theirs = refused.contains(&jail) || failed_everything;
        if ours.is_some() != theirs {
            found.insert(
                format!("tests-config:{jail}"),
                format!("gblint {ours:?}, fail2ban refused: {theirs}"),
            );
        }
    }
    judged
}

#[test]
fn fail2ban_merged_values_agree_with_fail2ban_client() {
    require_fail2ban();
    let mut found = BTreeMap::new();
    let compared = compare_upstream(&mut found);
    let judged = compare_test_config(&mut found);
    let listed = gblint_tests::listed_disagreements("fail2ban-disagreements.tsv");
    let check = gblint_tests::ListedCheck::new(&found, &listed);
    println!(
        "fail2ban oracle: {compared} values compared on upstream config/, {judged} jails judged in tests-config/, {} disagreements (all listed: {})",
        found.len(),
        check.unlisted.is_empty()
    );
    check.assert_clean(
        "disagreements with fail2ban-client",
        "fail2ban-disagreements.tsv",
    );
}

/// The Debian package's own /etc/fail2ban (jail.conf with [INCLUDES] paths-debian.conf, every
/// filter and action) as a machine folder: gblint reads it as fail2ban does and reports nothing.
/// (Regression: paths-*.conf were once not read, and unused `action_*` options of disabled
/// jails were interpolated although fail2ban never evaluates them.)
#[test]
fn the_installed_fail2ban_tree_checks_clean() {
    let etc = std::path::Path::new("/etc/fail2ban");
    assert!(
        etc.join("jail.conf").is_file(),
        "the fail2ban oracle needs Debian's fail2ban installed"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    gblint_tests::copy_tree(etc, &dir.path().join("etc/fail2ban"));
    let output = gblint_tests::run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "concise"],
        None,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!stdout.contains("F2B000"), "{stdout}");
}

/// Jails fail2ban refuses, each a `jail.local` dropped into the installed Debian tree: gblint
/// reports each refusal (F2B006 for a skipped jail, F2B000 when fail2ban stops) with the line
/// fail2ban itself prints, and nothing for the jail that loads.
#[test]
fn refusals_are_reported_in_fail2ban_s_words() {
    require_fail2ban();
    let cases: &[(&str, &str)] = &[
        ("missing-filter", "[web]\nenabled = true\nfilter = no-such-filter\nlogpath = /var/log/x.log\n"),
        ("missing-action", "[sshd]\nenabled = true\naction = nftables-input[name=ssh]\n"),
        ("default-filter-missing", "[postfixadmin]\nenabled = true\nlogpath = /var/log/x.log\n"),
        ("malformed-filter", "[web]\nenabled = true\nfilter = sshd[mode=\nlogpath = /var/log/x.log\n"),
        ("newer-jail-conf", "[apache-fakegooglebot]\nenabled = true\nlogpath = /var/log/x.log\nignorecommand = %(ignorecommands_dir)s/apache-fakegooglebot <ip>\n"),
        ("disabled-missing", "[web]\nenabled = false\nfilter = no-such-filter\n"),
        ("loads", "[sshd]\nenabled = true\naction = iptables-multiport[name=ssh]\n"),
    ];
    let mut failures = Vec::new();
    for (name, jail_local) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let etc = dir.path().join("etc/fail2ban");
        gblint_tests::copy_tree(Path::new("/etc/fail2ban"), &etc);
        std::fs::write(etc.join("jail.local"), jail_local).expect("write");
        let (_commands, stderr) = dump(&etc);
        // fail2ban's error lines, without the "under <dir>" that names the temporary folder.
        let theirs: Vec<String> = stderr
            .lines()
            .filter_map(|l| l.split("ERROR").nth(1))
            .map(|l| l.trim().to_string())
            .filter(|l| {
                l.starts_with("Unable to read")
                    || l.starts_with("Invalid ")
                    || l.starts_with("Errors in jail")
                    || l.contains("Bad value substitution")
            })
            .map(|l| {
                l.trim_start_matches("Failed during configuration: ")
                    .to_string()
            })
            .collect();
        let output = gblint_tests::run_gblint(
            dir.path(),
            &["check", ".", "--output-format", "json", "--select", "load"],
            None,
        );
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        let ours: Vec<String> = json
            .as_array()
            .expect("array")
            .iter()
            .map(|f| f["message"].as_str().unwrap_or_default().to_string())
            .collect();
        let missed: Vec<&String> = theirs
            .iter()
            .filter(|line| !ours.iter().any(|m| m.contains(line.as_str())))
            .collect();
        if !missed.is_empty() || (theirs.is_empty() != ours.is_empty()) {
            failures.push(format!("{name}: fail2ban {theirs:?}\n  gblint {ours:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
