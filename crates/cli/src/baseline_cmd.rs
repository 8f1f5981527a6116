//! `gblint baseline`: record the deployment's facts (the library writes them).

use std::io::Write;
use std::process::ExitCode;

use crate::args::BaselineArgs;

pub fn run(args: &BaselineArgs) -> anyhow::Result<ExitCode> {
    let written =
        gblint::write_baseline(&args.dir, args.config.as_deref(), args.output.as_deref())?;
    let (files, hosts) = (written.caddyfiles, written.hosts);
    writeln!(
        std::io::stderr().lock(),
        "Wrote {}: {files} Caddyfile{}, {hosts} site host{}.",
        written.path.display(),
        if files == 1 { "" } else { "s" },
        if hosts == 1 { "" } else { "s" }
    )?;
    Ok(ExitCode::SUCCESS)
}
