//! §2: `render` (and a multi-file `fmt`) is all or nothing. A full disk, an immutable file or
//! a read-only folder found part-way must leave the old tree whole, every file of it, and the
//! message must say that nothing was written.

use std::path::{Path, PathBuf};

use super::{
    differing, gblint, moved_port_inventory, render, snapshot, stderr, strays, UNFORMATTED,
};

/// Render the example into `out`, then the moved-port inventory over it, and check the
/// outcome: the whole new tree (exit 0) or the whole old one with "nothing written" (exit 2).
/// Returns whether the render failed.
fn render_moved_all_or_nothing(dir: &Path, out: &Path, new_tree: &[(PathBuf, Vec<u8>)]) -> bool {
    let old_tree = snapshot(out);
    let output = render(out, Some(&moved_port_inventory(dir)));
    let after = snapshot(out);
    let message = stderr(&output);
    assert!(!message.contains("panicked"), "{message}");
    match output.status.code() {
        Some(0) => {
            let kept: Vec<_> = after
                .into_iter()
                .filter(|(path, _)| !path.to_string_lossy().contains(".bak-"))
                .collect();
            let wrong = differing(&kept, new_tree);
            assert!(wrong.is_empty(), "exit 0 but not the new tree: {wrong:?}");
            false
        }
        Some(2) => {
            let changed = differing(&after, &old_tree);
            assert!(
                changed.is_empty(),
                "failed and the old tree is not whole, changed: {changed:?}: {message}"
            );
            assert!(strays(&after).is_empty(), "{:?}", strays(&after));
            assert!(message.contains("nothing written"), "{message}");
            assert!(
                message.contains(&out.display().to_string()),
                "names no file: {message}"
            );
            true
        }
        other => panic!("exit {other:?}: {message}"),
    }
}

/// The tree the moved-port inventory renders, from a clean folder.
fn new_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let reference = dir.join("reference");
    let output = render(&reference, Some(&moved_port_inventory(dir)));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    snapshot(&reference)
}

#[test]
#[cfg(target_os = "linux")]
fn an_immutable_file_or_folder_part_way_writes_nothing() {
    use super::Immutable;
    let dir = tempfile::tempdir().expect("tempdir");
    let new_tree = new_tree(dir.path());
    // The changed files, in the order they are written: the Caddyfile, system.service and
    // ui.service; the blocker is on the last one, or on the folder of the last two.
    for blocked in [
        "pragmatismo-system/etc/systemd/system/ui.service",
        "pragmatismo-system/etc/systemd/system",
    ] {
        let out = dir.path().join(format!("out-{}", blocked.len()));
        assert_eq!(render(&out, None).status.code(), Some(0));
        let guard = Immutable::set(&out.join(blocked));
        assert!(
            render_moved_all_or_nothing(dir.path(), &out, &new_tree),
            "{blocked}: render went through an immutable file"
        );
        drop(guard);
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_multi_file_fmt_with_an_immutable_file_writes_nothing() {
    use super::Immutable;
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["a.caddyfile", "b.caddyfile"] {
        std::fs::write(dir.path().join(name), UNFORMATTED).expect("write");
    }
    let guard = Immutable::set(&dir.path().join("b.caddyfile"));
    let output = gblint(dir.path(), &["fmt", "."]);
    drop(guard);
    let files = snapshot(dir.path());
    for (path, bytes) in &files {
        assert_eq!(
            bytes,
            UNFORMATTED.as_bytes(),
            "{} was written",
            path.display()
        );
    }
    assert!(strays(&files).is_empty(), "{:?}", strays(&files));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("b.caddyfile: is immutable")
            && stderr(&output).contains("nothing written"),
        "{}",
        stderr(&output)
    );
}

/// A tmpfs mounted for the test and unmounted when dropped.
#[cfg(target_os = "linux")]
struct Tmpfs(PathBuf);

#[cfg(target_os = "linux")]
impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Self {
        std::fs::create_dir_all(at).expect("mkdir");
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .expect("mount runs");
        assert!(status.success(), "mounting a tmpfs needs root");
        Tmpfs(at.to_path_buf())
    }
}

#[cfg(target_os = "linux")]
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[test]
#[cfg(target_os = "linux")]
fn render_on_a_full_disk_leaves_the_old_tree_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let new_tree = new_tree(dir.path());
    let mount = dir.path().join("small");
    let _tmpfs = Tmpfs::mount(&mount, "1m");
    let (mut failed, mut written) = (0, 0);
    // From room for everything down to no room at all, a page at a time: somewhere in between
    // the disk fills half-way through the three files (4 pages, for the code before #19).
    for free_pages in (0..=12u64).rev() {
        let out = mount.join("out");
        let filler = mount.join("filler");
        assert_eq!(render(&out, None).status.code(), Some(0), "the tree fits");
        let stat = rustix::fs::statvfs(&mount).expect("statvfs");
        let available = stat.f_bavail * stat.f_bsize;
        let keep = free_pages * stat.f_bsize;
        let fill = usize::try_from(available.saturating_sub(keep)).expect("size");
        let _ = std::fs::write(&filler, vec![0u8; fill]);
        if render_moved_all_or_nothing(dir.path(), &out, &new_tree) {
            failed += 1;
        } else {
            written += 1;
        }
        std::fs::remove_file(&filler).expect("rm filler");
        std::fs::remove_dir_all(&out).expect("rm out");
    }
    // Both outcomes were exercised.
    assert!(
        failed > 0 && written > 0,
        "failed {failed}, written {written}"
    );
}
