//! `gblint fmt`: check, diff, write, standard input, refusals, and atomic writes under SIGKILL.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gblint_tests::gblint_binary;

const UNFORMATTED: &str =
    "a.example.com{\n    reverse_proxy   localhost:8080\n}\nb.example.com {\n  respond hi\n}\n";
const UNFORMATTED_VALID: &str =
    "a.example.com   {\n    reverse_proxy   localhost:8080\n}\nb.example.com {\n  respond hi\n}\n";
const FORMATTED: &str =
    "a.example.com {\n\treverse_proxy localhost:8080\n}\nb.example.com {\n\trespond hi\n}\n";

/// `--check` names each file's first differing line and writes nothing.
#[test]
fn check_names_the_first_differing_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let unformatted = "a.example.com {\n\trespond hi\n}\nb.example.com {\n  respond hi\n}\n";
    std::fs::write(dir.path().join("Caddyfile"), unformatted).expect("write");
    std::fs::write(dir.path().join("ok.caddyfile"), FORMATTED).expect("write");
    assert_cli_snapshot!(dir.path(), &["fmt", "--check", "."]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Caddyfile")).expect("read"),
        unformatted,
        "nothing written"
    );
}

#[test]
fn diff_prints_a_unified_diff() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Caddyfile"), UNFORMATTED_VALID).expect("write");
    assert_cli_snapshot!(dir.path(), &["fmt", "--diff", "Caddyfile"]);
}

#[test]
fn writes_atomically_with_a_backup_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    std::fs::write(&path, UNFORMATTED_VALID).expect("write");
    assert_cli_snapshot!(dir.path(), &["fmt"]);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), FORMATTED);
    let backups: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read_dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("Caddyfile.bak-"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(&backups[0])).expect("read"),
        UNFORMATTED_VALID
    );
    // A second run changes nothing and writes no second backup; --check agrees.
    assert_cli_snapshot!(dir.path(), &["fmt"]);
    assert_cli_snapshot!(dir.path(), &["fmt", "--check"]);
    let count = std::fs::read_dir(dir.path()).expect("read_dir").count();
    assert_eq!(count, 2, "the file and one backup");
}

#[test]
fn standard_input_goes_to_standard_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_cli_snapshot!(dir.path(), &["fmt", "-"], stdin = UNFORMATTED_VALID);
    assert_cli_snapshot!(
        dir.path(),
        &["fmt", "--check", "-", "--stdin-filename", "conf/Caddyfile"],
        stdin = UNFORMATTED_VALID,
    );
}

#[test]
fn refuses_to_write_what_would_change_the_tokens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    std::fs::write(&path, UNFORMATTED).expect("write");
    assert_cli_snapshot!(dir.path(), &["fmt", "Caddyfile"]);
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        UNFORMATTED,
        "left as it was"
    );
}

/// A Caddyfile of `sites` unformatted site blocks.
fn big_caddyfile(sites: usize) -> String {
    let mut text = String::with_capacity(sites * 60);
    for i in 0..sites {
        text.push_str(&format!(
            "site{i}.example.com {{\n    reverse_proxy 10.0.{}.{}:8080\n}}\n",
            (i >> 8) & 255,
            i & 255
        ));
    }
    text
}

fn temp_file_in(dir: &Path) -> Option<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".Caddyfile.gblint-"))
        })
}

/// SIGKILL while the new text is being written: the Caddyfile is still the old one, byte for
/// byte. Then kills at spread-out moments: each leaves the old file or the new one.
#[test]
fn a_kill_during_the_write_leaves_the_old_or_the_new_file() {
    let old = big_caddyfile(60_000);
    let new = gblint_caddyfile::format::format(&old);
    assert_ne!(old, new);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");

    // 1. Kill the moment the temporary file appears (the write is in progress).
    let mut caught_mid_write = false;
    for _ in 0..5 {
        std::fs::write(&path, &old).expect("write");
        let mut child = Command::new(gblint_binary())
            .args(["fmt", "Caddyfile"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let started = Instant::now();
        let mut seen = None;
        while started.elapsed() < Duration::from_secs(60) {
            if let Some(temp) = temp_file_in(dir.path()) {
                seen = Some(temp);
                break;
            }
            if child.try_wait().expect("try_wait").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(100));
        }
        child.kill().ok();
        child.wait().expect("wait");
        let now = std::fs::read_to_string(&path).expect("read");
        assert!(
            now == old || now == new,
            "a kill left a partial Caddyfile ({} bytes)",
            now.len()
        );
        if let Some(temp) = seen {
            if now == old && temp.exists() {
                caught_mid_write = true;
                std::fs::remove_file(temp).expect("cleanup");
                break;
            }
        }
        for entry in std::fs::read_dir(dir.path())
            .expect("read_dir")
            .filter_map(Result::ok)
        {
            if entry.file_name() != "Caddyfile" {
                std::fs::remove_file(entry.path()).expect("cleanup");
            }
        }
    }
    assert!(
        caught_mid_write,
        "never managed to kill gblint while it was writing"
    );

    // 2. An uninterrupted run, timed, then kills spread over that time.
    std::fs::write(&path, &old).expect("write");
    let started = Instant::now();
    let status = Command::new(gblint_binary())
        .args(["fmt", "Caddyfile"])
        .current_dir(dir.path())
        .stderr(Stdio::null())
        .status()
        .expect("run");
    let full = started.elapsed();
    assert!(status.success());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), new);
    for step in 1..=8u32 {
        std::fs::write(&path, &old).expect("write");
        let mut child = Command::new(gblint_binary())
            .args(["fmt", "Caddyfile"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(full * step / 8);
        child.kill().ok();
        child.wait().expect("wait");
        let now = std::fs::read_to_string(&path).expect("read");
        assert!(
            now == old || now == new,
            "kill at {}/8 of the run left a partial Caddyfile ({} bytes)",
            step,
            now.len()
        );
    }
}
