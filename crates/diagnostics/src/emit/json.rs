use std::io::{self, Write};

use serde_json::{json, Value};

use super::display_path;
use crate::{Diagnostic, SourceMap};

/// A JSON array with one object per finding (code, name, severity, message, file, 1-based
/// start/end positions, byte span, help, note, labels and fix edits).
pub fn json(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> io::Result<()> {
    let items: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let file = sources.get(diagnostic.file);
            let start = file.line_col(diagnostic.range.start());
            let end = file.line_col(diagnostic.range.end());
            let labels: Vec<Value> = diagnostic
                .labels
                .iter()
                .map(|label| {
                    let other = sources.get(label.file);
                    let at = other.line_col(label.range.start());
                    json!({
                        "file": other.path().to_string_lossy().replace('\\', "/"),
                        "location": {"line": at.line, "column": at.column},
                        "span": {"start": label.range.start(), "end": label.range.end()},
                        "message": label.message,
                    })
                })
                .collect();
            let fix = diagnostic.fix.as_ref().map(|fix| {
                json!({
                    "message": fix.title,
                    "applicability": fix.applicability.as_str(),
                    "edits": fix.edits.iter().map(|edit| {
                        let at = file.line_col(edit.range.start());
                        let to = file.line_col(edit.range.end());
                        json!({
                            "content": edit.content,
                            "location": {"line": at.line, "column": at.column},
                            "end_location": {"line": to.line, "column": to.column},
                            "span": {"start": edit.range.start(), "end": edit.range.end()},
                        })
                    }).collect::<Vec<_>>(),
                })
            });
            json!({
                "code": diagnostic.code,
                "name": diagnostic.name,
                "severity": diagnostic.severity,
                "category": diagnostic.category,
                "message": diagnostic.message,
                "file": display_path(sources, diagnostic),
                "location": {"line": start.line, "column": start.column},
                "end_location": {"line": end.line, "column": end.column},
                "span": {"start": diagnostic.range.start(), "end": diagnostic.range.end()},
                "label": diagnostic.label,
                "help": diagnostic.help,
                "note": diagnostic.note,
                "labels": labels,
                "fix": fix,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}
