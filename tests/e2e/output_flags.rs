//! Human output that stays readable on big files, untrusted text escaped, and the flags that
//! shape output: --output-file, --exit-zero, --statistics, --quiet, --color, the fix summary.

use gblint_tests::run_gblint;

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

#[test]
fn human_output_shows_each_label_with_a_little_context() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("rules.v4"), far_shadowing(5, 1000)).expect("write");
    let output = run_gblint(dir.path(), &["check", "rules.v4", "--color", "never"], None);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    let findings: Vec<&str> = text.split("IPT003 shadowed-rule").skip(1).collect();
    assert_eq!(findings.len(), 5, "{text}");
    for finding in findings {
        let lines = finding.lines().count();
        assert!(lines < 30, "{lines} lines for one finding:\n{finding}");
        // Both the shadowing rule and the shadowed one are shown.
        assert!(finding.contains("this earlier rule covers it"), "{finding}");
        assert!(finding.contains("never reached"), "{finding}");
    }
}

#[test]
fn control_characters_from_files_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "{\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond \"hi\"\n\tbogus\u{1b}[2J\u{7}directive x\r\n}\n",
    )
    .expect("write");
    for format in ["human", "concise", "github"] {
        let output = run_gblint(
            dir.path(),
            &[
                "check",
                "Caddyfile",
                "--output-format",
                format,
                "--color",
                "never",
            ],
            None,
        );
        assert_eq!(output.status.code(), Some(1), "{format}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(!text.is_empty(), "{format}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: {text:?}"
        );
        assert!(text.contains("\\x1b"), "{format}: {text}");
    }
}

