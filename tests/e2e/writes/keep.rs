//! §2: a rewrite keeps what the service needs: owner, group, mode, extended attributes and
//! ACLs (a Caddyfile owned by caddy at 0640 must stay readable to caddy), and a hard-linked
//! file is reported, never split from its other names.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use super::{gblint, moved_port_inventory, render, stderr, FORMATTED, NO_STORAGE, UNFORMATTED};

#[cfg(target_os = "linux")]
/// nobody:nogroup, standing in for the service user.
const SERVICE: u32 = 65534;

#[cfg(target_os = "linux")]
/// A POSIX ACL (`system.posix_acl_access`, version 2): user::rw-, user:33:r--, group::r--,
/// mask::r--, other::---.
const ACL: &[u8] = &[
    2, 0, 0, 0, //
    1, 0, 6, 0, 0xff, 0xff, 0xff, 0xff, //
    2, 0, 4, 0, 33, 0, 0, 0, //
    4, 0, 4, 0, 0xff, 0xff, 0xff, 0xff, //
    0x10, 0, 4, 0, 0xff, 0xff, 0xff, 0xff, //
    0x20, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
];

#[cfg(target_os = "linux")]
fn give_to_service(path: &Path) {
    std::os::unix::fs::chown(path, Some(SERVICE), Some(SERVICE)).expect("chown (needs root)");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    rustix::fs::setxattr(
        path,
        "user.gblint-test",
        b"kept",
        rustix::fs::XattrFlags::empty(),
    )
    .expect("user xattr");
    rustix::fs::setxattr(
        path,
        "system.posix_acl_access",
        ACL,
        rustix::fs::XattrFlags::empty(),
    )
    .expect("ACL");
}

#[cfg(target_os = "linux")]
fn xattr(path: &Path, name: &str) -> Vec<u8> {
    let mut value = vec![0u8; 256];
    let len = rustix::fs::getxattr(path, name, &mut value[..])
        .unwrap_or_else(|err| panic!("{}: {name}: {err}", path.display()));
    value.truncate(len);
    value
}

#[cfg(target_os = "linux")]
fn assert_kept(path: &Path, what: &str) {
    let meta = std::fs::metadata(path).expect("stat");
    assert_eq!(
        (meta.uid(), meta.gid()),
        (SERVICE, SERVICE),
        "{what}: owner"
    );
    assert_eq!(meta.mode() & 0o7777, 0o640, "{what}: mode");
    assert_eq!(xattr(path, "user.gblint-test"), b"kept", "{what}: xattr");
    assert_eq!(xattr(path, "system.posix_acl_access"), ACL, "{what}: ACL");
}

#[test]
#[cfg(target_os = "linux")]
fn rewrites_keep_owner_group_mode_xattrs_and_acls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");

    std::fs::write(&path, UNFORMATTED).expect("write");
    give_to_service(&path);
    let output = gblint(dir.path(), &["fmt", "Caddyfile"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), FORMATTED);
    assert_kept(&path, "fmt");

    std::fs::remove_file(&path).expect("rm");
    std::fs::write(&path, NO_STORAGE).expect("write");
    give_to_service(&path);
    let output = gblint(dir.path(), &["check", "Caddyfile", "--fix", "--unsafe"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(std::fs::read_to_string(&path)
        .expect("read")
        .contains("storage"));
    assert_kept(&path, "check --fix");

    let out = dir.path().join("out");
    assert_eq!(render(&out, None).status.code(), Some(0));
    let unit = out.join("pragmatismo-system/etc/systemd/system/ui.service");
    give_to_service(&unit);
    let output = render(&out, Some(&moved_port_inventory(dir.path())));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(std::fs::read_to_string(&unit)
        .expect("read")
        .contains("5868"));
    assert_kept(&unit, "render");
}

#[test]
fn a_hard_linked_file_is_reported_and_left_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    std::fs::write(&path, UNFORMATTED).expect("write");
    std::fs::create_dir(dir.path().join("elsewhere")).expect("mkdir");
    let other = dir.path().join("elsewhere/Caddyfile.live");
    std::fs::hard_link(&path, &other).expect("link");
    for args in [
        &["fmt", "Caddyfile"][..],
        &["check", "Caddyfile", "--fix", "--unsafe"],
    ] {
        let output = gblint(dir.path(), args);
        let (a, b) = (
            std::fs::metadata(&path).expect("stat"),
            std::fs::metadata(&other).expect("stat"),
        );
        assert_eq!(
            (a.ino(), a.nlink()),
            (b.ino(), 2),
            "{args:?} split the file"
        );
        assert_eq!(std::fs::read_to_string(&other).expect("read"), UNFORMATTED);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("Caddyfile: has 2 hard links"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}
