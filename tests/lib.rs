//! Shared helpers for gblint's integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The shared corpus folder named by `GBLINT_CORPUS`. Suites that need it are switched on
/// explicitly, so a missing variable or folder is a failure, never a skip.
pub fn corpus_dir() -> PathBuf {
    let named = std::env::var_os("GBLINT_CORPUS")
        .map(PathBuf::from)
        .expect("GBLINT_CORPUS must name the shared corpus folder (e.g. ../shared/corpus) when this suite is switched on");
    // Relative paths are taken from the workspace root, where the suites are started.
    let dir = if named.is_absolute() {
        named
    } else {
        workspace_root().join(named)
    };
    assert!(
        dir.is_dir(),
        "GBLINT_CORPUS={} is not a folder",
        dir.display()
    );
    dir.canonicalize().expect("corpus path")
}

/// Path of the workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The `gblint` binary of this workspace, built on first use if `cargo test` has not built it.
pub fn gblint_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace_root().join("target"));
        let binary = target.join("debug").join("gblint");
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--quiet", "-p", "gblint-cli", "--bin", "gblint"])
            .current_dir(workspace_root())
            .status()
            .expect("cargo build runs");
        assert!(status.success(), "building gblint failed");
        assert!(binary.is_file(), "no gblint binary at {}", binary.display());
        binary
    })
}

/// Run gblint with `args` in `dir`, with colour off and an optional standard input.
pub fn run_gblint(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut command = Command::new(gblint_binary());
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE");
    command.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("gblint starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
    }
    child.wait_with_output().expect("gblint finishes")
}

/// The `gblint` command [`run_gblint`] runs, not yet started: for snapshots of a whole run
/// (exit code, standard output and standard error) with insta-cmd. Colour is off, and the
/// caller's `COLUMNS` is removed so that human output wraps at gblint's default width wherever
/// the tests run (a test that sets it shows it in the snapshot's header).
pub fn gblint_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(gblint_binary());
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("COLUMNS");
    command
}

/// insta filters that make a run's snapshot the same wherever it ran: the run's folder `dir`
/// (a temporary folder) reads `[TEMP]` and the workspace `[ROOT]`, as given and as resolved
/// (`/tmp` may be a link).
pub fn path_filters(dir: &Path) -> Vec<(String, String)> {
    let mut filters = Vec::new();
    for (path, name) in [(dir.to_path_buf(), "[TEMP]"), (workspace_root(), "[ROOT]")] {
        let resolved = path.canonicalize().unwrap_or_else(|_| path.clone());
        for form in [resolved, path] {
            let text = form.to_string_lossy().into_owned();
            if !filters
                .iter()
                .any(|(pattern, _)| *pattern == regex_escape(&text))
            {
                filters.push((regex_escape(&text), name.to_owned()));
            }
        }
    }
    filters
}

/// `text` as a regular expression that matches exactly it.
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Copy a folder tree (the example deployment) into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A checked-in `tests/oracle/<name>` list of known disagreements with a real tool:
/// `id<TAB>reason` lines (`#` comments, blank lines ignored). Every entry needs its reason.
pub fn listed_disagreements(name: &str) -> std::collections::BTreeMap<String, String> {
    listed_disagreements_at(&workspace_root().join("tests/oracle").join(name))
}

/// A list of known disagreements in the format of [`listed_disagreements`], at any path.
pub fn listed_disagreements_at(path: &Path) -> std::collections::BTreeMap<String, String> {
    let name = path.display();
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (id, reason) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("{name}: expected id<TAB>reason, got {line:?}"));
            assert!(
                reason.trim().len() > 10,
                "{id}: a listed disagreement needs its reason"
            );
            (id.to_owned(), reason.to_owned())
        })
        .collect()
}

/// A run's disagreements set against a disagreements file: what it found that the file does not
/// list, and what the file lists that the run no longer found (stale entries to remove).
pub struct ListedCheck {
    /// Found but not listed, as `id<TAB>what`.
    pub unlisted: Vec<String>,
    /// Listed but no longer found.
    pub stale: Vec<String>,
}

impl ListedCheck {
    /// Compare `found` (id → what the run saw) with `listed` (from [`listed_disagreements`]).
    pub fn new<V: std::fmt::Display>(
        found: &std::collections::BTreeMap<String, V>,
        listed: &std::collections::BTreeMap<String, String>,
    ) -> ListedCheck {
        ListedCheck {
            unlisted: found
                .iter()
                .filter(|(id, _)| !listed.contains_key(*id))
                .map(|(id, what)| format!("{id}\t{what}"))
                .collect(),
            stale: listed
                .keys()
                .filter(|id| !found.contains_key(*id))
                .cloned()
                .collect(),
        }
    }

    /// Fail on any unlisted disagreement (`what` says what kind, e.g. "differences from caddy
    /// fmt") and on any stale entry of `file`.
    pub fn assert_clean(&self, what: &str, file: &str) {
        assert!(
            self.unlisted.is_empty(),
            "{what} not listed in {file}:\n{}",
            self.unlisted.join("\n")
        );
        assert!(
            self.stale.is_empty(),
            "{file} lists entries that now agree (remove them): {:?}",
            self.stale
        );
    }
}

/// Run one of the shared input generators (`bench/gen/SCRIPT N OUT`) and return what it wrote.
pub fn run_generator(shared: &Path, script: &str, size: u32, out_name: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join(out_name);
    let status = Command::new("python3")
        .arg(shared.join("bench/gen").join(script))
        .arg(size.to_string())
        .arg(&out)
        .status()
        .expect("python3 runs the generator");
    assert!(status.success(), "{script} {size} failed");
    std::fs::read_to_string(out).expect("generated")
}
