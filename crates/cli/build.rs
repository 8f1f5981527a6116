//! Build script: records what `gblint --version` prints besides the version — the commit and
//! the target triple — so a bug report names the exact build.
//!
//! The commit comes from, in order: `GBLINT_COMMIT` (set by scripts/release.sh and CI),
//! `.cargo_vcs_info.json` (written by `cargo publish`, so a crates.io build knows its commit even
//! when unpacked inside some other git repository), or `git` in the source tree. A source
//! tarball with none of them builds fine and says `unknown`.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=GBLINT_COMMIT");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let commit = std::env::var("GBLINT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| vcs_info_commit(&manifest_dir))
        .or_else(|| git_commit(&manifest_dir))
        .unwrap_or_else(|| "unknown".to_owned());
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=GBLINT_COMMIT={}", commit.trim());
    println!("cargo:rustc-env=GBLINT_TARGET={target}");
}

/// The short hash of `HEAD`, when the sources are a git checkout and git is installed. Asks
/// cargo to run this again when `HEAD` or the branch it points to moves.
fn git_commit(dir: &str) -> Option<String> {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let hash = git(&["rev-parse", "--short=12", "HEAD"])?;
    for path in [
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["rev-parse", "--symbolic-full-name", "HEAD"])
            .and_then(|r| git(&["rev-parse", "--git-path", &r])),
        git(&["rev-parse", "--git-path", "packed-refs"]),
    ]
    .into_iter()
    .flatten()
    {
        let path = Path::new(dir).join(path);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    Some(hash)
}

/// The commit `cargo package` recorded in `.cargo_vcs_info.json` (`"sha1": "…"`), shortened.
fn vcs_info_commit(dir: &str) -> Option<String> {
    let text = std::fs::read_to_string(Path::new(dir).join(".cargo_vcs_info.json")).ok()?;
    let rest = &text[text.find("\"sha1\"")? + 6..];
    let start = rest.find('"')? + 1;
    let hash: String = rest[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .take(12)
        .collect();
    (!hash.is_empty()).then_some(hash)
}
