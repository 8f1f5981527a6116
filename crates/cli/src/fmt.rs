//! `gblint fmt`: find the files, have the library format them (`gblint::format_as`), show or
//! write the result.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use gblint::unstable::lint::discovery::{discover, DiscoverOptions};
use gblint::unstable::lint::fix::{unified_diff, FileChange, Target};
use gblint::unstable::lint::write::{self, Expected, FileWrite, WriteOptions};
use gblint::unstable::lint::Format;

use crate::args::FmtArgs;
use crate::common::{read_inputs, start_dir};
use gblint::unstable::load_settings;

pub fn run(args: &FmtArgs) -> anyhow::Result<ExitCode> {
    let start = start_dir(&args.paths, args.stdin_filename.as_deref());
    let mut settings = load_settings(args.config.as_deref(), &start)?;
    if let Some(bytes) = args.max_file_bytes {
        settings.limits.max_file_bytes = bytes;
    }
    let inputs = read_inputs(
        &args.paths,
        args.stdin_filename.as_deref(),
        "Caddyfile",
        settings.limits.max_file_bytes,
    )?;
    let mut sources = gblint::unstable::diagnostics::SourceMap::new();
    let forced = args.format.as_deref().and_then(Format::from_name);
    let options = DiscoverOptions {
        forced_format: forced,
        overlay: None,
    };
    let deployment = discover(&inputs, &settings, options, &mut sources)?;

    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let (mut changed, mut unchanged, mut refused) = (0usize, 0usize, 0usize);
    // Written together at the end, all or nothing (see docs/writes.md).
    let mut writes = Vec::new();
    for input in deployment.files.iter().filter(|f| {
        matches!(
            f.format,
            Format::Caddyfile | Format::Iptables | Format::Corefile
        )
    }) {
        let source = sources.get(input.file);
        let text = source.text();
        // A file that was not read as it is (invalid UTF-8, a link out of the tree) would be
        // written back with what gblint put in its place.
        if let Some(problem) = deployment
            .read_problems
            .iter()
            .find(|p| p.file == input.file)
        {
            let display = source.path().display().to_string();
            writeln!(
                stderr,
                "gblint: error: {}: not formatted: {}",
                display.strip_prefix("./").unwrap_or(&display),
                problem.message
            )?;
            refused += 1;
            continue;
        }
        let shown = input
            .machine_path
            .clone()
            .unwrap_or_else(|| gblint::unstable::diagnostics::path_display::slashed(source.path()));
        let options = gblint::FormatOptions::default().canonical(args.canonical);
        let result = match gblint::format_as(input.format, &shown, text, &options) {
            Ok(result) => result,
            Err(error) => {
                let display = source.path().display().to_string();
                writeln!(
                    stderr,
                    "gblint: error: {}: not formatted: {error}",
                    display.strip_prefix("./").unwrap_or(&display)
                )?;
                refused += 1;
                continue;
            }
        };
        let formatted = result.text;
        let is_stdin = deployment.stdin == Some(input.file);
        let display = source.path().display().to_string();
        let display = display.strip_prefix("./").unwrap_or(&display).to_owned();
        if is_stdin && !args.check && !args.diff {
            stdout.write_all(formatted.as_bytes())?;
            continue;
        }
        if formatted == text {
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
            let change = FileChange {
                target: Target::Stdin,
                display: display.clone().into(),
                original: text.to_owned(),
                fixed: formatted,
                applied: Vec::new(),
            };
            stdout.write_all(unified_diff(&change).as_bytes())?;
            continue;
        }
        if let Some(reason) = result.unsafe_to_write {
            writeln!(stderr, "gblint: error: {display}: not formatted: {reason}")?;
            changed -= 1;
            refused += 1;
            continue;
        }
        let Some(disk) = deployment.disk_paths.get(&input.file) else {
            continue;
        };
        writes.push(FileWrite::new(
            disk,
            Path::new(&display),
            Expected::Bytes(text.as_bytes().to_vec()),
            formatted.into_bytes(),
        ));
    }
    let options = WriteOptions {
        backup: !args.no_backup && settings.write.backup,
        create_dirs: false,
    };
    write::write_files(&writes, options)?;
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
    if !deployment.skipped.is_empty() {
        writeln!(
            stderr,
            "Not formatted: {} file{} in formats gblint cannot format yet.",
            deployment.skipped.len(),
            plural(deployment.skipped.len())
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
