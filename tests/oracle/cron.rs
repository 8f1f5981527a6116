//! gblint-cron's verdicts against Debian's `crontab` 3.0pl1 (the same `entry.c` cron loads
//! files with). Each line is installed as a user crontab of `nobody` with `crontab -u nobody
//! FILE`, which refuses it with cron's message ("bad minute", …) or installs it; an installed
//! one is removed at once (`crontab -u nobody -r`). Needs root and Debian's `cron`; fails when
//! `crontab` is missing.

use std::process::Command;

use gblint_cron::{parse, Kind};

/// Lines that exercise each field's numbers, names, ranges, steps, lists and the refusals.
fn cases() -> Vec<String> {
    let mut lines: Vec<String> = [
        "5/10 * * * * x",
        "5x * * * * x",
        "*/0 * * * * x",
        "10-5 * * * * x",
        "0 3 * * mon-fri x",
        "0 3 * * monday x",
        "0 3 * * * * x",
        "0 3 * *",
        "@Daily x",
        "@daily x",
        "0 24 * * * x",
        "FOO = bar",
        "0 3 * JAN-mar 0-7/2 x",
        "*-5 * * * * x",
        "1,,2 * * * * x",
        "60 * * * * x",
        "0 3 0 * * x",
        "0 3 * 13 * x",
        "0 3 * * 8 x",
        " 0 3 * * * x",
        "0,5-10/2,*/20 * * * * x",
        "*/5/2 * * * * x",
        "1-5-7 * * * * x",
        "0\t3\t*\t*\tSun\tx",
        "@daily",
        "1-60 * * * * x",
        "0-59/61 * * * * x",
        "*/60 * * * * x",
        "jan * * * * x",
        "0 3 * * 1-5/0 x",
        "0 3 */0 * * x",
        "0 3 ? * * x",
        "0 3 L * * x",
        "0 3 * * 5#2 x",
        "@reboot x",
        "@every x",
        "0 3 * * *x",
        "FOO=bar baz",
        "foo bar",
        "=x",
        "0 3 * * * * ",
        "0 3 1-31/ * * x",
        "0 3 - * * x",
        "0 03 * * * x",
        "0 3 * * 07 x",
        "@daily *x",
        "0 3 * * 1 *",
        "A B=c",
        "\"A B\"=c",
        "0 3 * * *,1 x",
        "0 3 */2-5 * * x",
        "@hourly x",
        "@weekly x",
        "@monthly x",
        "@yearly x",
        "@annually x",
        "@midnight x",
        "0",
        "0 3",
        "0 3 *",
        "0 3 * dec * x",
        "0 3 * * sat,SUN x",
        "0 3 * de * x",
        "0 3 31 feb * x",
        "0 3 * * 7-0 x",
    ]
    .iter()
    .map(|line| (*line).to_owned())
    .collect();
    // Every field position with a bad, a top and a stepped value.
    for field in 0..5 {
        for value in ["99", "*/7", "1-2,4", "abc", "0-0"] {
            let mut fields = ["0", "3", "*", "*", "*"];
            fields[field] = value;
            lines.push(format!("{} x", fields.join(" ")));
        }
    }
    lines
}

fn crontab_verdict(line: &str, dir: &std::path::Path) -> String {
    let file = dir.join("crontab");
    std::fs::write(&file, format!("{line}\n")).expect("write");
    let output = Command::new("crontab")
        .args(["-u", "nobody"])
        .arg(&file)
        .output()
        .expect("crontab (Debian's cron) must be installed for the oracle suite");
    if output.status.success() {
        let _ = Command::new("crontab")
            .args(["-u", "nobody", "-r"])
            .output();
        return "OK".to_owned();
    }
    // `"FILE":N: bad minute` then `errors in crontab file, can't install.`
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first = stderr.lines().next().unwrap_or_default();
    first
        .rsplit_once(": ")
        .map_or_else(|| first.to_owned(), |(_, message)| message.to_owned())
}

#[test]
fn crontab_lines_match_debian_crontab() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut disagreements = Vec::new();
    let cases = cases();
    for line in &cases {
        let ours = parse(&format!("{line}\n"), Kind::User)
            .errors
            .first()
            .map_or_else(|| "OK".to_owned(), |e| e.message.clone());
        let theirs = crontab_verdict(line, dir.path());
        if ours != theirs {
            disagreements.push(format!("{line:?}: gblint {ours:?}, crontab {theirs:?}"));
        }
    }
    eprintln!(
        "cron oracle: {} lines, {} disagreements",
        cases.len(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
