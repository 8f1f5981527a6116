//! The command is built on the library API alone: its packages (gblint-cli, and the root
//! package pre-commit builds from the same sources) depend on no `gblint-*` crate but `gblint`.

use std::process::Command;

use gblint_tests::workspace_root;

/// The `gblint*` dependencies of `package` (every kind: normal, dev, build), from
/// `cargo metadata`.
fn gblint_dependencies(metadata: &serde_json::Value, package: &str) -> Vec<String> {
    let packages = metadata["packages"].as_array().expect("packages");
    let found = packages
        .iter()
        .find(|p| p["name"] == package)
        .unwrap_or_else(|| panic!("no package {package} in the workspace"));
    found["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .filter(|name| name.starts_with("gblint"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn cli_depends_only_on_the_gblint_crate() {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    for package in ["gblint-cli", "gblint-pre-commit"] {
        let dependencies = gblint_dependencies(&metadata, package);
        assert_eq!(
            dependencies,
            ["gblint"],
            "{package} must reach the engine through the `gblint` crate's API only"
        );
    }
}
