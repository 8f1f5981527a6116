//! The engine crates, for the gblint command-line tool only.
//!
//! **No compatibility promise**: these modules change with every release. An embedder uses the
//! items at the crate root; the CLI reaches through here for its output formats (which need
//! the engine's source map) and its argument-level plumbing.

pub use gblint_caddyfile as caddyfile;
pub use gblint_diagnostics as diagnostics;
pub use gblint_lint as lint;
pub use gblint_render as render;

/// `config`, or the nearest `gblint.toml` at or above `start`; the defaults when there is none.
pub fn load_settings(
    config: Option<&std::path::Path>,
    start: &std::path::Path,
) -> Result<gblint_lint::Settings, crate::Error> {
    crate::config::load_settings(config, start)
}

/// Environment lookup for `{$VAR}` in Caddyfiles: the process environment.
pub fn env_lookup(name: &str) -> Option<String> {
    crate::config::env_lookup(name)
}

/// The folder of `path` when it is a file, or `path` itself (the folder a run is anchored at).
pub fn dir_of(path: &std::path::Path) -> std::path::PathBuf {
    crate::config::dir_of(path)
}
