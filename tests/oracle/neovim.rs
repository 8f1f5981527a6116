//! `gblint server` under a real editor: headless Neovim (Debian's package) and its built-in
//! LSP client, driven by `lsp/neovim.lua`. On a copy of the example deployment it edits
//! ui.service without saving, must receive SYD002 (computed against system.service, which is
//! not open), apply the "ignore" code action, and see the finding go away. Neovim missing is
//! a failure, never a skip (`apt-get install -y neovim`).

use std::process::Command;

use gblint_tests::{copy_tree, gblint_binary, workspace_root};

#[test]
fn neovim_receives_diagnostics_and_applies_a_code_action() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("pragmatismo");
    copy_tree(&workspace_root().join("examples/pragmatismo"), &root);
    let file = root.join("pragmatismo-system/etc/systemd/system/ui.service");
    let out = dir.path().join("seen.txt");
    let script = workspace_root().join("tests/oracle/lsp/neovim.lua");
    let status = Command::new("nvim")
        .args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("GBLINT_BIN", gblint_binary())
        .env("GBLINT_ROOT", &root)
        .env("GBLINT_FILE", &file)
        .env("GBLINT_OUT", &out)
        // Neovim's own state (its LSP log) stays in the temporary folder.
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_CACHE_HOME", dir.path())
        .status()
        .expect("nvim runs (apt-get install -y neovim)");
    let seen = std::fs::read_to_string(&out).unwrap_or_default();
    println!("{seen}");
    assert!(status.success(), "the Neovim script failed:\n{seen}");
    let lines: Vec<&str> = seen.lines().collect();
    assert_eq!(lines[0], "initialized: gblint");
    assert!(
        lines[1].starts_with(
            "diagnostic: SYD002 at line 15, column 27: BOTSERVER_URL points at port 5999"
        ),
        "{seen}"
    );
    assert!(lines.contains(&"code action: Ignore SYD002 here (gblint: ignore comment)"));
    assert!(lines.contains(
        &"line 15 now: # gblint: ignore[SYD002] REASON: why this finding does not apply here"
    ));
    assert_eq!(lines.last(), Some(&"diagnostics after the action: 0"));
    // The server ended cleanly: Neovim logs a server's standard error.
    let log = ["nvim/lsp.log", "lsp.log"]
        .iter()
        .filter_map(|name| std::fs::read_to_string(dir.path().join(name)).ok())
        .collect::<String>();
    assert!(!log.contains("gblint: error"), "{log}");
}
