//! §2, lost updates: an operator editing a file while `--fix` runs, or two gblint runs on
//! one file, must never end with one side's change gone and both reporting success. gblint
//! checks that the file still holds what it read just before it renames; otherwise it stops
//! with exit 2 naming the file, and writes nothing.

use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use super::{gblint, stderr};

const ROUNDS: usize = 20;

/// 1,500 unformatted sites with no storage block: big enough that a run takes a while (so
/// the edits land inside it), small enough for 20 rounds to stay within seconds.
fn big_caddyfile() -> String {
    (0..1500)
        .map(|i| {
            format!(
                "site{i}.example.com {{\nreverse_proxy 10.0.{}.{}:5859\n}}\n",
                i / 250,
                i % 250
            )
        })
        .collect()
}

/// A delay in `0..limit`, different each call.
fn random_delay(limit: Duration) -> Duration {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(Instant::now().elapsed().as_nanos());
    let nanos = u64::try_from(limit.as_nanos().max(1)).unwrap_or(u64::MAX);
    Duration::from_nanos(hasher.finish() % nanos)
}

fn timed_fix(dir: &Path) -> Duration {
    let started = Instant::now();
    let output = gblint(dir, &["check", "Caddyfile", "--fix", "--unsafe"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    started.elapsed()
}

#[test]
fn fix_racing_an_operator_edit_loses_no_update() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    let original = big_caddyfile();
    std::fs::write(&path, &original).expect("write");
    let run_time = timed_fix(dir.path());
    let (mut refused, mut won) = (0, 0);
    for round in 0..ROUNDS {
        std::fs::write(&path, &original).expect("reset");
        let edit = format!("# operator edit {round}\n");
        let delay = random_delay(run_time);
        let operator = {
            let (path, edit) = (path.clone(), edit.clone());
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                let mut file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .expect("open");
                file.write_all(edit.as_bytes()).expect("edit");
            })
        };
        let output = gblint(dir.path(), &["check", "Caddyfile", "--fix", "--unsafe"]);
        operator.join().expect("operator");
        let now = std::fs::read_to_string(&path).expect("read");
        match output.status.code() {
            Some(2) => {
                refused += 1;
                assert!(
                    stderr(&output).contains("Caddyfile: changed after gblint read it"),
                    "round {round}: {}",
                    stderr(&output)
                );
                assert_eq!(
                    now,
                    format!("{original}{edit}"),
                    "round {round}: wrote anyway"
                );
            }
            Some(0) => {
                won += 1;
                assert!(
                    now.contains(&edit),
                    "round {round}: the operator's edit is gone and gblint reported success"
                );
            }
            other => panic!("round {round}: exit {other:?}: {}", stderr(&output)),
        }
    }
    assert_eq!(refused + won, ROUNDS);
}

#[test]
fn two_gblint_runs_lose_no_update() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Caddyfile");
    let original = big_caddyfile();
    for round in 0..ROUNDS {
        std::fs::write(&path, &original).expect("reset");
        // fmt formats, --fix adds the storage block: two different changes to one file.
        let fixer = {
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || gblint(&dir, &["check", "Caddyfile", "--fix", "--unsafe"]))
        };
        let fmt = gblint(dir.path(), &["fmt", "Caddyfile"]);
        let fix = fixer.join().expect("fixer");
        let now = std::fs::read_to_string(&path).expect("read");
        for (name, output) in [("fmt", &fmt), ("--fix", &fix)] {
            assert!(
                matches!(output.status.code(), Some(0 | 2)),
                "round {round}: {name}: {}",
                stderr(output)
            );
            if output.status.code() == Some(2) {
                assert!(
                    stderr(output).contains("Caddyfile: "),
                    "round {round}: {name}: {}",
                    stderr(output)
                );
            }
        }
        if fix.status.code() == Some(0) {
            assert!(
                now.contains("storage file_system"),
                "round {round}: --fix reported success but its change is gone"
            );
        }
        if fmt.status.code() == Some(0) {
            assert!(
                !now.contains("\nreverse_proxy"),
                "round {round}: fmt reported success but its change is gone"
            );
        }
    }
}
