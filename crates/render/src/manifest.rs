//! What a render wrote, recorded in `--out` so the next render can tell a file the inventory
//! no longer produces (a removed service's unit, a dropped zone) from one it never made.
//! Such a stale file is listed by `--check`, `--diff` and every write, and removed by
//! `--prune`; it stays in the record until it is gone, so it is never silently forgotten.
//!
//! The record is `.rendered-by-gblint` at the top of `--out`: a comment line, then one path per
//! line, relative to `--out`, sorted. A hidden name keeps it out of `gblint check`'s file
//! discovery; a line that is not a plain relative path (a hand-edited or planted record) is
//! an error, so `--prune` can never reach outside `--out`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::error::RenderError;
use crate::plan::ensure_inside;

/// The record's file name, at the top of `--out`.
pub const FILE: &str = ".rendered-by-gblint";

const HEADER: &str = "# Files written by `gblint render` into this folder (one per line); `gblint render --prune` removes the ones a later inventory no longer produces.";

/// The paths a record lists.
pub fn parse(text: &str) -> Result<BTreeSet<PathBuf>, RenderError> {
    let mut paths = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let path = PathBuf::from(line);
        ensure_inside(&path).map_err(|_| {
            RenderError::Usage(format!(
                "{FILE}:{}: `{line}` is not a path inside the output folder; fix or remove the record",
                index + 1
            ))
        })?;
        paths.insert(path);
    }
    Ok(paths)
}

/// The text of a record listing `paths`.
pub fn print<'a>(paths: impl IntoIterator<Item = &'a Path>) -> String {
    let sorted: BTreeSet<&Path> = paths.into_iter().collect();
    let mut text = String::from(HEADER);
    text.push('\n');
    for path in sorted {
        let line = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        text.push_str(&line);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_paths_that_leave_the_folder() {
        let paths = [Path::new("b/c.conf"), Path::new("a.toml")];
        let text = print(paths);
        assert!(text.starts_with("# Files written"));
        let read = parse(&text).expect("parses");
        assert_eq!(
            read.into_iter().collect::<Vec<_>>(),
            vec![PathBuf::from("a.toml"), PathBuf::from("b/c.conf")]
        );
        for bad in ["../etc/passwd", "/etc/passwd", "a/../../b"] {
            let err = parse(&format!("{bad}\n")).expect_err(bad).to_string();
            assert!(err.contains("not a path inside the output folder"), "{err}");
        }
    }
}
