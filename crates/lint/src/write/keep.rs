//! What a rewritten file keeps of the one it replaces: owner, group, mode, and extended
//! attributes (POSIX ACLs and SELinux labels are extended attributes), as `sed -i` and
//! rustfmt do. A service reading its config as its own user (caddy at 0640) must still be
//! able to after a rewrite.

use std::fs::File;

use rustix::fs::{fchmod, fchown, fstat, Gid, Mode, Stat, Uid};

/// Give `to` the owner, group, mode and extended attributes of `from` (whose `stat` is given).
pub(super) fn copy_metadata(from: &File, stat: &Stat, to: &File) -> Result<(), String> {
    let mine = fstat(to).map_err(|err| format!("cannot read the new file's owner: {err}"))?;
    if mine.st_uid != stat.st_uid || mine.st_gid != stat.st_gid {
        let (uid, gid) = (Uid::from_raw(stat.st_uid), Gid::from_raw(stat.st_gid));
        fchown(to, Some(uid), Some(gid)).map_err(|err| {
            format!(
                "cannot keep its owner {}:{} ({err}); run gblint as that user or as root",
                stat.st_uid, stat.st_gid
            )
        })?;
    }
    // After the chown, which clears set-id bits.
    fchmod(to, Mode::from_raw_mode(stat.st_mode & 0o7777))
        .map_err(|err| format!("cannot keep its mode {:o}: {err}", stat.st_mode & 0o7777))?;
    copy_xattrs(from, to)
}

/// Copy every extended attribute `from` has. A file system without them has none to copy.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn copy_xattrs(from: &File, to: &File) -> Result<(), String> {
    use rustix::fs::{fgetxattr, flistxattr, fsetxattr, XattrFlags};
    use rustix::io::Errno;
    let size = match rustix::fs::flistxattr_query(from) {
        Ok(size) => size,
        Err(Errno::OPNOTSUPP | Errno::NOSYS) => return Ok(()),
        Err(err) => return Err(format!("cannot list its extended attributes: {err}")),
    };
    if size == 0 {
        return Ok(());
    }
    let mut names = vec![0u8; size];
    let len = flistxattr(from, &mut names[..])
        .map_err(|err| format!("cannot list its extended attributes: {err}"))?;
    for name in names[..len].split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(name);
        let shown = name.to_string_lossy();
        let size = rustix::fs::fgetxattr_query(from, name)
            .map_err(|err| format!("cannot read its extended attribute {shown}: {err}"))?;
        let mut value = vec![0u8; size];
        let len = fgetxattr(from, name, &mut value[..])
            .map_err(|err| format!("cannot read its extended attribute {shown}: {err}"))?;
        // A label the new file already has (an SELinux context inherited from the folder)
        // is not set again: setting `security.*` can need privileges gblint lacks.
        let mut current = vec![0u8; len];
        if fgetxattr(to, name, &mut current[..]).is_ok_and(|n| current[..n] == value[..len]) {
            continue;
        }
        fsetxattr(to, name, &value[..len], XattrFlags::empty())
            .map_err(|err| format!("cannot keep its extended attribute {shown}: {err}"))?;
    }
    Ok(())
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn copy_xattrs(_from: &File, _to: &File) -> Result<(), String> {
    Ok(())
}

/// Refuse a file the kernel would not let us replace (`chattr +i` / `+a`): finding out at
/// the rename would leave a half-written set of files, finding out here writes nothing.
#[cfg(target_os = "linux")]
pub(super) fn check_flags(file: &File) -> Result<(), String> {
    use rustix::fs::IFlags;
    match rustix::fs::ioctl_getflags(file) {
        Ok(flags) if flags.intersects(IFlags::IMMUTABLE | IFlags::APPEND) => {
            Err("is immutable or append-only (chattr +i / +a)".to_owned())
        }
        // No such flags on this file system (tmpfs before 6.0, NFS…): nothing to refuse.
        _ => Ok(()),
    }
}

#[cfg(not(target_os = "linux"))]
pub(super) fn check_flags(_file: &File) -> Result<(), String> {
    Ok(())
}
