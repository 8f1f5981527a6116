//! gblint-sshconfig's refusals against OpenSSH's `ssh -G -F FILE HOST` (9.2p1 on Debian 12),
//! which parses the configuration and exits non-zero with "Bad configuration option",
//! "no argument after keyword", … for a file it refuses, without connecting anywhere. Cases: the
//! SSH000 fixtures, the example runner's configuration, and hand-written lines. Fails when
//! `ssh` is missing.

use std::path::PathBuf;
use std::process::Command;

use gblint_tests::workspace_root;

fn files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let fixtures = workspace_root().join("crates/lint/resources/ssh/etc/ssh/ssh_config.d");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.push(workspace_root().join("examples/pragmatismo/pragmatismo-alm-ci/root/.ssh/config"));
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("read");
        out.push((path.display().to_string(), text));
    }
    for text in [
        "Host x\n  ProxyJump alm\n  SetEnv A=b\n  LocalForward 8080 localhost:80\n",
        "Host x\n  Port ssh\n",
        "Host x\n  Port 0\n",
        "Host x\n  User a b\n",
        "Host x\n  HostName\n",
        "Match all\n  User gbuser\n",
        "Host x\n  Tag prod\n",
        "IgnoreUnknown Tag\nHost x\n  Tag prod\n",
        "Host x\n  identityfile=~/.ssh/id_ed25519\n",
        "Host x\n  UseKeychain yes\n",
    ] {
        out.push((format!("{text:?}"), text.to_owned()));
    }
    out
}

#[test]
fn refusals_match_ssh() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut disagreements = Vec::new();
    let files = files();
    for (name, text) in &files {
        let path = dir.path().join("config");
        std::fs::write(&path, text).expect("write");
        let output = Command::new("ssh")
            .args(["-G", "-F"])
            .arg(&path)
            .arg("pragmatismo-system")
            .output()
            .expect("ssh (openssh-client) must be installed for the oracle suite");
        let theirs = output.status.success();
        let ours = gblint_sshconfig::parse(text).errors.is_empty();
        if ours != theirs {
            disagreements.push(format!(
                "{name}: gblint accepts: {ours}, ssh accepts: {theirs} ({})",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
    }
    eprintln!(
        "ssh oracle: {} files, {} disagreements",
        files.len(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
