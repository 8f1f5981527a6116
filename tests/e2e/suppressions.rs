//! Inline suppressions through the CLI in every format of the example deployment: one that
//! silences a real finding, one unused (GBL900), one invalid (GBL901), each written with the
//! format's own comment marker.

use gblint_tests::{copy_tree, run_gblint, workspace_root};

fn edit(root: &std::path::Path, path: &str, from: &str, to: &str) {
    let full = root.join(path);
    let text = std::fs::read_to_string(&full).expect("read");
    assert!(text.contains(from), "{path} must contain {from:?}");
    std::fs::write(&full, text.replacen(from, to, 1)).expect("write");
}

fn concise(root: &std::path::Path, extra: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut args = vec!["check", ".", "--output-format", "concise"];
    args.extend_from_slice(extra);
    let output = run_gblint(root, &args, None);
    let lines = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    (output.status.code(), lines)
}

#[test]
fn suppressions_work_in_every_format_of_a_deployment() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&workspace_root().join("examples/pragmatismo"), dir.path());
    let root = dir.path();
    // Silences: the forward policy broken on purpose, suppressed in the env file.
    edit(
        root,
        "host/etc/default/ufw",
        "DEFAULT_FORWARD_POLICY=\"ACCEPT\"\n",
        "# gblint: ignore[UFW001] routing is done by the upstream router on this host\nDEFAULT_FORWARD_POLICY=\"DROP\"\n",
    );
    // Unused: a zone record (trailing `;`), a Corefile block, a systemd key, a fail2ban section.
    edit(
        root,
        "pragmatismo-dns/opt/gbo/data/pragmatismo.com.br.zone",
        "$TTL 3600\n",
        "$TTL 3600 ; gblint: ignore[DNS006] nothing to silence\n",
    );
    edit(
        root,
        "pragmatismo-dns/opt/gbo/conf/Corefile",
        "pragmatismo.com.br:53 {\n",
        "# gblint: ignore[DNS001] the block has its acl\npragmatismo.com.br:53 {\n",
    );
    edit(
        root,
        "pragmatismo-system/etc/systemd/system/ui.service",
        "[Unit]\n",
        "; gblint: ignore[SYD004] every key is known\n[Unit]\n",
    );
    // Invalid: no reason, in a fail2ban file.
    edit(
        root,
        "host/etc/fail2ban/jail.local",
        "[DEFAULT]\n",
        "# gblint: ignore[F2B005]\n[DEFAULT]\n",
    );
    let (code, lines) = concise(root, &[]);
    assert_eq!(code, Some(0), "{lines:#?}");
    let expected = [
        "host/etc/fail2ban/jail.local:4:1: warning GBL901 suppression needs a reason after the codes, e.g. `# gblint: ignore[CDY005] admin API is proxied`",
        "pragmatismo-dns/opt/gbo/conf/Corefile:6:1: warning GBL900 unused suppression of DNS001",
        "pragmatismo-dns/opt/gbo/data/pragmatismo.com.br.zone:5:11: warning GBL900 unused suppression of DNS006",
        "pragmatismo-system/etc/systemd/system/ui.service:3:1: warning GBL900 unused suppression of SYD004",
    ];
    assert_eq!(lines, expected);
    // Without inline suppressions the silenced finding is there, and the comments are not
    // reported.
    let (code, lines) = concise(root, &["--no-inline-ignores"]);
    assert_eq!(code, Some(1));
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].starts_with("host/etc/default/ufw:19:24: error UFW001"),
        "{lines:#?}"
    );
}
