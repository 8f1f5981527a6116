//! `gblint check`.

use std::io::Write;
use std::process::ExitCode;

use gblint::{Applicability, Linter, Severity, WriteOptions};

use crate::args::{CheckArgs, FailOn};
use crate::common::{config, dir_of, read_inputs, start_dir};
use crate::output::{self, Sink};

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    if args.unsafe_fixes && !(args.fix || args.diff) {
        anyhow::bail!("--unsafe applies fixes only with --fix or --diff");
    }
    let start = start_dir(&args.paths, args.stdin_filename.as_deref());
    // The library finds the configuration and the baseline; the inputs (with standard input,
    // read up to the configured limit) come from the command line.
    let config = config(args.config.as_deref(), &start)?;
    let max_bytes = args.max_file_bytes.unwrap_or(config.max_file_bytes());
    let inputs = read_inputs(&args.paths, args.stdin_filename.as_deref(), "-", max_bytes)?;
    let mut builder = Linter::builder(&start)
        .inputs(inputs)
        .no_inline_ignores(args.no_inline_ignores);
    if let Some(path) = &args.config {
        builder = builder.config(path);
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
    if let Some(kind) = &args.kind {
        builder = builder.kind(kind);
    }
    if let Some(bytes) = args.max_file_bytes {
        builder = builder.max_file_bytes(bytes);
    }
    // `--fix` and `--diff` check through the same linter, so they take it too.
    if let Some(threads) = args.threads {
        builder = builder.threads(usize::from(threads));
    }
    let linter = builder.build()?;
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    if args.fix || args.diff {
        // `--no-backup`, or `[write] backup = false` in the configuration of the first path.
        let backup = !args.no_backup && config.keeps_backups();
        return fix_run(args, &linter, threshold, backup);
    }
    let report = linter.check()?;
    if args.show_files {
        report.write_file_list(&mut std::io::stdout().lock())?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.show_settings {
        report.write_settings(&mut std::io::stdout().lock())?;
        return Ok(ExitCode::SUCCESS);
    }
    if report.nothing_checked() {
        anyhow::bail!("{}", report.nothing_message(&args.paths));
    }
    let anchor = std::fs::canonicalize(dir_of(&start)).ok();
    let mut sink = Sink::open(args.output_file.as_deref())?;
    output::emit(args, &report, &mut sink, threshold, anchor)?;
    if !args.quiet {
        report.write_summary(&mut std::io::stderr().lock())?;
    }
    let code = exit_code(!args.exit_zero && report.fails(threshold));
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
    linter: &Linter,
    threshold: Severity,
    backup: bool,
) -> anyhow::Result<ExitCode> {
    // The loop frees each check before it builds the next texts: that memory must go back
    // to the system then, not when mimalloc's purge delay is over (see `purge_at_once`).
    crate::alloc::purge_at_once();
    let applicability = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    // `--diff` shows the change from the text read, so it keeps that text; a write needs only
    // its digest (and `--diff` never writes).
    let outcome = if args.diff {
        linter.fix_for_diff(applicability)?
    } else {
        linter.fix(applicability)?
    };
    let anchor = std::fs::canonicalize(dir_of(&start_dir(
        &args.paths,
        args.stdin_filename.as_deref(),
    )))
    .ok();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    for (path, reason) in outcome.refused() {
        writeln!(
            stderr,
            "gblint: warning: {}: not fixed: {reason}",
            path.display()
        )?;
    }
    let files = outcome.changed_files();
    if args.diff {
        stdout.write_all(outcome.diff()?.as_bytes())?;
        writeln!(
            stderr,
            "Would fix {} problem{} in {files} file{}.",
            outcome.applied(),
            plural(outcome.applied()),
            plural(files)
        )?;
        return Ok(exit_code(files > 0));
    }
    // With standard input the fixed text owns standard output; findings go to standard error.
    let to_stdin = match outcome.text_input() {
        Some(text) => {
            stdout.write_all(text.as_bytes())?;
            true
        }
        None => false,
    };
    // Every fixed file is written together, all or nothing (see docs/writes.md).
    let written = outcome.write(&WriteOptions::default().backup(backup))?;
    for done in &written {
        let shown = done.path.display();
        let fixes = done.fixes.join(", ");
        match done.backup.as_deref().and_then(|b| b.file_name()) {
            Some(name) => writeln!(
                stderr,
                "Fixed {shown}: {fixes} (previous version kept as {})",
                name.to_string_lossy()
            )?,
            None => writeln!(stderr, "Fixed {shown}: {fixes}")?,
        }
    }
    drop(stdout);
    let mut sink = if to_stdin && args.output_file.is_none() {
        Sink::Stderr
    } else {
        Sink::open(args.output_file.as_deref())?
    };
    let report = outcome.report();
    output::emit(args, report, &mut sink, threshold, anchor)?;
    if !args.quiet {
        // The summary of what is left, then what --fix did (or why it did nothing) last.
        report.write_summary(&mut stderr)?;
        if outcome.applied() == 0 {
            writeln!(
                stderr,
                "Fixed nothing: {}.",
                report.why_nothing_fixed(args.unsafe_fixes)
            )?;
        } else {
            writeln!(
                stderr,
                "Fixed {} problem{} in {files} file{}.",
                outcome.applied(),
                plural(outcome.applied()),
                plural(files)
            )?;
        }
    }
    Ok(exit_code(!args.exit_zero && report.fails(threshold)))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
