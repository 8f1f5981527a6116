//! Reading a file below a folder the way the writer writes it: folder by folder without
//! following a link, so what `render` compares (and shows in `--diff`) is the file it would
//! replace, never one a swapped-in link points at.

use std::fs::File;
use std::io;
use std::path::Path;

use rustix::fs::{fstat, openat, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::dirs;

/// The bytes of `relative` below `base`, `None` when it (or `base`) does not exist. A symbolic
/// link on the way is an error of kind `InvalidInput` naming where it is.
pub fn read_beneath(base: &Path, relative: &Path) -> io::Result<Option<Vec<u8>>> {
    let base_fd = match dirs::open_base(base) {
        Ok(fd) => fd,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    let (parent, name) = super::stage::split(relative)
        .map_err(|message| io::Error::new(io::ErrorKind::InvalidInput, message))?;
    let dir = match dirs::open_beneath(&base_fd, parent, false, &mut Vec::new()) {
        Ok(dir) => dir,
        Err(err) if err.link => return Err(link_error(&base.join(&err.at))),
        Err(err) if err.error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err.error),
    };
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let file = match openat(&dir, name, flags, Mode::empty()) {
        Ok(fd) => File::from(fd),
        Err(Errno::NOENT) => return Ok(None),
        Err(Errno::LOOP) => return Err(link_error(&base.join(relative))),
        Err(err) => return Err(err.into()),
    };
    let stat = fstat(&file)?;
    if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a regular file", base.join(relative).display()),
        ));
    }
    // The same size limit as every other read: a file that grows is cut, never read whole.
    let limit = gblint_diagnostics::read::DEFAULT_MAX_FILE_BYTES;
    gblint_diagnostics::read::read_to_limit(&file, limit, stat.st_size as u64)
        .map(Some)
        .map_err(|err| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: {err}", base.join(relative).display()),
            )
        })
}

fn link_error(at: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is a symbolic link; gblint reads and writes only plain folders and files there",
            at.display()
        ),
    )
}
