use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use crate::{LineCol, LineIndex, TextRange};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// One input file: the path it is reported under and its full text.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    text: Arc<str>,
    line_index: OnceLock<Arc<LineIndex>>,
    /// Bytes [`SourceFile::line_col`] has counted lines over without the index.
    scanned: AtomicU64,
    shown: OnceLock<Option<Arc<crate::escape::EscapedText>>>,
}

impl SourceFile {
    /// A file reported as `path` with contents `text`.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_index: OnceLock::new(),
            scanned: AtomicU64::new(0),
            shown: OnceLock::new(),
        }
    }

    /// The path diagnostics name this file by.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A cheap shared handle to the text.
    pub fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// The line index, built on first use.
    pub fn line_index(&self) -> &LineIndex {
        self.line_index
            .get_or_init(|| Arc::new(LineIndex::new(&self.text)))
    }

    /// A cheap shared handle to the line index (for renderers that outlive the borrow).
    pub fn shared_line_index(&self) -> Arc<LineIndex> {
        Arc::clone(
            self.line_index
                .get_or_init(|| Arc::new(LineIndex::new(&self.text))),
        )
    }

    /// The text with its control characters escaped for display, built once per file; `None`
    /// when the file has none (almost always), so renderers show the text itself.
    pub(crate) fn escaped(&self) -> Option<Arc<crate::escape::EscapedText>> {
        self.shown
            .get_or_init(|| crate::escape::EscapedText::of(&self.text).map(Arc::new))
            .clone()
    }

    /// Line and column of a byte offset.
    ///
    /// Until the file's line index exists, the lines before `offset` are counted instead (a
    /// SIMD count, a small fraction of what indexing every line costs), as long as all such
    /// counts together have read at most four times the text (`DIRECT_SCAN_BUDGET`): a report
    /// of a few findings in a large file then never indexes it, and one of many findings does
    /// so once the counting would cost more.
    pub fn line_col(&self, offset: u32) -> LineCol {
        if let Some(index) = self.line_index.get() {
            return index.line_col(offset, &self.text);
        }
        let len = self.text.len() as u64;
        let offset = offset.min(u32::try_from(len).unwrap_or(u32::MAX));
        let scanned = self
            .scanned
            .fetch_add(u64::from(offset), Ordering::Relaxed)
            .saturating_add(u64::from(offset));
        if scanned <= len.saturating_mul(DIRECT_SCAN_BUDGET) {
            return LineIndex::line_col_unindexed(offset, &self.text);
        }
        self.line_index().line_col(offset, &self.text)
    }

    /// The text covered by `range` (empty when the range is out of bounds).
    pub fn slice(&self, range: TextRange) -> &str {
        self.text.get(range.as_range()).unwrap_or("")
    }
}

/// How many times its text [`SourceFile::line_col`] may read, counting lines, before it
/// indexes the file: counting reads about a quarter of an instruction a byte, indexing
/// several instructions a byte and allocates the index.
const DIRECT_SCAN_BUDGET: u64 = 4;

/// All files of one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a file and return its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX))
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The id of the file reported under `path`, if any.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|file| file.path == path)
            .map(|index| FileId(u32::try_from(index).unwrap_or(u32::MAX)))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the map holds no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every file, in insertion order, moved out of the map: joining the maps of many runs
    /// then moves each file instead of copying its path.
    pub fn into_files(self) -> std::vec::IntoIter<SourceFile> {
        self.files.into_iter()
    }

    /// Every file with its id, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(index, file)| (FileId(u32::try_from(index).unwrap_or(u32::MAX)), file))
    }
}
