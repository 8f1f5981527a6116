//! `gblint check`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use gblint::unstable::diagnostics::Severity;
use gblint::unstable::dir_of;
use gblint::unstable::lint::write::{self, Expected, FileWrite, WriteOptions};
use gblint::unstable::lint::{check, fix, CheckOptions, Input};

use crate::args::{CheckArgs, FailOn};
use crate::common::{read_inputs, start_dir};
use crate::output::{self, Sink};

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
    if let Some(threads) = args.threads {
        builder = builder.threads(usize::from(threads));
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
    let anchor = std::fs::canonicalize(dir_of(&start)).ok();
    let mut sink = Sink::open(args.output_file.as_deref())?;
    output::emit(args, &report, &mut sink, threshold, anchor.as_deref())?;
    if !args.quiet {
        output::summary(&mut std::io::stderr().lock(), &report)?;
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
    inputs: &[Input],
    options: &CheckOptions<'_>,
    threshold: Severity,
) -> anyhow::Result<ExitCode> {
    let outcome = fix::fix(inputs, options, args.unsafe_fixes)?;
    let anchor = std::fs::canonicalize(dir_of(&start_dir(
        &args.paths,
        args.stdin_filename.as_deref(),
    )))
    .ok();
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
        backup: !args.no_backup && options.settings.write.backup,
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
    drop(stdout);
    let mut sink = if to_stdin && args.output_file.is_none() {
        Sink::Stderr
    } else {
        Sink::open(args.output_file.as_deref())?
    };
    output::emit(
        args,
        &outcome.report,
        &mut sink,
        threshold,
        anchor.as_deref(),
    )?;
    if !args.quiet {
        // The summary of what is left, then what --fix did (or why it did nothing) last.
        output::summary(&mut stderr, &outcome.report)?;
        let files = outcome.changes.len();
        if outcome.fixed() == 0 {
            writeln!(
                stderr,
                "Fixed nothing: {}.",
                output::why_nothing_fixed(&outcome.report, args.unsafe_fixes)
            )?;
        } else {
            writeln!(
                stderr,
                "Fixed {} problem{} in {files} file{}.",
                outcome.fixed(),
                plural(outcome.fixed()),
                plural(files)
            )?;
        }
    }
    Ok(exit_code(
        !args.exit_zero && outcome.report.fails(threshold),
    ))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
