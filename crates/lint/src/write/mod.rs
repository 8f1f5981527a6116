//! Writing files back (`fmt`, `check --fix`, `baseline`, `render`). How and why is in
//! `docs/writes.md`; in short:
//!
//! - **All or nothing.** Every file of a run is staged first (a temporary file next to its
//!   target, with the target's owner, group, mode and extended attributes, fsynced); only
//!   then are they renamed over their targets. A failure before the renames removes what was
//!   staged; a failed rename puts back the files already replaced. The error says what was
//!   (not) written.
//! - **Inside the tree.** Folders are opened one component at a time with `O_NOFOLLOW` and
//!   held as file descriptors; the target itself is opened with `O_NOFOLLOW`. A symbolic
//!   link, or a folder swapped for one while gblint runs, stops the write.
//! - **No lost update.** A file is locked (`flock`, against another gblint run) and must
//!   still hold exactly the bytes gblint read — compared byte for byte, or with the
//!   [`Digest`] of them that `check --fix` keeps instead of the text — checked when staging
//!   and again just before the rename; otherwise the run stops with exit 2 naming it.
//! - **Backups** are hard links to the replaced file (`<file>.bak-YYYYMMDDHHMM`, local time),
//!   made before any rename and removed again when the write fails. Temporary names carry the
//!   process id, so a later run removes those a killed run left.

mod digest;
mod dirs;
mod keep;
mod names;
mod read;
mod stage;

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use rustix::fs::{fstat, fsync, linkat, renameat, statat, unlinkat, AtFlags};

pub use digest::Digest;
pub use names::{is_stale, owner_pid};
pub use read::read_beneath;
use stage::Staged;

/// What the target must hold when it is replaced.
///
/// The bytes are borrowed where the caller still holds them (the text a fix or `fmt` run
/// read): a copy of a 16 MB file per write was most of what `--fix` added to a check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected<'a> {
    /// It must not exist (a file gblint creates).
    Absent,
    /// It must still hold exactly these bytes (what gblint read).
    Bytes(Cow<'a, [u8]>),
    /// It must still hold exactly the bytes of this digest (what gblint read, when it did
    /// not keep them): read back a chunk at a time, never whole.
    Digest(Digest),
}

/// One file to write.
#[derive(Clone, Debug)]
pub struct FileWrite<'a> {
    /// The folder to start from (followed if it is a link: it is the caller's choice).
    pub base: PathBuf,
    /// The target below `base`; no symbolic link is followed on the way.
    pub relative: PathBuf,
    /// How messages name the file.
    pub shown: PathBuf,
    /// What the target must hold when it is replaced.
    pub expected: Expected<'a>,
    /// The new bytes (borrowed or owned, as [`Expected::Bytes`]).
    pub contents: Cow<'a, [u8]>,
}

impl<'a> FileWrite<'a> {
    /// A write to `path` (made absolute against the working folder and walked from `/`, so
    /// no link anywhere on the way is followed: pass a canonical path).
    pub fn new(
        path: &Path,
        shown: &Path,
        expected: Expected<'a>,
        contents: impl Into<Cow<'a, [u8]>>,
    ) -> Self {
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|cwd| cwd.join(path))
                .unwrap_or_else(|_| path.to_path_buf())
        };
        let (base, relative) = match absolute.strip_prefix("/") {
            Ok(relative) => (PathBuf::from("/"), relative.to_path_buf()),
            Err(_) => (PathBuf::from("."), absolute),
        };
        FileWrite {
            base,
            relative,
            shown: shown.to_path_buf(),
            expected,
            contents: contents.into(),
        }
    }
}

/// One file to remove (`render --prune`: a file the inventory no longer produces).
#[derive(Clone, Debug)]
pub struct FileRemoval {
    /// The folder to start from (followed if it is a link: it is the caller's choice).
    pub base: PathBuf,
    /// The file below `base`; no symbolic link is followed on the way.
    pub relative: PathBuf,
    /// How messages name the file.
    pub shown: PathBuf,
    /// What it must still hold (what gblint read): a file edited since is not removed.
    pub expected: Vec<u8>,
}

/// How to write.
#[derive(Clone, Copy, Debug)]
pub struct WriteOptions {
    /// Keep each replaced file as `<file>.bak-YYYYMMDDHHMM`.
    pub backup: bool,
    /// Create missing folders below each write's base (and the base itself).
    pub create_dirs: bool,
}

