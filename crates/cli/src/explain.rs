//! `gblint explain CODE`.

use std::io::Write;
use std::process::ExitCode;

use crate::args::ExplainArgs;

pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    // A name shared by several formats (`syntax-error`) must be asked for by code; the library
    // says so, and suggests the nearest code or name for an unknown one.
    let info = gblint::lookup_rule(&args.code)?;
    write!(std::io::stdout().lock(), "{}", info.explain())?;
    Ok(ExitCode::SUCCESS)
}
