//! Step one of a write: for each file, check that it is still what was read, and put the new
//! text next to it in a temporary file that already has the old file's owner, mode and
//! attributes and is on disk (fsynced). Nothing visible changes in this step.

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{
    flock, fstat, linkat, openat, statat, unlinkat, AtFlags, FileType, FlockOperation, Mode,
    OFlags, Stat,
};
use rustix::io::Errno;

use super::digest::CHUNK;
use super::dirs::{self, Created};
use super::{keep, names, Expected, FileRemoval, FileWrite, WriteOptions};

/// A file whose new text is staged: what step two renames, or removes on failure.
pub(super) struct Staged {
    /// The folder, held open: every later operation is relative to it.
    pub dir: OwnedFd,
    /// The target's name in `dir`.
    pub name: OsString,
    /// The staged new text.
    pub temp: OsString,
    /// The file being replaced, locked, with what `fstat` said of it.
    pub original: Option<(File, Stat)>,
    /// A second name for the file being replaced (the backup, or a hidden link removed at the
    /// end): renaming it back undoes the replacement.
    pub keep: Option<OsString>,
    /// Whether `keep` is a backup the user sees.
    pub keep_is_backup: bool,
}

impl Staged {
    /// Remove what staging made (the temporary file and the keep-link).
    pub fn discard(&self) {
        let _ = unlinkat(&self.dir, self.temp.as_os_str(), AtFlags::empty());
        if let Some(keep) = &self.keep {
            let _ = unlinkat(&self.dir, keep.as_os_str(), AtFlags::empty());
        }
    }
}

/// The target of a write split into its folder and name.
pub(super) fn split(relative: &Path) -> Result<(&Path, &std::ffi::OsStr), String> {
    let name = relative
        .file_name()
        .ok_or_else(|| format!("{}: not a file name", relative.display()))?;
    Ok((relative.parent().unwrap_or(Path::new("")), name))
}

/// Stage one file. Errors are one line, without the file's name (the caller adds it).
pub(super) fn stage(
    write: &FileWrite<'_>,
    options: &WriteOptions,
    stamp: &str,
    created: &mut Vec<Created>,
    swept: &mut Vec<(u64, u64)>,
) -> Result<Staged, String> {
    if options.create_dirs && !write.base.exists() {
        std::fs::create_dir_all(&write.base)
            .map_err(|err| format!("cannot create {}: {err}", write.base.display()))?;
    }
    let base = dirs::open_base(&write.base)
        .map_err(|err| format!("cannot open {}: {err}", write.base.display()))?;
    let (parent, name) = split(&write.relative)?;
    let dir = dirs::open_beneath(&base, parent, options.create_dirs, created).map_err(|err| {
        let at = write.base.join(&err.at);
        if err.link {
            format!(
                "{} is a symbolic link; gblint writes only through plain folders",
                at.display()
            )
        } else {
            format!("{}: {}", at.display(), err.error)
        }
    })?;
    if let Ok(stat) = fstat(&dir) {
        let key = (stat.st_dev, stat.st_ino);
        if !swept.contains(&key) {
            names::sweep(&dir);
            swept.push(key);
        }
    }
    let name = name.to_os_string();
    let original = match &write.expected {
        Expected::Bytes(_) | Expected::Digest(_) => {
            Some(open_original(&dir, &name, &write.expected)?)
        }
        Expected::Absent => match statat(&dir, name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW) {
            Err(Errno::NOENT) => None,
            Ok(_) => return Err("appeared after gblint looked (run gblint again)".into()),
            Err(err) => return Err(err.to_string()),
        },
    };
    let temp = names::hidden(&name, "tmp");
    let mut staged = Staged {
        dir,
        name,
        temp,
        original,
        keep: None,
        keep_is_backup: false,
    };
    if let Err(err) = fill(&staged, &write.contents) {
        staged.discard();
        return Err(err);
    }
    if staged.original.is_some() {
        if let Err(err) = link_keep(&mut staged, options.backup, stamp) {
            staged.discard();
            return Err(err);
        }
    }
    Ok(staged)
}

