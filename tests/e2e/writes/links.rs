//! §1: writes stay inside the tree. A config file that is a link out of the checked tree is
//! reported and never read or written; `render` writes through folders it holds open, so a
//! folder swapped for a link mid-run cannot carry a write outside `--out`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{gblint, moved_port_inventory, names_in, render, stderr};

/// Unformatted, with a finding `--fix --unsafe` fixes (no storage block), and a line that
/// must never show up in a snippet.
const OUTSIDE: &str = "chat.example.com {\nreverse_proxy 10.0.0.10:5859\n}\n";

/// `dir/tree/Caddyfile -> ../etc/Caddyfile`; returns `dir/tree`.
fn link_out_of_tree(dir: &Path) -> PathBuf {
    let (tree, etc) = (dir.join("tree"), dir.join("etc"));
    std::fs::create_dir_all(&tree).expect("mkdir");
    std::fs::create_dir_all(&etc).expect("mkdir");
    std::fs::write(etc.join("Caddyfile"), OUTSIDE).expect("write");
    std::os::unix::fs::symlink("../etc/Caddyfile", tree.join("Caddyfile")).expect("symlink");
    tree
}

#[test]
fn fmt_and_fix_never_write_through_a_link_out_of_the_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = link_out_of_tree(dir.path());
    let etc = dir.path().join("etc");

    for args in [
        &["fmt", "Caddyfile"][..],
        &["check", "Caddyfile", "--fix"],
        &["check", "Caddyfile", "--fix", "--unsafe"],
        &["check", ".", "--fix", "--unsafe"],
        &["fmt", "."],
    ] {
        let output = gblint(&tree, args);
        assert_eq!(
            std::fs::read_to_string(etc.join("Caddyfile")).expect("read"),
            OUTSIDE,
            "{args:?} wrote through the link"
        );
        assert_eq!(
            names_in(&etc),
            ["Caddyfile"],
            "{args:?} left a file next to the target"
        );
        assert_eq!(names_in(&tree), ["Caddyfile"], "{args:?}");
        assert!(
            !stderr(&output).contains("panicked"),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_ne!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn check_reports_a_linked_file_out_of_the_tree_without_reading_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = link_out_of_tree(dir.path());
    let check = gblint(&tree, &["check", "Caddyfile"]);
    let shown = String::from_utf8_lossy(&check.stdout);
    for line in OUTSIDE.lines().filter(|l| l.len() > 1) {
        assert!(!shown.contains(line.trim()), "the target was read: {shown}");
    }
    assert!(shown.contains("outside the checked root"), "{shown}");
    assert_eq!(check.status.code(), Some(1), "{shown}{}", stderr(&check));
}

#[test]
fn render_never_writes_through_a_folder_swapped_for_a_link() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).expect("mkdir");
    assert_eq!(render(&out, None).status.code(), Some(0));
    let moved = moved_port_inventory(dir.path());
    let units = out.join("pragmatismo-system/etc/systemd/system");
    let link = out.join("pragmatismo-system/etc/systemd/system.link");
    std::os::unix::fs::symlink(&outside, &link).expect("symlink");
    for round in 0..20 {
        let swapper = Swapper::start(&units, &link);
        // Alternate inventories so every round has files to write.
        let inventory = if round % 2 == 0 {
            Some(moved.as_path())
        } else {
            None
        };
        let output = render(&out, inventory);
        swapper.stop();
        assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
        assert!(
            matches!(output.status.code(), Some(0 | 2)),
            "round {round}: {}",
            stderr(&output)
        );
        let escaped = names_in(&outside);
        assert!(
            escaped.is_empty(),
            "round {round}: render wrote outside --out: {escaped:?}"
        );
    }
}

#[test]
fn render_diff_never_reads_through_a_folder_swapped_for_a_link() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).expect("mkdir");
    for unit in ["system.service", "ui.service"] {
        std::fs::write(outside.join(unit), "# OUTSIDE --out, never to be shown\n").expect("write");
    }
    assert_eq!(render(&out, None).status.code(), Some(0));
    let moved = moved_port_inventory(dir.path());
    let units = out.join("pragmatismo-system/etc/systemd/system");
    let link = out.join("pragmatismo-system/etc/systemd/system.link");
    std::os::unix::fs::symlink(&outside, &link).expect("symlink");
    let args = [
        "render",
        "--inventory",
        moved.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--diff",
    ];
    for round in 0..20 {
        let swapper = Swapper::start(&units, &link);
        let output = gblint(dir.path(), &args);
        swapper.stop();
        let shown = String::from_utf8_lossy(&output.stdout);
        assert!(
            !shown.contains("OUTSIDE --out"),
            "round {round}: --diff showed a file outside --out:\n{shown}"
        );
        assert!(
            matches!(output.status.code(), Some(1 | 2)),
            "round {round}: {}",
            stderr(&output)
        );
    }
}

/// Trades the names of a folder and a link next to it (RENAME_EXCHANGE) until stopped, so
/// the folder's name is always there: a plain folder one moment, a link out of --out the next.
struct Swapper {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Swapper {
    fn start(folder: &Path, link: &Path) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (flag, folder, link) = (stop.clone(), folder.to_path_buf(), link.to_path_buf());
        let thread = std::thread::spawn(move || {
            let swap = || {
                rustix::fs::renameat_with(
                    rustix::fs::CWD,
                    &folder,
                    rustix::fs::CWD,
                    &link,
                    rustix::fs::RenameFlags::EXCHANGE,
                )
                .expect("exchange")
            };
            // Two swaps per turn: when stopped, the folder is back under its name.
            while !flag.load(Ordering::Relaxed) {
                swap();
                std::thread::yield_now();
                swap();
                std::thread::yield_now();
            }
        });
        Swapper { stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("swapper");
    }
}
