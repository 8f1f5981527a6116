//! Hostile input: gblint reports, it never panics, hangs or calls a broken file clean.

use std::time::{Duration, Instant};

use gblint_tests::run_gblint;

/// Runs `gblint check` on `name` holding `bytes`; returns exit code and stdout+stderr.
fn check_bytes(name: &str, bytes: &[u8], extra: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, bytes).expect("write");
    let mut args = vec!["check", name, "--output-format", "concise"];
    args.extend_from_slice(extra);
    let started = Instant::now();
    let output = run_gblint(dir.path(), &args, None);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{name} took {:?}",
        started.elapsed()
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!text.contains("panicked"), "{name}: {text}");
    (output.status.code(), text)
}

#[test]
fn invalid_utf8_is_a_diagnostic() {
    let (code, text) = check_bytes(
        "Caddyfile",
        b"example.com {\n\trespond \"\xff\xfe\"\n}\n",
        &[],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("Caddyfile:2:11: CDY000"), "{text}");
    assert!(text.contains("UTF-8"), "{text}");
}

#[test]
fn nul_bytes_are_a_diagnostic() {
    let (code, text) = check_bytes("Caddyfile", b"example.com {\n\trespond \0hi\n}\n", &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("Caddyfile:2:10: CDY000"), "{text}");
}

#[test]
fn ten_thousand_nested_braces() {
    let mut text = String::from("{\n\tstorage file_system /data\n}\nexample.com {\n");
    for _ in 0..10_000 {
        text.push_str("handle {\n");
    }
    for _ in 0..10_001 {
        text.push_str("}\n");
    }
    let (code, output) = check_bytes("Caddyfile", text.as_bytes(), &[]);
    assert!(matches!(code, Some(0 | 1)), "{output}");
    // One `}` too many: still reported, not crashed. (One too few is accepted by Caddy when the
    // file ends in `}`, so gblint accepts it too.)
    text.push_str("}\n");
    let (code, output) = check_bytes("Caddyfile", text.as_bytes(), &[]);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("CDY000"), "{output}");
}

#[test]
fn import_cycles_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Caddyfile"),
        "{\n\tstorage file_system /data\n}\nimport a.caddy\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("a.caddy"), "import b.caddy\n").expect("write");
    std::fs::write(
        dir.path().join("b.caddy"),
        "import a.caddy\nexample.com {\n}\n",
    )
    .expect("write");
    let output = run_gblint(
        dir.path(),
        &["check", "Caddyfile", "--output-format", "concise"],
        None,
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("CDY000") && text.contains("a cycle of imports exists between"),
        "{text}"
    );
    // Snippets importing each other, too.
    let (code, text) = check_bytes(
        "Caddyfile",
        b"(a) {\n\timport b\n}\n(b) {\n\timport a\n}\nexample.com {\n\timport a\n}\n",
        &[],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("a cycle of imports exists between"), "{text}");
}

#[test]
fn a_one_megabyte_line() {
    let mut text = String::from("example.com {\n\trespond ");
    text.push_str(&"x".repeat(1 << 20));
    text.push_str("\n}\n");
    let (code, output) = check_bytes("Caddyfile", text.as_bytes(), &["--select", "CDY000"]);
    assert_eq!(code, Some(0), "{output}");
    let mut quoted = String::from("example.com {\n\trespond \"");
    quoted.push_str(&"y".repeat(1 << 20));
    let (code, output) = check_bytes("Caddyfile", quoted.as_bytes(), &[]);
    assert_eq!(
        code,
        Some(1),
        "an unterminated quote is a diagnostic: {output}"
    );
}

#[test]
fn a_directory_named_like_a_config_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("Caddyfile")).expect("mkdir");
    let output = run_gblint(dir.path(), &["check", "Caddyfile"], None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // A folder is walked (it is empty), so nothing is checked and nothing is called clean.
    assert!(matches!(output.status.code(), Some(0 | 2)), "{stderr}");
}

#[test]
fn symlink_loops_and_links_out_of_the_tree_are_not_followed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let machine = dir.path().join("acme-proxy/etc/caddy");
    std::fs::create_dir_all(&machine).expect("mkdir");
    std::fs::write(
        machine.join("Caddyfile"),
        "{\n\tstorage file_system /data\n}\n\nexample.com {\n\trespond hi\n}\n",
    )
    .expect("write");
    // A loop (a -> b -> a), a folder link back up the tree, and a link to a file outside.
    std::os::unix::fs::symlink("b", machine.join("a")).expect("symlink");
    std::os::unix::fs::symlink("a", machine.join("b")).expect("symlink");
    std::os::unix::fs::symlink("../..", machine.join("up")).expect("symlink");
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("Caddyfile"), "x.example.com {\n}\n").expect("write");
    std::os::unix::fs::symlink(
        outside.path().join("Caddyfile"),
        dir.path().join("acme-proxy/etc/outside.caddyfile"),
    )
    .expect("symlink");
    let started = Instant::now();
    let output = run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "concise"],
        None,
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(matches!(output.status.code(), Some(0 | 1)), "{stderr}");
}
