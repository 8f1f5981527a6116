//! iptables rules files end to end: the seed scenario, `--fix`, `fmt`.

use gblint_tests::run_gblint;

const SEED: &str = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 6379 -j DROP\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n";

#[test]
fn seed_scenario_is_an_error_and_fix_resolves_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rules.v4");
    std::fs::write(&path, SEED).expect("write");
    let output = run_gblint(
        dir.path(),
        &["check", "rules.v4", "--output-format", "concise"],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("rules.v4:5:1: error IPT001 [*] loopback connections to port 6379 are dropped by line 5 (filter/INPUT)"), "{stdout}");

    let output = run_gblint(dir.path(), &["check", "rules.v4", "--fix"], None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
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
    let output = run_gblint(dir.path(), &["check", "rules.v4", "--fix"], None);
    assert!(String::from_utf8_lossy(&output.stderr)
        .ends_with("Fixed nothing: there are no findings.\n"));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), fixed);
}

#[test]
fn human_output_shows_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:trusted - [0:0]\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p tcp --dport 22 -j trusted\n-A trusted -i lo -j ACCEPT\n-A trusted -j RETURN\nCOMMIT\n";
    std::fs::write(dir.path().join("rules.v4"), text).expect("write");
    let output = run_gblint(dir.path(), &["check", "rules.v4"], None);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn fmt_normalises_rules_in_place_and_canonical_on_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "# firewall\n*filter\n:INPUT DROP [0:0]\n-A INPUT --in-int lo -j ACCEPT\n-I INPUT -p tcp --dpor 22 -j ACCEPT\nCOMMIT\n";
    std::fs::write(dir.path().join("rules.v4"), text).expect("write");
    let output = run_gblint(dir.path(), &["fmt", "--check", "rules.v4"], None);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "rules.v4:4: not formatted (first differing line)\n"
    );
    let output = run_gblint(
        dir.path(),
        &["fmt", "-", "--stdin-filename", "rules.v4"],
        Some(text.as_bytes()),
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "# firewall\n*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-I INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n"
    );
    let output = run_gblint(
        dir.path(),
        &["fmt", "-", "--stdin-filename", "rules.v4", "--canonical"],
        Some(text.as_bytes()),
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n"
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

/// `path:line:col: CODE message` of the IPT findings.
fn ipt_findings(dir: &tempfile::TempDir) -> Vec<String> {
    let output = run_gblint(
        dir.path(),
        &[
            "check",
            ".",
            "--select",
            "IPT",
            "--output-format",
            "concise",
        ],
        None,
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.contains(" IPT"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn debian_s_ufw_ruleset_checks_clean() {
    // Assembled as ufw-init loads it: INPUT policy DROP, loopback accepted in before.rules.
    assert_eq!(ipt_findings(&ufw_tree()), Vec::<String>::new());
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
    let found = ipt_findings(&dir);
    assert!(
        found.iter().any(|f| f.starts_with(
            "etc/default/ufw:11:22: error IPT002 port 6379 is reachable from other machines through ufw"
        )),
        "{found:?}"
    );
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
    assert_eq!(
        ipt_findings(&dir),
        ["etc/ufw/user.rules:8:1: error IPT002 port 6379 is reachable from other machines through ufw"]
    );
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
    assert_eq!(
        ipt_findings(&dir),
        ["etc/default/ufw:11:22: error IPT001 loopback connections to port 6379 are dropped by ufw's ruleset"]
    );
}
