//! A repository of many tenants: `gblint check .` at its root finds every deployment tree,
//! checks each with its nearest gblint.toml (in parallel), and reports a cross-file finding
//! of one broken tenant; `--show-files`/`--show-settings` say what was checked with which
//! configuration; `exclude` and `[per-path-ignores]` apply; a run with nothing to check exits
//! 2; files in no known format are named as not checked.

use std::path::Path;
use std::time::Instant;

use gblint_tests::{copy_tree, run_gblint, workspace_root};
use serde_json::Value;

const TENANTS: usize = 50;
/// The broken tenant: odd, so it has no gblint.toml of its own and uses the repository's.
const BROKEN: usize = 17;
const ZONE: &str = "pragmatismo-dns/opt/gbo/data/pragmatismo.com.br.zone";

fn tenant(index: usize) -> String {
    format!("tenants/t{index:02}")
}

/// 50 copies of examples/pragmatismo under `tenants/`; the odd ones without gblint.toml. In
/// tenant 17 the zone loses `drive`'s A record, so its Caddy site has no DNS record (GBL001).
/// `root_config` becomes the repository's gblint.toml.
fn repository(root_config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("git marker");
    std::fs::write(dir.path().join("gblint.toml"), root_config).expect("root config");
    std::fs::write(dir.path().join("README.md"), "# tenants\n").expect("readme");
    let example = workspace_root().join("examples/pragmatismo");
    for index in 0..TENANTS {
        let to = dir.path().join(tenant(index));
        copy_tree(&example, &to);
        if index % 2 == 1 {
            std::fs::remove_file(to.join("gblint.toml")).expect("remove config");
        }
    }
    let zone = dir.path().join(tenant(BROKEN)).join(ZONE);
    let text = std::fs::read_to_string(&zone).expect("zone");
    let broken = text.replacen("drive       IN  A     203.0.113.10\n", "", 1);
    assert_ne!(broken, text, "the example zone must hold drive's A record");
    std::fs::write(&zone, broken).expect("write zone");
    dir
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_broken_tenant_is_reported_from_the_repository_root() {
    let repo = repository("[rules]\nextend-select = []\n");
    let started = Instant::now();
    let output = run_gblint(repo.path(), &["check", "."], None);
    let elapsed = started.elapsed();
    eprintln!("gblint check . over {TENANTS} tenants: {elapsed:?}");
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    assert!(
        text.contains(&format!(
            "{}/pragmatismo-proxy/opt/gbo/conf/config",
            tenant(BROKEN)
        )),
        "{text}"
    );
    assert!(text.contains("`drive.pragmatismo.com.br` has no A, AAAA or CNAME record"));
    // The summary is on standard error, for every output format.
    let summary = stderr(&output);
    assert!(
        summary.contains("Found 1 error (1800 files checked in 50 deployments)."),
        "{summary}"
    );
    // The repository's README is outside every deployment: named, not passed over.
    assert!(
        summary.contains("Not checked: 1 file in no format gblint knows: README.md."),
        "{summary}"
    );

    let output = run_gblint(
        repo.path(),
        &["check", ".", "--output-format", "json"],
        None,
    );
    let findings: Value = serde_json::from_slice(&output.stdout).expect("json array");
    let findings = findings.as_array().expect("array");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["code"], "GBL001");
    assert_eq!(
        findings[0]["file"],
        format!("{}/pragmatismo-proxy/opt/gbo/conf/config", tenant(BROKEN))
    );
}

#[test]
fn show_files_lists_each_deployment_with_its_configuration() {
    let repo = repository("");
    let output = run_gblint(repo.path(), &["check", ".", "--show-files"], None);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    for index in 0..TENANTS {
        let config = if index % 2 == 0 {
            format!("{}/gblint.toml", tenant(index))
        } else {
            "gblint.toml".to_owned()
        };
        let line = format!("deployment {} (configuration: {config})\n", tenant(index));
        assert!(text.contains(&line), "missing {line:?} in {text}");
        assert!(text.contains(&format!(
            "  {}/pragmatismo-proxy/opt/gbo/conf/config\n",
            tenant(index)
        )));
    }
    assert!(text.contains("files outside any deployment (configuration: gblint.toml)\n"));
    assert!(text.contains("  README.md (not checked: format unknown)\n"));
    assert!(
        text.ends_with("50 deployments, 1800 files to check, 1 not checked.\n"),
        "{text}"
    );
}

