//! Writing the baseline (`gblint baseline`): the deployment's facts CDY010 later compares
//! against, merged with the previous baseline and written atomically.

use std::path::{Path, PathBuf};

use gblint_lint::baseline::{self, BaselineFile, BASELINE_FILE};
use gblint_lint::discovery::DiscoverOptions;
use gblint_lint::load::discover_and_load;
use gblint_lint::write::{self, Expected, FileWrite, WriteOptions};
use gblint_lint::Input;

use crate::config::{env_lookup, load_settings};
use crate::Error;

/// A baseline written by [`write_baseline`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BaselineWritten {
    /// Where it was written.
    pub path: PathBuf,
    /// How many Caddyfiles it records.
    pub caddyfiles: usize,
    /// How many site hosts it records over all of them.
    pub hosts: usize,
}

/// Record the facts of the deployment tree `dir` into its baseline: `output`, or the file the
/// configuration (`config`, or the nearest `gblint.toml`) names, or `dir/gblint.baseline.json`.
pub fn write_baseline(
    dir: &Path,
    config: Option<&Path>,
    output: Option<&Path>,
) -> Result<BaselineWritten, Error> {
    if !dir.is_dir() {
        return Err(Error::Baseline(format!("{}: not a folder", dir.display())));
    }
    let settings = load_settings(config, dir)?;
    let output = match (output, &settings.baseline.file, &settings.config_path) {
        (Some(path), _, _) => path.to_path_buf(),
        (None, Some(file), Some(config)) => config.parent().unwrap_or(Path::new(".")).join(file),
        _ => dir.join(BASELINE_FILE),
    };
    let mut sources = gblint_diagnostics::SourceMap::new();
    let deployment = discover_and_load(
        &[Input::Path(dir.to_path_buf())],
        &settings,
        DiscoverOptions::default(),
        &env_lookup,
        &mut sources,
    )?;
    // A baseline taken from files Caddy would refuse would record the wrong sites.
    for doc in &deployment.caddyfiles {
        if let Some(error) = doc.caddyfile.errors.first() {
            let path = sources.get(error.file).path().display().to_string();
            return Err(Error::Baseline(format!(
                "{}:{}: {} — not writing a baseline from a Caddyfile with syntax errors",
                path.strip_prefix("./").unwrap_or(&path),
                error.line,
                error.message
            )));
        }
    }
    let out_dir = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let key_dir = std::fs::canonicalize(&out_dir)
        .map_err(|err| Error::Baseline(format!("{}: {err}", out_dir.display())))?;
    let facts = baseline::caddy_facts(&deployment, &key_dir);
    // What is there now: kept facts are merged from it, and it must still be there, unchanged,
    // when the new baseline replaces it (see docs/writes.md).
    let (expected, previous): (Expected<'_>, Option<BaselineFile>) =
        match gblint_diagnostics::read::read_limited(
            &output,
            gblint_diagnostics::read::DEFAULT_MAX_FILE_BYTES,
        ) {
            Ok(bytes) => {
                let previous = serde_json::from_slice(&bytes).ok();
                (Expected::Bytes(bytes.into()), previous)
            }
            Err(gblint_diagnostics::read::ReadError::Io(err))
                if err.kind() == std::io::ErrorKind::NotFound =>
            {
                (Expected::Absent, None)
            }
            Err(err) => {
                return Err(Error::Baseline(format!(
                    "{}: cannot read: {err}",
                    output.display()
                )))
            }
        };
    let lxd = baseline::lxd_facts(&deployment, &key_dir);
    let text = baseline::render(facts.clone(), lxd, previous.as_ref());
    let options = WriteOptions {
        backup: false,
        create_dirs: false,
    };
    // The writer follows no link below `/`: give it the folder's resolved path.
    let target = match output.file_name() {
        Some(name) => key_dir.join(name),
        None => {
            return Err(Error::Baseline(format!(
                "{}: not a file name",
                output.display()
            )))
        }
    };
    let write = FileWrite::new(&target, &output, expected, text.into_bytes());
    write::write_files(&[write], options)?;
    Ok(BaselineWritten {
        hosts: facts.values().map(|f| f.hosts.len()).sum(),
        caddyfiles: facts.len(),
        path: output,
    })
}
