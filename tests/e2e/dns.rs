//! The CoreDNS scenarios on the example deployment: a missing A record (GBL001), a missing
//! acl (DNS001, fixed by --fix), ANY for everyone (DNS002), CAA refused (DNS003), a zone file
//! that is not there (DNS005), a plugin option CoreDNS refuses (DNS008), and views of one
//! zone that CoreDNS accepts. Each run is snapshotted with the edit it ran on
//! (`snapshots/e2e__dns__*.snap`).

use gblint_tests::{copy_tree, workspace_root};

use crate::cli::Inputs;

const COREFILE: &str = "pragmatismo-dns/opt/gbo/conf/Corefile";
const ZONE: &str = "pragmatismo-dns/opt/gbo/data/pragmatismo.com.br.zone";

/// A copy of the example deployment, and the record of the edits a test makes to it.
fn example() -> (tempfile::TempDir, Inputs) {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&workspace_root().join("examples/pragmatismo"), dir.path());
    let inputs = Inputs::new(dir.path());
    (dir, inputs)
}

const CONCISE: &[&str] = &["check", ".", "--output-format", "concise"];

#[test]
fn removing_a_vhost_record_triggers_gbl001() {
    let (dir, mut inputs) = example();
    inputs.edit(ZONE, "drive       IN  A     203.0.113.10\n", "");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn removing_the_acl_triggers_dns001_and_fix_restores_it() {
    let (dir, mut inputs) = example();
    let acl = "    acl {\n        # Internal networks may ask anything.\n        allow type ANY net 10.0.0.0/8 127.0.0.0/8\n        # The public gets the ordinary record types; CAA must stay in the\n        # list or Let's Encrypt cannot check it and issuance fails.\n        allow type A AAAA MX TXT NS SOA SRV CNAME HTTPS CAA net 0.0.0.0/0\n        block\n    }\n";
    inputs.edit(COREFILE, acl, "");
    // JSON: the finding's fix and its applicability (safe) are part of what is checked.
    assert_cli_snapshot!(
        dir.path(),
        &["check", ".", "--output-format", "json"],
        inputs = &inputs
    );
    assert_cli_snapshot!(dir.path(), &["check", ".", "--fix"], inputs = &inputs);
    // The snapshot's diff from the example is now the fixed acl; the tree checks clean.
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn any_for_everyone_triggers_dns002() {
    let (dir, mut inputs) = example();
    inputs.edit(
        COREFILE,
        "allow type ANY net 10.0.0.0/8 127.0.0.0/8\n        # The public",
        "allow type ANY net 0.0.0.0/0\n        # The public",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn refusing_caa_triggers_dns003() {
    let (dir, mut inputs) = example();
    inputs.edit(
        COREFILE,
        "SRV CNAME HTTPS CAA net 0.0.0.0/0\n        block\n    }\n    cache",
        "SRV CNAME HTTPS net 0.0.0.0/0\n        block\n    }\n    cache",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    // The same block listening on loopback only is not asked by certificate authorities.
    inputs.edit(
        COREFILE,
        "pragmatismo.com.br.zone\n    bind 0.0.0.0\n",
        "pragmatismo.com.br.zone\n    bind 127.0.0.1\n",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn a_missing_zone_file_triggers_dns005() {
    let (dir, mut inputs) = example();
    inputs.edit(
        COREFILE,
        "file /opt/gbo/data/pragmatismo.com.br.zone",
        "file /opt/gbo/data/pragmatismo.zone",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn a_cache_option_coredns_refuses_triggers_dns008_as_load() {
    let (dir, mut inputs) = example();
    inputs.edit(
        COREFILE,
        "    cache\n    errors\n",
        "    cache 30 {\n        http 10\n    }\n    errors\n",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    // `--select load` is the "will CoreDNS start?" gate.
    assert_cli_snapshot!(
        dir.path(),
        &[
            "check",
            ".",
            "--select",
            "load",
            "--output-format",
            "concise",
        ],
        inputs = &inputs
    );
}

#[test]
fn views_of_one_zone_then_a_default_block_load_cleanly() {
    let (dir, mut inputs) = example();
    let text = std::fs::read_to_string(dir.path().join(COREFILE)).expect("read");
    let view = "internal.example {\n    view lan {\n        expr incidr(client_ip(), '10.0.0.0/8')\n    }\n    whoami\n}\n\ninternal.example {\n    view office {\n        expr incidr(client_ip(), '192.168.0.0/16')\n    }\n    whoami\n}\n\ninternal.example {\n    whoami\n}\n";
    inputs.write(COREFILE, &format!("{text}\n{view}"));
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}
