//! Shared helpers for gblint's integration tests.

use std::path::PathBuf;

/// The shared corpus folder named by `GBLINT_CORPUS`. Suites that need it are switched on
/// explicitly, so a missing variable or folder is a failure, never a skip.
pub fn corpus_dir() -> PathBuf {
    let named = std::env::var_os("GBLINT_CORPUS")
        .map(PathBuf::from)
        .expect("GBLINT_CORPUS must name the shared corpus folder (e.g. ../shared/corpus) when this suite is switched on");
    // Relative paths are taken from the workspace root, where the suites are started.
    let dir = if named.is_absolute() { named } else { workspace_root().join(named) };
    assert!(dir.is_dir(), "GBLINT_CORPUS={} is not a folder", dir.display());
    dir.canonicalize().expect("corpus path")
}

/// Path of the workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}