/// Stage the removal of one file (`render --prune`): open it as a write would, check that
/// it still holds `expected`, and give it its second name (the backup, or a hidden link that
/// lets a failed run put it back). Errors are one line, without the file's name.
pub(super) fn stage_removal(
    removal: &FileRemoval,
    backup: bool,
    stamp: &str,
) -> Result<Staged, String> {
    let base = dirs::open_base(&removal.base)
        .map_err(|err| format!("cannot open {}: {err}", removal.base.display()))?;
    let (parent, name) = split(&removal.relative)?;
    let dir = dirs::open_beneath(&base, parent, false, &mut Vec::new()).map_err(|err| {
        let at = removal.base.join(&err.at);
        if err.link {
            format!(
                "{} is a symbolic link; gblint removes only through plain folders",
                at.display()
            )
        } else {
            format!("{}: {}", at.display(), err.error)
        }
    })?;
    let name = name.to_os_string();
    let expected = Expected::Bytes(std::borrow::Cow::Borrowed(&removal.expected));
    let original = open_original(&dir, &name, &expected)?;
    let mut staged = Staged {
        temp: names::hidden(&name, "tmp"),
        dir,
        name,
        original: Some(original),
        keep: None,
        keep_is_backup: false,
    };
    if let Err(err) = link_keep(&mut staged, backup, stamp) {
        staged.discard();
        return Err(err);
    }
    Ok(staged)
}

/// Open the file to be replaced without following a link, lock it against another gblint
/// run, and check that it still holds `expected` and can be replaced whole.
fn open_original(
    dir: &OwnedFd,
    name: &OsString,
    expected: &Expected<'_>,
) -> Result<(File, Stat), String> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let fd = match openat(dir, name.as_os_str(), flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::LOOP) => {
            return Err("is a symbolic link; gblint does not write through links".into())
        }
        Err(Errno::NOENT) => {
            return Err("was removed after gblint read it (run gblint again)".into())
        }
        Err(err) => return Err(err.to_string()),
    };
    let file = File::from(fd);
    let stat = fstat(&file).map_err(|err| err.to_string())?;
    if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
        return Err("not a regular file".into());
    }
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => {}
        Err(Errno::WOULDBLOCK) => {
            return Err("another gblint run is writing it (run gblint again)".into())
        }
        // A file system without locks (some NFS setups): the content check below still runs.
        Err(_) => {}
    }
    if stat.st_nlink > 1 {
        return Err(format!(
            "has {} hard links; replacing it would split it from its other names (edit it in place, or remove the other links)",
            stat.st_nlink
        ));
    }
    keep::check_flags(&file)?;
    still_holds(&file, expected)?;
    Ok((file, stat))
}

/// Whether `file` still holds what gblint read (read from its start, one chunk at a time:
/// reading it whole held a second copy of a large file, twice per write). A file that must
/// be absent is not opened, so it holds nothing expected.
pub(super) fn still_holds(file: &File, expected: &Expected<'_>) -> Result<(), String> {
    match expected {
        Expected::Bytes(bytes) => still_holds_bytes(file, bytes),
        Expected::Digest(digest) => match digest.matches_file(file) {
            Ok(true) => Ok(()),
            Ok(false) => Err(changed()),
            Err(err) => Err(err.to_string()),
        },
        Expected::Absent => Err("appeared after gblint looked (run gblint again)".into()),
    }
}

/// The message of a file that no longer holds what gblint read.
fn changed() -> String {
    "changed after gblint read it (run gblint again)".to_owned()
}

/// Whether `file` still holds exactly `expected`, compared one chunk at a time.
fn still_holds_bytes(mut file: &File, expected: &[u8]) -> Result<(), String> {
    file.rewind().map_err(|err| err.to_string())?;
    let mut chunk = vec![0u8; CHUNK];
    let mut rest = expected;
    loop {
        // One byte past the expected length is enough to tell that it grew.
        let want = (rest.len() + 1).min(CHUNK);
        let read = match file.read(&mut chunk[..want]) {
            Ok(read) => read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err.to_string()),
        };
        if read == 0 {
            return if rest.is_empty() {
                Ok(())
            } else {
                Err(changed())
            };
        }
        if read > rest.len() || chunk[..read] != rest[..read] {
            return Err(changed());
        }
        rest = &rest[read..];
    }
}

