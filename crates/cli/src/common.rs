//! What `check` and `fmt` share: turning command-line paths into inputs. Finding the
//! configuration is the library's (`gblint::Linter`).

use gblint::unstable::diagnostics::read::read_to_limit;
use std::path::{Path, PathBuf};

use gblint::unstable::lint::Input;

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
