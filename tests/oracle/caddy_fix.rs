//! `--fix` output accepted by the real Caddy: for Caddyfiles missing their storage root, the
//! file `gblint check --fix --unsafe` writes passes `caddy validate` (Debian's 2.6.2), gblint
//! then reports it clean, and a second `--fix` changes nothing.

use std::path::Path;
use std::process::Command;

use gblint_tests::{run_gblint, workspace_root};

use crate::caddy_syntax::caddy;

fn validate(caddy: &Path, dir: &Path) -> Result<(), String> {
    let output = Command::new(caddy)
        .args([
            "validate",
            "--config",
            "Caddyfile",
            "--adapter",
            "caddyfile",
        ])
        .current_dir(dir)
        .env_clear()
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .output()
        .expect("caddy validate runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter(|l| l.starts_with("Error"))
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

#[test]
fn fixed_caddyfiles_pass_caddy_validate() {
    let caddy = caddy();
    let example = std::fs::read_to_string(
        workspace_root().join("examples/pragmatismo/pragmatismo-proxy/opt/gbo/conf/config"),
    )
    .expect("example");
    let example_without = example.replace(
        "\tstorage file_system {\n\t\troot /opt/gbo/data/caddy\n\t}\n",
        "",
    );
    assert_ne!(example, example_without);
    let fixtures = workspace_root().join("crates/lint/resources/caddy");
    let cases: Vec<(&str, String)> = vec![
        ("no global block", "chat.example.com {\n\treverse_proxy 10.0.0.10:5859\n}\n".to_owned()),
        ("global block without storage", "{\n\temail ops@example.com\n}\n\nchat.example.com {\n\treverse_proxy 10.0.0.10:5859\n}\n".to_owned()),
        ("unformatted, with snippets", "(h) {\n  header X-Frame-Options DENY\n}\nchat.example.com {\n    import h\n    reverse_proxy 10.0.0.10:5859\n}\n".to_owned()),
        ("example tenant without its storage block", example_without),
        ("fixture CDY001", std::fs::read_to_string(fixtures.join("CDY001.caddyfile")).expect("fixture")),
        ("fixture CDY001_no_global", std::fs::read_to_string(fixtures.join("CDY001_no_global.caddyfile")).expect("fixture")),
    ];
    for (name, text) in &cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Caddyfile");
        std::fs::write(&path, text).expect("write");
        let before = run_gblint(
            dir.path(),
            &["check", "Caddyfile", "--output-format", "concise"],
            None,
        );
        assert!(
            String::from_utf8_lossy(&before.stdout).contains("CDY001"),
            "{name}: expected CDY001 before the fix"
        );
        let fixed = run_gblint(
            dir.path(),
            &[
                "check",
                "Caddyfile",
                "--fix",
                "--unsafe",
                "--extend-select",
                "CDY007",
            ],
            None,
        );
        assert_eq!(
            fixed.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&fixed.stdout)
        );
        let after = std::fs::read_to_string(&path).expect("read");
        assert_ne!(&after, text, "{name}: nothing written");
        validate(&caddy, dir.path()).unwrap_or_else(|error| {
            panic!("{name}: caddy validate rejects the fixed file: {error}\n{after}")
        });
        let clean = run_gblint(
            dir.path(),
            &["check", "Caddyfile", "--extend-select", "CDY007"],
            None,
        );
        assert_eq!(clean.status.code(), Some(0), "{name}");
        let again = run_gblint(
            dir.path(),
            &[
                "check",
                "Caddyfile",
                "--fix",
                "--unsafe",
                "--extend-select",
                "CDY007",
            ],
            None,
        );
        assert!(
            String::from_utf8_lossy(&again.stderr).contains("\nFixed nothing: "),
            "{name}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            after,
            "{name}: second --fix changed the file"
        );
    }
    println!(
        "caddy validate accepts all {} fixed Caddyfiles; second --fix changed none",
        cases.len()
    );
}
