//! What `check`, `fmt` and `baseline` share: reading inputs and finding the configuration.

use gblint_diagnostics::read::read_to_limit;
use std::path::{Path, PathBuf};

use gblint_lint::{find_config, Input, Settings};

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
            let bytes = match read_to_limit(std::io::stdin().lock(), max_bytes, 0) {
                Ok(bytes) => bytes,
                Err(err) if err.is_too_large() => anyhow::bail!(
                    "standard input is larger than gblint's limit of {max_bytes} bytes (raise it with --max-file-bytes)"
                ),
                Err(err) => anyhow::bail!("cannot read standard input: {err}"),
            };
            let text = match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(err) => anyhow::bail!(
                    "standard input is not valid UTF-8 (first invalid byte at offset {})",
                    err.utf8_error().valid_up_to()
                ),
            };
            let name = stdin_filename
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(default_stdin_name));
            inputs.push(Input::Stdin { name, text });
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

/// `--config`, or the nearest `gblint.toml` at or above the start folder; defaults otherwise.
pub fn load_settings(config: Option<&Path>, start: &Path) -> anyhow::Result<Settings> {
    let path = match config {
        Some(path) => Some(path.to_path_buf()),
        None => find_config(start),
    };
    Ok(match path {
        Some(path) => Settings::load(&path)?,
        None => Settings::default(),
    })
}

/// The folder of `path` when it is a file, or `path` itself.
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

/// Environment lookup for `{$VAR}`.
pub fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}
