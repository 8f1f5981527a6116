//! iptables rules files end to end: the seed scenario, `--fix`, `fmt`, and Debian's ufw tree.
//! Each run is snapshotted whole (`snapshots/e2e__iptables__*.snap`); what a run leaves on disk
//! is asserted after it.

use gblint_tests::gblint_command;

use crate::snap::BACKUP_STAMP;

const SEED: &str = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 6379 -j DROP\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n";

#[test]
fn seed_scenario_is_an_error_and_fix_resolves_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rules.v4");
    std::fs::write(&path, SEED).expect("write");
    // IPT001 on line 5, with a safe fix (`[*]`).
    assert_cli_snapshot!(
        dir.path(),
        &["check", "rules.v4", "--output-format", "concise"]
    );

    crate::assert_run_snapshot!(
        dir.path(),
        &mut gblint_command(dir.path(), &["check", "rules.v4", "--fix"]),
        filters = &[BACKUP_STAMP],
    );
    let fixed = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        fixed,
        // The existing loopback rule moves to the top; no second copy.
        SEED.replace(
            "-A INPUT -p tcp --dport 6379 -j DROP\n-A INPUT -i lo -j ACCEPT\n",
            "-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp --dport 6379 -j DROP\n"
        )
    );
    // Idempotent.
    assert_cli_snapshot!(dir.path(), &["check", "rules.v4", "--fix"]);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), fixed);
}

#[test]
fn human_output_shows_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:trusted - [0:0]\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p tcp --dport 22 -j trusted\n-A trusted -i lo -j ACCEPT\n-A trusted -j RETURN\nCOMMIT\n";
    std::fs::write(dir.path().join("rules.v4"), text).expect("write");
    assert_cli_snapshot!(dir.path(), &["check", "rules.v4"]);
}

#[test]
fn fmt_normalises_rules_in_place_and_canonical_on_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "# firewall\n*filter\n:INPUT DROP [0:0]\n-A INPUT --in-int lo -j ACCEPT\n-I INPUT -p tcp --dpor 22 -j ACCEPT\nCOMMIT\n";
    std::fs::write(dir.path().join("rules.v4"), text).expect("write");
    assert_cli_snapshot!(dir.path(), &["fmt", "--check", "rules.v4"]);
    assert_cli_snapshot!(
        dir.path(),
        &["fmt", "-", "--stdin-filename", "rules.v4"],
        stdin = text,
    );
    assert_cli_snapshot!(
        dir.path(),
        &["fmt", "-", "--stdin-filename", "rules.v4", "--canonical"],
        stdin = text,
    );
}

/// Debian's ufw tree (the six rule files and /etc/default/ufw) in a temporary folder.
fn ufw_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    gblint_tests::copy_tree(
        &gblint_tests::workspace_root().join("tests/e2e/fixtures/ufw-0.36"),
        dir.path(),
    );
    dir
}

fn ufw_edit(dir: &tempfile::TempDir, path: &str, from: &str, to: &str) {
    let full = dir.path().join(path);
    let text = std::fs::read_to_string(&full).expect("read");
    assert!(text.contains(from), "{path} must contain {from:?}");
    std::fs::write(&full, text.replacen(from, to, 1)).expect("write");
}

/// `gblint check` of the ufw tree, for its IPT findings only.
const CHECK_IPT: &[&str] = &[
    "check",
    ".",
    "--select",
    "IPT",
    "--output-format",
    "concise",
];

#[test]
fn debian_s_ufw_ruleset_checks_clean() {
    // Assembled as ufw-init loads it: INPUT policy DROP, loopback accepted in before.rules.
    let dir = ufw_tree();
    assert_cli_snapshot!(dir.path(), CHECK_IPT);
}

#[test]
fn ufw_input_policy_accept_exposes_the_internal_port() {
    let dir = ufw_tree();
    ufw_edit(
        &dir,
        "etc/default/ufw",
        "DEFAULT_INPUT_POLICY=\"DROP\"",
        "DEFAULT_INPUT_POLICY=\"ACCEPT\"",
    );
    // IPT002 at the policy in /etc/default/ufw.
    assert_cli_snapshot!(dir.path(), CHECK_IPT);
}

#[test]
fn a_ufw_allow_of_the_internal_port_is_ipt002_in_user_rules() {
    let dir = ufw_tree();
    ufw_edit(
        &dir,
        "etc/ufw/user.rules",
        "### RULES ###\n",
        "### RULES ###\n-A ufw-user-input -p tcp --dport 6379 -j ACCEPT\n",
    );
    // IPT002 at the added rule, line 8 of user.rules.
    assert_cli_snapshot!(dir.path(), CHECK_IPT);
}

#[test]
fn ufw_without_its_loopback_accept_is_ipt001() {
    let dir = ufw_tree();
    ufw_edit(
        &dir,
        "etc/ufw/before.rules",
        "-A ufw-before-input -i lo -j ACCEPT\n",
        "",
    );
    // IPT001 at the DROP policy in /etc/default/ufw.
    assert_cli_snapshot!(dir.path(), CHECK_IPT);
}
