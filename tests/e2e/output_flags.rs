//! Human output that stays readable on big files, untrusted text escaped, and the flags that
//! shape output: --output-file, --exit-zero, --statistics, --quiet, --color, the fix summary.
//! Each run is snapshotted whole (`snapshots/e2e__output_flags__*.snap`); what a snapshot cannot
//! show (raw control characters, line widths) is asserted after it.

use std::path::Path;
use std::process::Command;

use gblint_tests::gblint_command;

use crate::snap::BACKUP_STAMP;

/// Escape characters of colour codes, shown as `[ESC]` in snapshots.
const ESC: (&str, &str) = ("\x1b", "[ESC]");

/// iptables rules where every broad rule shadows a narrower one `gap` lines below it, after
/// `gap` unrelated rules (miette's own snippet reader merged such far-apart labels into one
/// snippet holding every line between them once the first label was past the file's first third).
fn far_shadowing(pairs: usize, gap: usize) -> String {
    let mut text = String::from("*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n");
    let filler = |text: &mut String, net: &str| {
        for i in 0..gap {
            text.push_str(&format!(
                "-A INPUT -s {net}.{}.{}/32 -p tcp --dport {} -j ACCEPT\n",
                i / 250,
                i % 250,
                1000 + i
            ));
        }
    };
    filler(&mut text, "172.16");
    for i in 0..pairs {
        text.push_str(&format!(
            "-A INPUT -s 10.{i}.0.0/16 -p tcp --dport 80 -j ACCEPT\n"
        ));
    }
    filler(&mut text, "192.168");
    for i in 0..pairs {
        text.push_str(&format!(
            "-A INPUT -s 10.{i}.1.0/24 -p tcp --dport 80 -j DROP\n"
        ));
    }
    text.push_str("COMMIT\n");
    text
}

/// Five IPT003 findings, each with its two labels (the shadowing rule, "this earlier rule
/// covers it", and the shadowed one, "never reached") and a few lines around each, not the
/// thousand lines between them.
#[test]
fn human_output_shows_each_label_with_a_little_context() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("rules.v4"), far_shadowing(5, 1000)).expect("write");
    let output = crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", "rules.v4", "--color", "never"])
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let findings: Vec<&str> = text.split("IPT003 shadowed-rule").skip(1).collect();
    assert_eq!(findings.len(), 5, "{text}");
    for finding in findings {
        let lines = finding.lines().count();
        assert!(lines < 30, "{lines} lines for one finding:\n{finding}");
    }
}

/// The escape and bell characters of the file are shown as `\x1b` and `\x07` in every
/// format; the snapshot could not show a raw one, so that is asserted too.
#[test]
fn control_characters_from_files_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "{\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond \"hi\"\n\tbogus\u{1b}[2J\u{7}directive x\r\n}\n",
    )
    .expect("write");
    for format in ["human", "concise", "github"] {
        let output = crate::assert_run_snapshot!(
            dir.path(),
            &mut gblint_command(
                dir.path(),
                &[
                    "check",
                    "Caddyfile",
                    "--output-format",
                    format,
                    "--color",
                    "never",
                ]
            )
        );
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: {text:?}"
        );
    }
}

/// `gblint args` in `dir` with the colour variables of the caller's environment removed and
/// `env` set (the snapshot's header shows `env`).
fn coloured(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = gblint_command(dir, args);
    command
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE");
    command.envs(env.iter().copied());
    command
}

