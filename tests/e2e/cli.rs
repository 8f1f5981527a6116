//! The pieces of [`assert_cli_snapshot!`] that show a run's input in its snapshot: standard
//! input and the files a test wrote or edited, each in its own section of the body, verbatim,
//! before the exit code, standard output and standard error.
//!
//! insta-cmd puts standard input into the snapshot's header as one escaped YAML string, which
//! hides the very text the test is about; here the header keeps only what insta-cmd shows
//! there for every run (program, arguments, environment) and the body reads top to bottom as
//! "given this input, gblint answered this".

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Serialize;

/// The snapshot header of a run, in insta-cmd's layout without its `stdin` entry.
#[derive(Serialize)]
pub struct Info {
    program: String,
    args: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    env: BTreeMap<String, String>,
}

/// One `gblint` run to snapshot: see [`assert_cli_snapshot!`].
pub struct CliRun {
    command: Command,
    stdin: Option<String>,
    inputs: String,
    filters: Vec<(String, String)>,
    /// The folders shown as `[TEMP]` in the output, also in the header's arguments.
    temps: Vec<PathBuf>,
}

impl CliRun {
    /// `gblint ARGS` run in `dir`, whose path (a temporary folder) reads `[TEMP]` (`[ROOT]`
    /// if it is the workspace), and the timestamp of a backup's name
    /// (`<file>.bak-YYYYMMDDHHMM`) `[TIMESTAMP]`.
    pub fn new(dir: &Path, args: &[&str]) -> CliRun {
        let canonical = |path: &Path| path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let is_root = canonical(dir) == canonical(&gblint_tests::workspace_root());
        let mut filters = gblint_tests::path_filters(dir);
        if is_root {
            for (_, name) in &mut filters {
                *name = "[ROOT]".to_owned();
            }
        }
        filters.push((
            r"\.bak-[0-9]{12}\b".to_owned(),
            ".bak-[TIMESTAMP]".to_owned(),
        ));
        CliRun {
            command: gblint_tests::gblint_command(dir, args),
            stdin: None,
            inputs: String::new(),
            filters,
            temps: if is_root {
                Vec::new()
            } else {
                vec![dir.to_path_buf()]
            },
        }
    }

    /// The same run with `text` on its standard input.
    pub fn stdin(mut self, text: impl AsRef<str>) -> CliRun {
        self.stdin = Some(text.as_ref().to_owned());
        self
    }

    /// The same run with the files `inputs` recorded, as they are now, shown before it.
    pub fn inputs(mut self, inputs: &Inputs) -> CliRun {
        self.inputs = inputs.show();
        self
    }

    /// The same run with another temporary folder (the run's own folder being, say, the
    /// workspace) also reading `[TEMP]`.
    pub fn temp(mut self, dir: &Path) -> CliRun {
        let mut filters = gblint_tests::path_filters(dir);
        // The temporary folder first: it may lie inside the run's folder, never the reverse.
        filters.append(&mut self.filters);
        self.filters = filters;
        self.temps.push(dir.to_path_buf());
        self
    }