/// A file written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// How messages name it.
    pub shown: PathBuf,
    /// The backup of the file it replaced, if one was kept.
    pub backup: Option<PathBuf>,
}

/// A write that failed: the one-line cause, naming the file and saying what was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteError {
    /// The message, e.g. `ui.service: cannot write: No space left on device; nothing written`.
    pub message: String,
    /// Files that were replaced all the same (only when undoing a failed rename failed too).
    pub written: Vec<PathBuf>,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WriteError {}

/// Write every file of `writes`, all or nothing (see the module documentation).
pub fn write_files(
    writes: &[FileWrite<'_>],
    options: WriteOptions,
) -> Result<Vec<Written>, WriteError> {
    let stamp = jiff::Zoned::now().strftime("%Y%m%d%H%M").to_string();
    let mut created = Vec::new();
    let mut swept = Vec::new();
    let mut staged: Vec<Staged> = Vec::with_capacity(writes.len());
    for write in writes {
        match stage::stage(write, &options, &stamp, &mut created, &mut swept) {
            Ok(done) => staged.push(done),
            Err(cause) => {
                staged.iter().for_each(Staged::discard);
                for folder in created.iter().rev() {
                    let _ = unlinkat(&folder.parent, folder.name.as_os_str(), AtFlags::REMOVEDIR);
                }
                return Err(WriteError {
                    message: format!(
                        "{}: {cause}; {}",
                        write.shown.display(),
                        nothing(writes.len())
                    ),
                    written: Vec::new(),
                });
            }
        }
    }
    for (index, item) in staged.iter().enumerate() {
        if let Err(cause) = replace(item, &writes[index]) {
            let shown: Vec<PathBuf> = writes.iter().map(|w| w.shown.clone()).collect();
            return Err(undo(&staged, &shown, index, &cause));
        }
    }
    let mut written = Vec::with_capacity(staged.len());
    for (item, write) in staged.iter().zip(writes) {
        // Make the renames themselves durable.
        let _ = fsync(&item.dir);
        let backup = match &item.keep {
            Some(keep) if item.keep_is_backup => {
                let parent = write.relative.parent().unwrap_or(Path::new(""));
                Some(write.base.join(parent).join(keep))
            }
            Some(keep) => {
                let _ = unlinkat(&item.dir, keep.as_os_str(), AtFlags::empty());
                None
            }
            None => None,
        };
        written.push(Written {
            shown: write.shown.clone(),
            backup,
        });
    }
    Ok(written)
}

/// Remove every file of `removals`, all or nothing, the way [`write_files`] replaces: each is
/// opened without following a link, locked, checked to hold what was read and given its
/// second name (its backup with `backup`, else a hidden link) before any is removed; a
/// failure after that puts the removed ones back.
pub fn remove_files(removals: &[FileRemoval], backup: bool) -> Result<Vec<Written>, WriteError> {
    let stamp = jiff::Zoned::now().strftime("%Y%m%d%H%M").to_string();
    let mut staged: Vec<Staged> = Vec::with_capacity(removals.len());
    for removal in removals {
        match stage::stage_removal(removal, backup, &stamp) {
            Ok(done) => staged.push(done),
            Err(cause) => {
                staged.iter().for_each(Staged::discard);
                return Err(WriteError {
                    message: format!(
                        "{}: {cause}; {}",
                        removal.shown.display(),
                        nothing_removed(removals.len())
                    ),
                    written: Vec::new(),
                });
            }
        }
    }
    let shown: Vec<PathBuf> = removals.iter().map(|r| r.shown.clone()).collect();
    for (index, (item, removal)) in staged.iter().zip(removals).enumerate() {
        let expected = Expected::Bytes(Cow::Borrowed(&removal.expected));
        let removed = still_as_read(item, &expected).and_then(|()| {
            unlinkat(&item.dir, item.name.as_os_str(), AtFlags::empty())
                .map_err(|err| format!("cannot remove it: {err}"))
        });
        if let Err(cause) = removed {
            let mut err = undo(&staged, &shown, index, &cause);
            err.message = err.message.replace("written", "removed");
            return Err(err);
        }
    }
    let mut removed = Vec::with_capacity(staged.len());
    for (item, removal) in staged.iter().zip(removals) {
        let _ = fsync(&item.dir);
        let backup = match &item.keep {
            Some(keep) if item.keep_is_backup => {
                let parent = removal.relative.parent().unwrap_or(Path::new(""));
                Some(removal.base.join(parent).join(keep))
            }
            Some(keep) => {
                let _ = unlinkat(&item.dir, keep.as_os_str(), AtFlags::empty());
                None
            }
            None => None,
        };
        removed.push(Written {
            shown: removal.shown.clone(),
            backup,
        });
    }
    Ok(removed)
}

/// "nothing removed", with the number of files when there were several.
fn nothing_removed(files: usize) -> String {
    nothing(files).replace("written", "removed")
}

/// "nothing written", with the number of files when there were several.
fn nothing(files: usize) -> String {
    if files > 1 {
        format!("nothing written (of {files} files)")
    } else {
        "nothing written".to_owned()
    }
}

/// Step two for one file: check again that the target is what was read, then rename.
fn replace(item: &Staged, write: &FileWrite<'_>) -> Result<(), String> {
    match &item.original {
        Some(_) => {
            still_as_read(item, &write.expected)?;
            renameat(
                &item.dir,
                item.temp.as_os_str(),
                &item.dir,
                item.name.as_os_str(),
            )
            .map_err(|err| format!("cannot replace it: {err}"))
        }
        None => {
            // A link never replaces an existing name: a file that appeared meanwhile stays.
            match linkat(
                &item.dir,
                item.temp.as_os_str(),
                &item.dir,
                item.name.as_os_str(),
                AtFlags::empty(),
            ) {
                Ok(()) => {
                    let _ = unlinkat(&item.dir, item.temp.as_os_str(), AtFlags::empty());
                    Ok(())
                }
                Err(rustix::io::Errno::EXIST) => {
                    Err("appeared after gblint looked (run gblint again)".into())
                }
                Err(err) => Err(format!("cannot create it: {err}")),
            }
        }
    }
}

/// Check again, just before it is replaced or removed, that the staged file's target is the
/// file that was locked and still holds `expected`.
fn still_as_read(item: &Staged, expected: &Expected<'_>) -> Result<(), String> {
    let Some((file, stat)) = &item.original else {
        return Ok(());
    };
    let now = statat(&item.dir, item.name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW)
        .map_err(|err| err.to_string())?;
    let still = fstat(file).map_err(|err| err.to_string())?;
    if (now.st_dev, now.st_ino) != (stat.st_dev, stat.st_ino)
        || (still.st_mtime, still.st_mtime_nsec, still.st_size)
            != (stat.st_mtime, stat.st_mtime_nsec, stat.st_size)
    {
        return Err("changed after gblint read it (run gblint again)".into());
    }
    stage::still_holds(file, expected)
}

/// A rename failed at `failed`: put back the files already replaced, remove what is staged,
/// and say what was (not) written.
fn undo(staged: &[Staged], shown: &[PathBuf], failed: usize, cause: &str) -> WriteError {
    let mut stuck = Vec::new();
    for (item, shown) in staged[..failed].iter().zip(shown).rev() {
        let restored = match &item.keep {
            Some(keep) => renameat(
                &item.dir,
                keep.as_os_str(),
                &item.dir,
                item.name.as_os_str(),
            ),
            None => unlinkat(&item.dir, item.name.as_os_str(), AtFlags::empty()),
        };
        if restored.is_err() {
            stuck.push(shown.clone());
        }
    }
    staged[failed..].iter().for_each(Staged::discard);
    let files = shown.len();
    let shown = shown[failed].display();
    let message = if stuck.is_empty() {
        format!("{shown}: {cause}; {}", nothing(files))
    } else {
        stuck.reverse();
        let list: Vec<String> = stuck.iter().map(|p| p.display().to_string()).collect();
        format!(
            "{shown}: {cause}; written before the failure and not undone: {}",
            list.join(", ")
        )
    };
    WriteError {
        message,
        written: stuck,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(
        path: &Path,
        old: Option<&[u8]>,
        new: &[u8],
        backup: bool,
    ) -> Result<Written, WriteError> {
        let expected = old.map_or(Expected::Absent, |b| Expected::Bytes(b.into()));
        let write = FileWrite::new(path, path, expected, new);
        let options = WriteOptions {
            backup,
            create_dirs: false,
        };
        write_files(&[write], options).map(|mut w| w.remove(0))
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .expect("read_dir")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".gblint-"))
            .collect()
    }

    #[test]
    fn replaces_and_keeps_a_backup() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Caddyfile");
        std::fs::write(&path, "old\n").expect("write");
        let backup = one(&path, Some(b"old\n"), b"new\n", true)
            .expect("write")
            .backup
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
        let second = one(&path, Some(b"new\n"), b"newer\n", true)
            .expect("write")
            .backup
            .expect("backup");
        assert_ne!(second, backup);
        assert_eq!(std::fs::read_to_string(&second).expect("read"), "new\n");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn creates_a_missing_file_without_backup() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("gblint.baseline.json");
        assert_eq!(one(&path, None, b"{}\n", true).expect("write").backup, None);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "{}\n");
        // Creating over a file that appeared meanwhile is refused, and it is left alone.
        let err = one(&path, None, b"[]\n", true).expect_err("appeared");
        assert!(
            err.message.contains("appeared after gblint looked"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "{}\n");
    }

    #[test]
    fn a_changed_file_is_not_replaced_and_nothing_is_left() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Caddyfile");
        std::fs::write(&path, "edited by someone\n").expect("write");
        let err = one(&path, Some(b"old\n"), b"new\n", true).expect_err("changed");
        assert!(
            err.message.contains("changed after gblint read it"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "edited by someone\n"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read_dir")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("Caddyfile")]);
    }

    #[test]
    fn mode_is_kept_and_no_backup_leaves_no_link() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Caddyfile");
        std::fs::write(&path, "old\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        assert_eq!(
            one(&path, Some(b"old\n"), b"new\n", false)
                .expect("write")
                .backup,
            None
        );
        let meta = std::fs::metadata(&path).expect("stat");
        assert_eq!(meta.mode() & 0o7777, 0o640);
        assert_eq!(meta.nlink(), 1);
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_rename_puts_back_what_was_already_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old = dir.path().join("a.caddyfile");
        std::fs::write(&old, "old\n").expect("write");
        let new = dir.path().join("new.caddyfile");
        // The same new file twice: both stage (it is absent), the second rename finds the
        // first one's file there and fails, after `a.caddyfile` was already replaced.
        let writes = [
            FileWrite::new(
                &old,
                &old,
                Expected::Bytes(b"old\n"[..].into()),
                &b"new\n"[..],
            ),
            FileWrite::new(&new, &new, Expected::Absent, &b"one\n"[..]),
            FileWrite::new(&new, &new, Expected::Absent, &b"two\n"[..]),
        ];
        let options = WriteOptions {
            backup: true,
            create_dirs: false,
        };
        let err = write_files(&writes, options).expect_err("second create fails");
        assert!(
            err.message.contains("appeared after gblint looked"),
            "{err}"
        );
        assert!(
            err.message.ends_with("nothing written (of 3 files)"),
            "{err}"
        );
        assert!(err.written.is_empty());
        assert_eq!(std::fs::read_to_string(&old).expect("read"), "old\n");
        assert!(!new.exists());
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        assert_eq!(names, vec![std::ffi::OsString::from("a.caddyfile")]);
    }

    /// With only a digest of what was read (`check --fix`), an edit of the same length made
    /// after the read is a lost update refused, and the unchanged file is replaced.
    #[test]
    fn a_digest_refuses_a_same_length_edit_and_passes_the_unchanged_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Caddyfile");
        // Longer than one read chunk, the edit past the first one.
        let read: Vec<u8> = b"example.com {\n\trespond \"hi\"\n}\n"
            .iter()
            .copied()
            .cycle()
            .take(200_000)
            .collect();
        let mut edited = read.clone();
        edited[150_000] = b'#';
        assert_ne!(edited, read);
        let options = WriteOptions {
            backup: true,
            create_dirs: false,
        };
        let write = FileWrite::new(
            &path,
            &path,
            Expected::Digest(Digest::of(&read)),
            &b"new\n"[..],
        );

        std::fs::write(&path, &edited).expect("write");
        let err = write_files(std::slice::from_ref(&write), options).expect_err("lost update");
        assert!(
            err.message.contains("changed after gblint read it"),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).expect("read"), edited);
        assert!(leftovers(dir.path()).is_empty());
        assert_eq!(std::fs::read_dir(dir.path()).expect("read_dir").count(), 1);

        std::fs::write(&path, &read).expect("write");
        let written = write_files(&[write], options).expect("unchanged");
        assert_eq!(std::fs::read(&path).expect("read"), b"new\n");
        let backup = written[0].backup.as_ref().expect("backup");
        assert_eq!(std::fs::read(backup).expect("read"), read);
        assert!(leftovers(dir.path()).is_empty());
    }
}
