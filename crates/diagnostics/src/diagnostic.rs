use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Category, FileId, Fix, TextRange};

/// How serious a finding is; `--fail-on` compares against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run unless `--fail-on info`.
    Info,
    /// Likely wrong; fails a run with `--fail-on warning`.
    Warning,
    /// Breaks the deployment; fails a run by default.
    Error,
}

impl Severity {
    /// The lowercase name used in output and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parse `error`, `warning` or `info`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place a diagnostic points at, possibly in another file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The file the range is in.
    pub file: FileId,
    /// The highlighted bytes.
    pub range: TextRange,
    /// What this place has to do with the finding.
    pub message: String,
}

/// One finding: what is wrong (message), where (file and range, plus labels), why (note), what to
/// do (help), and optionally a machine-applicable [`Fix`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable rule code, e.g. `CDY001`.
    pub code: &'static str,
    /// Kebab-case rule name, e.g. `storage-not-configured`.
    pub name: &'static str,
    /// Effective severity after configuration.
    pub severity: Severity,
    /// The rule's category (`load` when the real tool refuses the file).
    pub category: Category,
    /// One lowercase sentence without a final period: what is wrong.
    pub message: String,
    /// The file the primary range is in.
    pub file: FileId,
    /// The primary range.
    pub range: TextRange,
    /// Text shown under the primary range.
    pub label: Option<String>,
    /// Other related places.
    pub labels: Vec<Label>,
    /// Why this matters.
    pub note: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// An edit that resolves the finding, when one is known.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic with the given rule identity, position and message, and nothing else.
    pub fn new(
        code: &'static str,
        name: &'static str,
        severity: Severity,
        category: Category,
        file: FileId,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            name,
            severity,
            category,
            message: message.into(),
            file,
            range,
            label: None,
            labels: Vec::new(),
            note: None,
            help: None,
            fix: None,
        }
    }

    /// Set the primary label.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Add a secondary label.
    #[must_use]
    pub fn with_secondary(
        mut self,
        file: FileId,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        self.labels.push(Label {
            file,
            range,
            message: message.into(),
        });
        self
    }

    /// Set the note (why).
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Set the help (what to do).
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attach a fix.
    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}