#[test]
fn summary_flags_and_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    // IPT001 has a safe fix; nothing else is wrong. The summary says it is fixable with --fix.
    std::fs::write(
        dir.path().join("rules.v4"),
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n",
    )
    .expect("write");
    assert_cli_snapshot!(dir.path(), &["check", "rules.v4"]);

    // Concise carries the severity and the fixable mark; --quiet prints no summary.
    assert_cli_snapshot!(
        dir.path(),
        &["check", "rules.v4", "--output-format", "concise", "--quiet"]
    );

    // --output-file: nothing on standard output, the report in the file; --exit-zero.
    assert_cli_snapshot!(
        dir.path(),
        &[
            "check",
            "rules.v4",
            "--fail-on",
            "info",
            "--output-format",
            "json",
            "--output-file",
            "out.json",
        ]
    );
    let written = std::fs::read_to_string(dir.path().join("out.json")).expect("written");
    insta::assert_snapshot!("summary_flags_and_files__out_json", written);
    assert_cli_snapshot!(
        dir.path(),
        &["check", "rules.v4", "--fail-on", "info", "--exit-zero"]
    );

    // --statistics: count, code, mark, name.
    assert_cli_snapshot!(dir.path(), &["check", "rules.v4", "--statistics"]);

    // --color: no colour by default on a pipe, FORCE_COLOR colours a pipe, NO_COLOR beats
    // FORCE_COLOR, --color always wins over NO_COLOR, --color never over FORCE_COLOR.
    for (args, env) in [
        (&["check", "rules.v4"][..], &[][..]),
        (&["check", "rules.v4"], &[("FORCE_COLOR", "1")]),
        (
            &["check", "rules.v4"],
            &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")],
        ),
        (
            &["check", "rules.v4", "--color", "always"],
            &[("NO_COLOR", "1")],
        ),
        (
            &["check", "rules.v4", "--color", "never"],
            &[("FORCE_COLOR", "1")],
        ),
    ] {
        crate::assert_run_snapshot!(
            dir.path(),
            &mut coloured(dir.path(), args, env),
            filters = &[ESC],
        );
    }

    // --fix on a clean file says why it did nothing.
    crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", "rules.v4", "--fix"]),
        filters = &[BACKUP_STAMP],
    );
    assert_cli_snapshot!(dir.path(), &["check", "rules.v4", "--fix"]);
}

#[test]
fn a_wrong_type_in_the_configuration_names_the_key_and_the_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("rules.v4"),
        "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n",
    )
    .expect("write");
    for config in [
        "[limits]\nmax-file-bytes = \"big\"\n",
        "[network]\ninternal-ports = 6379\n",
    ] {
        std::fs::write(dir.path().join("gblint.toml"), config).expect("write");
        assert_cli_snapshot!(dir.path(), &["check", "rules.v4"]);
    }
}

/// Human: the finding's own snippet (sites/b.caddyfile:1:1), then the other file's
/// (Caddyfile:5:1, "first defined here"). SARIF: the same as a related location.
#[test]
fn a_cross_file_finding_shows_and_points_at_the_other_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("sites")).expect("mkdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "{\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond a\n}\n\nimport sites/*.caddyfile\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("sites/b.caddyfile"),
        "example.com {\n\trespond b\n}\n",
    )
    .expect("write");
    assert_cli_snapshot!(dir.path(), &["check", "Caddyfile", "--color", "never"]);
    crate::assert_sarif_run_snapshot!(
        dir.path(),
        &mut gblint_command(
            dir.path(),
            &["check", "Caddyfile", "--output-format", "sarif"]
        )
    );
}

#[test]
fn messages_wrap_at_the_terminal_width_and_fix_says_why_it_did_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A long CDY000 message: one line at 300 columns, wrapped at 60.
    std::fs::write(
        dir.path().join("Caddyfile"),
        "c.example.com,d.example.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    for columns in ["300", "60"] {
        let mut command = gblint_command(dir.path(), &["check", "Caddyfile", "--color", "never"]);
        command.env("COLUMNS", columns);
        let output = crate::assert_run_snapshot!(dir.path(), &mut command);
        let width: usize = columns.parse().expect("columns");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.lines().all(|l| l.chars().count() <= width),
            "wider than {width}: {text}"
        );
    }

    // A syntax error has no fix.
    assert_cli_snapshot!(dir.path(), &["check", "Caddyfile", "--fix"]);
    // CDY001's fix (a storage root) is unsafe.
    std::fs::write(
        dir.path().join("Caddyfile"),
        "example.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    assert_cli_snapshot!(dir.path(), &["check", "Caddyfile", "--fix"]);
}
