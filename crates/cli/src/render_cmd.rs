//! `gblint render`: generate a deployment tree from an inventory. Reports go to standard
//! output (diffs, what changed); a failure is a one-line cause on standard error, preceded by
//! the self-check's findings when the rendered tree did not lint clean.

use std::io::Write;
use std::process::ExitCode;

use gblint::render::{ChangeKind, Mode, RenderError, Request};

use crate::args::RenderArgs;

pub fn run(args: &RenderArgs) -> anyhow::Result<ExitCode> {
    let mode = if args.diff {
        Mode::Diff
    } else if args.check {
        Mode::Check
    } else {
        Mode::Write
    };
    let mut request = Request::new(&args.inventory, &args.out)
        .templates(args.templates.clone())
        .mode(mode)
        .allow_shrink(args.allow_shrink)
        .prune(args.prune)
        .code_repo(args.code_repo.clone());
    if args.no_backup {
        request = request.backup(false);
    }
    let summary = match gblint::render::run(&request) {
        Ok(summary) => summary,
        Err(error) => return report_error(&error),
    };
    let mut stdout = std::io::stdout().lock();
    let total = summary.changes.len();
    let changed: Vec<_> = summary.changed().collect();
    match mode {
        Mode::Diff => {
            for change in &changed {
                write!(stdout, "{}", change.diff())?;
            }
        }
        Mode::Check | Mode::Write => {
            for change in &changed {
                let verb = match (mode, change.kind) {
                    (Mode::Check, ChangeKind::Create) => "missing",
                    (Mode::Check, _) => "out of date",
                    (_, ChangeKind::Create) => "created",
                    _ => "updated",
                };
                writeln!(stdout, "{verb}: {}", change.disk.display())?;
            }
        }
    }
    for stale in &summary.stale {
        let note = match mode {
            Mode::Write if summary.pruned => "removed",
            Mode::Write => "stale (no longer rendered; kept, --prune removes it)",
            _ => "stale (no longer rendered; --prune removes it)",
        };
        writeln!(stdout, "{note}: {}", stale.display())?;
    }
    for backup in &summary.backups {
        writeln!(stdout, "kept: {}", backup.display())?;
    }
    if let Some(refusal) = &summary.would_refuse {
        writeln!(stdout, "would refuse to write: {refusal}")?;
    }
    let files = |n: usize| if n == 1 { "file" } else { "files" };
    let verb = if mode == Mode::Write {
        "changed"
    } else {
        "out of date"
    };
    writeln!(
        stdout,
        "{total} {} rendered, {} {} {verb}.",
        files(total),
        changed.len(),
        files(changed.len())
    )?;
    let outdated = !changed.is_empty() || !summary.stale.is_empty();
    Ok(
        if mode != Mode::Write && (outdated || summary.would_refuse.is_some()) {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// Print a failed render: findings first (one per line), then the one-line cause.
fn report_error(error: &RenderError) -> anyhow::Result<ExitCode> {
    let mut stderr = std::io::stderr().lock();
    if let RenderError::SelfCheck(findings) = error {
        for finding in findings {
            writeln!(stderr, "{finding}")?;
        }
    }
    writeln!(stderr, "gblint: error: {error}")?;
    Ok(ExitCode::from(error.exit_code()))
}
