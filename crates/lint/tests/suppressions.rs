//! Inline suppressions in every format with comments (`resources/suppression/`): each fixture
//! has a suppression that silences a finding, an unused one (GBL900) and an invalid one
//! (GBL901). Checked with and without `--no-inline-ignores`, so the silenced finding is shown
//! to exist.

use std::path::PathBuf;

use gblint_lint::{check, CheckOptions, FileKind, Input, Settings};

fn findings(name: &str, kind: Option<FileKind>, honour: bool) -> Vec<(u32, &'static str)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("resources/suppression")
        .join(name);
    let settings = Settings {
        no_inline_ignores: !honour,
        ..Settings::default()
    };
    let no_env = |_: &str| None;
    let mut options = CheckOptions::new(settings, &no_env);
    options.forced_kind = kind;
    let report = check(&[Input::Path(path)], &options).expect("check runs");
    report
        .diagnostics
        .iter()
        .map(|d| {
            let line = report.sources.get(d.file).line_col(d.range.start()).line;
            (line, d.code)
        })
        .collect()
}

fn case(
    name: &str,
    kind: Option<FileKind>,
    with: &[(u32, &'static str)],
    without: &[(u32, &'static str)],
) {
    assert_eq!(findings(name, kind, true), with, "{name} with suppressions");
    assert_eq!(
        findings(name, kind, false),
        without,
        "{name} with --no-inline-ignores"
    );
}

#[test]
fn corefile() {
    case(
        "GBL900.corefile",
        None,
        // Line 4's block is silenced; the trailing comment of line 9 silences nothing; line
        // 12 has no reason, so line 14 still reports; `whoami#gblint:` is a plain comment.
        &[(9, "GBL900"), (12, "GBL901"), (14, "DNS004")],
        &[(5, "DNS004"), (14, "DNS004")],
    );
}

#[test]
fn zone_file() {
    case(
        "GBL900.zone",
        None,
        // The `;` inside the TXT record's quotes is data, not an (invalid) suppression.
        &[(5, "GBL900"), (7, "GBL901")],
        &[(1, "DNS006")],
    );
}

#[test]
fn fail2ban() {
    case(
        "fail2ban/jail.local",
        None,
        // The `[DEFAULT]` section's suppression covers the key every jail inherits. F2B005
        // judges only jails fail2ban runs: `[recidive]` (`enabled = ture`, read as false) is not
        // one, so the finding comes once, for `[sshd]`.
        &[(8, "GBL900"), (13, "F2B003"), (13, "GBL901")],
        &[(5, "F2B005"), (13, "F2B003")],
    );
}

#[test]
fn systemd_unit() {
    case(
        "GBL900.service",
        None,
        &[(10, "GBL900"), (12, "GBL901")],
        &[(5, "SYD004"), (8, "SYD003")],
    );
}

#[test]
fn env_file() {
    case(
        "GBL900.ufw",
        Some(FileKind::Ufw),
        &[(6, "GBL900"), (8, "GBL901")],
        &[(5, "UFW001")],
    );
}
