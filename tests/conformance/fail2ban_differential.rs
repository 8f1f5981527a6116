//! Differential test of the fail2ban engine: the findings (`--output-format json`) of this
//! build on configuration trees built from the shared corpus must equal the findings
//! recorded from the engine before its loader, INI reader and jail views were reworked for
//! speed (`fail2ban-differential/*.txt`). The trees: each corpus configuration folder as an
//! `etc/fail2ban/`; every collected real-world jail file (the corpus's and
//! `tests/realworld/fail2ban`, with the filters and actions some bring along) dropped into
//! the corpus's stock tree; and the benchmark's tree — the stock tree with 1, 20 and 200
//! HTTP-flood jails in `jail.local` (`gen_fail2ban.py`'s shape).
//!
//! To record the expectation again from a given binary (only ever from an engine whose
//! findings are known good): `GBLINT_DIFFERENTIAL_BLESS=path/to/gblint cargo test -p
//! gblint-tests --features conformance --test conformance -- fail2ban_differential`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use gblint_tests::{corpus_dir, workspace_root};

use crate::differential::{compare, record, sorted_files};

/// One input tree: its name and its files (path inside `etc/fail2ban/`, bytes).
struct Tree {
    name: String,
    files: Vec<(String, Vec<u8>)>,
}

/// Every file under `dir`, keyed by its path inside it, sorted.
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    sorted_files(dir)
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            (relative, std::fs::read(&path).expect("read"))
        })
        .collect()
}

/// The corpus's stock configuration folder (fail2ban's own `config/`).
fn stock() -> Vec<(String, Vec<u8>)> {
    files_under(&corpus_dir().join("fail2ban/config"))
}

/// Puts `file` into `files`, replacing a file of the same path.
fn put(files: &mut Vec<(String, Vec<u8>)>, path: String, bytes: Vec<u8>) {
    files.retain(|(p, _)| *p != path);
    files.push((path, bytes));
}

/// Each configuration folder of the corpus, alone.
fn corpus_trees() -> Vec<Tree> {
    let base = corpus_dir().join("fail2ban");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&base)
        .expect("corpus fail2ban")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| Tree {
            name: dir
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            files: files_under(&dir),
        })
        .collect()
}

/// Each real-world jail file over the stock tree: `…jail.d__NAME` goes to `jail.d/NAME`,
/// anything else is the `jail.local`; `tests/realworld/fail2ban-extra/<same name>/` adds its
/// filters and actions.
fn realworld_trees() -> Vec<Tree> {
    let extra = workspace_root().join("tests/realworld/fail2ban-extra");
    let mut paths = Vec::new();
    for dir in [
        corpus_dir().join("realworld/fail2ban"),
        workspace_root().join("tests/realworld/fail2ban"),
    ] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        paths.extend(found);
    }
    paths
        .into_iter()
        .enumerate()
        .map(|(i, path)| {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let mut files = stock();
            let target = match name.rsplit_once("jail.d__") {
                Some((_, rest)) => format!("jail.d/{rest}"),
                None => "jail.local".to_string(),
            };
            put(&mut files, target, std::fs::read(&path).expect("read"));
            let brought = extra.join(&name);
            if brought.is_dir() {
                for (relative, bytes) in files_under(&brought) {
                    put(&mut files, relative, bytes);
                }
            }
            Tree {
                name: format!("rw{i:03}-{name}"),
                files,
            }
        })
        .collect()
}

/// The benchmark's `jail.local` (`gen_fail2ban.py`): `sshd` disabled, then `n` enabled
/// flood jails, each on its own (absent) log file.
fn generated_jail_local(n: usize) -> String {
    let mut out = String::from("[DEFAULT]\nbackend = auto\n\n[sshd]\nenabled = false\n");
    for i in 1..=n {
        let name = if i == 1 {
            "caddy-http-flood".to_string()
        } else {
            format!("caddy-http-flood-{i}")
        };
        let _ = write!(
            out,
            "\n[{name}]\nenabled  = true\nport     = http,https\nfilter   = caddy-http-flood\n\
             logpath  = /var/log/gblint-bench/site{i}-access.log\nmaxretry = 100\nfindtime = 60\nbantime  = 3600\n"
        );
    }
    out
}

fn generated_trees() -> Vec<Tree> {
    [1, 20, 200]
        .into_iter()
        .map(|n| {
            let mut files = stock();
            put(
                &mut files,
                "filter.d/caddy-http-flood.conf".to_string(),
                b"[Definition]\nfailregex = ^\\{.*\"logger\":\"http\\.log\\.access[^\"]*\".*\"remote_ip\":\"<HOST>\".*\"status\":4\\d\\d[,}]\nignoreregex =\ndatepattern = \"ts\":{EPOCH}\n".to_vec(),
            );
            put(&mut files, "jail.local".to_string(), generated_jail_local(n).into_bytes());
            Tree {
                name: format!("generated-{n}"),
                files,
            }
        })
        .collect()
}

/// gblint's exit code, standard output and standard error on each tree, checked from a
/// scratch folder holding it as `etc/fail2ban/` (so the paths in the output are stable).
fn findings(binary: &Path, trees: &[Tree]) -> String {
    let mut out = String::new();
    for tree in trees {
        let dir = tempfile::tempdir().expect("tempdir");
        for (relative, bytes) in &tree.files {
            let path = dir.path().join("etc/fail2ban").join(relative);
            std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
            std::fs::write(&path, bytes).expect("write");
        }
        let output = Command::new(binary)
            .args(["check", "--output-format", "json", "etc"])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("gblint runs");
        record(&mut out, &tree.name, &output);
    }
    out
}

/// Compares the findings on `trees` with `fail2ban-differential/<group>.txt`.
fn compare_group(group: &str, trees: &[Tree]) {
    compare(
        "fail2ban-differential",
        group,
        trees.len(),
        "trees",
        |binary| findings(binary, trees),
    );
}

#[test]
fn fail2ban_differential_corpus() {
    compare_group("corpus", &corpus_trees());
}

#[test]
fn fail2ban_differential_realworld() {
    compare_group("realworld", &realworld_trees());
}

#[test]
fn fail2ban_differential_generated() {
    compare_group("generated", &generated_trees());
}
