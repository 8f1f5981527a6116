//! gblint's reading of unit files against `systemd-analyze verify` of systemd 252.
//!
//! Each case (a corpus unit with the drop-ins beside it, or a hand-written fixture with typos)
//! is written to a fresh temporary folder and checked with `systemd-analyze verify --man=no
//! DIR/UNIT`, which needs no systemd as PID 1: the unit's folder joins
//! the search path, so drop-ins in `UNIT.d/` apply, and parse warnings come out as
//! `/abs/path:LINE: message`. `.in` build templates are checked under their name without
//! `.in`; a drop-in without its unit gets a stub unit.
//!
//! Compared, as sets of `file:line: message`: unknown keys and sections, removed keys, the
//! line-grammar warnings (`Assignment outside of section`, `Missing '='`, `Missing key name`,
//! `Invalid section header`, `Bad characters in section header`), `Environment=` words
//! (`Invalid environment assignment`, `Invalid syntax`) and unknown specifiers in `Exec*=`
//! (`Failed to resolve unit specifiers`). gblint's side is `parse`, `check_keys`,
//! `environment_words` and `unknown_specifiers`. Load-time messages that depend on the host
//! (missing binaries, users, dependencies) are not compared.
//!
//! Every disagreement must be listed, as `id<TAB>reason`, in `systemd-disagreements.tsv`; an
//! unlisted disagreement or a stale entry fails the test, and so does a missing
//! `systemd-analyze`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use gblint_systemd::{check_keys, environment_words, parse, unit_type, unknown_specifiers};
use gblint_tests::corpus_dir;

/// One `systemd-analyze verify` run: files to write (relative paths) and the unit to verify.
struct Case {
    id: String,
    files: Vec<(String, String)>,
    unit: String,
}

