//! The names gblint gives the files it makes next to a target: temporary files, the links
//! that keep a replaced file until every rename is done, and backups. Names are built from
//! the target's real bytes (not a lossy UTF-8 copy) and shortened to fit `NAME_MAX`.

use std::ffi::{OsStr, OsString};
use std::hash::{BuildHasher, Hasher};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use rustix::fs::{unlinkat, AtFlags};

/// The longest file name most file systems accept (ext4, xfs, btrfs, tmpfs).
const NAME_MAX: usize = 255;

/// A hidden name tagged with this process's id: `.<name>.gblint-<pid>-<random>.<kind>`, or
/// `.gblint-<pid>-<random>.<kind>` when the target's name is too long to repeat. The id lets a
/// later run tell a file left by a killed run (its process is gone) from one in use.
pub(super) fn hidden(name: &OsStr, kind: &str) -> OsString {
    let tag = format!(".gblint-{}-{:016x}.{kind}", std::process::id(), random());
    let mut bytes = Vec::with_capacity(NAME_MAX);
    if 1 + name.len() + tag.len() <= NAME_MAX {
        bytes.push(b'.');
        bytes.extend_from_slice(name.as_bytes());
    }
    bytes.extend_from_slice(tag.as_bytes());
    OsString::from_vec(bytes)
}

/// `<name>.bak-<stamp>` (`-<n>` added from the second try on), with `<name>` cut short when
/// the whole would pass `NAME_MAX`.
pub(super) fn backup(name: &OsStr, stamp: &str, n: u32) -> OsString {
    let suffix = if n > 1 {
        format!(".bak-{stamp}-{n}")
    } else {
        format!(".bak-{stamp}")
    };
    let keep = name.len().min(NAME_MAX.saturating_sub(suffix.len()));
    let mut bytes = name.as_bytes()[..keep].to_vec();
    bytes.extend_from_slice(suffix.as_bytes());
    OsString::from_vec(bytes)
}

/// 64 bits that differ between calls and processes (no need for a random-number crate: the
/// names are also made with `O_EXCL`, so a clash is an error, never an overwrite).
fn random() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    if let Ok(since) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        hasher.write_u128(since.as_nanos());
    }
    hasher.finish()
}

/// The process id in a name made by `hidden` (or by `gblint render`'s scratch folders), if
/// the name is one of gblint's.
pub fn owner_pid(name: &[u8], marker: &[u8]) -> Option<u32> {
    let start = name.windows(marker.len()).position(|w| w == marker)? + marker.len();
    let digits = &name[start..];
    let end = digits.iter().position(|b| !b.is_ascii_digit())?;
    if end == 0 || digits.get(end) != Some(&b'-') {
        return None;
    }
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

/// Whether a file gblint made (owned by `pid` if the name says so, last changed at `modified`)
/// was left by a run that is over: its process is gone (Linux), or it is older than a day.
pub fn is_stale(pid: Option<u32>, modified: Option<SystemTime>) -> bool {
    if pid == Some(std::process::id()) {
        return false;
    }
    let old = |limit: Duration| {
        modified
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .is_some_and(|age| age > limit)
    };
    match pid {
        #[cfg(target_os = "linux")]
        Some(pid) => !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        // Without /proc a live process cannot be told from a dead one; a day is beyond any run.
        #[cfg(not(target_os = "linux"))]
        Some(_) => old(Duration::from_secs(24 * 3600)),
        // Names from before the process id was recorded.
        None => old(Duration::from_secs(3600)),
    }
}

/// Remove the temporary files and keep-links that killed gblint runs left in `dir`.
pub(super) fn sweep(dir: &OwnedFd) {
    let Ok(dup) = rustix::io::dup(dir) else {
        return;
    };
    let Ok(entries) = rustix::fs::Dir::new(dup) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_bytes();
        let ours = name.starts_with(b".")
            && name.windows(8).any(|w| w == b".gblint-")
            && (name.ends_with(b".tmp") || name.ends_with(b".old"));
        if !ours {
            continue;
        }
        let pid = owner_pid(name, b".gblint-");
        let modified = rustix::fs::statat(dir, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW)
            .ok()
            .map(|stat| {
                SystemTime::UNIX_EPOCH
                    + Duration::from_secs(u64::try_from(stat.st_mtime).unwrap_or(0))
            });
        if is_stale(pid, modified) {
            let _ = unlinkat(dir, entry.file_name(), AtFlags::empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_name_max_and_keep_the_real_bytes() {
        let long = OsString::from_vec(vec![b'x'; 250]);
        assert!(hidden(&long, "tmp").len() <= NAME_MAX);
        let backup_name = backup(&long, "202612051200", 3);
        assert_eq!(backup_name.len(), NAME_MAX);
        assert!(backup_name.as_bytes().ends_with(b".bak-202612051200-3"));
        let latin1 = OsStr::from_bytes(b"caf\xe9");
        assert_eq!(
            backup(latin1, "202612051200", 1).as_bytes(),
            b"caf\xe9.bak-202612051200"
        );
        assert!(hidden(latin1, "tmp")
            .as_bytes()
            .starts_with(b".caf\xe9.gblint-"));
    }

    #[test]
    fn owner_pid_reads_only_gblint_names() {
        let name = hidden(OsStr::new("Caddyfile"), "tmp");
        assert_eq!(
            owner_pid(name.as_bytes(), b".gblint-"),
            Some(std::process::id())
        );
        assert_eq!(
            owner_pid(b".Caddyfile.gblint-ab12cd.tmp", b".gblint-"),
            None
        );
        assert_eq!(
            owner_pid(b"gblint-render-42-x1", b"gblint-render-"),
            Some(42)
        );
        assert!(!is_stale(Some(std::process::id()), None));
    }
}
