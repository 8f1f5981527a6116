//! JUnit XML: one test suite per file, one failing test case per finding (and one passing
//! case for a file without findings), for CI systems that only show test reports.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::display_path;
use crate::{Diagnostic, SourceMap};

/// Write `diagnostics` as JUnit XML; `checked` names every file checked (clean ones pass).
pub fn junit(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    checked: &[String],
) -> io::Result<()> {
    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> =
        checked.iter().map(|f| (f.clone(), Vec::new())).collect();
    for diagnostic in diagnostics {
        by_file
            .entry(display_path(sources, diagnostic))
            .or_default()
            .push(diagnostic);
    }
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="gblint" tests="{}" failures="{}">"#,
        diagnostics.len().max(1),
        diagnostics.len()
    )?;
    for (path, found) in &by_file {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}">"#,
            escape(path),
            found.len().max(1),
            found.len()
        )?;
        if found.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="gblint" classname="{}"/>"#,
                escape(path)
            )?;
        }
        for diagnostic in found {
            let at = sources
                .get(diagnostic.file)
                .line_col(diagnostic.range.start());
            writeln!(
                out,
                r#"    <testcase name="{} {}:{}" classname="{}">"#,
                diagnostic.code,
                at.line,
                at.column,
                escape(path)
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}:{}:{}: {} {}</failure>"#,
                escape(&diagnostic.message),
                diagnostic.severity,
                escape(path),
                at.line,
                at.column,
                diagnostic.code,
                escape(&diagnostic.message)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