    /// Run it: the header, the body and the path filters of its snapshot.
    pub fn run(mut self) -> (Info, String, Vec<(String, String)>) {
        let info = Info {
            program: "gblint".to_owned(),
            args: self
                .command
                .get_args()
                .map(|arg| self.shown(&arg.to_string_lossy()))
                .collect(),
            env: self
                .command
                .get_envs()
                .filter_map(|(key, value)| {
                    value.map(|value| {
                        (
                            key.to_string_lossy().into_owned(),
                            value.to_string_lossy().into_owned(),
                        )
                    })
                })
                .collect(),
        };
        self.command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("gblint starts");
        let mut body = self.inputs;
        if let Some(text) = &self.stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .expect("write stdin");
            body.push_str(&section("stdin", text));
        }
        let output = child.wait_with_output().expect("gblint finishes");
        body.push_str(&format!(
            "success: {:?}\nexit_code: {}\n----- stdout -----\n{}\n----- stderr -----\n{}",
            output.status.success(),
            output.status.code().unwrap_or(!0),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
        (info, body, self.filters)
    }
}

impl CliRun {
    /// `arg` with the temporary folders and the workspace in it read as `[TEMP]` and `[ROOT]`:
    /// the header is not filtered like the body, and a temporary path differs on each run.
    fn shown(&self, arg: &str) -> String {
        let mut paths: Vec<(String, &str)> = Vec::new();
        let named = self.temps.iter().map(|dir| (dir.clone(), "[TEMP]"));
        for (dir, name) in named.chain([(gblint_tests::workspace_root(), "[ROOT]")]) {
            let canonical = dir.canonicalize().unwrap_or_else(|_| dir.clone());
            for form in [canonical, dir] {
                paths.push((form.to_string_lossy().into_owned(), name));
            }
        }
        // The longest first, so that a folder inside another reads as itself.
        paths.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
        let mut out = arg.to_owned();
        for (path, name) in paths {
            if !path.is_empty() && path != "." {
                out = out.replace(&path, name);
            }
        }
        out
    }
}

/// `----- TITLE -----` and `text` (the same layout as insta-cmd's output sections).
fn section(title: &str, text: &str) -> String {
    format!("----- {title} -----\n{text}\n")
}

/// The files a test wrote into a tree, or changed in a tree it copied, so that the snapshot
/// of a run shows the input it ran on: a new file whole, a changed one as a unified diff from
/// the text the tree started with, a removed one by name.
pub struct Inputs {
    root: PathBuf,
    /// Each touched file (relative to `root`) and the text it started with, if any.
    base: BTreeMap<String, Option<Base>>,
}

/// What a changed file is compared with: its first text and what that text is called.
struct Base {
    text: String,
    called: Option<String>,
}

impl Inputs {
    /// Changes to the tree at `root` (as it is now).
    pub fn new(root: &Path) -> Inputs {
        Inputs {
            root: root.to_path_buf(),
            base: BTreeMap::new(),
        }
    }

    /// The tree's root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn remember(&mut self, path: &str) {
        if !self.base.contains_key(path) {
            let text = std::fs::read_to_string(self.root.join(path)).ok();
            let base = text.map(|text| Base { text, called: None });
            self.base.insert(path.to_owned(), base);
        }
    }

    /// Write `text` to `path` (its folders made as needed).
    pub fn write(&mut self, path: &str, text: &str) {
        self.remember(path);
        let full = self.root.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }

    /// Write `text` to `path`, shown whole even if it replaced a file of the tree.
    pub fn overwrite(&mut self, path: &str, text: &str) {
        self.base.insert(path.to_owned(), None);
        let full = self.root.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }

    /// Write `text` to `path`, shown as a diff from `base` (named `called`): a variant of a
    /// shipped file written next to the run.
    pub fn write_variant(&mut self, path: &str, base: &str, called: &str, text: &str) {
        self.base.insert(
            path.to_owned(),
            Some(Base {
                text: base.to_owned(),
                called: Some(called.to_owned()),
            }),
        );
        let full = self.root.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }

    /// Replace the first `from` in `path` (which must contain it) with `to`.
    pub fn edit(&mut self, path: &str, from: &str, to: &str) {
        self.remember(path);
        let full = self.root.join(path);
        let text = std::fs::read_to_string(&full).expect("read");
        assert!(text.contains(from), "{path} must contain {from:?}");
        std::fs::write(&full, text.replacen(from, to, 1)).expect("write");
    }

    /// Remove the file `path`.
    pub fn remove(&mut self, path: &str) {
        self.remember(path);
        std::fs::remove_file(self.root.join(path)).expect("remove");
    }

    /// Every touched file, as it is now, in path order.
    pub fn show(&self) -> String {
        let mut out = String::new();
        for (path, base) in &self.base {
            let now = std::fs::read_to_string(self.root.join(path)).ok();
            match (base, now) {
                (None, Some(now)) => out.push_str(&section(&format!("file {path}"), &now)),
                (None, None) => {}
                (Some(_), None) => out.push_str(&format!("----- removed {path} -----\n")),
                (Some(base), Some(now)) if base.text == now => {
                    out.push_str(&format!("----- diff {path}: none (as it was) -----\n"));
                }
                (Some(base), Some(now)) => {
                    let diff = similar::TextDiff::from_lines(&base.text, &now);
                    let title = match &base.called {
                        Some(called) => format!("diff {path} (from {called})"),
                        None => format!("diff {path}"),
                    };
                    let hunks = diff.unified_diff().context_radius(2).to_string();
                    out.push_str(&section(&title, &hunks));
                }
            }
        }
        out
    }
}
