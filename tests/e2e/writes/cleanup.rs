//! §2, killed runs: the temporary files a killed run left next to a target, and the scratch
//! folders a killed `render` left in the temporary folder, are removed by the next run (their
//! names carry the process id; the process is gone). A failing run leaves none of its own.

use std::path::Path;

use gblint_tests::{gblint_binary, workspace_root};

use super::{names_in, stderr, UNFORMATTED};

/// The id of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().expect("true");
    let pid = child.id();
    child.wait().expect("wait");
    pid
}

fn run_with_tmpdir(dir: &Path, tmp: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(gblint_binary())
        .args(args)
        .current_dir(dir)
        .env("TMPDIR", tmp)
        .env("NO_COLOR", "1")
        .output()
        .expect("gblint runs")
}

#[test]
fn stale_files_of_killed_runs_are_removed_by_the_next_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tmp = tempfile::tempdir().expect("tempdir");
    let pid = dead_pid();
    std::fs::write(dir.path().join("Caddyfile"), UNFORMATTED).expect("write");
    let stale_temp = format!(".Caddyfile.gblint-{pid}-0123456789abcdef.tmp");
    let stale_keep = format!(".Caddyfile.gblint-{pid}-0123456789abcdef.old");
    // One of a live process (this test) is left alone.
    let live = format!(
        ".Caddyfile.gblint-{}-0123456789abcdef.tmp",
        std::process::id()
    );
    for name in [&stale_temp, &stale_keep, &live] {
        std::fs::write(dir.path().join(name), "half-written").expect("write");
    }
    let output = run_with_tmpdir(dir.path(), tmp.path(), &["fmt", "Caddyfile"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let left: Vec<String> = names_in(dir.path())
        .into_iter()
        .filter(|n| n.contains(".gblint-"))
        .collect();
    assert_eq!(left, [live]);

    // render's scratch folders in $TMPDIR.
    let scratch = tmp.path().join(format!("gblint-render-{pid}-abcdef"));
    std::fs::create_dir_all(scratch.join("host/etc")).expect("mkdir");
    std::fs::write(scratch.join("host/etc/x"), "x").expect("write");
    let out = dir.path().join("out");
    let inventory = workspace_root().join("examples/pragmatismo.toml");
    let output = run_with_tmpdir(
        dir.path(),
        tmp.path(),
        &[
            "render",
            "--inventory",
            inventory.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Neither the stale folder nor this run's own is left.
    assert_eq!(names_in(tmp.path()), Vec::<String>::new());
}

#[test]
#[cfg(target_os = "linux")]
fn a_failed_render_leaves_no_temporary_file_or_scratch_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    assert_eq!(super::render(&out, None).status.code(), Some(0));
    let moved = super::moved_port_inventory(dir.path());
    let guard =
        super::Immutable::set(&out.join("pragmatismo-system/etc/systemd/system/ui.service"));
    let output = run_with_tmpdir(
        dir.path(),
        tmp.path(),
        &[
            "render",
            "--inventory",
            moved.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    drop(guard);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(names_in(tmp.path()), Vec::<String>::new());
    let strays = super::strays(&super::snapshot(&out));
    assert!(strays.is_empty(), "{strays:?}");
}
