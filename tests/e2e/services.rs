//! The operations-guide scenarios for fail2ban, systemd, ufw and secrets on the example
//! deployment: each triggers exactly its rule(s); the unchanged example reports nothing.
//! Each run is snapshotted with the edits it ran on (`snapshots/e2e__services__*.snap`).

use gblint_tests::{copy_tree, workspace_root};

use crate::cli::Inputs;

const UI: &str = "pragmatismo-system/etc/systemd/system/ui.service";
const JAIL: &str = "pragmatismo-proxy/etc/fail2ban/jail.local";
const DEBIAN: &str = "pragmatismo-proxy/etc/fail2ban/jail.d/defaults-debian.conf";
const UFW: &str = "host/etc/default/ufw";

/// A copy of the example deployment, and the record of the edits a test makes to it.
fn example() -> (tempfile::TempDir, Inputs) {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&workspace_root().join("examples/pragmatismo"), dir.path());
    let inputs = Inputs::new(dir.path());
    (dir, inputs)
}

const CONCISE: &[&str] = &["check", ".", "--output-format", "concise"];
const FIX: &[&str] = &["check", ".", "--fix"];

#[test]
fn the_unchanged_example_reports_nothing() {
    let (dir, inputs) = example();
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn external_botserver_url_is_syd001_and_fix_restores_it() {
    let (dir, mut inputs) = example();
    inputs.edit(
        UI,
        "BOTSERVER_URL=http://localhost:5858",
        "BOTSERVER_URL=https://api.pragmatismo.com.br",
    );
    // The external URL also has the wrong port (443): SYD002 too.
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    assert_cli_snapshot!(dir.path(), FIX, inputs = &inputs);
    // Fixed back to the example's text: no diff left, nothing reported.
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn port_mismatch_is_syd002() {
    let (dir, mut inputs) = example();
    inputs.edit(
        UI,
        "BOTSERVER_URL=http://localhost:5858",
        "BOTSERVER_URL=http://localhost:8080",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn misspelt_enabled_is_f2b003_and_f2b001() {
    let (dir, mut inputs) = example();
    inputs.edit(JAIL, "enabled  = true", "enabled  = ture");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn flood_jail_on_the_wrong_file_is_f2b004() {
    let (dir, mut inputs) = example();
    inputs.edit(
        JAIL,
        "logpath  = /opt/gbo/logs/access.log",
        "logpath  = /var/log/caddy/access.log",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn sshd_jail_in_the_proxy_is_f2b002() {
    let (dir, mut inputs) = example();
    inputs.edit(DEBIAN, "enabled = false", "enabled = true");
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    assert_cli_snapshot!(dir.path(), FIX, inputs = &inputs);
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn forward_policy_drop_is_ufw001() {
    let (dir, mut inputs) = example();
    inputs.edit(
        UFW,
        "DEFAULT_FORWARD_POLICY=\"ACCEPT\"",
        "DEFAULT_FORWARD_POLICY=\"DROP\"",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
    assert_cli_snapshot!(dir.path(), FIX, inputs = &inputs);
    // The fix wrote ACCEPT back: the snapshot shows no diff from the example left.
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn vault_unseal_keys_in_the_tree_is_gbl002() {
    let (dir, mut inputs) = example();
    inputs.write(
        "pragmatismo-system/opt/gbo/conf/vault-unseal-keys.txt",
        "key1\nkey2\nkey3\n",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

/// The example tenant with Debian's stock /etc/fail2ban under the proxy and the example's
/// own jail.local, jail.d/defaults-debian.conf and flood filter on top.
fn example_on_the_stock_tree() -> (tempfile::TempDir, Inputs) {
    let (dir, inputs) = example();
    let etc = dir.path().join("pragmatismo-proxy/etc/fail2ban");
    copy_tree(
        &workspace_root().join("tests/e2e/fixtures/debian-fail2ban-1.0.2"),
        &etc,
    );
    copy_tree(
        &workspace_root().join("examples/pragmatismo/pragmatismo-proxy/etc/fail2ban"),
        &etc,
    );
    (dir, inputs)
}

#[test]
fn the_stock_debian_tree_under_a_correct_jail_local_checks_clean() {
    // jail.conf's disabled [nginx-http-auth], [lighttpd-auth] and [haproxy-http-auth] are not
    // the flood jail (they were once judged as such: three F2B004).
    let (dir, inputs) = example_on_the_stock_tree();
    assert!(dir
        .path()
        .join("pragmatismo-proxy/etc/fail2ban/jail.conf")
        .is_file());
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn a_flood_jail_whose_filter_is_missing_is_skipped_f2b006() {
    let (dir, mut inputs) = example_on_the_stock_tree();
    inputs.edit(
        JAIL,
        "filter   = caddy-http-flood",
        "filter   = caddy-flood",
    );
    // fail2ban skips the jail, so the proxy has no working flood jail either (F2B001).
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn an_action_of_a_newer_fail2ban_is_skipped_f2b006() {
    // Without the stock tree too: a tree holding only jail.local relies on the package's
    // action.d, and nftables-input is not one of fail2ban 1.0.2's actions.
    let (dir, mut inputs) = example();
    inputs.edit(
        JAIL,
        "action   = iptables-multiport[name=caddy, port=\"80,443\", protocol=tcp]",
        "action   = nftables-input[name=caddy, port=\"80,443\", protocol=tcp]",
    );
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn a_jail_copied_from_a_newer_jail_conf_stops_fail2ban_f2b000() {
    let (dir, mut inputs) = example_on_the_stock_tree();
    let text = std::fs::read_to_string(dir.path().join(JAIL)).expect("read");
    inputs.write(JAIL, &format!("{text}\n[apache-fakegooglebot]\nenabled  = true\nport     = http,https\nlogpath  = %(apache_access_log)s\nmaxretry = 1\nignorecommand = %(ignorecommands_dir)s/apache-fakegooglebot <ip>\n"));
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}

#[test]
fn a_failregex_extending_the_filter_s_known_one_checks_clean() {
    // fail2ban resolves %(known/failregex)s from the jail's filter (sshd.conf); it was once
    // reported as an uninterpolatable F2B000.
    let (dir, mut inputs) = example_on_the_stock_tree();
    inputs.edit(
        DEBIAN,
        "enabled = false",
        "enabled = false\nfailregex = %(known/failregex)s\n            ^extra from <HOST>$",
    );
    inputs.edit(DEBIAN, "enabled = false", "enabled = true");
    // Only the proxy's own sshd finding remains (F2B002): no SSH server runs there.
    assert_cli_snapshot!(dir.path(), CONCISE, inputs = &inputs);
}
