use std::io::{self, Write};

use super::display_path;
use crate::{Diagnostic, Severity, SourceMap};

/// GitHub Actions workflow commands (`::error file=…,line=…::message`), which the Actions
/// runner turns into annotations on the pull request.
pub fn github(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> io::Result<()> {
    for diagnostic in diagnostics {
        let file = sources.get(diagnostic.file);
        let start = file.line_col(diagnostic.range.start());
        let end = file.line_col(diagnostic.range.end());
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&display_path(sources, diagnostic)),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!("{} ({})", diagnostic.code, diagnostic.name)),
            escape_data(&format!("{} {}", diagnostic.code, diagnostic.message)),
        )?;
    }
    Ok(())
}

/// Workflow-command escaping, after control characters from the files are made visible (an ESC
/// or BEL would otherwise reach the log viewer).
fn escape_data(text: &str) -> String {
    let text = crate::escape_controls(text);
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
