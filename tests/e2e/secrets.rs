//! GBL002: a file holding a secret is found wherever it hides in the tree, and nothing of it
//! is ever printed, diffed, fixed or backed up, in any output format.

use std::path::Path;

use gblint_tests::run_gblint;
use serde_json::Value;

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

/// Paths of the findings with `code`, from `gblint check . --output-format json`.
fn paths_with(dir: &Path, code: &str) -> Vec<String> {
    let output = run_gblint(dir, &["check", ".", "--output-format", "json"], None);
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    let mut paths: Vec<String> = json
        .as_array()
        .expect("array")
        .iter()
        .filter(|finding| finding["code"] == code)
        .map(|finding| finding["file"].as_str().expect("file").to_owned())
        .collect();
    paths.sort();
    paths
}

#[test]
fn a_key_with_a_config_name_is_never_shown_diffed_fixed_or_backed_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = private_key("RSA ");
    // A private key saved under a Caddyfile's name: it parses as a Caddyfile with a site
    // and no storage block (CDY001, with a fix that inserts one).
    write(dir.path(), "Caddyfile", &key);
    for format in [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let output = run_gblint(
            dir.path(),
            &["check", "Caddyfile", "--output-format", format],
            None,
        );
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(output.status.code(), Some(1), "{format}: {text}");
        assert!(text.contains("GBL002"), "{format}: {text}");
        for shown in [KEY_BODY, "Zm9vYmFyc2VjcmV0", "BEGIN RSA"] {
            assert!(!text.contains(shown), "{format} shows {shown:?}: {text}");
        }
        // No other finding on the file (SARIF lists every rule, so it is left out here).
        if format != "sarif" {
            assert!(!text.contains("CDY0"), "{format}: {text}");
        }
    }
    // --diff shows nothing of it; --fix (even --unsafe) leaves it alone, with no backup.
    let output = run_gblint(dir.path(), &["check", ".", "--diff"], None);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!text.contains(KEY_BODY) && !text.contains("+++"), "{text}");
    let output = run_gblint(dir.path(), &["check", ".", "--fix", "--unsafe"], None);
    assert_eq!(output.status.code(), Some(1));
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
    // Imported by a real Caddyfile, the key is not read either: the import is refused.
    write(
        dir.path(),
        "site/Caddyfile",
        "{\n\tstorage file_system /data\n}\nimport ../Caddyfile\nexample.com {\n}\n",
    );
    let output = run_gblint(dir.path(), &["check", "site/Caddyfile"], None);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("it holds a private key (GBL002)"), "{text}");
    assert!(
        !text.contains(KEY_BODY) && !text.contains("BEGIN RSA"),
        "{text}"
    );
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
    assert_eq!(
        paths_with(dir.path(), "GBL002"),
        [
            ".hidden_key",
            "certs/key.pem.bak-old",
            "late/Caddyfile",
            "notes.txt",
            "ops/backup.json",
            "root/.ssh/id_rsa",
            "vault-init.json",
        ]
    );
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
    let found = paths_with(tree.path(), "GBL002");
    assert_eq!(found.len(), 3, "{found:?}");
    for name in ["id_ed25519", "vault-init.json", "deploy-key.pem"] {
        assert!(
            found.iter().any(|path| path.ends_with(name)),
            "{name}: {found:?}"
        );
    }
}