/// The hand-written fixtures: typos systemd warns about, and a few things it must not.
const FIXTURES: &[(&str, &[(&str, &str)])] = &[
    (
        "typos",
        &[(
            "typos.service",
            "[Unit]\nDescripton=typo\nAfter=network.target\n\n[Service]\nType=oneshot\nExecStrat=/bin/true\nExecStart=/bin/true\nRestartSec=5\nRestrat=always\nexecstart=/bin/true\n\n[Install]\nWantedBy=multi-user.target\nWantedby=multi-user.target\nAfter=network.target\n",
        )],
    ),
    (
        "misspelt-section",
        &[(
            "misspelt.service",
            "[Unit]\nDescription=x\n[Servce]\nExecStart=/bin/true\nFoo=bar\n[Service]\nType=oneshot\nExecStart=/bin/true\n[Instal]\nWantedBy=multi-user.target\n",
        )],
    ),
    (
        "service-with-other-sections",
        &[(
            "wrong.service",
            "[Unit]\nDescription=x\n[Service]\nType=oneshot\nExecStart=/bin/true\n[Timer]\nOnCalendar=daily\n[Socket]\nListenStream=1\n",
        )],
    ),
    (
        "socket-with-service-keys",
        &[
            (
                "sock.socket",
                "[Unit]\nDescription=x\n[Socket]\nListenStream=127.0.0.1:9\nExecStartPre=/bin/true\nExecStart=/bin/true\n[Service]\nExecStart=/bin/true\n",
            ),
            ("sock.service", "[Service]\nExecStart=/bin/true\n"),
        ],
    ),
    (
        "x-prefixed",
        &[(
            "xkeys.service",
            "[Unit]\nDescription=x\nX-Owner=ops\n[X-Mine]\nAnything=1\n[Service]\nType=oneshot\nExecStart=/bin/true\nX-Note=hi\n",
        )],
    ),
    (
        "continuations",
        &[(
            "cont.service",
            "[Unit]\nDescription=a \\\n# a comment inside the continuation\n  b\n[Service]\nType=oneshot\nExecStart=/bin/echo one \\\n    two\nRestrt=always\nEnvironment=A=1 \\\n  B=2 \\\n  bad-name=3\nExecStart=/bin/echo \\\\\nTimoutSec=5\n",
        )],
    ),
    (
        "line-problems",
        &[(
            "lines.service",
            "Description=before any section\n[Unit]\nDescription=x # not a comment\n  # a comment\n ; another\nnovalue\n=value\n[Service]\nType=oneshot\nExecStart=/bin/true\n",
        )],
    ),
    (
        "bad-header",
        &[(
            "header.service",
            "[Unit]\nDescription=x\n[Service\nExecStart=/bin/true\nFoo=1\n",
        )],
    ),
    (
        "environment",
        &[(
            "env.service",
            "[Service]\nType=oneshot\nExecStart=/bin/true\nEnvironment=A=1 \"B=two words\" C=z\"q r\"s D='x y' E=\\x41\nEnvironment=BAD A.B=1 1A=2 _ok=3 =4\nEnvironment=\"UNBALANCED=1\nEnvironment=F=\\q\nEnvironment=G=\\u00e9 \"H=\\xff\"\nEnvironment=\\x41=1\nEnvironment=\n",
        )],
    ),
    (
        "removed-and-deprecated",
        &[(
            "legacy.service",
            "[Unit]\nDescription=x\nIgnoreOnSnapshot=yes\nStartLimitInterval=10\n[Service]\nType=oneshot\nExecStart=/bin/true\nPermissionsStartOnly=true\nStartLimitInterval=10\nMemoryLimit=1G\nBlockIOWeight=10\nSysVStartPriority=1\nCapabilities=cap_net_admin+ep\nNetClass=1\nBusPolicy=x\n",
        )],
    ),
    (
        "specifiers",
        &[(
            "spec.service",
            "[Unit]\nDescription=%n on %H\n[Service]\nType=oneshot\nExecStart=/bin/echo %n %i %t %%x\nExecStartPost=/bin/echo %x\n",
        )],
    ),
    (
        "timer",
        &[
            (
                "job.timer",
                "[Unit]\nDescription=x\n[Timer]\nOnCalender=daily\nOnCalendar=daily\nPersistant=true\nRandomizedDelaySec=5\n[Install]\nWantedBy=timers.target\n",
            ),
            (
                "job.service",
                "[Service]\nType=oneshot\nExecStart=/bin/true\n",
            ),
        ],
    ),
    (
        "drop-in",
        &[
            (
                "app.service",
                "[Unit]\nDescription=x\n[Service]\nType=oneshot\nExecStart=/bin/true\n",
            ),
            (
                "app.service.d/10-env.conf",
                "[Service]\nEnviroment=A=1\nEnvironment=B=2 bad\n[Unit]\nWnats=x.service\n",
            ),
        ],
    ),
    (
        "target",
        &[(
            "grp.target",
            "[Unit]\nDescription=x\n[Target]\nFoo=1\n[Install]\nWantedBy=multi-user.target\n",
        )],
    ),
    (
        "path",
        &[
            (
                "watch.path",
                "[Unit]\nDescription=x\n[Path]\nPathExist=/tmp/x\nPathExists=/tmp/x\nUnit=job2.service\n",
            ),
            ("job2.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n"),
        ],
    ),
];

fn fixture_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (id, files) in FIXTURES {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
            .collect();
        // The first file is the unit to verify; the others are its drop-ins or the clean
        // units it references.
        cases.push(Case {
            id: format!("fixture/{id}"),
            unit: files[0].0.clone(),
            files,
        });
    }
    cases
}

fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            corpus_files(&path, out);
        } else if path.file_name().is_some_and(|n| n != "PROVENANCE.md") {
            out.push(path);
        }
    }
}

