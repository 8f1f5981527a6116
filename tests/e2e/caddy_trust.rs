//! The Caddyfile findings a real tree must be able to trust: imports gblint does not follow are
//! said to be so (not `load`), an unset `{$VAR}` upstream is a warning, a deployment tree is
//! checked through its absolute imports, and plugins a build has are not refused.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use gblint_tests::{gblint_binary, run_gblint};
use serde_json::Value;

/// `(code, severity, category, file, line, message)` of each JSON finding.
fn findings(output: &Output) -> Vec<(String, String, String, String, u64, String)> {
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    json.as_array()
        .expect("array")
        .iter()
        .map(|d| {
            let text = |key: &str| d[key].as_str().unwrap_or_default().to_owned();
            (
                text("code"),
                text("severity"),
                text("category"),
                text("file"),
                d["location"]["line"].as_u64().unwrap_or_default(),
                text("message"),
            )
        })
        .collect()
}

const STORAGE: &str = "{\n\tstorage file_system /data\n}\n\n";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn imports_outside_the_checked_folder_are_not_followed_and_not_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("Caddyfile"),
        &format!("{STORAGE}example.com {{\n\timport /etc/caddy/conf.d/*.caddy\n\timport /etc/gblint-test/site.caddy\n\treverse_proxy 10.0.0.1:8080\n}}\n"),
    );
    let output = run_gblint(dir.path(), &["check", ".", "--output-format", "json"], None);
    let found = findings(&output);
    assert_eq!(output.status.code(), Some(0), "{found:?}");
    assert_eq!(found.len(), 2, "{found:?}");
    for (code, severity, category, _, _, message) in &found {
        assert_eq!(
            (code.as_str(), severity.as_str(), category.as_str()),
            ("CDY012", "warning", "suspicious")
        );
        assert!(message.contains("not followed"), "{message}");
    }
}

#[test]
fn a_deployment_tree_checks_absolute_imports_for_real() {
    let dir = tempfile::tempdir().expect("tempdir");
    let machine = dir.path().join("acme-proxy");
    write(
        &machine.join("etc/caddy/Caddyfile"),
        &format!("{STORAGE}example.com {{\n\timport /etc/caddy/conf.d/*.caddy\n\timport /etc/caddy/missing.caddy\n\treverse_proxy 10.0.0.1:8080\n}}\n"),
    );
    write(&machine.join("etc/caddy/conf.d/old.caddy"), "gzip\n");
    let output = run_gblint(dir.path(), &["check", ".", "--output-format", "json"], None);
    let found = findings(&output);
    assert_eq!(output.status.code(), Some(1), "{found:?}");
    // The glob's file is read from the machine folder and checked: Caddy v1's `gzip`.
    assert!(
        found
            .iter()
            .any(|(code, _, category, file, line, message)| code == "CDY013"
                && category == "load"
                && file.ends_with("acme-proxy/etc/caddy/conf.d/old.caddy")
                && *line == 1
                && message == "unrecognized directive: gzip"),
        "{found:?}"
    );
    // A literal import of a file the machine folder does not hold: Caddy refuses it too.
    assert!(
        found
            .iter()
            .any(|(code, _, category, _, _, message)| code == "CDY004"
                && category == "load"
                && message == "File to import not found: /etc/caddy/missing.caddy"),
        "{found:?}"
    );
    assert!(!found.iter().any(|f| f.0 == "CDY012"), "{found:?}");
}

fn check_with_env(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(gblint_binary());
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GBLINT_TEST_BACKEND");
    for (name, value) in env {
        command.env(name, value);
    }
    command.stdin(Stdio::null());
    command.output().expect("gblint runs")
}

#[test]
fn an_unset_env_upstream_is_a_warning_naming_the_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("Caddyfile"),
        &format!("{STORAGE}example.com {{\n\treverse_proxy {{$GBLINT_TEST_BACKEND}}\n}}\n"),
    );
    let args = ["check", ".", "--output-format", "json"];
    let output = check_with_env(dir.path(), &[], &args);
    let found = findings(&output);
    assert_eq!(output.status.code(), Some(0), "{found:?}");
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, severity, category, _, line, message) = &found[0];
    assert_eq!(
        (code.as_str(), severity.as_str(), category.as_str(), *line),
        ("CDY011", "warning", "correctness", 6)
    );
    assert!(
        message.contains("`{$GBLINT_TEST_BACKEND}` is unset"),
        "{message}"
    );
    let output = check_with_env(
        dir.path(),
        &[("GBLINT_TEST_BACKEND", "10.0.0.1:8080")],
        &args,
    );
    assert_eq!(findings(&output), Vec::new());
}

