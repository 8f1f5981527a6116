//! gblint's assembly of ufw's ruleset (`gblint_lint::load::ufw::ufw_init`) against ufw itself: Debian's
//! `/lib/ufw/ufw-init start` runs, inside a network namespace this test creates and deletes,
//! on ufw's rule files (`tests/e2e/fixtures/ufw-0.36`, and variants of its policies and user
//! rules) with `--rootdir`/`--datadir` pointing at a temporary copy; then `iptables-save` and
//! `ip6tables-save` show what it loaded. Every chain gblint assembles must have the same
//! policy and the same rules, in order, as the saved one (both sides parsed and printed by
//! gblint, so only the content is compared). Needs root and Debian's ufw package
//! (`apt-get install -y ufw`; its service is never started, ENABLED stays no).

use std::collections::BTreeMap;
use std::path::Path;

use gblint_iptables::ruleset::{replay, ReplayOptions, Ruleset};
use gblint_iptables::Family;

use crate::iptables::Netns;

/// One chain as (policy, rendered rules).
type Chains = BTreeMap<(String, String), (Option<String>, Vec<String>)>;

fn chains(ruleset: &Ruleset) -> Chains {
    let mut out = Chains::new();
    for (table, t) in &ruleset.tables {
        for chain in &t.chains {
            let rules = chain
                .rules
                .iter()
                .flat_map(|r| gblint_iptables::printer::rule_lines(&chain.name, &r.rule))
                .collect();
            out.insert(
                (table.clone(), chain.name.clone()),
                (chain.policy.clone(), rules),
            );
        }
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs ufw-init on `data` (etc/default/ufw, etc/ufw/*.rules) and compares both families.
fn compare(name: &str, data: &Path, found: &mut Vec<String>) {
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(root.path().join("lib/ufw")).expect("mkdir");
    std::fs::create_dir_all(root.path().join("etc/ufw")).expect("mkdir");
    std::fs::copy(
        "/lib/ufw/ufw-init-functions",
        root.path().join("lib/ufw/ufw-init-functions"),
    )
    .expect("ufw's /lib/ufw/ufw-init-functions (apt-get install -y ufw)");
    for dir in [root.path(), data] {
        std::fs::write(dir.join("etc/ufw/ufw.conf"), "ENABLED=yes\nLOGLEVEL=low\n").expect("write");
    }
    let netns = Netns::new();
    let root_arg = root.path().to_string_lossy().to_string();
    let data_arg = data.to_string_lossy().to_string();
    let started = netns.run(
        "sh",
        &[
            "/lib/ufw/ufw-init",
            "--rootdir",
            &root_arg,
            "--datadir",
            &data_arg,
            "start",
        ],
        "",
    );
    assert!(
        started.status.success(),
        "{name}: ufw-init start failed: {}{}",
        String::from_utf8_lossy(&started.stdout),
        String::from_utf8_lossy(&started.stderr)
    );
    let defaults = read(&data.join("etc/default/ufw"));
    let setting = |key: &str| {
        defaults
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .map(|v| v.trim_matches('"').to_string())
            .unwrap_or_default()
    };
    let policies = [
        setting("DEFAULT_INPUT_POLICY"),
        setting("DEFAULT_OUTPUT_POLICY"),
        setting("DEFAULT_FORWARD_POLICY"),
    ];
    for (family, save, suffix) in [
        (Family::V4, "iptables-save", ""),
        (Family::V6, "ip6tables-save", "6"),
    ] {
        let saved = netns.run(save, &[], "");
        let theirs = chains(&replay(
            &gblint_iptables::parse(&String::from_utf8_lossy(&saved.stdout), family),
            ReplayOptions::default(),
        ));
        let files = ["before", "user", "after"].map(|stem| {
            gblint_iptables::parse(
                &read(&data.join(format!("etc/ufw/{stem}{suffix}.rules"))),
                family,
            )
        });
        let [b, u, a] = &files;
        let ours = chains(&gblint_lint::load::ufw::ufw_init(
            family,
            [b, u, a],
            [&policies[0], &policies[1], &policies[2]],
        ));
        for (key, ours) in &ours {
            let empty = ours.1.is_empty() && ours.0.as_deref().is_none_or(|p| p == "ACCEPT");
            match theirs.get(key) {
                Some(theirs) if theirs == ours => {}
                None if empty => {}
                theirs => found.push(format!(
                    "{name} {family:?} {}/{}: gblint {ours:?}, ufw {theirs:?}",
                    key.0, key.1
                )),
            }
        }
        for key in theirs.keys().filter(|k| !ours.contains_key(*k)) {
            found.push(format!(
                "{name} {family:?} {}/{}: ufw has it, gblint not",
                key.0, key.1
            ));
        }
    }
}

#[test]
fn ufw_init_loads_what_gblint_assembles() {
    assert!(
        Path::new("/lib/ufw/ufw-init").is_file(),
        "the ufw oracle needs Debian's ufw: apt-get install -y ufw"
    );
    let fixture = gblint_tests::workspace_root().join("tests/e2e/fixtures/ufw-0.36");
    let variants: &[(&str, &str, &str, &str)] = &[
        ("stock", "etc/default/ufw", "", ""),
        ("input-accept", "etc/default/ufw", "DEFAULT_INPUT_POLICY=\"DROP\"", "DEFAULT_INPUT_POLICY=\"ACCEPT\""),
        ("input-reject", "etc/default/ufw", "DEFAULT_INPUT_POLICY=\"DROP\"", "DEFAULT_INPUT_POLICY=\"REJECT\""),
        ("forward-accept", "etc/default/ufw", "DEFAULT_FORWARD_POLICY=\"DROP\"", "DEFAULT_FORWARD_POLICY=\"ACCEPT\""),
        ("output-drop", "etc/default/ufw", "DEFAULT_OUTPUT_POLICY=\"ACCEPT\"", "DEFAULT_OUTPUT_POLICY=\"DROP\""),
        (
            "user-allow",
            "etc/ufw/user.rules",
            "### RULES ###\n",
            "### RULES ###\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT\n-A ufw-user-input -p tcp --dport 6379 -s 10.0.0.0/8 -j ACCEPT\n",
        ),
    ];
    let mut found = Vec::new();
    for (name, file, from, to) in variants {
        let data = tempfile::tempdir().expect("tempdir");
        gblint_tests::copy_tree(&fixture, data.path());
        let path = data.path().join(file);
        let text = read(&path);
        assert!(text.contains(from), "{name}: {file} must contain {from:?}");
        // Never let the test's ufw-init touch this machine's sysctls.
        let text = text
            .replacen(from, to, 1)
            .replace("IPT_SYSCTL=/etc/ufw/sysctl.conf", "IPT_SYSCTL=");
        std::fs::write(&path, text).expect("write");
        if *file != "etc/default/ufw" {
            let defaults = data.path().join("etc/default/ufw");
            let text = read(&defaults).replace("IPT_SYSCTL=/etc/ufw/sysctl.conf", "IPT_SYSCTL=");
            std::fs::write(&defaults, text).expect("write");
        }
        compare(name, data.path(), &mut found);
    }
    println!(
        "ufw oracle: {} variants, {} differences",
        variants.len(),
        found.len()
    );
    assert!(
        found.is_empty(),
        "gblint's ufw assembly differs from ufw-init:\n{}",
        found.join("\n")
    );
}
