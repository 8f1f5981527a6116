//! JUnit XML: one test suite per file, one test case per finding (and one passing case for a file
//! without findings), for CI systems that only show test reports.
//!
//! Findings at or above the run's failure threshold are `<failure>`s; the others are passing
//! cases whose finding is in `<system-out>`, so a run that exits 0 shows no failed test. A case is
//! named by rule code and message (with a number for repeats), not by line, so its name stays
//! the same when lines move and CI history tracks it.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use super::display_path;
use crate::{Diagnostic, Severity, SourceMap};

/// Write `diagnostics` as JUnit XML; `checked` names every file checked (clean ones pass) and
/// `fail_at` is the lowest severity that fails the run.
pub fn junit(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    checked: &[String],
    fail_at: Severity,
) -> io::Result<()> {
    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> =
        checked.iter().map(|f| (f.clone(), Vec::new())).collect();
    for diagnostic in diagnostics {
        by_file
            .entry(display_path(sources, diagnostic))
            .or_default()
            .push(diagnostic);
    }
    let cases = |found: &[&Diagnostic]| found.len().max(1);
    let failing = |found: &[&Diagnostic]| found.iter().filter(|d| d.severity >= fail_at).count();
    let total_cases: usize = by_file.values().map(|f| cases(f)).sum();
    let total_failures: usize = by_file.values().map(|f| failing(f)).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="gblint" tests="{total_cases}" failures="{total_failures}">"#
    )?;
    for (path, found) in &by_file {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}">"#,
            escape(path),
            cases(found),
            failing(found)
        )?;
        if found.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="gblint" classname="{}"/>"#,
                escape(path)
            )?;
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for diagnostic in found {
            let at = sources
                .get(diagnostic.file)
                .line_col(diagnostic.range.start());
            let base = format!("{} {}", diagnostic.code, diagnostic.message);
            let repeat = seen.entry(base.clone()).or_insert(0);
            *repeat += 1;
            let name = if *repeat == 1 {
                base
            } else {
                format!("{base} ({repeat})")
            };
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{}">"#,
                escape(&name),
                escape(path)
            )?;
            let text = format!(
                "{}:{}:{}: {} {} {}",
                escape(path),
                at.line,
                at.column,
                diagnostic.severity,
                diagnostic.code,
                escape(&diagnostic.message)
            );
            if diagnostic.severity >= fail_at {
                writeln!(
                    out,
                    r#"      <failure message="{}" type="{}">{text}</failure>"#,
                    escape(&diagnostic.message),
                    diagnostic.severity,
                )?;
            } else {
                writeln!(out, "      <system-out>{text}</system-out>")?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// XML-escape `text`, dropping the control characters XML 1.0 cannot carry.
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