#[test]
fn select_load_keeps_only_what_caddy_refuses() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("Caddyfile"),
        &format!("{STORAGE}a.example.com {{\n\treverse_proxy 10.0.0.1:99999\n}}\n\nb.example.com {{\n\treverse_proxy http://10.0.0.1:80/api\n}}\n"),
    );
    let all = findings(&run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "json"],
        None,
    ));
    let categories: Vec<(&str, &str)> = all.iter().map(|f| (f.0.as_str(), f.2.as_str())).collect();
    assert_eq!(
        categories,
        [("CDY011", "correctness"), ("CDY011", "load")],
        "{all:?}"
    );
    let load = findings(&run_gblint(
        dir.path(),
        &["check", ".", "--select", "load", "--output-format", "json"],
        None,
    ));
    assert_eq!(load.len(), 1, "{load:?}");
    assert_eq!(load[0].4, 10, "{load:?}");

    // The other way round: CDY001 is `correctness`, but Caddy refuses a `storage file_system`
    // without a root, and that one finding is `load`.
    write(
        &dir.path().join("Caddyfile"),
        "{\n\tstorage file_system\n}\n\na.example.com {\n\trespond hi\n}\n",
    );
    for args in [
        &["check", ".", "--output-format", "json"][..],
        &["check", ".", "--select", "load", "--output-format", "json"][..],
    ] {
        let found = findings(&run_gblint(dir.path(), args, None));
        let codes: Vec<(&str, &str)> = found.iter().map(|f| (f.0.as_str(), f.2.as_str())).collect();
        assert_eq!(codes, [("CDY001", "load")], "{args:?}");
    }
    let ignored = findings(&run_gblint(
        dir.path(),
        &["check", ".", "--ignore", "load", "--output-format", "json"],
        None,
    ));
    assert_eq!(ignored, Vec::new());
}

#[test]
fn plugins_of_the_deployments_build_are_not_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("Caddyfile"),
        &format!("{STORAGE}example.com {{\n\trate_limit {{\n\t\tzone a 10r/s\n\t}}\n\ttls {{\n\t\tdns cloudflare {{env.CF}}\n\t}}\n\treverse_proxy 10.0.0.1:8080\n}}\n"),
    );
    let args = ["check", ".", "--output-format", "json"];
    let found = findings(&run_gblint(dir.path(), &args, None));
    let messages: Vec<&str> = found.iter().map(|f| f.5.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unrecognized directive: rate_limit",
            "getting module named 'dns.providers.cloudflare': module not registered: dns.providers.cloudflare",
        ]
    );
    write(
        &dir.path().join("gblint.toml"),
        "[caddy]\nplugins = [\"rate_limit\", \"dns.providers.cloudflare\"]\n",
    );
    assert_eq!(findings(&run_gblint(dir.path(), &args, None)), Vec::new());
}

#[test]
fn an_unset_site_address_variable_is_named_where_caddy_refuses() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("Caddyfile"),
        "{$GBLINT_TEST_BACKEND} {\n\tencode gzip\n\treverse_proxy 10.0.0.1:8080\n}\n",
    );
    let output = check_with_env(dir.path(), &[], &["check", ".", "--output-format", "json"]);
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    // Caddy reads the site as the global options block and refuses `encode` there: so does
    // gblint, naming the variable.
    let encode = json
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["message"] == "unrecognized global option: encode")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(encode["category"], "load");
    assert!(
        encode["help"]
            .as_str()
            .is_some_and(|help| help.starts_with("`{$GBLINT_TEST_BACKEND}` is unset")),
        "{encode}"
    );
    let output = check_with_env(
        dir.path(),
        &[("GBLINT_TEST_BACKEND", "example.com")],
        &["check", ".", "--output-format", "json", "--select", "load"],
    );
    assert_eq!(findings(&output), Vec::new());
}