/// A corpus unit with the drop-ins of its folder; `.in` dropped from template names; a stub
/// unit for a drop-in folder without its unit.
fn corpus_cases() -> Vec<Case> {
    let corpus = corpus_dir();
    let mut paths = Vec::new();
    corpus_files(&corpus.join("systemd"), &mut paths);
    corpus_files(&corpus.join("generalbots").join("systemd"), &mut paths);
    paths.sort();
    let read = |p: &Path| std::fs::read_to_string(p).expect("corpus unit");
    let mut cases = Vec::new();
    let mut drop_in_dirs = BTreeSet::new();
    for path in &paths {
        let parent = path.parent().expect("parent");
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if parent
            .file_name()
            .is_some_and(|d| d.to_string_lossy().ends_with(".d"))
        {
            drop_in_dirs.insert(parent.to_path_buf());
            continue;
        }
        let unit = name.strip_suffix(".in").unwrap_or(&name).to_owned();
        let mut files = vec![(unit.clone(), read(path))];
        let drop_ins = parent.join(format!("{name}.d"));
        if drop_ins.is_dir() {
            for drop_in in paths
                .iter()
                .filter(|p| p.parent() == Some(drop_ins.as_path()))
            {
                let file = drop_in.file_name().expect("name").to_string_lossy();
                files.push((format!("{unit}.d/{file}"), read(drop_in)));
            }
        }
        let relative = path.strip_prefix(&corpus).unwrap_or(path);
        cases.push(Case {
            id: relative.display().to_string(),
            files,
            unit,
        });
    }
    for dir in drop_in_dirs {
        let dir_name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let unit = dir_name.trim_end_matches(".d").to_owned();
        if dir.parent().is_some_and(|p| p.join(&unit).is_file()) {
            continue;
        }
        let mut files = vec![(unit.clone(), "[Service]\nExecStart=/bin/true\n".to_owned())];
        for drop_in in paths.iter().filter(|p| p.parent() == Some(dir.as_path())) {
            let file = drop_in.file_name().expect("name").to_string_lossy();
            files.push((format!("{dir_name}/{file}"), read(drop_in)));
        }
        let relative = dir.strip_prefix(&corpus).unwrap_or(&dir);
        cases.push(Case {
            id: relative.display().to_string(),
            files,
            unit,
        });
    }
    cases
}

/// The message classes compared; systemd's line is kept as is except specifier failures,
/// which are reduced to their first words (systemd prints the resolved word).
fn compared(message: &str) -> Option<String> {
    const PREFIXES: &[&str] = &[
        "Unknown key '",
        "Unknown section '",
        "Support for option ",
        "Assignment outside of section",
        "Missing '='",
        "Missing key name before '='",
        "Invalid section header",
        "Bad characters in section header",
        "Invalid environment assignment",
        "Invalid syntax",
    ];
    if message.starts_with("Failed to resolve unit specifiers") {
        return Some("Failed to resolve unit specifiers".to_owned());
    }
    PREFIXES
        .iter()
        .any(|p| message.starts_with(p))
        .then(|| message.to_owned())
}

/// What gblint says about the files of a case: `file:line: message`.
fn gblint_messages(case: &Case) -> BTreeSet<String> {
    let main_type = unit_type(&case.unit).unwrap_or("service");
    let mut out = BTreeSet::new();
    for (name, text) in &case.files {
        // A drop-in belongs to the unit of its folder.
        let kind = match name.split_once(".d/") {
            Some((unit, _)) => unit_type(unit).unwrap_or(main_type),
            None => match unit_type(name) {
                Some(kind) => kind,
                None => continue,
            },
        };
        // systemd-analyze also reads the units the verified one references (a socket's
        // service, a path unit's Unit=); the fixtures keep those helper units clean.
        let unit = parse(text);
        let mut add = |line: u32, message: &str| {
            if let Some(message) = compared(message) {
                out.insert(format!("{name}:{line}: {message}"));
            }
        };
        for problem in unit.problems.iter().chain(check_keys(&unit, kind).iter()) {
            add(problem.line, &problem.message);
        }
        for section in &unit.sections {
            if !gblint_systemd::is_known_section(&section.name, kind) {
                continue;
            }
            for entry in &section.entries {
                if section.name == "Service" && entry.key == "Environment" {
                    for problem in environment_words(&entry.value).1 {
                        add(entry.end_line, &problem);
                    }
                }
                if entry.key.starts_with("Exec")
                    && gblint_systemd::is_known_key(&section.name, &entry.key, kind)
                    && !unknown_specifiers(&entry.value).is_empty()
                {
                    add(entry.end_line, "Failed to resolve unit specifiers");
                }
            }
        }
    }
    out
}

