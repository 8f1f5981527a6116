use std::io::{self, Write};

use super::display_path;
use crate::{escape_controls, Applicability, Diagnostic, SourceMap};

/// `[*] ` for a safe fix, `[-] ` for an unsafe one, nothing otherwise.
pub(crate) fn fix_mark(diagnostic: &Diagnostic) -> &'static str {
    match diagnostic.fix.as_ref().map(|fix| fix.applicability) {
        Some(Applicability::Safe) => "[*] ",
        Some(Applicability::Unsafe) => "[-] ",
        _ => "",
    }
}

/// One line per finding: `path:line:col: severity CODE [*] message`, where `[*]` marks a finding
/// `--fix` repairs and `[-]` one only `--fix --unsafe` does. Control characters from the files
/// are escaped (see [`crate::escape_controls`]).
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
            "{}:{}:{}: {} {} {}{}",
            escape_controls(&display_path(sources, diagnostic)),
            at.line,
            at.column,
            diagnostic.severity,
            diagnostic.code,
            fix_mark(diagnostic),
            escape_controls(&diagnostic.message)
        )?;
    }
    Ok(())
}
