//! The `gblint` command: lint, explain and list rules, and serve editors (`gblint server`). Exit codes: 0 clean, 1 findings at or
//! above `--fail-on`, 2 gblint could not do its job (bad flag, unreadable path, bad config).

mod alloc;
mod args;
mod baseline_cmd;
mod check;
mod common;
mod explain;
mod fmt;
mod help_pages;
mod output;
mod render_cmd;
mod rules_table;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

/// mimalloc, exiting with code 2 and one line when memory runs out (see [`alloc`]).
#[global_allocator]
static GLOBAL: alloc::Allocator = alloc::Allocator;

fn main() -> ExitCode {
    alloc::configure();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Baseline(args) => baseline_cmd::run(args),
        Command::Render(args) => render_cmd::run(args),
        Command::Rules(args) => rules_table::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Completions(args) => help_pages::completions(args.shell),
        Command::Man(args) => help_pages::man(args.command.as_deref()),
        Command::Server => gblint::server::run_stdio()
            .map(|()| ExitCode::SUCCESS)
            .map_err(anyhow::Error::from),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            // A broken pipe (`gblint check | head`) is not an error worth reporting.
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "gblint: error: {error}");
            ExitCode::from(2)
        }
    }
}

/// Whether the error is (or wraps) a closed standard output, as from `gblint rules | head`.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(std::io::ErrorKind::BrokenPipe)
    })
}
