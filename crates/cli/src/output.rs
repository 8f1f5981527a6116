//! Where and how `gblint check` prints a finished report: the output format, `--output-file`,
//! colour and width, `--statistics` (the library prints each format; the summary always goes
//! to standard error, for every format, so standard output carries only the findings and
//! stays parseable).

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use gblint::output::EmitOptions;
use gblint::{Report, Severity};

use crate::args::{CheckArgs, ColorChoice, OutputFormat};

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
    anchor: Option<PathBuf>,
) -> anyhow::Result<()> {
    if args.statistics {
        report.write_statistics(out)?;
        out.flush()?;
        return Ok(());
    }
    let format = match args.output_format {
        OutputFormat::Human => gblint::output::OutputFormat::Human,
        OutputFormat::Concise => gblint::output::OutputFormat::Concise,
        OutputFormat::Json => gblint::output::OutputFormat::Json,
        OutputFormat::JsonReport => gblint::output::OutputFormat::JsonReport,
        OutputFormat::Github => gblint::output::OutputFormat::Github,
        OutputFormat::Gitlab => gblint::output::OutputFormat::Gitlab,
        OutputFormat::Junit => gblint::output::OutputFormat::Junit,
        OutputFormat::Sarif => gblint::output::OutputFormat::Sarif,
    };
    let mut options = EmitOptions::default().fail_on(threshold).anchor(anchor);
    if format == gblint::output::OutputFormat::Human {
        let choice = if args.no_color {
            ColorChoice::Never
        } else {
            args.color
        };
        options = options
            .color(use_color(choice, out.is_terminal()))
            .width(width());
    }
    report.emit(out, format, &options)?;
    out.flush()?;
    Ok(())
}