#[test]
fn summary_flags_and_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    // IPT001 has a safe fix; nothing else is wrong.
    std::fs::write(
        dir.path().join("rules.v4"),
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n",
    )
    .expect("write");
    let plain = run_gblint(dir.path(), &["check", "rules.v4"], None);
    let summary = String::from_utf8_lossy(&plain.stderr);
    assert!(summary.contains("1 fixable with `--fix`."), "{summary}");

    // Concise carries the severity and the fixable mark.
    let concise = run_gblint(
        dir.path(),
        &["check", "rules.v4", "--output-format", "concise", "--quiet"],
        None,
    );
    let line = String::from_utf8_lossy(&concise.stdout);
    assert!(line.starts_with("rules.v4:"), "{line}");
    assert!(
        line.contains(": warning IPT001 [*] ") || line.contains(": error IPT001 [*] "),
        "{line}"
    );
    assert!(concise.stderr.is_empty(), "--quiet prints no summary");

    // --output-file and --exit-zero.
    let failing = run_gblint(
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
        ],
        None,
    );
    assert_eq!(failing.status.code(), Some(1));
    assert!(failing.stdout.is_empty());
    let written = std::fs::read_to_string(dir.path().join("out.json")).expect("written");
    assert!(written.contains("\"IPT001\""), "{written}");
    let zero = run_gblint(
        dir.path(),
        &["check", "rules.v4", "--fail-on", "info", "--exit-zero"],
        None,
    );
    assert_eq!(zero.status.code(), Some(0));

    // --statistics: count, code, mark, name.
    let stats = run_gblint(dir.path(), &["check", "rules.v4", "--statistics"], None);
    let text = String::from_utf8_lossy(&stats.stdout);
    assert!(text.starts_with("1  IPT001  [*]  "), "{text}");

    // --color: NO_COLOR beats auto, FORCE_COLOR colours a pipe, always wins over NO_COLOR.
    let esc = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = std::process::Command::new(gblint_tests::gblint_binary());
        command.current_dir(dir.path()).args(args);
        command
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            command.env(k, v);
        }
        let out = command.output().expect("run");
        String::from_utf8_lossy(&out.stdout).contains('\u{1b}')
    };
    assert!(!esc(&["check", "rules.v4"], &[]));
    assert!(esc(&["check", "rules.v4"], &[("FORCE_COLOR", "1")]));
    assert!(!esc(
        &["check", "rules.v4"],
        &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]
    ));
    assert!(esc(
        &["check", "rules.v4", "--color", "always"],
        &[("NO_COLOR", "1")]
    ));
    assert!(!esc(
        &["check", "rules.v4", "--color", "never"],
        &[("FORCE_COLOR", "1")]
    ));

    // --fix on a clean file says why it did nothing; with only unsafe fixes it says --unsafe.
    let fixed = run_gblint(dir.path(), &["check", "rules.v4", "--fix"], None);
    assert_eq!(fixed.status.code(), Some(0));
    let again = run_gblint(dir.path(), &["check", "rules.v4", "--fix"], None);
    assert!(
        String::from_utf8_lossy(&again.stderr).ends_with("Fixed nothing: there are no findings.\n"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn a_wrong_type_in_the_configuration_names_the_key_and_the_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("rules.v4"),
        "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n",
    )
    .expect("write");
    for (config, expected) in [
        (
            "[limits]\nmax-file-bytes = \"big\"\n",
            "line 2: [limits] max-file-bytes: invalid type: string \"big\", expected a non-negative integer",
        ),
        (
            "[network]\ninternal-ports = 6379\n",
            "line 2: [network] internal-ports: invalid type: integer `6379`, expected an array",
        ),
    ] {
        std::fs::write(dir.path().join("gblint.toml"), config).expect("write");
        let output = run_gblint(dir.path(), &["check", "rules.v4"], None);
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{stderr}");
    }
}

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
    let human = run_gblint(
        dir.path(),
        &["check", "Caddyfile", "--color", "never"],
        None,
    );
    let text = String::from_utf8_lossy(&human.stdout);
    // The finding's own snippet, then the other file's, each with its path and line.
    assert!(text.contains("[sites/b.caddyfile:1:1]"), "{text}");
    assert!(text.contains("first defined here"), "{text}");
    assert!(text.contains("[Caddyfile:5:1]"), "{text}");

    let sarif = run_gblint(
        dir.path(),
        &["check", "Caddyfile", "--output-format", "sarif"],
        None,
    );
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "sites/b.caddyfile"
    );
    let related = &result["relatedLocations"][0]["physicalLocation"];
    assert_eq!(related["artifactLocation"]["uri"], "Caddyfile");
    assert_eq!(related["region"]["startLine"], 5);
}

#[test]
fn messages_wrap_at_the_terminal_width_and_fix_says_why_it_did_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A long CDY000 message.
    std::fs::write(
        dir.path().join("Caddyfile"),
        "c.example.com,d.example.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    let run = |columns: &str| {
        let output = std::process::Command::new(gblint_tests::gblint_binary())
            .current_dir(dir.path())
            .args(["check", "Caddyfile", "--color", "never"])
            .env("COLUMNS", columns)
            .output()
            .expect("run");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let message = "Site addresses cannot contain a comma ',': 'c.example.com,d.example.com' - put a space after the comma to separate site addresses";
    assert!(run("300").contains(message), "one line at 300 columns");
    let narrow = run("60");
    assert!(!narrow.contains(message), "{narrow}");
    assert!(narrow.lines().all(|l| l.chars().count() <= 60), "{narrow}");

    // A syntax error has no fix.
    let output = run_gblint(dir.path(), &["check", "Caddyfile", "--fix"], None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.ends_with("Fixed nothing: no finding has an automatic fix.\n"),
        "{stderr}"
    );
    // CDY001's fix (a storage root) is unsafe.
    std::fs::write(
        dir.path().join("Caddyfile"),
        "example.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    let output = run_gblint(dir.path(), &["check", "Caddyfile", "--fix"], None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.ends_with("Fixed nothing: 1 finding has only an unsafe fix (add --unsafe).\n"),
        "{stderr}"
    );
}
