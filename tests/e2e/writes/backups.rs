//! §2, backups: none left by a write that failed; a name already taken (even by a dangling
//! link) is skipped, not reported as "File exists"; names that are too long or not UTF-8
//! get their backup under the real name.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use super::{gblint, names_in, stderr, FORMATTED, UNFORMATTED};

/// The backup stamps of this minute and the next (a run may cross the minute; GNU date).
#[cfg(target_os = "linux")]
fn stamps() -> Vec<String> {
    let output = std::process::Command::new("date")
        .args(["+%Y%m%d%H%M", "-d", "now"])
        .output()
        .expect("date");
    let next = std::process::Command::new("date")
        .args(["+%Y%m%d%H%M", "-d", "now + 1 minute"])
        .output()
        .expect("date");
    [output, next]
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .collect()
}

#[test]
#[cfg(target_os = "linux")]
fn a_write_that_fails_leaves_no_backup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    std::fs::write(&path, UNFORMATTED).expect("write");
    let guard = super::Immutable::set(&path);
    let output = gblint(dir.path(), &["fmt", "Caddyfile"]);
    drop(guard);
    assert_eq!(names_in(dir.path()), ["Caddyfile"], "{}", stderr(&output));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Caddyfile: is immutable"),
        "{}",
        stderr(&output)
    );
}

#[test]
#[cfg(target_os = "linux")]
fn a_taken_backup_name_is_skipped_not_reported_as_file_exists() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    std::fs::write(&path, UNFORMATTED).expect("write");
    // Dangling links: `exists()` says no, creating the name says EEXIST.
    for stamp in stamps() {
        std::os::unix::fs::symlink("nowhere", dir.path().join(format!("Caddyfile.bak-{stamp}")))
            .expect("symlink");
    }
    let output = gblint(dir.path(), &["fmt", "Caddyfile"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), FORMATTED);
    let backups: Vec<String> = names_in(dir.path())
        .into_iter()
        .filter(|n| n.contains(".bak-") && std::fs::read(dir.path().join(n)).is_ok())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert!(backups[0].ends_with("-2"), "{backups:?}");
}

#[test]
fn long_and_non_utf8_names_get_their_backup_under_the_real_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let long = format!("{}.caddyfile", "x".repeat(240));
    let latin1 = OsStr::from_bytes(b"caf\xe9.caddyfile");
    for name in [OsStr::new(&long), latin1] {
        std::fs::write(dir.path().join(name), NO_STORAGE_UNFORMATTED).expect("write");
    }
    let output = gblint(dir.path(), &["check", ".", "--fix", "--unsafe"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let names: Vec<Vec<u8>> = std::fs::read_dir(dir.path())
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().as_bytes().to_vec())
        .collect();
    for (name, prefix) in [
        (OsStr::new(&long), &long.as_bytes()[..200]),
        (latin1, &b"caf\xe9.caddyfile.bak-"[..]),
    ] {
        let fixed = std::fs::read_to_string(dir.path().join(name)).expect("read");
        assert!(fixed.contains("storage file_system"), "{fixed}");
        let backup = names
            .iter()
            .find(|n| n.starts_with(prefix) && n.windows(5).any(|w| w == b".bak-"))
            .unwrap_or_else(|| panic!("no backup for {name:?} in {names:?}"));
        assert!(backup.len() <= 255);
        let kept = std::fs::read(dir.path().join(OsStr::from_bytes(backup))).expect("read");
        assert_eq!(kept, NO_STORAGE_UNFORMATTED.as_bytes());
    }
}

/// Has a finding `--fix --unsafe` fixes.
const NO_STORAGE_UNFORMATTED: &str = super::NO_STORAGE;
