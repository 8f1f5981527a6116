//! The operations-guide scenarios for fail2ban, systemd, ufw and secrets on the example
//! deployment: each triggers exactly its rule(s); the unchanged example reports nothing.

use gblint_tests::{copy_tree, run_gblint, workspace_root};
use serde_json::Value;

const UI: &str = "pragmatismo-system/etc/systemd/system/ui.service";
const JAIL: &str = "pragmatismo-proxy/etc/fail2ban/jail.local";
const DEBIAN: &str = "pragmatismo-proxy/etc/fail2ban/jail.d/defaults-debian.conf";
const UFW: &str = "host/etc/default/ufw";

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

fn codes(dir: &tempfile::TempDir) -> Vec<String> {
    let output = run_gblint(dir.path(), &["check", ".", "--output-format", "json"], None);
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    let mut codes: Vec<String> = json
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect();
    codes.sort();
    codes
}

#[test]
fn the_unchanged_example_reports_nothing() {
    let dir = example();
    assert_eq!(codes(&dir), Vec::<String>::new());
}

#[test]
fn external_botserver_url_is_syd001_and_fix_restores_it() {
    let dir = example();
    edit(
        &dir,
        UI,
        "BOTSERVER_URL=http://localhost:5858",
        "BOTSERVER_URL=https://api.pragmatismo.com.br",
    );
    assert_eq!(
        codes(&dir),
        ["SYD001", "SYD002"],
        "the external URL also has the wrong port (443)"
    );
    let output = run_gblint(dir.path(), &["check", ".", "--fix"], None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let fixed = std::fs::read_to_string(dir.path().join(UI)).expect("read");
    assert!(
        fixed.contains("Environment=BOTSERVER_URL=http://localhost:5858\n"),
        "{fixed}"
    );
    assert_eq!(codes(&dir), Vec::<String>::new());
}

#[test]
fn port_mismatch_is_syd002() {
    let dir = example();
    edit(
        &dir,
        UI,
        "BOTSERVER_URL=http://localhost:5858",
        "BOTSERVER_URL=http://localhost:8080",
    );
    assert_eq!(codes(&dir), ["SYD002"]);
}

#[test]
fn misspelt_enabled_is_f2b003_and_f2b001() {
    let dir = example();
    edit(&dir, JAIL, "enabled  = true", "enabled  = ture");
    assert_eq!(codes(&dir), ["F2B001", "F2B003"]);
}

#[test]
fn flood_jail_on_the_wrong_file_is_f2b004() {
    let dir = example();
    edit(
        &dir,
        JAIL,
        "logpath  = /opt/gbo/logs/access.log",
        "logpath  = /var/log/caddy/access.log",
    );
    assert_eq!(codes(&dir), ["F2B001", "F2B004"]);
}

#[test]
fn sshd_jail_in_the_proxy_is_f2b002() {
    let dir = example();
    edit(&dir, DEBIAN, "enabled = false", "enabled = true");
    assert_eq!(codes(&dir), ["F2B002"]);
    let output = run_gblint(dir.path(), &["check", ".", "--fix"], None);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(codes(&dir), Vec::<String>::new());
}

#[test]
fn forward_policy_drop_is_ufw001() {
    let dir = example();
    edit(
        &dir,
        UFW,
        "DEFAULT_FORWARD_POLICY=\"ACCEPT\"",
        "DEFAULT_FORWARD_POLICY=\"DROP\"",
    );
    assert_eq!(codes(&dir), ["UFW001"]);
    let output = run_gblint(dir.path(), &["check", ".", "--fix"], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(std::fs::read_to_string(dir.path().join(UFW))
        .expect("read")
        .contains("DEFAULT_FORWARD_POLICY=\"ACCEPT\"\n"));
}

#[test]
fn vault_unseal_keys_in_the_tree_is_gbl002() {
    let dir = example();
    std::fs::write(
        dir.path()
            .join("pragmatismo-system/opt/gbo/conf/vault-unseal-keys.txt"),
        "key1\nkey2\nkey3\n",
    )
    .ok()
    .or_else(|| {
        std::fs::create_dir_all(dir.path().join("pragmatismo-system/opt/gbo/conf")).expect("mkdir");
        std::fs::write(
            dir.path()
                .join("pragmatismo-system/opt/gbo/conf/vault-unseal-keys.txt"),
            "key1\nkey2\nkey3\n",
        )
        .ok()
    });
    assert_eq!(codes(&dir), ["GBL002"]);
}

/// The example tenant with Debian's stock /etc/fail2ban under the proxy and the example's
/// own jail.local, jail.d/defaults-debian.conf and flood filter on top.
fn example_on_the_stock_tree() -> tempfile::TempDir {
    let dir = example();
    let etc = dir.path().join("pragmatismo-proxy/etc/fail2ban");
    copy_tree(
        &workspace_root().join("tests/e2e/fixtures/debian-fail2ban-1.0.2"),
        &etc,
    );
    copy_tree(
        &workspace_root().join("examples/pragmatismo/pragmatismo-proxy/etc/fail2ban"),
        &etc,
    );
    dir
}

#[test]
fn the_stock_debian_tree_under_a_correct_jail_local_checks_clean() {
    // jail.conf's disabled [nginx-http-auth], [lighttpd-auth] and [haproxy-http-auth] are not
    // the flood jail (they were once judged as such: three F2B004).
    let dir = example_on_the_stock_tree();
    assert!(dir
        .path()
        .join("pragmatismo-proxy/etc/fail2ban/jail.conf")
        .is_file());
    assert_eq!(codes(&dir), Vec::<String>::new());
}

#[test]
fn a_flood_jail_whose_filter_is_missing_is_skipped_f2b006() {
    let dir = example_on_the_stock_tree();
    edit(
        &dir,
        JAIL,
        "filter   = caddy-http-flood",
        "filter   = caddy-flood",
    );
    // fail2ban skips the jail, so the proxy has no working flood jail either.
    assert_eq!(codes(&dir), ["F2B001", "F2B006"]);
    let output = run_gblint(
        dir.path(),
        &["check", ".", "--output-format", "concise"],
        None,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("{JAIL}:10:12: error F2B006 [caddy-http-flood] Found no accessible config files for 'filter.d/caddy-flood' under /etc/fail2ban; Unable to read the filter 'caddy-flood'; Errors in jail 'caddy-http-flood'. Skipping...")),
        "{stdout}"
    );
}

#[test]
fn an_action_of_a_newer_fail2ban_is_skipped_f2b006() {
    // Without the stock tree too: a tree holding only jail.local relies on the package's
    // action.d, and nftables-input is not one of fail2ban 1.0.2's actions.
    let dir = example();
    edit(
        &dir,
        JAIL,
        "action   = iptables-multiport[name=caddy, port=\"80,443\", protocol=tcp]",
        "action   = nftables-input[name=caddy, port=\"80,443\", protocol=tcp]",
    );
    assert_eq!(codes(&dir), ["F2B001", "F2B006"]);
}

#[test]
fn a_jail_copied_from_a_newer_jail_conf_stops_fail2ban_f2b000() {
    let dir = example_on_the_stock_tree();
    let jail = dir.path().join(JAIL);
    let mut text = std::fs::read_to_string(&jail).expect("read");
    text.push_str("\n[apache-fakegooglebot]\nenabled  = true\nport     = http,https\nlogpath  = %(apache_access_log)s\nmaxretry = 1\nignorecommand = %(ignorecommands_dir)s/apache-fakegooglebot <ip>\n");
    std::fs::write(&jail, text).expect("write");
    assert_eq!(codes(&dir), ["F2B000"]);
}

#[test]
fn a_failregex_extending_the_filter_s_known_one_checks_clean() {
    // fail2ban resolves %(known/failregex)s from the jail's filter (sshd.conf); it was once
    // reported as an uninterpolatable F2B000.
    let dir = example_on_the_stock_tree();
    edit(
        &dir,
        DEBIAN,
        "enabled = false",
        "enabled = false\nfailregex = %(known/failregex)s\n            ^extra from <HOST>$",
    );
    edit(&dir, DEBIAN, "enabled = false", "enabled = true");
    // Only the proxy's own sshd finding remains: no SSH server runs there.
    assert_eq!(codes(&dir), ["F2B002"]);
}