/// What `systemd-analyze verify` says about the files of a case.
fn systemd_messages(case: &Case) -> (BTreeSet<String>, String) {
    let temp = tempfile::tempdir().expect("tempdir");
    let dir = temp.path().canonicalize().expect("canonical temp dir");
    for (name, text) in &case.files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, text).expect("write unit");
    }
    let output = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(dir.join(&case.unit))
        .env("SYSTEMD_LOG_COLOR", "0")
        .env("SYSTEMD_PAGER", "")
        .output()
        .expect("systemd-analyze runs");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let prefix = format!("{}/", dir.display());
    let mut out = BTreeSet::new();
    for line in all.lines() {
        let Some(rest) = line.strip_prefix(&prefix) else {
            continue;
        };
        let Some((file, rest)) = rest.split_once(':') else {
            continue;
        };
        let Some((number, message)) = rest.split_once(": ") else {
            continue;
        };
        if number.parse::<u32>().is_err() {
            continue;
        }
        if let Some(message) = compared(message) {
            out.insert(format!("{file}:{number}: {message}"));
        }
    }
    (out, all)
}

#[test]
fn unit_file_warnings_agree_with_systemd_analyze_verify() {
    let version = Command::new("systemd-analyze").arg("--version").output();
    let version = match version {
        Ok(output) if output.status.success() => String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
        _ => panic!("systemd-analyze is missing: install Debian's `systemd` package"),
    };
    let started = std::time::Instant::now();
    let mut cases = corpus_cases();
    let corpus_count = cases.len();
    cases.extend(fixture_cases());
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), cases.len(), "case ids must be unique");

    let mut disagreements = BTreeMap::new();
    let (mut agreed, mut messages) = (0, 0);
    for case in &cases {
        let ours = gblint_messages(case);
        let (theirs, raw) = systemd_messages(case);
        messages += theirs.len();
        agreed += ours.intersection(&theirs).count();
        for only in theirs.difference(&ours) {
            disagreements.insert(format!("{}|systemd-only|{only}", case.id), raw.clone());
        }
        for only in ours.difference(&theirs) {
            disagreements.insert(format!("{}|gblint-only|{only}", case.id), raw.clone());
        }
    }
    let listed = gblint_tests::listed_disagreements("systemd-disagreements.tsv");
    let unlisted: Vec<String> = disagreements
        .iter()
        .filter(|(id, _)| !listed.contains_key(*id))
        .map(|(id, raw)| format!("{id}\n  systemd-analyze said:\n{raw}"))
        .collect();
    let stale: Vec<&String> = listed
        .keys()
        .filter(|id| !disagreements.contains_key(*id))
        .collect();
    println!(
        "systemd oracle ({version}): {} cases ({corpus_count} corpus, {} fixtures), {messages} \
         compared systemd warnings, {agreed} agreed, {} disagreements (all listed: {}) in {:.1?}",
        cases.len(),
        cases.len() - corpus_count,
        disagreements.len(),
        unlisted.is_empty(),
        started.elapsed()
    );
    assert!(
        unlisted.is_empty(),
        "unlisted disagreements:\n{}",
        unlisted.join("\n")
    );
    assert!(
        stale.is_empty(),
        "stale entries in systemd-disagreements.tsv: {stale:?}"
    );
    assert!(messages > 30, "the fixtures should make systemd warn");
}
