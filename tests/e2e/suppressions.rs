//! Inline suppressions through the CLI in every format of the example deployment: one that
//! silences a real finding, one unused (GBL900), one invalid (GBL901), each written with the
//! format's own comment marker. Both runs are snapshotted whole
//! (`snapshots/e2e__suppressions__*.snap`).

use gblint_tests::{copy_tree, workspace_root};

fn edit(root: &std::path::Path, path: &str, from: &str, to: &str) {
    let full = root.join(path);
    let text = std::fs::read_to_string(&full).expect("read");
    assert!(text.contains(from), "{path} must contain {from:?}");
    std::fs::write(&full, text.replacen(from, to, 1)).expect("write");
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
    // Exit 0: the suppressed UFW001 is silent, and the three unused suppressions (GBL900) and
    // the one without a reason (GBL901) are warnings.
    assert_cli_snapshot!(root, &["check", ".", "--output-format", "concise"]);
    // Without inline suppressions the silenced finding is there (exit 1), and the comments are
    // not reported.
    assert_cli_snapshot!(
        root,
        &[
            "check",
            ".",
            "--output-format",
            "concise",
            "--no-inline-ignores"
        ]
    );
}
