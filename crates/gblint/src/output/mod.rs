//! Printing a [`Report`] as the `gblint` command does: the findings in one of its output
//! formats ([`Report::emit`]), `--statistics`, the summary, `--show-files` and
//! `--show-settings`. Every printer writes to any [`io::Write`]; where that goes (a terminal, a
//! file) is the caller's choice, as with ruff's emitters.
//!
//! ```
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("Caddyfile"), "example.com {\n\trespond \"hi\"\n}\n")?;
//! let report = gblint::Linter::discover(dir.path())?.check()?;
//!
//! let mut out = Vec::new();
//! report.emit(&mut out, gblint::output::OutputFormat::Concise, &Default::default())?;
//! let line = String::from_utf8(out)?;
//! assert!(line.contains("Caddyfile:1:1: error CDY001"), "{line}");
//!
//! let mut summary = Vec::new();
//! report.write_summary(&mut summary)?;
//! assert!(String::from_utf8(summary)?.starts_with("Found 1 error (1 file checked)."));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod human;
mod show;
mod summary;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use gblint_diagnostics::emit::{self, SarifTool};

use crate::write::shown;
use crate::{Report, Severity};

/// How [`Report::emit`] prints findings (`gblint check --output-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputFormat {
    /// Source snippets with labels, notes and help (miette's graphical report).
    Human,
    /// One line per finding: `path:line:col: CODE message`.
    Concise,
    /// A JSON array of [`Diagnostic`](crate::Diagnostic)s.
    Json,
    /// A JSON object: the findings, every deployment checked with its configuration file and
    /// files, and the files not checked.
    JsonReport,
    /// SARIF 2.1.0 (GitHub code scanning, GitLab, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML (one test case per finding; clean files pass).
    Junit,
}

/// Options of [`Report::emit`]; the defaults are plain text 100 columns wide, failing on
/// errors, anchored nowhere.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EmitOptions {
    /// [`OutputFormat::Human`]: colour the output.
    pub color: bool,
    /// [`OutputFormat::Human`]: the width to wrap messages at.
    pub width: usize,
    /// [`OutputFormat::Junit`]: the lowest severity that fails a test case (`--fail-on`).
    pub fail_on: Severity,
    /// [`OutputFormat::Gitlab`] and [`OutputFormat::Sarif`]: the folder the run is anchored at
    /// (canonical), so fingerprints do not depend on the folder gblint ran in.
    pub anchor: Option<PathBuf>,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            color: false,
            width: 100,
            fail_on: Severity::Error,
            anchor: None,
        }
    }
}

impl EmitOptions {
    /// Colour human output.
    #[must_use]
    pub fn color(mut self, yes: bool) -> Self {
        self.color = yes;
        self
    }

    /// Wrap human output at `columns`.
    #[must_use]
    pub fn width(mut self, columns: usize) -> Self {
        self.width = columns;
        self
    }

    /// The lowest severity that fails (JUnit).
    #[must_use]
    pub fn fail_on(mut self, severity: Severity) -> Self {
        self.fail_on = severity;
        self
    }

    /// The folder the run is anchored at (GitLab, SARIF fingerprints).
    #[must_use]
    pub fn anchor(mut self, folder: Option<PathBuf>) -> Self {
        self.anchor = folder;
        self
    }
}

impl Report {
    /// Print the findings in `format`.
    pub fn emit(
        &self,
        out: &mut dyn Write,
        format: OutputFormat,
        options: &EmitOptions,
    ) -> io::Result<()> {
        let diagnostics = &self.engine.diagnostics;
        let sources = &self.engine.sources;
        let anchor = options.anchor.as_deref();
        match format {
            OutputFormat::Human => {
                human::write(out, diagnostics, sources, options.color, options.width)
            }
            OutputFormat::Concise => emit::concise(out, diagnostics, sources),
            OutputFormat::Json => emit::json(out, diagnostics, sources),
            OutputFormat::JsonReport => show::json_report(out, self),
            OutputFormat::Github => emit::github(out, diagnostics, sources),
            OutputFormat::Gitlab => emit::gitlab(out, diagnostics, sources, anchor),
            OutputFormat::Junit => {
                let checked: Vec<String> = self
                    .engine
                    .deployment
                    .files
                    .iter()
                    .map(|f| shown(sources.get(f.file).path()))
                    .collect();
                emit::junit(out, diagnostics, sources, &checked, options.fail_on)
            }
            OutputFormat::Sarif => sarif(out, self, anchor),
        }
    }

    /// `--statistics`: one line per rule, most findings first: count, code, fix mark, name.
    pub fn write_statistics(&self, out: &mut dyn Write) -> io::Result<()> {
        summary::statistics(out, &self.engine.diagnostics)
    }

    /// The summary `gblint check` prints on standard error: counts by severity, files checked,
    /// what `--fix` would repair, files not checked.
    pub fn write_summary(&self, out: &mut dyn Write) -> io::Result<()> {
        summary::summary(out, &self.engine)
    }

    /// Why `--fix` (with `--unsafe` when `unsafe_fixes`) changed nothing, from the findings
    /// left: one clause, e.g. `no finding has an automatic fix`.
    pub fn why_nothing_fixed(&self, unsafe_fixes: bool) -> String {
        summary::why_nothing_fixed(&self.engine, unsafe_fixes)
    }

    /// `--show-files`: each deployment, its configuration file, the files it checks and
    /// those it does not.
    pub fn write_file_list(&self, out: &mut dyn Write) -> io::Result<()> {
        show::files(out, &self.engine)
    }

    /// `--show-settings`: the effective settings of each deployment and where they come from.
    pub fn write_settings(&self, out: &mut dyn Write) -> io::Result<()> {
        show::settings(out, &self.engine)
    }

    /// Why nothing was checked in `paths` (see [`Report::nothing_checked`]): one line.
    pub fn nothing_message(&self, paths: &[PathBuf]) -> String {
        show::nothing_message(paths, &self.engine)
    }
}

/// SARIF, with every rule's documentation and the facade's version as the tool's.
fn sarif(out: &mut dyn Write, report: &Report, anchor: Option<&Path>) -> io::Result<()> {
    let rules: Vec<emit::RuleInfo> = gblint_lint::registry::all()
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            emit::RuleInfo {
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
    emit::sarif(
        out,
        &report.engine.diagnostics,
        &report.engine.sources,
        &rules,
        &tool,
    )
}

/// Where the rules are documented: the repository's README rules table, or the published
/// command's README when the package names no repository. (The workspace gives this crate and
/// the command the same version and repository.)
fn rules_uri() -> String {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => format!(
            "https://docs.rs/crate/gblint-cli/{}/source/README.md",
            env!("CARGO_PKG_VERSION")
        ),
        repository => format!("{repository}/blob/main/README.md#rules"),
    }
}
