//! Comparing the rendered tree with what `--out` holds, and writing it: the shrink guard
//! (a Caddyfile that serves fewer hosts than the one it replaces is the classic partial
//! deploy that loses sites), unified diffs, and atomic writes that keep a backup of every
//! replaced file.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use gblint_diagnostics::{SourceFile, SourceMap};
use gblint_lint::write::{Expected, FileRemoval, FileWrite, WriteOptions};

use crate::error::RenderError;
use crate::manifest;
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
        gblint_lint::fix::diff_texts(
            &self.disk,
            self.current.as_deref().unwrap_or_default(),
            &self.output.text,
        )
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

/// Why writing would be refused: a Caddyfile that serves fewer site hosts than the file it
/// replaces (`None` when nothing shrinks).
pub fn shrink_refusal(changes: &[Change]) -> Option<RenderError> {
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
            return Some(RenderError::Shrink(format!(
                "{}: the rendered Caddyfile serves {} site host{} where the current one serves {} (dropped: {shown}{more}); pass --allow-shrink to write it anyway",
                change.disk.display(),
                after.len(),
                if after.len() == 1 { "" } else { "s" },
                before.len()
            )));
        }
    }
    None
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

/// A file an earlier render wrote that this one no longer produces.
#[derive(Clone, Debug)]
pub struct StaleFile {
    /// Its path below `--out`.
    pub relative: PathBuf,
    /// What it holds now (it is removed only if it still does).
    pub bytes: Vec<u8>,
}

/// The record of `--out` (see [`crate::manifest`]): what it says now and what this render
/// leaves stale.
#[derive(Clone, Debug)]
pub struct Record {
    /// The record's bytes now, if there is one.
    pub current: Option<Vec<u8>>,
    /// The files this render produces.
    pub rendered: Vec<PathBuf>,
    /// Listed files this render does not produce that are still there.
    pub stale: Vec<StaleFile>,
}

impl Record {
    /// The record's new text, with or without the stale files (kept in it until removed).
    pub fn text(&self, with_stale: bool) -> String {
        let stale = self
            .stale
            .iter()
            .filter(|_| with_stale)
            .map(|s| s.relative.as_path());
        manifest::print(self.rendered.iter().map(PathBuf::as_path).chain(stale))
    }
}

/// Read the record of `out` and find the files it lists that `changes` no longer produce.
pub fn record(out: &Path, changes: &[Change]) -> Result<Record, RenderError> {
    let read = |relative: &Path| {
        gblint_lint::write::read_beneath(out, relative)
            .map_err(|err| RenderError::Usage(format!("{}: {err}", out.join(relative).display())))
    };
    let current = read(Path::new(manifest::FILE))?;
    let rendered: Vec<PathBuf> = changes.iter().map(|c| c.output.path.clone()).collect();
    let mut stale = Vec::new();
    if let Some(bytes) = &current {
        for relative in manifest::parse(&String::from_utf8_lossy(bytes))? {
            if rendered.contains(&relative) {
                continue;
            }
            if let Some(bytes) = read(&relative)? {
                stale.push(StaleFile { relative, bytes });
            }
        }
    }
    Ok(Record {
        current,
        rendered,
        stale,
    })
}

/// `[write] backup` of the `gblint.toml` that governs `out` (the nearest one at or above it;
/// keep backups when there is none).
pub fn backup_setting(out: &Path) -> Result<bool, RenderError> {
    let start = out
        .ancestors()
        .find(|folder| folder.is_dir())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let Some(config) = gblint_lint::find_config(&start) else {
        return Ok(true);
    };
    let settings =
        gblint_lint::Settings::load(&config).map_err(|err| RenderError::Usage(err.to_string()))?;
    Ok(settings.write.backup)
}

/// Write every created or updated file and the record, all or nothing: each is staged next
/// to its target and only then renamed, through folders opened under `out` without following
/// links (see `docs/writes.md`); with `backup`, a replaced file is kept as
/// `<file>.bak-YYYYMMDDHHMM`. Stale files stay in the record. Returns the backups made.
pub fn write(
    out: &Path,
    changes: &[Change],
    record: &Record,
    backup: bool,
) -> Result<Vec<PathBuf>, RenderError> {
    let mut writes: Vec<FileWrite<'_>> = changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Unchanged)
        .map(|change| FileWrite {
            base: out.to_path_buf(),
            relative: change.output.path.clone(),
            shown: change.disk.clone(),
            expected: match &change.read {
                Some(bytes) => Expected::Bytes(bytes.as_slice().into()),
                None => Expected::Absent,
            },
            contents: change.output.text.as_bytes().into(),
        })
        .collect();
    writes.extend(record_write(
        out,
        record.current.as_deref(),
        record.text(true),
    ));
    let written = write_all(&writes, backup)?;
    Ok(written)
}

/// Remove the stale files (backed up with `backup`), then drop them from the record.
pub fn prune(out: &Path, record: &Record, backup: bool) -> Result<Vec<PathBuf>, RenderError> {
    let removals: Vec<FileRemoval> = record
        .stale
        .iter()
        .map(|stale| FileRemoval {
            base: out.to_path_buf(),
            relative: stale.relative.clone(),
            shown: out.join(&stale.relative),
            expected: stale.bytes.clone(),
        })
        .collect();
    let removed = gblint_lint::write::remove_files(&removals, backup)
        .map_err(|err| RenderError::Write(err.message))?;
    let written_record = record.text(true).into_bytes();
    let writes: Vec<FileWrite<'_>> =
        record_write(out, Some(&written_record), record.text(false)).collect();
    // The record of a pruned tree lists no backups: they are the operator's, not render's.
    write_all(&writes, false)?;
    Ok(removed.into_iter().filter_map(|r| r.backup).collect())
}

/// The write of the record's new text, when it differs from `current`.
fn record_write<'a>(
    out: &Path,
    current: Option<&'a [u8]>,
    text: String,
) -> impl Iterator<Item = FileWrite<'a>> {
    let unchanged = current == Some(text.as_bytes());
    let write = FileWrite {
        base: out.to_path_buf(),
        relative: PathBuf::from(manifest::FILE),
        shown: out.join(manifest::FILE),
        expected: match current {
            Some(bytes) => Expected::Bytes(bytes.into()),
            None => Expected::Absent,
        },
        contents: text.into_bytes().into(),
    };
    (!unchanged).then_some(write).into_iter()
}

fn write_all(writes: &[FileWrite<'_>], backup: bool) -> Result<Vec<PathBuf>, RenderError> {
    if writes.is_empty() {
        return Ok(Vec::new());
    }
    let options = WriteOptions {
        backup,
        create_dirs: true,
    };
    let written = gblint_lint::write::write_files(writes, options)
        .map_err(|err| RenderError::Write(err.message))?;
    Ok(written.into_iter().filter_map(|w| w.backup).collect())
}
