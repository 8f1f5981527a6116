//! Helpers shared by the fuzz targets in `fuzz_targets/`.
//!
//! Inputs that hold several documents are split on the byte `0xFF`, which never occurs in
//! UTF-8 text, so no text a parser could be given is lost to the separator.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gblint_diagnostics::TextRange;

/// Inputs longer than this return at once: the targets look for wrong behaviour, not for
/// slow big inputs, and a few huge inputs would dominate a run's time.
pub const MAX_INPUT: usize = 64 * 1024;

/// Byte that separates the documents of a multi-document input.
pub const SEPARATOR: u8 = 0xFF;

/// The first `max` documents of `data`, split on [`SEPARATOR`] (the last one keeps any
/// further separators).
pub fn split(data: &[u8], max: usize) -> Vec<&[u8]> {
    data.splitn(max, |&b| b == SEPARATOR).collect()
}

/// The text gblint would read from these bytes: invalid UTF-8 replaced as
/// `String::from_utf8_lossy` does (what the engine does when it reads a file).
pub fn text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// A folder created once per process (not per input), removed never: libFuzzer processes
/// are short-lived and the folder lives under the system temp dir.
pub fn scratch_dir(name: &str) -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let base = DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("gblint-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        std::fs::canonicalize(&dir).expect("canonical scratch dir")
    });
    // One leaked path per distinct name; targets use one or two names.
    static SUBDIRS: std::sync::Mutex<Vec<(String, &'static Path)>> =
        std::sync::Mutex::new(Vec::new());
    let mut subdirs = SUBDIRS.lock().expect("scratch lock");
    if let Some((_, path)) = subdirs.iter().find(|(n, _)| n == name) {
        return path;
    }
    let path = base.join(name);
    std::fs::create_dir_all(&path).expect("create scratch subdir");
    let leaked: &'static Path = Box::leak(path.into_boxed_path());
    subdirs.push((name.to_owned(), leaked));
    leaked
}

/// `range` is inside `text` and on character boundaries.
pub fn assert_range_in(text: &str, range: TextRange, what: &str) {
    assert!(
        range.start() <= range.end() && text.get(range.as_range()).is_some(),
        "{what}: range {range:?} is not a slice of the {}-byte text",
        text.len()
    );
}

/// `ranges` cover `text` exactly, in order, without gaps or overlaps.
pub fn assert_tiles(text: &str, ranges: impl IntoIterator<Item = TextRange>, what: &str) {
    let mut cursor = 0u32;
    for range in ranges {
        assert_eq!(
            range.start(),
            cursor,
            "{what}: line {range:?} does not start where the previous one ended"
        );
        assert_range_in(text, range, what);
        cursor = range.end();
    }
    assert_eq!(
        cursor as usize,
        text.len(),
        "{what}: lines end at {cursor}, text is {} bytes",
        text.len()
    );
}

/// Environment for `{$VAR}` substitution: a few fixed names, some with awkward values.
pub fn env(name: &str) -> Option<String> {
    match name {
        "HOST" => Some("example.com".to_owned()),
        "PORT" => Some("8080".to_owned()),
        "BRACE" => Some("{".to_owned()),
        "CLOSE" => Some("}".to_owned()),
        "SPACED" => Some("a b\tc".to_owned()),
        "QUOTE" => Some("\"".to_owned()),
        "EMPTY" => Some(String::new()),
        _ => None,
    }
}

/// Write `bytes` to `path` unless the file already holds exactly them (saves a write per
/// input when the fuzzer keeps the imported part unchanged).
pub fn write_if_changed(path: &Path, bytes: &[u8]) {
    static LAST: std::sync::Mutex<Vec<(PathBuf, Vec<u8>)>> = std::sync::Mutex::new(Vec::new());
    let mut last = LAST.lock().expect("write lock");
    if let Some((_, previous)) = last.iter_mut().find(|(p, _)| p == path) {
        if previous.as_slice() == bytes {
            return;
        }
        std::fs::write(path, bytes).expect("write scratch file");
        *previous = bytes.to_vec();
        return;
    }
    std::fs::write(path, bytes).expect("write scratch file");
    last.push((path.to_path_buf(), bytes.to_vec()));
}
