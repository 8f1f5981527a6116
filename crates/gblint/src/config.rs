//! Finding the configuration and the baseline of a run, as `gblint check` does: the nearest
//! `gblint.toml` at or above the first path (stopping at a `.git` folder), and the nearest
//! `gblint.baseline.json` (or the file `[baseline] file` names).

use std::path::{Path, PathBuf};

use gblint_lint::{baseline, Baseline, Settings};

use crate::Error;

/// A run's configuration: a `gblint.toml`, or the defaults when there is none.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("gblint.toml"), "[limits]\nmax-file-bytes = 1000\n")?;
/// let config = gblint::Config::discover(dir.path())?;
/// assert_eq!(config.max_file_bytes(), 1000);
/// assert!(config.path().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) settings: Settings,
}

impl Config {
    /// The nearest `gblint.toml` at or above `start` (stopping at a `.git` folder), or the
    /// defaults when there is none.
    pub fn discover(start: impl AsRef<Path>) -> Result<Config, Error> {
        Ok(Config {
            settings: load_settings(None, start.as_ref())?,
        })
    }

    /// This configuration file.
    pub fn load(path: impl AsRef<Path>) -> Result<Config, Error> {
        Ok(Config {
            settings: Settings::load(path.as_ref())?,
        })
    }

    /// The file it was read from; `None` for the defaults.
    pub fn path(&self) -> Option<&Path> {
        self.settings.config_path.as_deref()
    }

    /// The largest file gblint reads, in bytes (`[limits] max-file-bytes`).
    pub fn max_file_bytes(&self) -> u64 {
        self.settings.limits.max_file_bytes
    }

    /// Whether rewritten files keep a `<file>.bak-YYYYMMDDHHMM` copy (`[write] backup`,
    /// default yes).
    pub fn keeps_backups(&self) -> bool {
        self.settings.write.backup
    }

    /// Read files up to this many bytes instead (`--max-file-bytes`).
    pub fn set_max_file_bytes(&mut self, bytes: u64) {
        self.settings.limits.max_file_bytes = bytes;
    }
}

/// `config`, or the nearest `gblint.toml` at or above `start`; the defaults when there is none.
pub(crate) fn load_settings(config: Option<&Path>, start: &Path) -> Result<Settings, Error> {
    let path = match config {
        Some(path) => Some(path.to_path_buf()),
        None => gblint_lint::find_config(start),
    };
    Ok(match path {
        Some(path) => Settings::load(&path)?,
        None => Settings::default(),
    })
}

/// Where the baseline comes from.
#[derive(Clone, Debug, Default)]
pub(crate) enum BaselineSource {
    /// The nearest `gblint.baseline.json` of each deployment tree.
    #[default]
    Nearest,
    /// This file.
    File(PathBuf),
    /// The baseline file as committed at this git revision.
    GitRef(String),
}

/// The baseline CDY010 compares against, per `source`.
pub(crate) fn load_baseline(
    source: &BaselineSource,
    start: &Path,
    settings: &Settings,
) -> Result<Option<Baseline>, Error> {
    let path = match source {
        BaselineSource::GitRef(rev) => {
            return Ok(Some(baseline::from_git(rev, &dir_of(start), settings)?))
        }
        BaselineSource::File(path) => Some(path.clone()),
        BaselineSource::Nearest => baseline::find(start, settings),
    };
    Ok(match path {
        Some(path) => Some(Baseline::load(&path)?),
        None => None,
    })
}

/// The folder of `path` when it is a file, or `path` itself.
pub(crate) fn dir_of(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.to_path_buf()
    } else {
        match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// Environment lookup for `{$VAR}` in Caddyfiles: the process environment.
pub(crate) fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}
