use std::io::{self, Write};

use super::display_path;
use crate::{Diagnostic, SourceMap};

/// One line per finding: `path:line:col: CODE message`.
pub fn concise(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> io::Result<()> {
    for diagnostic in diagnostics {
        let at = sources
            .get(diagnostic.file)
            .line_col(diagnostic.range.start());
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            display_path(sources, diagnostic),
            at.line,
            at.column,
            diagnostic.code,
            diagnostic.message
        )?;
    }
    Ok(())
}
