//! The `gblint` command: lint, explain and list rules. Exit codes: 0 clean, 1 findings at or
//! above `--fail-on`, 2 gblint could not do its job (bad flag, unreadable path, bad config).

mod args;
mod check;
mod explain;
mod human;
mod rules_table;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules(args) => rules_table::run(args),
        Command::Explain(args) => explain::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            // A broken pipe (`gblint check | head`) is not an error worth reporting.
            if error.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "gblint: error: {error}");
            ExitCode::from(2)
        }
    }
}
