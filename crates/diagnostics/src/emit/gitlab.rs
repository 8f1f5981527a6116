//! GitLab Code Quality report: a JSON array of issues with `description`, `check_name`,
//! `fingerprint`, `severity` and `location` (path and begin line), as GitLab's merge request
//! widget reads it.

use std::io::{self, Write};

use serde_json::json;

use super::{display_path, fingerprints};
use crate::{Diagnostic, Severity, SourceMap};

/// Write `diagnostics` as a GitLab Code Quality report.
pub fn gitlab(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> io::Result<()> {
    let prints = fingerprints(diagnostics, sources);
    let issues: Vec<_> = diagnostics
        .iter()
        .zip(&prints)
        .map(|(diagnostic, fingerprint)| {
            let file = sources.get(diagnostic.file);
            let begin = file.line_col(diagnostic.range.start());
            let end = file.line_col(diagnostic.range.end());
            json!({
                "description": format!("{} {}", diagnostic.code, diagnostic.message),
                "check_name": diagnostic.code,
                "fingerprint": fingerprint,
                "severity": match diagnostic.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": {
                    "path": display_path(sources, diagnostic),
                    "positions": {
                        "begin": {"line": begin.line, "column": begin.column},
                        "end": {"line": end.line, "column": end.column}
                    }
                }
            })
        })
        .collect();
    // Serialise first so a closed pipe surfaces as an io::Error the CLI recognises.
    let text = serde_json::to_string_pretty(&issues).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}
