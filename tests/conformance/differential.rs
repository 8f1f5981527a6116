//! What the engine differentials share: walking an input folder, recording one gblint run,
//! and comparing a group's findings with the expectation recorded from the engine before it
//! was reworked (blessed again only from an engine whose findings are known good, with
//! `GBLINT_DIFFERENTIAL_BLESS=path/to/gblint`).

use std::path::{Path, PathBuf};
use std::process::Output;

use gblint_tests::{gblint_binary, workspace_root};

/// Every file under `dir` (recursively), sorted by path.
pub fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// Appends one run to `out`: a `== NAME (exit N)` header, standard output, and standard error
/// after a `-- stderr` line when there is any.
pub fn record(out: &mut String, name: &str, output: &Output) {
    out.push_str(&format!(
        "== {name} (exit {:?})\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout)
    ));
    if !output.stdout.ends_with(b"\n") {
        out.push('\n');
    }
    if !output.stderr.is_empty() {
        out.push_str("-- stderr\n");
        out.push_str(&String::from_utf8_lossy(&output.stderr));
    }
}

/// Compares the findings `findings` produces with this build against
/// `tests/conformance/<folder>/<group>.txt`, first recording that file again from the binary
/// `GBLINT_DIFFERENTIAL_BLESS` names when it is set. Panics at the first differing line,
/// showing five lines of each side; `what` names the inputs in the success line.
pub fn compare(
    folder: &str,
    group: &str,
    inputs: usize,
    what: &str,
    findings: impl Fn(&Path) -> String,
) {
    assert!(inputs > 0, "{group}: no inputs");
    let expected_path = workspace_root()
        .join("tests/conformance")
        .join(folder)
        .join(format!("{group}.txt"));
    if let Some(bless) = std::env::var_os("GBLINT_DIFFERENTIAL_BLESS") {
        let recorded = findings(Path::new(&bless));
        std::fs::create_dir_all(expected_path.parent().expect("folder")).expect("mkdir");
        std::fs::write(&expected_path, recorded).expect("write expectation");
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
    let actual = findings(gblint_binary());
    if actual != expected {
        let first = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(actual.lines().count().min(expected.lines().count()));
        let show = |text: &str| {
            text.lines()
                .skip(first)
                .take(5)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{group}: findings differ from {} at line {}:\n--- expected\n{}\n--- actual\n{}",
            expected_path.display(),
            first + 1,
            show(&expected),
            show(&actual)
        );
    }
    println!("{group}: {inputs} {what}, findings identical");
}
