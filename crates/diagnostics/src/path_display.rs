//! How paths are written in everything gblint prints: with forward slashes on every platform,
//! so reports, fingerprints and snapshots read the same on Windows as on Linux.

use std::path::Path;

/// `path` with forward slashes (lossy for a name that is not UTF-8).
pub fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A path as reports show it: [`slashed`], without a leading `./`.
pub fn shown(path: &Path) -> String {
    let path = slashed(path);
    path.strip_prefix("./").map(str::to_owned).unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_slashes_and_no_leading_dot() {
        assert_eq!(slashed(Path::new("./a/b")), "./a/b");
        assert_eq!(shown(Path::new("./a/b")), "a/b");
        assert_eq!(shown(Path::new("a\\b")), "a/b");
        assert_eq!(shown(Path::new("/etc/x")), "/etc/x");
    }
}
