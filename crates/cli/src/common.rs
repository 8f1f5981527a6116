//! What `check` and `fmt` share: turning command-line paths into inputs. Finding the
//! configuration is the library's (`gblint::Linter`).

use std::path::{Path, PathBuf};

use gblint::{Input, ReadError};

/// Turn command-line paths into inputs; `-` reads standard input (once, at most `max_bytes`).
pub fn read_inputs(
    paths: &[PathBuf],
    stdin_filename: Option<&Path>,
    default_stdin_name: &str,
    max_bytes: u64,
) -> anyhow::Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let name = stdin_filename
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(default_stdin_name));
            match Input::read(std::io::stdin().lock(), name, max_bytes) {
                Ok(input) => inputs.push(input),
                Err(ReadError::TooLarge { .. }) => anyhow::bail!(
                    "standard input is larger than gblint's limit of {max_bytes} bytes (raise it with --max-file-bytes)"
                ),
                Err(ReadError::NotUtf8 { valid_up_to }) => anyhow::bail!(
                    "standard input is not valid UTF-8 (first invalid byte at offset {valid_up_to})"
                ),
                Err(err) => anyhow::bail!("cannot read standard input: {err}"),
            }
        } else {
            inputs.push(Input::Path(path.clone()));
        }
    }
    Ok(inputs)
}

/// The folder a run is anchored at: the first path (or the folder of `--stdin-filename`).
pub fn start_dir(paths: &[PathBuf], stdin_filename: Option<&Path>) -> PathBuf {
    let start = paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .cloned()
        .or_else(|| stdin_filename.and_then(|p| p.parent().map(PathBuf::from)))
        .unwrap_or_else(|| PathBuf::from("."));
    if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    }
}

/// The folder of `path` when it is a file, or `path` itself (the folder a run is anchored at).
pub fn dir_of(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.to_path_buf()
    } else {
        match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// The configuration `--config` names, or the nearest one at or above `start`.
pub fn config(explicit: Option<&Path>, start: &Path) -> anyhow::Result<gblint::Config> {
    Ok(match explicit {
        Some(path) => gblint::Config::load(path)?,
        None => gblint::Config::discover(start)?,
    })
}
