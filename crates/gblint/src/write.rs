//! Writing fixed or formatted files back: every file of a run together, all or nothing, each
//! replaced only if it still holds what gblint read (docs/writes.md).

use std::path::{Path, PathBuf};

use gblint_lint::write::{self, Expected, FileWrite};

use crate::Error;

/// How [`Fixed::write`](crate::Fixed::write) and [`FormatRun::write`](crate::FormatRun::write)
/// write.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WriteOptions {
    /// Keep each replaced file as `<file>.bak-YYYYMMDDHHMM` (the default, as `gblint check
    /// --fix` does; `gblint fmt --no-backup` turns it off).
    pub backup: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions { backup: true }
    }
}

impl WriteOptions {
    /// Keep (or not) a backup of each replaced file.
    #[must_use]
    pub fn backup(mut self, yes: bool) -> Self {
        self.backup = yes;
        self
    }
}

/// A file written.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Written {
    /// The file, as reports name it.
    pub path: PathBuf,
    /// The copy of what it held before, when one was kept.
    pub backup: Option<PathBuf>,
    /// The codes of the fixes applied to it, one per fix (empty for formatting).
    pub fixes: Vec<&'static str>,
}

/// One replacement: the file on disk, how reports name it, what it must still hold (the text
/// read, or its digest), the new text, and the fixes that made it.
pub(crate) struct Replacement<'a> {
    pub(crate) disk: &'a Path,
    pub(crate) shown: &'a str,
    pub(crate) expected: Expected<'a>,
    pub(crate) text: &'a str,
    pub(crate) fixes: &'a [&'static str],
}

/// Write every replacement, all or nothing.
pub(crate) fn replace_all(
    replacements: &[Replacement<'_>],
    options: &WriteOptions,
) -> Result<Vec<Written>, Error> {
    let writes: Vec<FileWrite> = replacements
        .iter()
        .map(|r| {
            FileWrite::new(
                r.disk,
                Path::new(r.shown),
                // Borrowed, not copied: the texts are as large as the files.
                r.expected.clone(),
                r.text.as_bytes(),
            )
        })
        .collect();
    let engine = write::WriteOptions {
        backup: options.backup,
        create_dirs: false,
    };
    let written = write::write_files(&writes, engine)?;
    Ok(written
        .into_iter()
        .zip(replacements)
        .map(|(done, r)| Written {
            path: done.shown,
            backup: done.backup,
            fixes: r.fixes.to_vec(),
        })
        .collect())
}

/// A path as reports show it: forward slashes, no leading `./`.
pub(crate) fn shown(path: &Path) -> String {
    gblint_diagnostics::path_display::shown(path)
}
