//! The Caddyfile findings a real tree must be able to trust: imports gblint does not follow are
//! said to be so (not `load`), an unset `{$VAR}` upstream is a warning, a deployment tree is
//! checked through its absolute imports, and plugins a build has are not refused. Each run's
//! JSON report is snapshotted whole (`snapshots/e2e__caddy_trust__*.snap`).

use std::path::Path;
use std::process::Command;

use gblint_tests::gblint_command;

const STORAGE: &str = "{\n\tstorage file_system /data\n}\n\n";

/// `gblint check . --output-format json`.
const CHECK_JSON: &[&str] = &["check", ".", "--output-format", "json"];

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// `gblint args` in `dir` with `GBLINT_TEST_BACKEND` unset, whatever the caller's environment
/// holds, unless `backend` sets it (the snapshot's header then shows it).
fn with_backend(dir: &Path, backend: Option<&str>, args: &[&str]) -> Command {
    let mut command = gblint_command(dir, args);
    match backend {
        Some(value) => command.env("GBLINT_TEST_BACKEND", value),
        None => command.env_remove("GBLINT_TEST_BACKEND"),
    };
    command
}

/// Two CDY012 warnings (`suspicious`): each import is said to be not followed. Exit 0.
#[test]
fn imports_outside_the_checked_folder_are_not_followed_and_not_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("Caddyfile"),
        &format!("{STORAGE}example.com {{\n\timport /etc/caddy/conf.d/*.caddy\n\timport /etc/gblint-test/site.caddy\n\treverse_proxy 10.0.0.1:8080\n}}\n"),
    );
    assert_cli_snapshot!(dir.path(), CHECK_JSON);
}

/// The glob's file is read from the machine folder and checked: Caddy v1's `gzip` is CDY013
/// (`load`) at old.caddy line 1. A literal import of a file the machine folder does not hold
/// is CDY004 (`load`): Caddy refuses it too. No CDY012: the imports are followed.
#[test]
fn a_deployment_tree_checks_absolute_imports_for_real() {
    let dir = tempfile::tempdir().expect("tempdir");
    let machine = dir.path().join("acme-proxy");
    write(
        &machine.join("etc/caddy/Caddyfile"),
        &format!("{STORAGE}example.com {{\n\timport /etc/caddy/conf.d/*.caddy\n\timport /etc/caddy/missing.caddy\n\treverse_proxy 10.0.0.1:8080\n}}\n"),
    );
    write(&machine.join("etc/caddy/conf.d/old.caddy"), "gzip\n");
    assert_cli_snapshot!(dir.path(), CHECK_JSON);
}

/// Unset: one CDY011 warning (`correctness`) on line 6 saying `{$GBLINT_TEST_BACKEND}` is
/// unset, exit 0. Set: nothing.
#[test]
fn an_unset_env_upstream_is_a_warning_naming_the_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("Caddyfile"),
        &format!("{STORAGE}example.com {{\n\treverse_proxy {{$GBLINT_TEST_BACKEND}}\n}}\n"),
    );
    crate::assert_run_snapshot!(dir.path(), &mut with_backend(dir.path(), None, CHECK_JSON));
    crate::assert_run_snapshot!(
        dir.path(),
        &mut with_backend(dir.path(), Some("10.0.0.1:8080"), CHECK_JSON)
    );
}

/// A bad port is CDY011 `correctness` (line 6), an upstream with a path CDY011 `load`
/// (line 10); `--select load` keeps the second only. The other way round: CDY001 is
/// `correctness`, but Caddy refuses a `storage file_system` without a root, and that one
/// finding is `load`, with or without `--select load`; `--ignore load` leaves nothing.
#[test]
fn select_load_keeps_only_what_caddy_refuses() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("Caddyfile"),
        &format!("{STORAGE}a.example.com {{\n\treverse_proxy 10.0.0.1:99999\n}}\n\nb.example.com {{\n\treverse_proxy http://10.0.0.1:80/api\n}}\n"),
    );
    assert_cli_snapshot!(dir.path(), CHECK_JSON);
    let select_load = &["check", ".", "--select", "load", "--output-format", "json"];
    assert_cli_snapshot!(dir.path(), select_load);

    write(
        &dir.path().join("Caddyfile"),
        "{\n\tstorage file_system\n}\n\na.example.com {\n\trespond hi\n}\n",
    );
    assert_cli_snapshot!(dir.path(), CHECK_JSON);
    assert_cli_snapshot!(dir.path(), select_load);
    assert_cli_snapshot!(
        dir.path(),
        &["check", ".", "--ignore", "load", "--output-format", "json"]
    );
}

/// Without `[caddy] plugins`, `rate_limit` and the Cloudflare DNS module are refused as Caddy
/// refuses them; named there, they are not.
#[test]
fn plugins_of_the_deployments_build_are_not_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("Caddyfile"),
        &format!("{STORAGE}example.com {{\n\trate_limit {{\n\t\tzone a 10r/s\n\t}}\n\ttls {{\n\t\tdns cloudflare {{env.CF}}\n\t}}\n\treverse_proxy 10.0.0.1:8080\n}}\n"),
    );
    assert_cli_snapshot!(dir.path(), CHECK_JSON);
    write(
        &dir.path().join("gblint.toml"),
        "[caddy]\nplugins = [\"rate_limit\", \"dns.providers.cloudflare\"]\n",
    );
    assert_cli_snapshot!(dir.path(), CHECK_JSON);
}

/// Caddy reads the site as the global options block and refuses `encode` there: so does
/// gblint (`load`), its help naming the unset variable. Set, nothing `load` is left.
#[test]
fn an_unset_site_address_variable_is_named_where_caddy_refuses() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("Caddyfile"),
        "{$GBLINT_TEST_BACKEND} {\n\tencode gzip\n\treverse_proxy 10.0.0.1:8080\n}\n",
    );
    crate::assert_run_snapshot!(dir.path(), &mut with_backend(dir.path(), None, CHECK_JSON));
    crate::assert_run_snapshot!(
        dir.path(),
        &mut with_backend(
            dir.path(),
            Some("example.com"),
            &["check", ".", "--output-format", "json", "--select", "load"]
        )
    );
}
