//! A finding with its file, positions and fix resolved: the form that leaves gblint (JSON
//! output, the `gblint` library, the language server). [`Diagnostic`] addresses text through
//! a [`SourceMap`]; this owns everything and round-trips through serde.
//!
//! Fields are declared in alphabetical order on purpose: `--output-format json` printed
//! these objects with sorted keys before the type existed, and the order of the serialised
//! fields is the order of declaration.

use serde::{Deserialize, Serialize};

use crate::emit::display_file_path;
use crate::{Applicability, Category, Diagnostic, Severity, SourceMap};

/// A 1-based line and column (the column counts Unicode code points).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    /// 1-based column, in characters from the start of the line.
    pub column: u32,
    /// 1-based line.
    pub line: u32,
}

/// A byte range of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// Byte offset just past the range.
    pub end: u32,
    /// Byte offset of the first byte.
    pub start: u32,
}

/// A secondary place a finding points at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortableLabel {
    /// The file, as reported (forward slashes, no leading `./`).
    pub file: String,
    /// Where the label starts.
    pub location: Position,
    /// What the place has to do with the finding.
    pub message: String,
    /// The bytes labelled.
    pub span: Span,
}

/// One replacement of a fix, in the finding's file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortableEdit {
    /// The replacement text (empty for a deletion).
    pub content: String,
    /// Where the replaced text ends.
    pub end_location: Position,
    /// Where the replaced text starts.
    pub location: Position,
    /// The bytes replaced (empty for an insertion).
    pub span: Span,
}

/// An edit that resolves a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortableFix {
    /// Whether it may be applied without looking (`safe`), only on request (`unsafe`), or
    /// never automatically (`display-only`).
    pub applicability: Applicability,
    /// The replacements, in the finding's file.
    pub edits: Vec<PortableEdit>,
    /// What the fix does.
    pub message: String,
}

/// A finding, self-contained: the element of `--output-format json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PortableDiagnostic {
    /// The rule's category, or the finding's own when it differs (see `gblint explain`).
    pub category: Category,
    /// Stable rule code, e.g. `CDY001`.
    pub code: String,
    /// Where the primary range ends.
    pub end_location: Position,
    /// The file, as reported (forward slashes, no leading `./`).
    pub file: String,
    /// An edit that resolves the finding, when one is known.
    pub fix: Option<PortableFix>,
    /// What to do about it.
    pub help: Option<String>,
    /// Text shown under the primary range.
    pub label: Option<String>,
    /// Other related places.
    pub labels: Vec<PortableLabel>,
    /// Where the primary range starts.
    pub location: Position,
    /// One lowercase sentence: what is wrong.
    pub message: String,
    /// Kebab-case rule name, e.g. `storage-not-configured`.
    pub name: String,
    /// Why it matters.
    pub note: Option<String>,
    /// Effective severity, after configuration.
    pub severity: Severity,
    /// The bytes of the primary range.
    pub span: Span,
}

impl PortableDiagnostic {
    /// Resolve `diagnostic` against the files of its run.
    pub fn new(diagnostic: &Diagnostic, sources: &SourceMap) -> Self {
        let file = sources.get(diagnostic.file);
        let position = |offset: u32| {
            let at = file.line_col(offset);
            Position {
                column: at.column,
                line: at.line,
            }
        };
        let span = |range: crate::TextRange| Span {
            end: range.end(),
            start: range.start(),
        };
        PortableDiagnostic {
            category: diagnostic.category,
            code: diagnostic.code.to_owned(),
            end_location: position(diagnostic.range.end()),
            file: display_file_path(file.path()),
            fix: diagnostic.fix.as_ref().map(|fix| PortableFix {
                applicability: fix.applicability,
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| PortableEdit {
                        content: edit.content.clone(),
                        end_location: position(edit.range.end()),
                        location: position(edit.range.start()),
                        span: span(edit.range),
                    })
                    .collect(),
                message: fix.title.clone(),
            }),
            help: diagnostic.help.clone(),
            label: diagnostic.label.clone(),
            labels: diagnostic
                .labels
                .iter()
                .map(|label| {
                    let other = sources.get(label.file);
                    let at = other.line_col(label.range.start());
                    PortableLabel {
                        // Labels kept their file's path as read, `./` included, in the JSON
                        // output this type replaces.
                        file: crate::path_display::slashed(other.path()),
                        location: Position {
                            column: at.column,
                            line: at.line,
                        },
                        message: label.message.clone(),
                        span: span(label.range),
                    }
                })
                .collect(),
            location: position(diagnostic.range.start()),
            message: diagnostic.message.clone(),
            name: diagnostic.name.to_owned(),
            note: diagnostic.note.clone(),
            severity: diagnostic.severity,
            span: span(diagnostic.range),
        }
    }
}
