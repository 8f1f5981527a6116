//! Human output: miette's graphical report for each finding.

use std::io::Write;

use gblint_diagnostics::{escape_controls, Diagnostic, MietteView, SourceMap};
use miette::{GraphicalReportHandler, GraphicalTheme};

/// Render findings as annotated source snippets.
pub(crate) fn write(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    color: bool,
    width: usize,
) -> std::io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    for diagnostic in diagnostics {
        let view = MietteView::new(diagnostic, sources, None);
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &view).is_err() {
            rendered = format!(
                "{}: {} {}\n",
                escape_controls(&sources.get(diagnostic.file).path().to_string_lossy()),
                diagnostic.code,
                escape_controls(&diagnostic.message)
            );
        }
        writeln!(out, "{rendered}")?;
    }
    Ok(())
}
