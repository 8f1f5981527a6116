//! Folders opened one component at a time, never through a symbolic link: the folder a file
//! is written in is held as a file descriptor, so swapping a folder for a link after it was
//! checked cannot redirect the write (a path string checked earlier could be).

use std::ffi::OsString;
use std::io;
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{mkdirat, openat, statat, AtFlags, FileType, Mode, OFlags, CWD};

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

/// A folder made by [`open_beneath`]: its parent and its name, so a failed write can remove it.
pub(super) struct Created {
    pub parent: OwnedFd,
    pub name: OsString,
}

/// Open `path` as the starting folder. It is the caller's own choice (`--out`, `/`), so a
/// link here is followed; everything below it is opened with [`open_beneath`].
pub(super) fn open_base(path: &Path) -> io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    Ok(openat(CWD, path, flags, Mode::empty())?)
}

/// Why opening `relative` below a folder failed, and at which component.
pub(super) struct WalkError {
    pub at: PathBuf,
    pub error: io::Error,
    pub link: bool,
}

/// Open the folder `relative` below `base`, refusing a symbolic link at every component;
/// with `create`, missing folders are made (and recorded in `created`).
pub(super) fn open_beneath(
    base: &OwnedFd,
    relative: &Path,
    create: bool,
    created: &mut Vec<Created>,
) -> Result<OwnedFd, WalkError> {
    let mut current = rustix::io::dup(base).map_err(|err| WalkError {
        at: PathBuf::new(),
        error: err.into(),
        link: false,
    })?;
    let mut at = PathBuf::new();
    for component in relative.components() {
        let name = match component {
            Component::CurDir => continue,
            Component::ParentDir => OsString::from(".."),
            Component::Normal(name) => name.to_os_string(),
            Component::RootDir | Component::Prefix(_) => {
                return Err(WalkError {
                    at,
                    error: io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "absolute path below a base",
                    ),
                    link: false,
                })
            }
        };
        at.push(&name);
        let opened = match openat(&current, name.as_os_str(), DIR_FLAGS, Mode::empty()) {
            Err(rustix::io::Errno::NOENT) if create => {
                match mkdirat(&current, name.as_os_str(), Mode::from_raw_mode(0o777)) {
                    Ok(()) => created.push(Created {
                        parent: rustix::io::dup(&current).map_err(|err| WalkError {
                            at: at.clone(),
                            error: err.into(),
                            link: false,
                        })?,
                        name: name.clone(),
                    }),
                    Err(rustix::io::Errno::EXIST) => {}
                    Err(err) => {
                        return Err(WalkError {
                            at,
                            error: err.into(),
                            link: false,
                        })
                    }
                }
                openat(&current, name.as_os_str(), DIR_FLAGS, Mode::empty())
            }
            other => other,
        };
        current = match opened {
            Ok(fd) => fd,
            Err(err) => {
                let link = is_link(&current, &name);
                return Err(WalkError {
                    at,
                    error: err.into(),
                    link,
                });
            }
        };
    }
    Ok(current)
}

/// Whether `name` in `dir` is a symbolic link (without following it).
pub(super) fn is_link(dir: &OwnedFd, name: &OsString) -> bool {
    statat(dir, name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW)
        .is_ok_and(|stat| FileType::from_raw_mode(stat.st_mode) == FileType::Symlink)
}
