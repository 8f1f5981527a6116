//! Writing files back (`fmt`, `check --fix`, `render`; issue #19 §1–2, docs/writes.md): writes
//! stay inside the tree, keep owner, mode and attributes, lose no concurrent update, and are
//! all or nothing across files. Tests that need root (chown, chattr, tmpfs) assume it, as CI
//! and the development machines run as root, and undo what they did.

// Helpers only the Linux-gated tests (chattr, tmpfs, xattrs) use are unused elsewhere.
#![cfg_attr(not(target_os = "linux"), allow(dead_code, unused_imports))]

mod backups;
mod cleanup;
mod keep;
mod links;
mod races;
mod render_all;

use std::path::{Path, PathBuf};
use std::process::Output;

use gblint_tests::{run_gblint, workspace_root};

/// A Caddyfile `fmt` rewrites (the directive gets its tab) without changing what Caddy reads.
pub const UNFORMATTED: &str = "example.com {\nrespond hi\n}\n";
/// The same, formatted.
pub const FORMATTED: &str = "example.com {\n\trespond hi\n}\n";
/// A Caddyfile whose only finding (CDY001, no storage block) `--fix --unsafe` fixes.
pub const NO_STORAGE: &str = "chat.example.com {\n\treverse_proxy 10.0.0.10:5859\n}\n";

pub fn gblint(dir: &Path, args: &[&str]) -> Output {
    run_gblint(dir, args, None)
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Names in `dir`, sorted (not recursive).
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file under `dir` with its bytes, sorted by path.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read_dir") {
            let path = entry.expect("entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("stat");
            if meta.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                out.push((path.strip_prefix(dir).expect("inside").to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// `gblint render` of the example inventory (or of `inventory` when given) into `out`.
pub fn render(out: &Path, inventory: Option<&Path>) -> Output {
    let root = workspace_root();
    let example = root.join("examples/pragmatismo.toml");
    let inventory = inventory.unwrap_or(&example);
    gblint(
        &root,
        &[
            "render",
            "--inventory",
            inventory.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ],
    )
}

/// The example inventory with port 5858 moved to 5868: three rendered files change
/// (the Caddyfile, system.service and ui.service), written to `dir/moved.toml`.
pub fn moved_port_inventory(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(workspace_root().join("examples/pragmatismo.toml"))
        .expect("inventory");
    let path = dir.join("moved.toml");
    std::fs::write(&path, text.replace("5858", "5868")).expect("write");
    path
}

/// Run `chattr` with `flag` (`+i`, `-i`) on `path`.
#[cfg(target_os = "linux")]
pub fn chattr(flag: &str, path: &Path) {
    let status = std::process::Command::new("chattr")
        .arg(flag)
        .arg(path)
        .status()
        .expect("chattr runs");
    assert!(status.success(), "chattr {flag} {}", path.display());
}

/// Undoes `chattr +i` when dropped, so a failing assertion does not leave an undeletable file.
#[cfg(target_os = "linux")]
pub struct Immutable(pub PathBuf);

#[cfg(target_os = "linux")]
impl Immutable {
    pub fn set(path: &Path) -> Self {
        chattr("+i", path);
        Immutable(path.to_path_buf())
    }
}

#[cfg(target_os = "linux")]
impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

/// Names gblint made and should not have left: temporary files, keep-links, backups.
pub fn strays(files: &[(PathBuf, Vec<u8>)]) -> Vec<String> {
    files
        .iter()
        .map(|(path, _)| path.to_string_lossy().into_owned())
        .filter(|name| name.contains(".gblint-") || name.contains(".bak-"))
        .collect()
}

/// The paths that differ between two snapshots (missing from one, or with other bytes): what
/// an assertion shows instead of two whole trees.
pub fn differing(a: &[(PathBuf, Vec<u8>)], b: &[(PathBuf, Vec<u8>)]) -> Vec<String> {
    let mut paths: Vec<&PathBuf> = a.iter().chain(b).map(|(p, _)| p).collect();
    paths.sort();
    paths.dedup();
    let get = |tree: &[(PathBuf, Vec<u8>)], path: &PathBuf| {
        tree.iter()
            .find(|(p, _)| p == path)
            .map(|(_, bytes)| bytes.clone())
    };
    paths
        .into_iter()
        .filter(|path| get(a, path) != get(b, path))
        .map(|path| path.display().to_string())
        .collect()
}
