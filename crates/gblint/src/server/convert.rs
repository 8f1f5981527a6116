//! gblint's findings as LSP diagnostics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString};

use super::text::LineIndex;
use super::uri;
use crate::{Diagnostic, Report, Severity};

/// The texts a conversion needs: open buffers first, then files read from disk once.
pub(crate) struct Texts<'a> {
    open: &'a HashMap<PathBuf, String>,
    read: HashMap<PathBuf, String>,
}

impl<'a> Texts<'a> {
    pub(crate) fn new(open: &'a HashMap<PathBuf, String>) -> Self {
        Texts {
            open,
            read: HashMap::new(),
        }
    }

    pub(crate) fn get(&mut self, path: &Path) -> &str {
        if let Some(text) = self.open.get(path) {
            return text;
        }
        self.read
            .entry(path.to_path_buf())
            .or_insert_with(|| read_text(path).unwrap_or_default())
    }
}

/// The disk path of a reported file name.
pub(crate) fn disk_path(report: &Report, reported: &str) -> PathBuf {
    report
        .disk_path(reported)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| uri::canonical(Path::new(reported)))
}

/// Findings grouped by the file they are in.
pub(crate) fn by_file(report: &Report) -> HashMap<PathBuf, Vec<Diagnostic>> {
    let mut files: HashMap<PathBuf, Vec<Diagnostic>> = HashMap::new();
    for diagnostic in report.diagnostics() {
        files
            .entry(disk_path(report, &diagnostic.file))
            .or_default()
            .push(diagnostic.clone());
    }
    files
}

/// One finding as an LSP diagnostic; `text` is its file's text.
pub(crate) fn to_lsp(
    diagnostic: &Diagnostic,
    text: &str,
    related: &mut dyn FnMut(&str, u32, u32) -> Option<Location>,
) -> lsp_types::Diagnostic {
    let index = LineIndex::new(text);
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related_information: Vec<DiagnosticRelatedInformation> = diagnostic
        .labels
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: related(&label.file, label.span.start, label.span.end)?,
                message: label.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: index.range(diagnostic.span.start, diagnostic.span.end),
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(diagnostic.code.clone())),
        code_description: None,
        source: Some("gblint".to_owned()),
        message,
        related_information: (!related_information.is_empty()).then_some(related_information),
        tags: None,
        data: None,
    }
}

/// Every finding of `report` in LSP form, by file.
pub(crate) fn report_to_lsp(
    report: &Report,
    texts: &mut Texts<'_>,
) -> HashMap<PathBuf, Vec<lsp_types::Diagnostic>> {
    let mut out: HashMap<PathBuf, Vec<lsp_types::Diagnostic>> = HashMap::new();
    for (path, diagnostics) in by_file(report) {
        let text = texts.get(&path).to_owned();
        let converted = diagnostics
            .iter()
            .map(|diagnostic| {
                to_lsp(diagnostic, &text, &mut |file, start, end| {
                    let other = disk_path(report, file.strip_prefix("./").unwrap_or(file));
                    let range = LineIndex::new(texts.get(&other)).range(start, end);
                    Some(Location::new(uri::from_path(&other)?, range))
                })
            })
            .collect();
        out.insert(path, converted);
    }
    out
}

/// A file's text through gblint's bounded read (the same size limit as `gblint check`).
pub(crate) fn read_text(path: &Path) -> Option<String> {
    let bytes = gblint_diagnostics::read::read_limited(
        path,
        gblint_diagnostics::read::DEFAULT_MAX_FILE_BYTES,
    )
    .ok()?;
    String::from_utf8(bytes).ok()
}
