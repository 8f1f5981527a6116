//! [`Report`]: what a check found, resolved into self-contained [`Diagnostic`]s, and printed
//! in any of the command's output formats (see [`crate::output`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::write::shown;
use crate::{Diagnostic, Severity};

/// The outcome of a check.
#[derive(Debug)]
pub struct Report {
    pub(crate) engine: gblint_lint::Report,
    /// Computed on first use: the command line prints most formats straight from the engine's
    /// findings and never needs them.
    resolved: OnceLock<Resolved>,
}

/// The engine's findings and files as an embedder sees them.
#[derive(Debug)]
struct Resolved {
    diagnostics: Vec<Diagnostic>,
    files: Vec<PathBuf>,
    /// Reported path → path on disk, for the files read from disk (or an overlay).
    disk: HashMap<String, PathBuf>,
}

impl Report {
    pub(crate) fn new(engine: gblint_lint::Report) -> Report {
        Report {
            engine,
            resolved: OnceLock::new(),
        }
    }

    fn resolved(&self) -> &Resolved {
        self.resolved.get_or_init(|| {
            let engine = &self.engine;
            let sources = &engine.sources;
            let diagnostics = engine
                .diagnostics
                .iter()
                .map(|diagnostic| Diagnostic::new(diagnostic, sources))
                .collect();
            let mut disk = HashMap::new();
            for (file, path) in &engine.deployment.disk_paths {
                disk.insert(shown(sources.get(*file).path()), path.clone());
            }
            let files = engine
                .deployment
                .files
                .iter()
                .map(|input| {
                    engine
                        .deployment
                        .disk_paths
                        .get(&input.file)
                        .cloned()
                        .unwrap_or_else(|| sources.get(input.file).path().to_path_buf())
                })
                .collect();
            Resolved {
                diagnostics,
                files,
                disk,
            }
        })
    }

    /// The findings, sorted by file, position and code.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.resolved().diagnostics
    }

    /// Every file checked (canonical paths on disk; standard input by its name).
    pub fn files(&self) -> &[PathBuf] {
        &self.resolved().files
    }

    /// The file on disk a finding (or a label) names, by its reported path.
    pub fn disk_path(&self, reported: &str) -> Option<&Path> {
        self.resolved().disk.get(reported).map(PathBuf::as_path)
    }

    /// Whether any finding is at or above `threshold` (`--fail-on`).
    pub fn fails(&self, threshold: Severity) -> bool {
        self.engine.fails(threshold)
    }

    /// Whether the run found nothing at all to check: no file in a known format, no finding
    /// (`gblint check` then exits 2 with [`Report::nothing_message`]).
    pub fn nothing_checked(&self) -> bool {
        self.engine.deployment.files.is_empty() && self.engine.diagnostics.is_empty()
    }

    /// The findings as `gblint check --output-format json` prints them.
    pub fn to_json(&self) -> String {
        let mut text =
            serde_json::to_string_pretty(self.diagnostics()).unwrap_or_else(|_| "[]".to_owned());
        text.push('\n');
        text
    }
}
