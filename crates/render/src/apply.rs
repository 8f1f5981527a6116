//! Comparing the rendered tree with what `--out` holds, and writing it: the shrink guard
//! (a Caddyfile that serves fewer hosts than the one it replaces is the classic partial
//! deploy that loses sites), unified diffs, and atomic writes that keep a backup of every
//! replaced file.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use gblint_diagnostics::read::{read_limited, ReadError, DEFAULT_MAX_FILE_BYTES};
use gblint_diagnostics::{SourceFile, SourceMap};
use gblint_lint::fix::{FileChange, Target};

use crate::error::RenderError;
use crate::plan::Output;

/// What rendering does to one file of `--out`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// The file does not exist yet.
    Create,
    /// The file exists with other bytes.
    Update,
    /// The file already holds exactly the rendered bytes.
    Unchanged,
}

/// One rendered file set against the file it would replace.
#[derive(Clone, Debug)]
pub struct Change {
    /// The rendered file.
    pub output: Output,
    /// Its path under `--out`.
    pub disk: PathBuf,
    /// What is there now (lossy UTF-8), if anything.
    pub current: Option<String>,
    /// Create, update or nothing.
    pub kind: ChangeKind,
}

impl Change {
    /// A unified diff from the current text to the rendered one.
    pub fn diff(&self) -> String {
        gblint_lint::fix::unified_diff(&FileChange {
            target: Target::Disk(self.disk.clone()),
            display: self.disk.clone(),
            original: self.current.clone().unwrap_or_default(),
            fixed: self.output.text.clone(),
            applied: Vec::new(),
        })
    }
}

/// Set every output against `out`.
pub fn compare(out: &Path, outputs: Vec<Output>) -> Result<Vec<Change>, RenderError> {
    outputs
        .into_iter()
        .map(|output| {
            let disk = out.join(&output.path);
            refuse_links(out, &output.path)?;
            let current = match read_limited(&disk, DEFAULT_MAX_FILE_BYTES) {
                Ok(bytes) => Some(bytes),
                Err(ReadError::Io(err)) if err.kind() == std::io::ErrorKind::NotFound => None,
                Err(err) => return Err(RenderError::Usage(format!("{}: {err}", disk.display()))),
            };
            let kind = match &current {
                None => ChangeKind::Create,
                Some(bytes) if bytes == output.text.as_bytes() => ChangeKind::Unchanged,
                Some(_) => ChangeKind::Update,
            };
            Ok(Change {
                current: current.map(|b| String::from_utf8_lossy(&b).into_owned()),
                output,
                disk,
                kind,
            })
        })
        .collect()
}

/// Refuse to write through a symbolic link or onto a folder inside `out`: the tree must be
/// plain folders, or a link could carry a write outside `--out`.
fn refuse_links(out: &Path, relative: &Path) -> Result<(), RenderError> {
    let mut path = out.to_path_buf();
    for component in relative.components() {
        let Component::Normal(segment) = component else {
            return Err(RenderError::Inventory(format!(
                "{}: refusing a path that leaves the output folder",
                relative.display()
            )));
        };
        path.push(segment);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(RenderError::Usage(format!(
                "{}: is a symbolic link; render writes only plain files and folders under --out",
                path.display()
            )))
            }
            Ok(meta) if meta.is_dir() && path == out.join(relative) => {
                return Err(RenderError::Usage(format!(
                    "{}: is a folder",
                    path.display()
                )))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Refuse a Caddyfile that serves fewer site hosts than the file it replaces.
pub fn guard_shrink(changes: &[Change]) -> Result<(), RenderError> {
    for change in changes {
        if !change.output.caddyfile || change.kind != ChangeKind::Update {
            continue;
        }
        let Some(current) = &change.current else {
            continue;
        };
        let before = site_hosts(current, &change.disk);
        let after = site_hosts(&change.output.text, &change.disk);
        if after.len() < before.len() {
            let missing: Vec<&str> = before.difference(&after).map(String::as_str).collect();
            let shown = missing
                .iter()
                .take(5)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            let more = if missing.len() > 5 {
                format!(" and {} more", missing.len() - 5)
            } else {
                String::new()
            };
            return Err(RenderError::Shrink(format!(
                "{}: the rendered Caddyfile serves {} site host{} where the current one serves {} (dropped: {shown}{more}); pass --allow-shrink to write it anyway",
                change.disk.display(),
                after.len(),
                if after.len() == 1 { "" } else { "s" },
                before.len()
            )));
        }
    }
    Ok(())
}

/// Site hosts of a Caddyfile text (imports of other files are not followed: the rendered
/// Caddyfile is self-contained).
fn site_hosts(text: &str, path: &Path) -> BTreeSet<String> {
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new(path.to_path_buf(), text));
    let no_env = |_: &str| None;
    let mut ctx = gblint_caddyfile::import::ImportContext::new(&mut sources, &no_env);
    let caddyfile = gblint_caddyfile::parse(file, &mut ctx);
    gblint_lint::baseline::site_hosts(&caddyfile)
}

/// Write every created or updated file atomically; a replaced file is kept as
/// `<file>.bak-YYYYMMDDHHMM`. Returns the backups made.
pub fn write(changes: &[Change]) -> Result<Vec<PathBuf>, RenderError> {
    let mut backups = Vec::new();
    for change in changes.iter().filter(|c| c.kind != ChangeKind::Unchanged) {
        if let Some(parent) = change.disk.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| RenderError::Write(format!("{}: {err}", parent.display())))?;
        }
        let backup =
            gblint_lint::write::write_atomic(&change.disk, change.output.text.as_bytes(), true)
                .map_err(|err| {
                    RenderError::Write(format!("{}: cannot write: {err}", change.disk.display()))
                })?;
        backups.extend(backup);
    }
    Ok(backups)
}