#[test]
fn show_settings_names_the_configuration_file_each_deployment_uses() {
    let repo = repository("[caddy]\nmin-vhosts = 3\n");
    let output = run_gblint(
        repo.path(),
        &["check", "tenants/t00", "tenants/t01", "--show-settings"],
        None,
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    let t00 = text.find("deployment tenants/t00 (configuration: tenants/t00/gblint.toml)");
    let t01 = text.find("deployment tenants/t01 (configuration: gblint.toml)");
    assert!(t00.is_some() && t01.is_some(), "{text}");
    // Each block shows its own file's values.
    let (first, second) = text.split_at(t01.expect("t01"));
    assert!(first.contains("  caddy.min-vhosts: 20\n"), "{first}");
    assert!(first.contains("  baseline: "), "{first}");
    assert!(second.contains("  caddy.min-vhosts: 3\n"), "{second}");
}

#[test]
fn an_explicit_config_applies_to_every_deployment() {
    let repo = repository("");
    std::fs::write(
        repo.path().join("strict.toml"),
        "[per-path-ignores]\n\"*/opt/gbo/conf/config\" = [\"GBL001\"]\n",
    )
    .expect("config");
    let output = run_gblint(
        repo.path(),
        &["check", ".", "--config", "strict.toml"],
        None,
    );
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stdout(&output));
    assert!(
        text.contains("All checks passed (1800 files checked in 50 deployments)."),
        "{text}"
    );
}

#[test]
fn exclude_leaves_out_a_tenant() {
    let repo = repository("exclude = [\"tenants/t17\", \"*.md\"]\n");
    let output = run_gblint(repo.path(), &["check", "."], None);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stdout(&output));
    assert!(
        text.contains("All checks passed (1764 files checked in 49 deployments)."),
        "{text}"
    );
    assert!(!text.contains("Not checked"), "{text}");
}

#[test]
fn per_path_ignores_take_codes_prefixes_and_categories() {
    for (selector, code) in [("GBL001", 0), ("GBL", 0), ("correctness", 0), ("F2B", 1)] {
        let config =
            format!("[per-path-ignores]\n\"tenants/*/pragmatismo-proxy/opt/gbo/conf/config\" = [\"{selector}\"]\n");
        let repo = repository(&config);
        let output = run_gblint(repo.path(), &["check", "."], None);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{selector}: {}{}",
            stdout(&output),
            stderr(&output)
        );
    }
    // A selector that matches no rule is a configuration error.
    let repo = repository("[per-path-ignores]\n\"*\" = [\"GBL999\"]\n");
    let output = run_gblint(repo.path(), &["check", "."], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("[per-path-ignores] \"*\": `GBL999` matches no rule"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn json_report_lists_units_and_files_not_checked() {
    let repo = repository("");
    let output = run_gblint(
        repo.path(),
        &["check", ".", "--output-format", "json-report"],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json object");
    assert_eq!(report["version"], 1);
    assert_eq!(report["files_checked"], 1800);
    assert_eq!(report["not_checked"], serde_json::json!(["README.md"]));
    let units = report["units"].as_array().expect("units");
    // The loose files (README.md) and the 50 deployments.
    assert_eq!(units.len(), 51);
    assert_eq!(units[0]["root"], Value::Null);
    assert_eq!(units[1]["root"], "tenants/t00");
    assert_eq!(units[1]["config"], "tenants/t00/gblint.toml");
    assert_eq!(units[2]["config"], "gblint.toml");
    assert_eq!(units[1]["files"].as_array().expect("files").len(), 36);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["code"], "GBL001");
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn nothing_to_check_exits_2_and_unknown_files_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run_gblint(dir.path(), &["check", "."], None);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "gblint: error: nothing to check in .: no files found\n"
    );
    write(dir.path(), "notes/todo.txt", "x\n");
    let output = run_gblint(dir.path(), &["check", "."], None);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "gblint: error: nothing to check in .: 1 file found, none in a format gblint knows (notes/todo.txt)\n"
    );
    write(
        dir.path(),
        "Caddyfile",
        "{\n\tstorage file_system /opt/gbo/data/caddy\n}\n\nexample.com {\n\trespond ok\n}\n",
    );
    let output = run_gblint(dir.path(), &["check", "."], None);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stdout(&output));
    assert!(stdout(&output).is_empty());
    assert_eq!(
        text,
        "All checks passed (1 file checked).\nNot checked: 1 file in no format gblint knows: notes/todo.txt.\n"
    );
}

