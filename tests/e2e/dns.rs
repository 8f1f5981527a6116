//! The CoreDNS scenarios on the example deployment: a missing A record (GBL001), a missing
//! acl (DNS001, fixed by --fix), ANY for everyone (DNS002), CAA refused (DNS003), a zone file
//! that is not there (DNS005), a plugin option CoreDNS refuses (DNS008), and views of one
//! zone that CoreDNS accepts.

use gblint_tests::{copy_tree, run_gblint, workspace_root};
use serde_json::Value;

const COREFILE: &str = "pragmatismo-dns/opt/gbo/conf/Corefile";
const ZONE: &str = "pragmatismo-dns/opt/gbo/data/pragmatismo.com.br.zone";

fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&workspace_root().join("examples/pragmatismo"), dir.path());
    dir
}

fn edit(dir: &tempfile::TempDir, path: &str, from: &str, to: &str) {
    let full = dir.path().join(path);
    let text = std::fs::read_to_string(&full).expect("read");
    assert!(text.contains(from), "{path} must contain {from:?}");
    std::fs::write(&full, text.replacen(from, to, 1)).expect("write");
}

fn findings(dir: &tempfile::TempDir) -> (Option<i32>, Vec<Value>) {
    let output = run_gblint(dir.path(), &["check", ".", "--output-format", "json"], None);
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    (
        output.status.code(),
        json.as_array().expect("array").clone(),
    )
}

fn codes(found: &[Value]) -> Vec<String> {
    found
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect()
}

#[test]
fn removing_a_vhost_record_triggers_gbl001() {
    let dir = example();
    edit(&dir, ZONE, "drive       IN  A     203.0.113.10\n", "");
    let (code, found) = findings(&dir);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&found), ["GBL001"], "{found:#?}");
    assert_eq!(found[0]["file"], "pragmatismo-proxy/opt/gbo/conf/config");
    assert_eq!(found[0]["message"], "`drive.pragmatismo.com.br` has no A, AAAA or CNAME record in zone pragmatismo.com.br. (pragmatismo-dns/opt/gbo/data/pragmatismo.com.br.zone)");
}

#[test]
fn removing_the_acl_triggers_dns001_and_fix_restores_it() {
    let dir = example();
    let acl = "    acl {\n        # Internal networks may ask anything.\n        allow type ANY net 10.0.0.0/8 127.0.0.0/8\n        # The public gets the ordinary record types; CAA must stay in the\n        # list or Let's Encrypt cannot check it and issuance fails.\n        allow type A AAAA MX TXT NS SOA SRV CNAME HTTPS CAA net 0.0.0.0/0\n        block\n    }\n";
    edit(&dir, COREFILE, acl, "");
    let (code, found) = findings(&dir);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&found), ["DNS001"], "{found:#?}");
    assert_eq!(found[0]["file"], COREFILE);
    assert_eq!(found[0]["fix"]["applicability"], "safe");
    let output = run_gblint(dir.path(), &["check", ".", "--fix"], None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let (code, found) = findings(&dir);
    assert_eq!(code, Some(0));
    assert!(found.is_empty(), "{found:#?}");
    let fixed = std::fs::read_to_string(dir.path().join(COREFILE)).expect("read");
    assert!(fixed.contains("        allow type ANY net 10.0.0.0/8 127.0.0.0/8\n        allow type A AAAA MX TXT NS SOA SRV CNAME HTTPS CAA net 0.0.0.0/0 ::/0\n        block\n    }\n"), "{fixed}");
}

#[test]
fn any_for_everyone_triggers_dns002() {
    let dir = example();
    edit(
        &dir,
        COREFILE,
        "allow type ANY net 10.0.0.0/8 127.0.0.0/8\n        # The public",
        "allow type ANY net 0.0.0.0/0\n        # The public",
    );
    let (code, found) = findings(&dir);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&found), ["DNS002"], "{found:#?}");
    assert_eq!(
        found[0]["message"],
        "the acl allows type ANY from outside the internal networks"
    );
}

#[test]
fn refusing_caa_triggers_dns003() {
    let dir = example();
    edit(
        &dir,
        COREFILE,
        "SRV CNAME HTTPS CAA net 0.0.0.0/0\n        block\n    }\n    cache",
        "SRV CNAME HTTPS net 0.0.0.0/0\n        block\n    }\n    cache",
    );
    let (_, found) = findings(&dir);
    assert_eq!(codes(&found), ["DNS003"], "{found:#?}");
    // The same block listening on loopback only is not asked by certificate authorities.
    edit(
        &dir,
        COREFILE,
        "pragmatismo.com.br.zone\n    bind 0.0.0.0\n",
        "pragmatismo.com.br.zone\n    bind 127.0.0.1\n",
    );
    let (_, found) = findings(&dir);
    assert!(codes(&found).is_empty(), "{found:#?}");
}

#[test]
fn a_missing_zone_file_triggers_dns005() {
    let dir = example();
    edit(
        &dir,
        COREFILE,
        "file /opt/gbo/data/pragmatismo.com.br.zone",
        "file /opt/gbo/data/pragmatismo.zone",
    );
    let (code, found) = findings(&dir);
    assert_eq!(code, Some(1));
    assert!(codes(&found).contains(&"DNS005".to_owned()), "{found:#?}");
}

#[test]
fn a_cache_option_coredns_refuses_triggers_dns008_as_load() {
    let dir = example();
    edit(
        &dir,
        COREFILE,
        "    cache\n    errors\n",
        "    cache 30 {\n        http 10\n    }\n    errors\n",
    );
    let (code, found) = findings(&dir);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&found), ["DNS008"], "{found:#?}");
    assert_eq!(found[0]["category"], "load");
    assert_eq!(
        found[0]["message"],
        "plugin/cache: Error during parsing: Wrong argument count or unexpected line ending after 'http'"
    );
    // `--select load` is the "will CoreDNS start?" gate.
    let output = run_gblint(
        dir.path(),
        &[
            "check",
            ".",
            "--select",
            "load",
            "--output-format",
            "concise",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("DNS008"));
}

#[test]
fn views_of_one_zone_then_a_default_block_load_cleanly() {
    let dir = example();
    let path = dir.path().join(COREFILE);
    let text = std::fs::read_to_string(&path).expect("read");
    let view = "internal.example {\n    view lan {\n        expr incidr(client_ip(), '10.0.0.0/8')\n    }\n    whoami\n}\n\ninternal.example {\n    view office {\n        expr incidr(client_ip(), '192.168.0.0/16')\n    }\n    whoami\n}\n\ninternal.example {\n    whoami\n}\n";
    std::fs::write(&path, format!("{text}\n{view}")).expect("write");
    let (code, found) = findings(&dir);
    assert_eq!(code, Some(0), "{found:#?}");
}
