//! GitLab Code Quality report: a JSON array of issues with `description`, `check_name`,
//! `fingerprint`, `severity` and `location` (path and `lines.begin`, as GitLab documents it, plus
//! the Code Climate `positions`), as GitLab's merge request widget reads it.

use std::io::{self, Write};

use serde_json::json;

use super::{display_path, fingerprints};
use crate::{Category, Diagnostic, Severity, SourceMap};

/// Write `diagnostics` as a GitLab Code Quality report; fingerprints name files relative to
/// `anchor` (see `emit::fingerprints`).
pub fn gitlab(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    anchor: Option<&std::path::Path>,
) -> io::Result<()> {
    let prints = fingerprints(diagnostics, sources, anchor);
    let issues: Vec<_> = diagnostics
        .iter()
        .zip(&prints)
        .map(|(diagnostic, fingerprint)| {
            let file = sources.get(diagnostic.file);
            let begin = file.line_col(diagnostic.range.start());
            let end = file.line_col(diagnostic.range.end());
            json!({
                "description": format!(
                    "{} [{}] {}",
                    diagnostic.code, diagnostic.category, diagnostic.message
                ),
                "type": "issue",
                "check_name": diagnostic.code,
                "categories": [code_climate_category(diagnostic.category)],
                "fingerprint": fingerprint,
                "severity": match diagnostic.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": {
                    "path": display_path(sources, diagnostic),
                    "lines": {"begin": begin.line, "end": end.line},
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

/// The Code Climate category (the fixed list GitLab's report format takes) for a gblint category;
/// gblint's own category name is kept in the description's `[category]` tag.
fn code_climate_category(category: Category) -> &'static str {
    match category {
        Category::Load | Category::Correctness | Category::Suspicious => "Bug Risk",
        Category::Security => "Security",
        Category::Policy => "Compatibility",
        Category::Style => "Style",
        Category::Suppression => "Clarity",
    }
}
