//! `gblint check`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use gblint::unstable::diagnostics::emit::{self, RuleInfo, SarifTool};
use gblint::unstable::diagnostics::Severity;
use gblint::unstable::lint::write::{self, Expected, FileWrite, WriteOptions};
use gblint::unstable::lint::{check, fix, registry, CheckOptions, Input, Report};

use crate::args::{CheckArgs, FailOn, OutputFormat};
use crate::common::{read_inputs, start_dir};
use crate::human;

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    if args.unsafe_fixes && !(args.fix || args.diff) {
        anyhow::bail!("--unsafe applies fixes only with --fix or --diff");
    }
    let start = start_dir(&args.paths, args.stdin_filename.as_deref());
    // The library finds the configuration and the baseline; the inputs (with standard input,
    // read up to the configured limit) come from the command line.
    let max_bytes = match args.max_file_bytes {
        Some(bytes) => bytes,
        None => {
            gblint::unstable::load_settings(args.config.as_deref(), &start)?
                .limits
                .max_file_bytes
        }
    };
    let inputs = read_inputs(&args.paths, args.stdin_filename.as_deref(), "-", max_bytes)?;
    let mut builder = gblint::Linter::builder(&start)
        .unstable_inputs(inputs.clone())
        .no_inline_ignores(args.no_inline_ignores);
    if let Some(config) = &args.config {
        builder = builder.config(config);
    }
    if let Some(rev) = &args.baseline_ref {
        builder = builder.baseline_ref(rev);
    } else if let Some(path) = &args.baseline {
        builder = builder.baseline(path);
    }
    if let Some(select) = &args.select {
        builder = builder.select(select.iter().cloned());
    }
    builder = builder
        .extend_select(args.extend_select.iter().cloned())
        .ignore(args.ignore.iter().cloned());
    if let Some(format) = &args.format {
        builder = builder.format(format);
    }
    if let Some(bytes) = args.max_file_bytes {
        builder = builder.max_file_bytes(bytes);
    }
    let linter = builder.build()?;
    let (_, options) = linter.unstable_parts();
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    if args.fix || args.diff {
        return fix_run(args, &inputs, options, threshold);
    }
    let report = check(&inputs, options)?;
    if args.show_files {
        crate::show::files(&mut std::io::stdout().lock(), &report)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.show_settings {
        crate::show::settings(&mut std::io::stdout().lock(), &report)?;
        return Ok(ExitCode::SUCCESS);
    }
    if crate::show::nothing_checked(&report) {
        anyhow::bail!("{}", crate::show::nothing_message(&args.paths, &report));
    }
    emit(args, &report, &mut std::io::stdout().lock())?;
    let code = exit_code(report.fails(threshold));
    // The process ends right after this: freeing every token and tree node one by one would
    // take a fifth of a large check's time (measured on 10,000 sites), so the OS reclaims it.
    std::mem::forget(report);
    Ok(code)
}

fn exit_code(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--fix` and `--diff`: run the fix loop, then write (or show) the changes.
fn fix_run(
    args: &CheckArgs,
    inputs: &[Input],
    options: &CheckOptions<'_>,
    threshold: Severity,
) -> anyhow::Result<ExitCode> {
    let outcome = fix::fix(inputs, options, args.unsafe_fixes)?;
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    for (path, reason) in &outcome.refused {
        writeln!(
            stderr,
            "gblint: warning: {}: not fixed: {reason}",
            path.display()
        )?;
    }
    if args.diff {
        for change in &outcome.changes {
            stdout.write_all(fix::unified_diff(change).as_bytes())?;
        }
        let files = outcome.changes.len();
        writeln!(
            stderr,
            "Would fix {} problem{} in {files} file{}.",
            outcome.fixed(),
            plural(outcome.fixed()),
            plural(files)
        )?;
        return Ok(exit_code(!outcome.changes.is_empty()));
    }
    let mut to_stdin = false;
    // Every fixed file is written together, all or nothing (see docs/writes.md).
    let mut writes = Vec::new();
    let mut applied = Vec::new();
    for change in &outcome.changes {
        match &change.target {
            fix::Target::Disk(path) => {
                let shown = change.display.to_string_lossy().replace('\\', "/");
                let shown = shown.strip_prefix("./").unwrap_or(&shown).to_owned();
                writes.push(FileWrite::new(
                    path,
                    Path::new(&shown),
                    Expected::Bytes(change.original.as_bytes().to_vec()),
                    change.fixed.as_bytes().to_vec(),
                ));
                applied.push(change.applied.join(", "));
            }
            fix::Target::Stdin => {
                stdout.write_all(change.fixed.as_bytes())?;
                to_stdin = true;
            }
        }
    }
    let options = WriteOptions {
        backup: true,
        create_dirs: false,
    };
    let written = write::write_files(&writes, options)?;
    for (done, fixes) in written.iter().zip(&applied) {
        let shown = done.shown.display();
        match done.backup.as_deref().and_then(|b| b.file_name()) {
            Some(name) => writeln!(
                stderr,
                "Fixed {shown}: {fixes} (previous version kept as {})",
                name.to_string_lossy()
            )?,
            None => writeln!(stderr, "Fixed {shown}: {fixes}")?,
        }
    }
    // With standard input the fixed text owns standard output; findings go to standard error.
    if to_stdin {
        emit(args, &outcome.report, &mut stderr)?;
    } else {
        emit(args, &outcome.report, &mut stdout)?;
    }
    let files = outcome.changes.len();
    writeln!(
        stderr,
        "Fixed {} problem{} in {files} file{}.",
        outcome.fixed(),
        plural(outcome.fixed()),
        plural(files)
    )?;
    Ok(exit_code(outcome.report.fails(threshold)))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn emit(args: &CheckArgs, report: &Report, out: &mut dyn Write) -> anyhow::Result<()> {
    let diagnostics = &report.diagnostics;
    let sources = &report.sources;
    match args.output_format {
        OutputFormat::Human => {
            let color = !args.no_color
                && std::env::var_os("NO_COLOR").is_none()
                && std::io::stdout().is_terminal();
            human::write(out, diagnostics, sources, color)?;
            summary(out, report)?;
        }
        OutputFormat::Concise => {
            emit::concise(out, diagnostics, sources)?;
            let mut err = std::io::stderr().lock();
            summary(&mut err, report)?;
        }
        OutputFormat::Json => emit::json(out, diagnostics, sources)?,
        OutputFormat::JsonReport => crate::show::json_report(out, report)?,
        OutputFormat::Github => emit::github(out, diagnostics, sources)?,
        OutputFormat::Gitlab => emit::gitlab(out, diagnostics, sources)?,
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
            emit::junit(out, diagnostics, sources, &checked)?
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
            };
            emit::sarif(out, diagnostics, sources, &rules, &tool)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn summary(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
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
    }
    if !report.deployment.skipped.is_empty() {
        let mut by_format: std::collections::BTreeMap<&str, usize> =
            std::collections::BTreeMap::new();
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
