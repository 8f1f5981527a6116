//! Every file under `corpus/iptables` (dumps, restore snippets, ufw, Docker, kube-proxy):
//! lossless reprint byte for byte; and the real iptables-save dumps are fixed points of the
//! canonical per-line renderer (what iptables-save printed is what gblint prints).

use std::path::{Path, PathBuf};

use gblint_iptables::formatter::format_in_place;
use gblint_iptables::{parse, Family};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if !path.to_string_lossy().contains("netfilter-t/")
            && path.file_name().is_some_and(|n| n != "PROVENANCE.md")
        {
            out.push(path);
        }
    }
}

fn family(path: &Path, text: &str) -> Family {
    let name = path.file_name().expect("name").to_string_lossy();
    if name.contains("ip6") || name.contains("6.rules") || text.contains("ip6tables-save") {
        Family::V6
    } else {
        Family::V4
    }
}

#[test]
fn every_iptables_corpus_file_reprints_byte_for_byte() {
    let mut paths = Vec::new();
    files(&gblint_tests::corpus_dir().join("iptables"), &mut paths);
    paths.sort();
    assert!(
        paths.len() >= 50,
        "corpus looks incomplete: {}",
        paths.len()
    );
    let mut failures = Vec::new();
    for path in &paths {
        let text = String::from_utf8_lossy(&std::fs::read(path).expect("read")).into_owned();
        let file = parse(&text, family(path, &text));
        if file.print(&text) != text {
            failures.push(path.display().to_string());
        }
    }
    println!(
        "iptables lossless reprint: {} of {} files",
        paths.len() - failures.len(),
        paths.len()
    );
    assert!(failures.is_empty(), "{failures:?}");
}

/// Files written by iptables-save itself (not hand-written restore input).
fn is_save_output(path: &Path) -> bool {
    let text = path.to_string_lossy();
    text.contains("/ipt-save__") || text.ends_with(".golden") || text.contains("kube-proxy-2015")
}

#[test]
fn iptables_save_dumps_are_canonical() {
    let mut paths = Vec::new();
    files(&gblint_tests::corpus_dir().join("iptables"), &mut paths);
    paths.retain(|p| is_save_output(p));
    paths.sort();
    let mut same = 0;
    let mut report = Vec::new();
    for path in &paths {
        let text = String::from_utf8_lossy(&std::fs::read(path).expect("read")).into_owned();
        let file = parse(&text, family(path, &text));
        match format_in_place(&file, &text) {
            Some(formatted) if formatted == text => same += 1,
            Some(formatted) => {
                let line = text
                    .lines()
                    .zip(formatted.lines())
                    .position(|(a, b)| a != b)
                    .map_or(0, |i| i + 1);
                let got = formatted.lines().nth(line.saturating_sub(1)).unwrap_or("");
                report.push(format!("{}:{line}: renders as `{got}`", path.display()));
            }
            None => report.push(format!("{}: does not read", path.display())),
        }
    }
    println!(
        "iptables-save dumps rendered identically: {same} of {}",
        paths.len()
    );
    for line in &report {
        println!("  {line}");
    }
    assert!(
        same * 10 >= paths.len() * 7,
        "fewer than 70% of the iptables-save dumps render identically"
    );
}
