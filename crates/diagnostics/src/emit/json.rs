use std::io::{self, Write};

use crate::{Diagnostic, PortableDiagnostic, SourceMap};

/// A JSON array with one object per finding (code, name, severity, message, file, 1-based
/// start/end positions, byte span, help, note, labels and fix edits): the serialisation of
/// [`PortableDiagnostic`].
pub fn json(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> io::Result<()> {
    let items: Vec<PortableDiagnostic> = diagnostics
        .iter()
        .map(|diagnostic| PortableDiagnostic::new(diagnostic, sources))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}
