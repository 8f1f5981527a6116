//! Writing files back (`fmt`, `--fix`, `baseline`) so that a crash or a kill at any moment
//! leaves either the old file or the new one, never a mix: the new text goes to a temporary
//! file in the same folder, is flushed to disk, and is renamed over the target (atomic on
//! POSIX file systems). The replaced text is kept as `<file>.bak-YYYYMMDDHHMM` (local time).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Write `contents` to `path` atomically. When `path` exists its current bytes are first
/// copied to a backup whose path is returned (an existing backup of the same minute is kept
/// and a numbered one written next to it). Permissions of the replaced file are kept.
pub fn write_atomic(
    path: &Path,
    contents: &[u8],
    backup: bool,
) -> std::io::Result<Option<PathBuf>> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let previous = std::fs::metadata(path).ok();
    let mut backup_path = None;
    if backup && previous.as_ref().is_some_and(|m| m.is_file()) {
        let target = backup_name(path);
        let permissions = previous.as_ref().map(std::fs::Metadata::permissions);
        write_new(&target, &std::fs::read(path)?, dir, permissions)?;
        backup_path = Some(target);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}.gblint-"))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    if let Some(meta) = &previous {
        temp.as_file().set_permissions(meta.permissions())?;
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|err| err.error)?;
    // Make the rename itself durable.
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(backup_path)
}

/// Write a new file through a temporary file and a rename, never replacing an existing one.
fn write_new(
    target: &Path,
    contents: &[u8],
    dir: &Path,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let mut temp = tempfile::Builder::new()
        .prefix(".gblint-bak-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.as_file().sync_all()?;
    temp.persist_noclobber(target).map_err(|err| err.error)?;
    Ok(())
}

/// `<file>.bak-YYYYMMDDHHMM` in local time; `…-2`, `…-3` when that name is taken.
fn backup_name(path: &Path) -> PathBuf {
    let stamp = jiff::Zoned::now().strftime("%Y%m%d%H%M").to_string();
    let base = format!("{}.bak-{stamp}", path.display());
    let mut candidate = PathBuf::from(&base);
    let mut n = 2;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::write_atomic;

    #[test]
    fn replaces_and_keeps_a_backup() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Caddyfile");
        std::fs::write(&path, "old\n").expect("write");
        let backup = write_atomic(&path, b"new\n", true)
            .expect("atomic write")
            .expect("backup");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new\n");
        assert_eq!(std::fs::read_to_string(&backup).expect("read"), "old\n");
        let name = backup
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with("Caddyfile.bak-") && name.len() == "Caddyfile.bak-".len() + 12,
            "{name}"
        );
        // A second write in the same minute keeps the first backup and numbers the next.
        let second = write_atomic(&path, b"newer\n", true)
            .expect("write")
            .expect("backup");
        assert_ne!(second, backup);
        assert_eq!(std::fs::read_to_string(&second).expect("read"), "new\n");
        // No temporary files are left behind.
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read_dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn creates_a_missing_file_without_backup() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("gblint.baseline.json");
        assert_eq!(write_atomic(&path, b"{}\n", true).expect("write"), None);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "{}\n");
    }
}
