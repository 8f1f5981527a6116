//! [`Report`]: what a check found, resolved into self-contained [`Diagnostic`]s.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::{Diagnostic, Severity};

/// The outcome of a check.
#[derive(Debug)]
pub struct Report {
    diagnostics: Vec<Diagnostic>,
    files: Vec<PathBuf>,
    /// Reported path → path on disk, for the files read from disk (or an overlay).
    disk: HashMap<String, PathBuf>,
    engine: Option<gblint_lint::Report>,
}

impl Report {
    pub(crate) fn new(engine: gblint_lint::Report) -> Report {
        let mut report = Report::from_engine(&engine);
        report.engine = Some(engine);
        report
    }

    pub(crate) fn from_engine(engine: &gblint_lint::Report) -> Report {
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
        Report {
            diagnostics,
            files,
            disk,
            engine: None,
        }
    }

    /// The findings, sorted by file, position and code.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Every file checked (canonical paths on disk; standard input by its name).
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The file on disk a finding (or a label) names, by its reported path.
    pub fn disk_path(&self, reported: &str) -> Option<&Path> {
        self.disk.get(reported).map(PathBuf::as_path)
    }

    /// Whether any finding is at or above `threshold` (`--fail-on`).
    pub fn fails(&self, threshold: Severity) -> bool {
        self.diagnostics.iter().any(|d| d.severity >= threshold)
    }

    /// The findings as `gblint check --output-format json` prints them.
    pub fn to_json(&self) -> String {
        let mut text =
            serde_json::to_string_pretty(&self.diagnostics).unwrap_or_else(|_| "[]".to_owned());
        text.push('\n');
        text
    }

    /// The engine's report, for the gblint CLI's emitters.
    #[doc(hidden)]
    pub fn into_unstable(self) -> Option<gblint_lint::Report> {
        self.engine
    }
}

/// A path as reports show it: forward slashes, no leading `./`.
fn shown(path: &Path) -> String {
    gblint_diagnostics::path_display::shown(path)
}
