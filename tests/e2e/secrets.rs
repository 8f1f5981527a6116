//! GBL002: a file holding a secret is found wherever it hides in the tree, and nothing of it
//! is ever printed, diffed, fixed or backed up, in any output format. Each run is snapshotted
//! whole (`snapshots/e2e__secrets__*.snap`); that no part of the key is printed is asserted
//! too, so that accepting a changed snapshot cannot let a key through unnoticed.

use std::path::Path;
use std::process::Output;

use gblint_tests::gblint_command;

/// A made-up key: its body lines must never reach any output.
const KEY_BODY: &str = "MIIEowIBAAKCAQEAkeybytesnevershown0123456789abcdefghijklmnop";

fn private_key(kind: &str) -> String {
    format!("-----BEGIN {kind}PRIVATE KEY-----\n{KEY_BODY}\nZm9vYmFyc2VjcmV0\n-----END {kind}PRIVATE KEY-----\n")
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Fails when any part of the key is in the run's output.
fn assert_nothing_shown(output: &Output, what: &str) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for shown in [KEY_BODY, "Zm9vYmFyc2VjcmV0", "BEGIN RSA", "BEGIN OPENSSH"] {
        assert!(!text.contains(shown), "{what} shows {shown:?}: {text}");
    }
}

#[test]
fn a_key_with_a_config_name_is_never_shown_diffed_fixed_or_backed_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = private_key("RSA ");
    // A private key saved under a Caddyfile's name: it parses as a Caddyfile with a site
    // and no storage block (CDY001, with a fix that inserts one).
    write(dir.path(), "Caddyfile", &key);
    // Each format: GBL002 and exit 1, and no other finding on the file.
    for format in [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let mut command = gblint_command(
            dir.path(),
            &["check", "Caddyfile", "--output-format", format],
        );
        let output = if format == "sarif" {
            crate::assert_sarif_run_snapshot!(dir.path(), &mut command)
        } else {
            crate::assert_run_snapshot!(dir.path(), &mut command)
        };
        assert_nothing_shown(&output, format);
    }
    // --diff shows nothing of it (no `+++`); --fix (even --unsafe) leaves it alone, with no
    // backup.
    let output = crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", ".", "--diff"])
    );
    assert_nothing_shown(&output, "--diff");
    let output = crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", ".", "--fix", "--unsafe"])
    );
    assert_nothing_shown(&output, "--fix --unsafe");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Caddyfile")).expect("read"),
        key
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read_dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["Caddyfile"], "a backup of the key was written");
    // Imported by a real Caddyfile, the key is not read either: the import is refused
    // ("it holds a private key (GBL002)").
    write(
        dir.path(),
        "site/Caddyfile",
        "{\n\tstorage file_system /data\n}\nimport ../Caddyfile\nexample.com {\n}\n",
    );
    let output = crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", "site/Caddyfile"])
    );
    assert_nothing_shown(&output, "the import");
}

#[test]
fn secrets_are_found_in_hidden_files_renamed_copies_and_late_in_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "Caddyfile",
        "{\n\tstorage file_system /data\n}\nexample.com {\n}\n",
    );
    write(dir.path(), "root/.ssh/id_rsa", &private_key("OPENSSH "));
    write(dir.path(), ".hidden_key", &private_key(""));
    write(dir.path(), "certs/key.pem.bak-old", &private_key("EC "));
    write(
        dir.path(),
        "vault-init.json",
        r#"{"unseal_keys_b64":["c2VjcmV0"],"unseal_threshold":3,"root_token":"hvs.notreal"}"#,
    );
    write(
        dir.path(),
        "ops/backup.json",
        "{\n  \"root_token\": \"hvs.notreal\"\n}\n",
    );
    // A key after the first 8 KiB of a file that is linted (an nginx-style notes file is not,
    // a Caddyfile is): both are searched whole.
    let padding = "# padding line of a long file\n".repeat(400);
    write(
        dir.path(),
        "notes.txt",
        &format!("{padding}{}", private_key("")),
    );
    write(
        dir.path(),
        "late/Caddyfile",
        &format!("{padding}{}", private_key("")),
    );
    // GBL002 in .hidden_key, certs/key.pem.bak-old, late/Caddyfile, notes.txt,
    // ops/backup.json, root/.ssh/id_rsa and vault-init.json.
    let output = crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", ".", "--output-format", "concise"])
    );
    assert_nothing_shown(&output, "the tree");
    // The same files at the top of, and hidden inside, a deployment tree.
    let tree = tempfile::tempdir().expect("tempdir");
    write(
        tree.path(),
        "acme-proxy/etc/caddy/Caddyfile",
        "{\n\tstorage file_system /data\n}\nexample.com {\n}\n",
    );
    write(
        tree.path(),
        "acme-proxy/root/.ssh/id_ed25519",
        &private_key("OPENSSH "),
    );
    write(
        tree.path(),
        ".secrets/vault-init.json",
        r#"{"unseal_keys_hex":["00"]}"#,
    );
    write(tree.path(), "deploy-key.pem", &private_key(""));
    // GBL002 in id_ed25519, .secrets/vault-init.json and deploy-key.pem.
    let output = crate::assert_run_snapshot!(
        tree.path(),
        &mut gblint_command(tree.path(), &["check", ".", "--output-format", "concise"])
    );
    assert_nothing_shown(&output, "the deployment tree");
}
