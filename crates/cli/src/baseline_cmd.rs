//! `gblint baseline`: record the deployment's facts.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gblint_lint::baseline::{self, BaselineFile, BASELINE_FILE};
use gblint_lint::discovery::{discover, DiscoverOptions};
use gblint_lint::write::{self, Expected, FileWrite, WriteOptions};
use gblint_lint::Input;

use crate::args::BaselineArgs;
use crate::common::{env_lookup, load_settings};

pub fn run(args: &BaselineArgs) -> anyhow::Result<ExitCode> {
    if !args.dir.is_dir() {
        anyhow::bail!("{}: not a folder", args.dir.display());
    }
    let settings = load_settings(args.config.as_deref(), &args.dir)?;
    let output = match (&args.output, &settings.baseline.file, &settings.config_path) {
        (Some(path), _, _) => path.clone(),
        (None, Some(file), Some(config)) => config.parent().unwrap_or(Path::new(".")).join(file),
        _ => args.dir.join(BASELINE_FILE),
    };
    let mut sources = gblint_diagnostics::SourceMap::new();
    let deployment = discover(
        &[Input::Path(args.dir.clone())],
        &settings,
        DiscoverOptions::new(&env_lookup),
        &mut sources,
    )?;
    // A baseline taken from files Caddy would refuse would record the wrong sites.
    for doc in &deployment.caddyfiles {
        if let Some(error) = doc.caddyfile.errors.first() {
            let path = sources.get(error.file).path().display().to_string();
            anyhow::bail!(
                "{}:{}: {} — not writing a baseline from a Caddyfile with syntax errors",
                path.strip_prefix("./").unwrap_or(&path),
                error.line,
                error.message
            );
        }
    }
    let out_dir = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let key_dir = std::fs::canonicalize(&out_dir)
        .map_err(|err| anyhow::anyhow!("{}: {err}", out_dir.display()))?;
    let facts = baseline::caddy_facts(&deployment, &key_dir);
    // What is there now: kept facts are merged from it, and it must still be there, unchanged,
    // when the new baseline replaces it (see docs/writes.md).
    let (expected, previous): (Expected, Option<BaselineFile>) =
        match gblint_diagnostics::read::read_limited(
            &output,
            gblint_diagnostics::read::DEFAULT_MAX_FILE_BYTES,
        ) {
            Ok(bytes) => {
                let previous = serde_json::from_slice(&bytes).ok();
                (Expected::Bytes(bytes), previous)
            }
            Err(gblint_diagnostics::read::ReadError::Io(err))
                if err.kind() == std::io::ErrorKind::NotFound =>
            {
                (Expected::Absent, None)
            }
            Err(err) => anyhow::bail!("{}: cannot read: {err}", output.display()),
        };
    let text = baseline::render(facts.clone(), previous.as_ref());
    let options = WriteOptions {
        backup: false,
        create_dirs: false,
    };
    // The writer follows no link below `/`: give it the folder's resolved path.
    let target = match output.file_name() {
        Some(name) => key_dir.join(name),
        None => anyhow::bail!("{}: not a file name", output.display()),
    };
    let write = FileWrite::new(&target, &output, expected, text.into_bytes());
    write::write_files(&[write], options)?;
    let hosts: usize = facts.values().map(|f| f.hosts.len()).sum();
    writeln!(
        std::io::stderr().lock(),
        "Wrote {}: {} Caddyfile{}, {hosts} site host{}.",
        output.display(),
        facts.len(),
        if facts.len() == 1 { "" } else { "s" },
        if hosts == 1 { "" } else { "s" }
    )?;
    Ok(ExitCode::SUCCESS)
}
