use crate::TextRange;

/// Line and column of a byte offset, both 1-based; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters (Unicode code points) from the start of the line.
    pub column: u32,
}

/// Offsets of line starts, computed once per file, so rendering a span costs a binary search.
///
/// Lines end at `\n`; a `\r` before it belongs to the line, as in every tool gblint mirrors.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    /// Index the given text.
    pub fn new(text: &str) -> Self {
        // memchr finds the newlines a word at a time (SIMD where the CPU has it): indexing a
        // large file for one finding's line was a byte loop over all of it. They are counted
        // first so the list is allocated once at its size: a guessed capacity that ran short
        // doubled it, and a large file's index then took twice its size, with the smaller
        // lists it outgrew freed but kept by the allocator.
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
        line_starts.push(0);
        line_starts.extend(
            memchr::memchr_iter(b'\n', bytes).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        LineIndex { line_starts }
    }

    /// Number of lines (a text without a final newline still counts its last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line number containing `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte range of 0-based line `line`, without its `\n`.
    pub fn line_range(&self, line: usize, text: &str) -> TextRange {
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .map(|next| next - 1)
            .unwrap_or_else(|| u32::try_from(text.len()).unwrap_or(u32::MAX));
        TextRange::new(start, end.max(start))
    }

    /// Byte offset where 0-based line `line` starts (clamped to the last line).
    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts[line.min(self.line_starts.len() - 1)]
    }

    /// Line and column of `offset` in `text`.
    pub fn line_col(&self, offset: u32, text: &str) -> LineCol {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text[start..end].chars().count() + 1;
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\ncé d\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(0, text), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(3, text), LineCol { line: 2, column: 1 });
        // 'd' is after a two-byte 'é': byte 7, column 4
        assert_eq!(index.line_col(7, text), LineCol { line: 2, column: 4 });
        assert_eq!(index.line_col(10, text), LineCol { line: 4, column: 1 });
        assert_eq!(index.line_range(1, text), TextRange::new(3, 8));
        assert_eq!(index.line_range(3, text), TextRange::new(10, 11));
    }
}
