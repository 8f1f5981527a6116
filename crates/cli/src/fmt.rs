//! `gblint fmt`: the library finds and formats the files (`gblint::format_files`) and decides
//! which may be written back; this shows or writes the result.

use std::io::Write;
use std::process::ExitCode;

use gblint::{FileKind, FormatOptions, WriteOptions};

use crate::args::FmtArgs;
use crate::common::{config, read_inputs, start_dir};

pub fn run(args: &FmtArgs) -> anyhow::Result<ExitCode> {
    let start = start_dir(&args.paths, args.stdin_filename.as_deref());
    let mut config = config(args.config.as_deref(), &start)?;
    if let Some(bytes) = args.max_file_bytes {
        config.set_max_file_bytes(bytes);
    }
    let inputs = read_inputs(
        &args.paths,
        args.stdin_filename.as_deref(),
        "Caddyfile",
        config.max_file_bytes(),
    )?;
    let options = FormatOptions::default()
        .canonical(args.canonical)
        .forced_kind(args.kind.as_deref().and_then(FileKind::from_name));
    let run = gblint::format_files(&inputs, &config, &options)?;

    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let (mut changed, mut unchanged, mut refused) = (0usize, 0usize, 0usize);
    for file in &run.files {
        let display = &file.path;
        let result = match &file.result {
            Ok(result) => result,
            Err(error) => {
                writeln!(stderr, "gblint: error: {display}: not formatted: {error}")?;
                refused += 1;
                continue;
            }
        };
        if file.is_text_input && !args.check && !args.diff {
            stdout.write_all(result.text.as_bytes())?;
            continue;
        }
        if !result.changed {
            unchanged += 1;
            continue;
        }
        changed += 1;
        if args.check {
            let line = result.first_changed_line.unwrap_or(1);
            writeln!(
                stdout,
                "{display}:{line}: not formatted (first differing line)"
            )?;
            continue;
        }
        if args.diff {
            stdout.write_all(file.diff().as_bytes())?;
            continue;
        }
        if let Some(reason) = &result.unsafe_to_write {
            writeln!(stderr, "gblint: error: {display}: not formatted: {reason}")?;
            changed -= 1;
            refused += 1;
        }
    }
    // Written together, all or nothing (see docs/writes.md); only what `writable()` allows.
    if !args.check && !args.diff {
        run.write(&WriteOptions::default().backup(!args.no_backup && config.keeps_backups()))?;
    }
    let total = changed + unchanged;
    if total > 0 || refused > 0 {
        let verb = if args.check || args.diff {
            "would be reformatted"
        } else {
            "reformatted"
        };
        writeln!(
            stderr,
            "{changed} file{} {verb}, {unchanged} file{} already formatted{}.",
            plural(changed),
            plural(unchanged),
            if refused > 0 {
                format!(", {refused} not written")
            } else {
                String::new()
            }
        )?;
    }
    if run.not_formattable > 0 {
        writeln!(
            stderr,
            "Not formatted: {} file{} in formats gblint cannot format yet.",
            run.not_formattable,
            plural(run.not_formattable)
        )?;
    }
    let failed = refused > 0 || ((args.check || args.diff) && changed > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
