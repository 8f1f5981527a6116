//! `gblint check` on the example deployment and on small trees: each run is snapshotted whole
//! (exit code, standard output, standard error; `snapshots/e2e__check__*.snap`).

use gblint_tests::{copy_tree, workspace_root};

fn example() -> std::path::PathBuf {
    workspace_root().join("examples/pragmatismo")
}

const CADDYFILE: &str = "pragmatismo-proxy/opt/gbo/conf/config";

/// Every file of the example is in a format gblint checks (no "Not checked"), and nothing is
/// reported; the summary is on standard error for every output format.
#[test]
fn example_deployment_is_clean() {
    assert_cli_snapshot!(&workspace_root(), &["check", "examples/pragmatismo"]);
}

/// Without the storage block CDY001 points at the global block, with the safe fix
/// `storage-root` in gblint.toml allows; without a global block, at the first site.
#[test]
fn removing_the_storage_block_reports_cdy001_at_the_global_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&example(), dir.path());
    let path = dir.path().join(CADDYFILE);
    let text = std::fs::read_to_string(&path).expect("caddyfile");
    let without = text.replace(
        "\tstorage file_system {\n\t\troot /opt/gbo/data/caddy\n\t}\n",
        "",
    );
    assert_ne!(without, text, "the example must contain the storage block");
    std::fs::write(&path, &without).expect("write");
    assert_cli_snapshot!(dir.path(), &["check", ".", "--output-format", "json"]);

    let start = without.find("{\n}\n").expect("empty global block");
    let no_global = format!("{}{}", &without[..start], &without[start + 4..]);
    std::fs::write(&path, &no_global).expect("write");
    assert_cli_snapshot!(dir.path(), &["check", ".", "--output-format", "concise"]);
}

pub const THREE_ERRORS: &str = "{\n\tstorage file_system /opt/gbo/data/caddy\n}\n\na.example.com {\n\thandle /api/* { reverse_proxy localhost:8080 }\n}\n\nb.example.com {\n\trespond \"bye\" }\n}\n\nc.example.com,d.example.com {\n\treverse_proxy localhost:8082\n}\n";

#[test]
fn a_file_with_three_syntax_errors_reports_all_three() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_cli_snapshot!(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "Caddyfile",
            "--output-format",
            "concise"
        ],
        stdin = THREE_ERRORS,
    );
}

/// The imported site file is checked through the import (once, not also as a root); an import
/// leaving the machine folder is reported (CDY012), not followed.
#[test]
fn deployment_imports_resolve_inside_the_machine_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The tree is one folder down, so the escaping import lands in the temporary folder.
    let machine = dir.path().join("tree/acme-proxy");
    std::fs::create_dir_all(machine.join("etc/caddy/sites")).expect("mkdir");
    std::fs::write(
        machine.join("etc/caddy/Caddyfile"),
        "{\n\tstorage file_system /data\n}\n\nimport /etc/caddy/sites/*.caddyfile\nimport ../../../../outside.caddyfile\n",
    )
    .expect("write");
    std::fs::write(
        machine.join("etc/caddy/sites/chat.caddyfile"),
        "chat.example.com {\n\treverse_proxy 10.0.0.1:99999\n}\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("outside.caddyfile"), "x.example.com {\n}\n").expect("write");
    assert_cli_snapshot!(dir.path(), &["check", "tree", "--output-format", "concise"]);
}

/// The suppressed CDY005 is silent (exit 0, no output) until `--no-inline-ignores`.
#[test]
fn suppressions_apply_and_can_be_disabled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "{\n\t# gblint: ignore[CDY005] the test proxy is never reloaded\n\tadmin off\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond hi\n}\n";
    let args = |extra: &[&'static str]| {
        let mut args = vec![
            "check",
            "-",
            "--stdin-filename",
            "Caddyfile",
            "--output-format",
            "concise",
        ];
        args.extend_from_slice(extra);
        args
    };
    assert_cli_snapshot!(dir.path(), &args(&[]), stdin = text);
    assert_cli_snapshot!(
        dir.path(),
        &args(&["--no-inline-ignores", "--fail-on", "warning"]),
        stdin = text,
    );
}

#[test]
fn stdin_is_checked_under_its_filename() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_cli_snapshot!(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "conf/Caddyfile",
            "--output-format",
            "concise"
        ],
        stdin = "example.com {\n\treverse_proxy\n}\n",
    );
}

/// A warning does not fail by default; `--fail-on warning` makes it fail, unless the rule is
/// ignored or not selected; a severity raised in gblint.toml fails without the flag.
#[test]
fn selection_and_fail_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "{\n\tadmin off\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    fn run<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [
            &["check", "Caddyfile", "--output-format", "concise"][..],
            args,
        ]
        .concat()
    }
    assert_cli_snapshot!(dir.path(), &run(&[]));
    assert_cli_snapshot!(dir.path(), &run(&["--fail-on", "warning"]));
    assert_cli_snapshot!(
        dir.path(),
        &run(&["--fail-on", "warning", "--ignore", "CDY005"])
    );
    assert_cli_snapshot!(
        dir.path(),
        &run(&["--fail-on", "warning", "--select", "CDY001"])
    );
    std::fs::write(
        dir.path().join("gblint.toml"),
        "[rules.severity]\nCDY005 = \"error\"\n",
    )
    .expect("write");
    assert_cli_snapshot!(dir.path(), &run(&[]));
}

/// Usage and input problems exit 2 with one line on standard error (a did-you-mean where one
/// helps); a forced format makes an unknown file checkable.
#[test]
fn usage_and_input_problems_exit_2_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_cli_snapshot!(dir.path(), &["check", "missing/Caddyfile"]);
    assert_cli_snapshot!(dir.path(), &["check", "--output-format", "xml"]);

    std::fs::write(
        dir.path().join("gblint.toml"),
        "[caddy]\nstorage_root = \"/x\"\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("Caddyfile"), "example.com {\n}\n").expect("write");
    assert_cli_snapshot!(dir.path(), &["check", "Caddyfile"]);
    std::fs::remove_file(dir.path().join("gblint.toml")).expect("rm");

    assert_cli_snapshot!(dir.path(), &["check", "Caddyfile", "--select", "CDY0001"]);

    std::fs::write(dir.path().join("notes.txt"), "hello\n").expect("write");
    assert_cli_snapshot!(dir.path(), &["check", "notes.txt"]);
    // A single site `hello` is a valid Caddyfile.
    assert_cli_snapshot!(
        dir.path(),
        &[
            "check",
            "notes.txt",
            "--kind",
            "caddyfile",
            "--select",
            "CDY000"
        ]
    );
    // `--format` is the older spelling of `--kind`, still accepted.
    assert_cli_snapshot!(
        dir.path(),
        &["check", "notes.txt", "--format", "caddyfile", "--select", "CDY000"]
    );
}
