//! `cargo xtask` (alias in `.cargo/config.toml`): tasks on the repository itself.
//!
//! - `new-rule <CODE> <name> <format> [--severity S] [--category C] [--summary TEXT]`:
//!   scaffold a rule — its file with `declare_rule!`, the `pub mod` line, the registry line, a
//!   triggering and an `_ok` fixture, and the README row ([`new_rule`]).

#![deny(missing_docs)]
// A command-line tool: its report and errors are its output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod new_rule;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask new-rule <CODE> <name> <format> \
[--severity error|warning|info] [--category load|correctness|security|suspicious|policy|style] \
[--summary TEXT]\n  format: caddyfile, corefile, zone, iptables, fail2ban, systemd, ufw, … or none";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("xtask: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    match args.first().map(String::as_str) {
        Some("new-rule") => {
            let spec = new_rule::Spec::from_args(&args[1..])?;
            let root = workspace_root();
            let written = new_rule::scaffold(&root, &spec)?;
            Ok(new_rule::next_steps(&spec, &written))
        }
        Some(other) => Err(format!("unknown task `{other}`")),
        None => Err("no task given".to_owned()),
    }
}

/// The repository: this package's parent folder.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is one level below the workspace root")
        .to_path_buf()
}
