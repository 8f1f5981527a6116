//! Every systemd unit and drop-in of the corpus (`corpus/systemd`, `corpus/generalbots/systemd`)
//! reprints byte for byte from gblint's line table, and the line grammar finds only the
//! problems listed here.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.file_name().is_some_and(|n| n != "PROVENANCE.md") {
            out.push(path);
        }
    }
}

#[test]
fn every_systemd_corpus_unit_reprints_byte_for_byte() {
    let corpus = gblint_tests::corpus_dir();
    let mut paths = Vec::new();
    files(&corpus.join("systemd"), &mut paths);
    let upstream = paths.len();
    files(&corpus.join("generalbots").join("systemd"), &mut paths);
    assert_eq!(
        upstream, 28,
        "corpus/systemd holds 28 units (PROVENANCE.md)"
    );
    assert!(
        paths.len() > upstream,
        "corpus/generalbots/systemd is empty"
    );

    let mut failures = Vec::new();
    let (mut sections, mut entries, mut problems) = (0, 0, Vec::new());
    for path in &paths {
        let bytes = std::fs::read(path).expect("read");
        let text = String::from_utf8(bytes).expect("corpus units are UTF-8");
        let unit = gblint_systemd::parse(&text);
        if unit.print(&text) != text {
            failures.push(path.display().to_string());
        }
        sections += unit.sections.len();
        entries += unit.sections.iter().map(|s| s.entries.len()).sum::<usize>();
        let relative = path
            .strip_prefix(&corpus)
            .unwrap_or(path)
            .display()
            .to_string();
        problems.extend(
            unit.problems
                .iter()
                .map(|p| format!("{relative}:{}: {}", p.line, p.message)),
        );
    }
    println!(
        "systemd corpus: {} of {} files reprint byte for byte ({upstream} upstream, {} General Bots); \
         {sections} sections, {entries} assignments, {} line problems",
        paths.len() - failures.len(),
        paths.len(),
        paths.len() - upstream,
        problems.len()
    );
    assert!(
        failures.is_empty(),
        "not lossless:\n{}",
        failures.join("\n")
    );
    // The only line problem: the fuzz input's first line names the unit type for the fuzzer
    // and is not part of the unit (systemd says the same, see the oracle suite).
    assert_eq!(
        problems,
        ["systemd/systemd-fuzz-corpus/dm-backslash.swap:1: Assignment outside of section. Ignoring."]
    );
}
