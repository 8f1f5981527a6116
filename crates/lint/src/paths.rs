//! Path patterns of `gblint.toml`: `exclude` and `[per-path-ignores]`.
//!
//! A pattern is a glob (`*`, `?`, `[a-z]`, `{a,b}`, `**`) matched against a path relative to the
//! folder of the configuration file that declares it, with `/` as separator. As in ruff, `*`
//! also matches `/`, so `*/jail.d/*.conf` matches `proxy/etc/fail2ban/jail.d/x.conf` at any
//! depth. A pattern without `/` also matches any single file or folder name on the way
//! (`jail.d`, `*.bak`), which is how one excludes a folder wherever it appears.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

/// A compiled list of patterns, anchored at a folder.
#[derive(Clone, Debug)]
pub struct PathPatterns {
    /// The patterns as written (for `--show-settings`).
    pub written: Vec<String>,
    /// Whole relative paths.
    paths: GlobSet,
    /// Patterns without `/`, for single names.
    names: GlobSet,
}

impl Default for PathPatterns {
    fn default() -> Self {
        PathPatterns {
            written: Vec::new(),
            paths: GlobSet::empty(),
            names: GlobSet::empty(),
        }
    }
}

impl PathPatterns {
    /// Compile `patterns`; `place` names them in the error (`exclude`).
    pub fn new(patterns: &[String], place: &str) -> Result<PathPatterns, String> {
        let mut paths = GlobSetBuilder::new();
        let mut names = GlobSetBuilder::new();
        for pattern in patterns {
            let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
            if trimmed.is_empty() {
                return Err(format!("{place}: empty pattern"));
            }
            let glob = Glob::new(trimmed).map_err(|err| {
                format!("{place}: `{pattern}` is not a valid glob: {}", err.kind())
            })?;
            if !trimmed.contains('/') {
                names.add(glob.clone());
            }
            paths.add(glob);
        }
        let build = |builder: GlobSetBuilder| {
            builder
                .build()
                .map_err(|err| format!("{place}: {}", err.kind()))
        };
        Ok(PathPatterns {
            written: patterns.to_vec(),
            paths: build(paths)?,
            names: build(names)?,
        })
    }

    /// Whether nothing is listed.
    pub fn is_empty(&self) -> bool {
        self.written.is_empty()
    }

    /// Whether `relative` (relative to the anchor folder, `/`-separated) matches.
    pub fn matches(&self, relative: &str) -> bool {
        if self.is_empty() {
            return false;
        }
        let relative = relative.trim_start_matches("./");
        self.paths.is_match(relative)
            || (!self.names.is_empty()
                && relative
                    .split('/')
                    .any(|name| !name.is_empty() && self.names.is_match(name)))
    }
}

/// `path` relative to `base`, `/`-separated, when it is inside it. Both should be absolute
/// and canonical.
pub fn relative_to(path: &Path, base: &Path) -> Option<String> {
    let relative = path.strip_prefix(base).ok()?;
    Some(gblint_diagnostics::path_display::slashed(relative))
}

/// The folder patterns of a configuration file are anchored at: the file's folder, canonical.
pub fn anchor_of(config: Option<&Path>) -> Option<PathBuf> {
    let folder = config?.parent()?;
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    std::fs::canonicalize(folder).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(list: &[&str]) -> PathPatterns {
        let list: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        PathPatterns::new(&list, "exclude").expect("valid")
    }

    #[test]
    fn star_crosses_folders_and_bare_names_match_anywhere() {
        let set = patterns(&["*/jail.d/*.conf"]);
        assert!(set.matches("a-proxy/etc/fail2ban/jail.d/x.conf"));
        assert!(!set.matches("a-proxy/etc/fail2ban/jail.local"));
        let set = patterns(&["legacy", "*.bak"]);
        assert!(set.matches("tenants/a/legacy/Caddyfile"));
        assert!(set.matches("x/Caddyfile.bak"));
        assert!(!set.matches("tenants/legacy-two/Caddyfile"));
        let set = patterns(&["tenants/old/**"]);
        assert!(set.matches("tenants/old/host/etc/default/ufw"));
        assert!(!set.matches("tenants/older/host/etc/default/ufw"));
    }

    #[test]
    fn bad_globs_are_reported() {
        let error = PathPatterns::new(&["[".to_owned()], "exclude").unwrap_err();
        assert!(
            error.starts_with("exclude: `[` is not a valid glob"),
            "{error}"
        );
    }
}
