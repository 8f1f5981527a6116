//! Comparing the rendered tree with what `--out` holds, and writing it: the shrink guard
//! (a Caddyfile that serves fewer hosts than the one it replaces is the classic partial
//! deploy that loses sites), unified diffs, and atomic writes that keep a backup of every
//! replaced file.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use gblint_diagnostics::{SourceFile, SourceMap};
use gblint_lint::fix::{FileChange, Target};
use gblint_lint::write::{Expected, FileWrite, WriteOptions};

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
    /// The bytes read from the file now there: it must still hold them when it is replaced.
    pub read: Option<Vec<u8>>,
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
            // Read the way it would be written: no link followed below `out`.
            let current = match gblint_lint::write::read_beneath(out, &output.path) {
                Ok(bytes) => bytes,
                Err(err) if err.kind() == std::io::ErrorKind::InvalidInput => {
                    return Err(RenderError::Usage(err.to_string()))
                }
                Err(err) => return Err(RenderError::Usage(format!("{}: {err}", disk.display()))),
            };
            let kind = match &current {
                None => ChangeKind::Create,
                Some(bytes) if bytes == output.text.as_bytes() => ChangeKind::Unchanged,
                Some(_) => ChangeKind::Update,
            };
            Ok(Change {
                current: current
                    .as_ref()
                    .map(|b| String::from_utf8_lossy(b).into_owned()),
                read: current,
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

/// Write every created or updated file, all or nothing: each is staged next to its target
/// and only then renamed, through folders opened under `out` without following links (see
/// `docs/writes.md`); a replaced file is kept as `<file>.bak-YYYYMMDDHHMM`. Returns the
/// backups made.
pub fn write(out: &Path, changes: &[Change]) -> Result<Vec<PathBuf>, RenderError> {
    let writes: Vec<FileWrite> = changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Unchanged)
        .map(|change| FileWrite {
            base: out.to_path_buf(),
            relative: change.output.path.clone(),
            shown: change.disk.clone(),
            expected: match &change.read {
                Some(bytes) => Expected::Bytes(bytes.clone()),
                None => Expected::Absent,
            },
            contents: change.output.text.clone().into_bytes(),
        })
        .collect();
    let options = WriteOptions {
        backup: true,
        create_dirs: true,
    };
    let written = gblint_lint::write::write_files(&writes, options)
        .map_err(|err| RenderError::Write(err.message))?;
    Ok(written.into_iter().filter_map(|w| w.backup).collect())
}