/// Write the new text to the temporary file, give it the old file's metadata, and fsync it.
fn fill(staged: &Staged, contents: &[u8]) -> Result<(), String> {
    // A new file gets 0666 less the umask, like any file a program creates; a replacing one
    // starts private and gets the old mode once its owner is set.
    let mode = if staged.original.is_some() {
        0o600
    } else {
        0o666
    };
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = openat(
        &staged.dir,
        staged.temp.as_os_str(),
        flags,
        Mode::from_raw_mode(mode),
    )
    .map_err(|err| format!("cannot create a temporary file next to it: {err}"))?;
    let mut file = File::from(fd);
    file.write_all(contents)
        .map_err(|err| format!("cannot write: {err}"))?;
    if let Some((original, stat)) = &staged.original {
        keep::copy_metadata(original, stat, &file)?;
    }
    file.sync_all()
        .map_err(|err| format!("cannot write: {err}"))
}

/// Give the file being replaced a second name: the backup, or a hidden link when no backup
/// is wanted (removed once every rename is done).
fn link_keep(staged: &mut Staged, backup: bool, stamp: &str) -> Result<(), String> {
    let ino = staged.original.as_ref().map(|(_, stat)| stat.st_ino);
    let mut tries = 0;
    let keep = loop {
        tries += 1;
        let candidate = if backup {
            names::backup(&staged.name, stamp, tries)
        } else {
            names::hidden(&staged.name, "old")
        };
        match linkat(
            &staged.dir,
            staged.name.as_os_str(),
            &staged.dir,
            candidate.as_os_str(),
            AtFlags::empty(),
        ) {
            Ok(()) => break candidate,
            Err(Errno::EXIST) if tries < 100 => continue,
            Err(Errno::EXIST) => {
                return Err(format!(
                    "backup {} exists, and so do its numbered ones up to -{tries}",
                    PathBuf::from(names::backup(&staged.name, stamp, 1)).display()
                ))
            }
            Err(err) if backup => {
                return Err(format!(
                    "cannot keep the backup {}: {err}",
                    PathBuf::from(&candidate).display()
                ))
            }
            Err(err) => return Err(format!("cannot link the file being replaced: {err}")),
        }
    };
    staged.keep = Some(keep.clone());
    staged.keep_is_backup = backup;
    // The name was linked, not the locked file: make sure it was the same file.
    match statat(&staged.dir, keep.as_os_str(), AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) if Some(stat.st_ino) == ino => Ok(()),
        _ => Err("changed after gblint read it (run gblint again)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chunked comparison tells apart the same bytes, a file that grew or shrank by one
    /// byte, and one changed byte past the first chunk.
    #[test]
    fn still_holds_compares_across_chunks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Caddyfile");
        let expected: Vec<u8> = (0..CHUNK * 2 + 123).map(|i| (i % 251) as u8).collect();
        let holds = |bytes: &[u8]| {
            std::fs::write(&path, bytes).expect("write");
            let file = File::open(&path).expect("open");
            still_holds_bytes(&file, &expected)
        };
        assert_eq!(holds(&expected), Ok(()));
        let mut grown = expected.clone();
        grown.push(0);
        assert!(holds(&grown).is_err());
        assert!(holds(&expected[..expected.len() - 1]).is_err());
        let mut changed = expected.clone();
        changed[CHUNK + 7] ^= 1;
        assert!(holds(&changed).is_err());
        // Exactly one chunk long, and empty.
        let one = &expected[..CHUNK];
        std::fs::write(&path, one).expect("write");
        let file = File::open(&path).expect("open");
        assert_eq!(still_holds_bytes(&file, one), Ok(()));
        std::fs::write(&path, b"").expect("write");
        let file = File::open(&path).expect("open");
        assert_eq!(still_holds_bytes(&file, b""), Ok(()));
        assert!(still_holds_bytes(&file, b"x").is_err());
    }
}