#[test]
fn a_tenants_own_exclude_applies_inside_it() {
    let repo = repository("");
    let config = repo.path().join(tenant(0)).join("gblint.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    // A top-level key goes before the first table.
    std::fs::write(
        &config,
        format!("exclude = [\"pragmatismo-proxy/etc/fail2ban/jail.d\", \"rules.v6\"]\n{text}"),
    )
    .expect("write");
    let output = run_gblint(
        repo.path(),
        &["check", tenant(0).as_str(), "--show-files"],
        None,
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(
        !text.contains("pragmatismo-proxy/etc/fail2ban/jail.d"),
        "{text}"
    );
    assert!(
        text.contains("pragmatismo-email/etc/fail2ban/jail.d"),
        "{text}"
    );
    assert!(!text.contains("rules.v6"), "{text}");
    assert!(text.contains("rules.v4"), "{text}");
    assert!(
        text.ends_with("1 deployment, 34 files to check, 0 not checked.\n"),
        "{text}"
    );
}

#[test]
fn fix_from_the_root_writes_into_the_right_tenant() {
    let repo = repository("");
    let corefile = repo
        .path()
        .join(tenant(3))
        .join("pragmatismo-dns/opt/gbo/conf/Corefile");
    let text = std::fs::read_to_string(&corefile).expect("corefile");
    let start = text.find("    acl {").expect("acl");
    let end = start + text[start..].find("\n    }\n").expect("acl end") + "\n    }\n".len();
    std::fs::write(&corefile, format!("{}{}", &text[..start], &text[end..])).expect("write");
    let output = run_gblint(
        repo.path(),
        &["check", ".", "--fix", "--output-format", "concise"],
        None,
    );
    // Tenant 17's missing record has no fix: still exit 1, and only that finding is left.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "Fixed {}/pragmatismo-dns/opt/gbo/conf/Corefile: DNS001",
            tenant(3)
        )),
        "{err}"
    );
    let lines: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains("GBL001"), "{lines:#?}");
    let fixed = std::fs::read_to_string(&corefile).expect("fixed");
    assert!(fixed.contains("acl {"), "{fixed}");
}

#[test]
fn a_file_named_again_inside_a_named_tree_is_reported_once() {
    let repo = repository("");
    let ufw = format!("{}/host/etc/default/ufw", tenant(0));
    let path = repo.path().join(&ufw);
    let text = std::fs::read_to_string(&path).expect("ufw");
    std::fs::write(
        &path,
        text.replacen(
            "DEFAULT_FORWARD_POLICY=\"ACCEPT\"",
            "DEFAULT_FORWARD_POLICY=\"DROP\"",
            1,
        ),
    )
    .expect("write");
    let output = run_gblint(
        repo.path(),
        &[
            "check",
            ufw.as_str(),
            tenant(0).as_str(),
            "--output-format",
            "concise",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let lines: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains("UFW001"), "{lines:#?}");
}

#[test]
fn the_report_is_the_same_on_one_thread_and_on_many() {
    let repo = repository("[rules]\nextend-select = []\n");
    let run = |threads: Option<&str>, format: &str| {
        let mut args = vec!["check", ".", "--output-format", format];
        if let Some(threads) = threads {
            args.extend(["--threads", threads]);
        }
        let output = run_gblint(repo.path(), &args, None);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        (stdout(&output), stderr(&output))
    };
    for format in ["json", "concise", "sarif"] {
        let one = run(Some("1"), format);
        assert!(one.0.contains("GBL001"), "{format}: {}", one.0);
        assert_eq!(run(None, format), one, "{format}: default threads");
        assert_eq!(run(Some("7"), format), one, "{format}: 7 threads");
    }
    let zero = run_gblint(repo.path(), &["check", ".", "--threads", "0"], None);
    assert_eq!(zero.status.code(), Some(2), "{}", stderr(&zero));
}
