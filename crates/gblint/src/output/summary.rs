//! The summary `gblint check` prints on standard error, `--statistics`, and why `--fix`
//! changed nothing.

use std::collections::BTreeMap;
use std::io::{self, Write};

use gblint_diagnostics::{Applicability, Diagnostic, Severity};
use gblint_lint::Report;

/// `--statistics`: one line per rule, most findings first: count, code, fix mark, name.
pub(crate) fn statistics(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let mut by_rule: BTreeMap<&str, (usize, &str, &str)> = BTreeMap::new();
    for diagnostic in diagnostics {
        let entry = by_rule
            .entry(diagnostic.code)
            .or_insert((0, diagnostic.name, ""));
        entry.0 += 1;
        match diagnostic.fix.as_ref().map(|f| f.applicability) {
            Some(Applicability::Safe) => entry.2 = "[*]",
            Some(Applicability::Unsafe) if entry.2.is_empty() => entry.2 = "[-]",
            _ => {}
        }
    }
    let mut rows: Vec<_> = by_rule.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    let width = rows.first().map_or(1, |r| r.1 .0.to_string().len());
    for (code, (count, name, mark)) in rows {
        writeln!(out, "{count:>width$}  {code}  {mark:<3}  {name}")?;
    }
    Ok(())
}

/// How many findings `--fix` repairs (safe fixes) and how many more `--fix --unsafe` does.
fn fixable(report: &Report) -> (usize, usize) {
    let count = |wanted: Applicability| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.fix.as_ref().is_some_and(|f| f.applicability == wanted))
            .count()
    };
    (count(Applicability::Safe), count(Applicability::Unsafe))
}

/// Why `--fix` changed nothing, from the findings left.
pub(crate) fn why_nothing_fixed(report: &Report, unsafe_fixes: bool) -> String {
    let (safe, unsafe_count) = fixable(report);
    let shown = report
        .diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::DisplayOnly)
        })
        .count();
    if report.diagnostics.is_empty() {
        return "there are no findings".to_owned();
    }
    if safe > 0 || (unsafe_fixes && unsafe_count > 0) {
        let wanted = |d: &&Diagnostic| {
            d.fix.as_ref().is_some_and(|f| {
                f.applicability == Applicability::Safe
                    || (unsafe_fixes && f.applicability == Applicability::Unsafe)
            })
        };
        let total = report.diagnostics.iter().filter(wanted).count();
        // The fix loop leaves a file with a syntax error alone: its other findings may be
        // artefacts of the error (see gblint_lint::fix).
        let broken: std::collections::BTreeSet<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code.ends_with("000"))
            .map(|d| d.file)
            .collect();
        let in_broken: Vec<_> = report
            .diagnostics
            .iter()
            .filter(wanted)
            .filter(|d| broken.contains(&d.file))
            .map(|d| d.file)
            .collect();
        let files: std::collections::BTreeSet<_> = in_broken.iter().collect();
        let fixes = if total == 1 { "fix was" } else { "fixes were" };
        return if in_broken.len() == total {
            let whose = match (total, files.len()) {
                (1, _) => "its file has a syntax error",
                (_, 1) => "their file has a syntax error",
                _ => "their files have syntax errors",
            };
            format!("{total} {fixes} not applied because {whose}; fix that first")
        } else {
            format!("{total} {fixes} not applied (see the warnings above)")
        };
    }
    if unsafe_count > 0 {
        return format!(
            "{unsafe_count} {} (add --unsafe)",
            if unsafe_count == 1 {
                "finding has only an unsafe fix"
            } else {
                "findings have only unsafe fixes"
            }
        );
    }
    if shown > 0 {
        return format!(
            "{shown} finding{} a fix that needs a value only you know (shown, never applied), and no finding has an automatic fix",
            if shown == 1 { " has" } else { "s have" }
        );
    }
    "no finding has an automatic fix".to_owned()
}

/// The summary: counts by severity, files checked, what `--fix` would repair, files not checked.
pub(crate) fn summary(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let infos = report.diagnostics.len() - errors - warnings;
    let files = report.files_checked();
    let deployments = report.units.iter().filter(|u| u.root.is_some()).count();
    let checked = format!(
        "{files} file{} checked{}",
        if files == 1 { "" } else { "s" },
        if deployments > 1 {
            format!(" in {deployments} deployments")
        } else {
            String::new()
        }
    );
    if report.diagnostics.is_empty() {
        writeln!(out, "All checks passed ({checked}).")?;
    } else {
        let mut parts = Vec::new();
        for (count, word) in [(errors, "error"), (warnings, "warning"), (infos, "info")] {
            if count > 0 {
                parts.push(format!(
                    "{count} {word}{}",
                    if count == 1 || word == "info" {
                        ""
                    } else {
                        "s"
                    }
                ));
            }
        }
        writeln!(out, "Found {} ({checked}).", parts.join(", "))?;
        let (safe, unsafe_count) = fixable(report);
        match (safe, unsafe_count) {
            (0, 0) => {}
            (0, more) => writeln!(out, "{more} fixable with `--fix --unsafe`.")?,
            (safe, 0) => writeln!(out, "{safe} fixable with `--fix`.")?,
            (safe, more) => writeln!(
                out,
                "{safe} fixable with `--fix` ({more} more with `--unsafe`)."
            )?,
        }
    }
    if !report.deployment.skipped.is_empty() {
        let mut by_format: BTreeMap<&str, usize> = BTreeMap::new();
        for skipped in &report.deployment.skipped {
            *by_format.entry(skipped.kind.name()).or_default() += 1;
        }
        let list: Vec<String> = by_format
            .iter()
            .map(|(kind, count)| format!("{count} {kind}"))
            .collect();
        writeln!(
            out,
            "Not checked: {} file{} in formats this version of gblint does not lint yet ({}).",
            report.deployment.skipped.len(),
            if report.deployment.skipped.len() == 1 {
                ""
            } else {
                "s"
            },
            list.join(", ")
        )?;
    }
    super::show::unknown_line(out, report)?;
    Ok(())
}
