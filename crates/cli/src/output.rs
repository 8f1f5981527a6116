//! Where and how `gblint check` prints a finished report: the output format, `--output-file`,
//! colour, `--statistics`, and the summary (always on standard error, for every format, so
//! standard output carries only the findings and stays parseable).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;

use gblint::unstable::diagnostics::emit::{self, RuleInfo, SarifTool};
use gblint::unstable::diagnostics::{Applicability, Diagnostic, Severity};
use gblint::unstable::lint::{registry, Report};

use crate::args::{CheckArgs, ColorChoice, OutputFormat};
use crate::human;

/// Where the findings go: standard output, standard error, or `--output-file`.
pub enum Sink {
    /// Standard output, buffered (it is line-buffered otherwise: a write per line).
    Stdout(BufWriter<io::Stdout>),
    /// Standard error (findings while fixed standard input owns standard output).
    Stderr,
    /// `--output-file`.
    File(BufWriter<File>),
}

impl Sink {
    /// `--output-file FILE`, or standard output.
    pub fn open(path: Option<&Path>) -> anyhow::Result<Sink> {
        Ok(match path {
            Some(path) => {
                Sink::File(BufWriter::new(File::create(path).map_err(|err| {
                    anyhow::anyhow!("cannot write {}: {err}", path.display())
                })?))
            }
            None => Sink::Stdout(BufWriter::new(io::stdout())),
        })
    }

    fn is_terminal(&self) -> bool {
        match self {
            Sink::Stdout(_) => io::stdout().is_terminal(),
            Sink::Stderr => io::stderr().is_terminal(),
            Sink::File(_) => false,
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(buf),
            Sink::Stderr => io::stderr().lock().write(buf),
            Sink::File(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            Sink::Stderr => io::stderr().lock().flush(),
            Sink::File(file) => file.flush(),
        }
    }
}

/// Whether to colour: `--color`, then NO_COLOR (non-empty) off, FORCE_COLOR / CLICOLOR_FORCE
/// (non-empty, not `0`) on, else only on a terminal (<https://no-color.org>, <https://force-color.org>).
pub fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else if set("FORCE_COLOR") || set("CLICOLOR_FORCE") {
                true
            } else {
                terminal
            }
        }
    }
}

/// Width to wrap messages at: the terminal's, else COLUMNS, else 100.
fn width() -> usize {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return usize::from(w).max(40);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|&c| c >= 40)
        .unwrap_or(100)
}

/// Print the findings of `report` in the chosen format (or `--statistics`).
pub fn emit(
    args: &CheckArgs,
    report: &Report,
    out: &mut Sink,
    threshold: Severity,
    anchor: Option<&Path>,
) -> anyhow::Result<()> {
    let diagnostics = &report.diagnostics;
    let sources = &report.sources;
    if args.statistics {
        statistics(out, diagnostics)?;
        out.flush()?;
        return Ok(());
    }
    match args.output_format {
        OutputFormat::Human => {
            let choice = if args.no_color {
                ColorChoice::Never
            } else {
                args.color
            };
            let color = use_color(choice, out.is_terminal());
            human::write(out, diagnostics, sources, color, width())?;
        }
        OutputFormat::Concise => emit::concise(out, diagnostics, sources)?,
        OutputFormat::Json => emit::json(out, diagnostics, sources)?,
        OutputFormat::JsonReport => crate::show::json_report(out, report)?,
        OutputFormat::Github => emit::github(out, diagnostics, sources)?,
        OutputFormat::Gitlab => emit::gitlab(out, diagnostics, sources, anchor)?,
        OutputFormat::Junit => {
            let checked: Vec<String> = report
                .deployment
                .files
                .iter()
                .map(|f| {
                    let path = sources
                        .get(f.file)
                        .path()
                        .to_string_lossy()
                        .replace('\\', "/");
                    path.strip_prefix("./").map(str::to_owned).unwrap_or(path)
                })
                .collect();
            emit::junit(out, diagnostics, sources, &checked, threshold)?
        }
        OutputFormat::Sarif => {
            let rules: Vec<RuleInfo> = registry::all()
                .iter()
                .map(|rule| {
                    let meta = rule.meta();
                    RuleInfo {
                        code: meta.code,
                        name: meta.name,
                        summary: meta.summary(),
                        doc: meta.doc_text(),
                        default_severity: meta.default_severity,
                        category: meta.category,
                    }
                })
                .collect();
            let tool = SarifTool {
                version: env!("CARGO_PKG_VERSION"),
                information_uri: "https://crates.io/crates/gblint-cli",
                rules_uri: &rules_uri(),
                anchor,
            };
            emit::sarif(out, diagnostics, sources, &rules, &tool)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Where the rules are documented: the repository's README rules table, or the published
/// crate's README when the package names no repository.
fn rules_uri() -> String {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => format!(
            "https://docs.rs/crate/gblint-cli/{}/source/README.md",
            env!("CARGO_PKG_VERSION")
        ),
        repository => format!("{repository}/blob/main/README.md#rules"),
    }
}

/// `--statistics`: one line per rule, most findings first: count, code, fix mark, name.
fn statistics(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
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
pub fn why_nothing_fixed(report: &Report, unsafe_fixes: bool) -> String {
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
        return format!(
            "{} fix{} could not be applied (see the warnings above)",
            safe + if unsafe_fixes { unsafe_count } else { 0 },
            if safe == 1 { "" } else { "es" }
        );
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
pub fn summary(out: &mut dyn Write, report: &Report) -> io::Result<()> {
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
    let files = report.deployment.files.len();
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
            *by_format.entry(skipped.format.name()).or_default() += 1;
        }
        let list: Vec<String> = by_format
            .iter()
            .map(|(format, count)| format!("{count} {format}"))
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
    crate::show::unknown_line(out, report)?;
    Ok(())
}
