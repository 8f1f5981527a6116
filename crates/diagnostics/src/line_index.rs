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
///
/// A large file's index is kept while its findings are rendered, beside its parse: it is
/// stored in blocks of 64 lines, each line as its distance from the start of its
/// block's first line in a `u16` (2 bytes a line instead of 4), unless some block spans
/// more than 64 KiB (lines over 1 KiB on average), when every start is a `u32`.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: LineStarts,
}

/// Lines per block of a compact index.
const BLOCK: usize = 64;

#[derive(Clone, Debug)]
enum LineStarts {
    /// Every line's start.
    Wide(Vec<u32>),
    /// `bases[b]` is where line `b * BLOCK` starts; line `l` starts at
    /// `bases[l / BLOCK] + deltas[l]`.
    Compact { bases: Vec<u32>, deltas: Vec<u16> },
}

impl LineIndex {
    /// Index the given text.
    pub fn new(text: &str) -> Self {
        // memchr finds the newlines a word at a time (SIMD where the CPU has it): indexing a
        // large file for one finding's line was a byte loop over all of it. They are counted
        // first so the lists are allocated once at their size (a guessed capacity that ran
        // short doubled the list, and the smaller ones it outgrew were freed but kept by the
        // allocator).
        let bytes = text.as_bytes();
        let lines = memchr::memchr_iter(b'\n', bytes).count() + 1;
        let starts = Self::compact(bytes, lines).unwrap_or_else(|| {
            let mut starts = Vec::with_capacity(lines);
            starts.push(0);
            starts.extend(
                memchr::memchr_iter(b'\n', bytes).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
            LineStarts::Wide(starts)
        });
        LineIndex { starts }
    }

    /// The compact index of `bytes` (`lines` lines), unless a block spans more than a `u16`
    /// or the text more than a `u32`.
    fn compact(bytes: &[u8], lines: usize) -> Option<LineStarts> {
        u32::try_from(bytes.len()).ok()?;
        let mut bases = Vec::with_capacity(lines.div_ceil(BLOCK));
        let mut deltas = Vec::with_capacity(lines);
        bases.push(0u32);
        deltas.push(0u16);
        let mut base = 0usize;
        for newline in memchr::memchr_iter(b'\n', bytes) {
            let start = newline + 1;
            if deltas.len() % BLOCK == 0 {
                base = start;
                bases.push(u32::try_from(start).ok()?);
                deltas.push(0);
            } else {
                deltas.push(u16::try_from(start - base).ok()?);
            }
        }
        Some(LineStarts::Compact { bases, deltas })
    }

    /// Number of lines (a text without a final newline still counts its last line).
    pub fn line_count(&self) -> usize {
        match &self.starts {
            LineStarts::Wide(starts) => starts.len(),
            LineStarts::Compact { deltas, .. } => deltas.len(),
        }
    }

    /// Where 0-based line `line` (less than [`LineIndex::line_count`]) starts.
    fn start(&self, line: usize) -> u32 {
        match &self.starts {
            LineStarts::Wide(starts) => starts[line],
            LineStarts::Compact { bases, deltas } => bases[line / BLOCK] + u32::from(deltas[line]),
        }
    }

    /// 0-based line number containing `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        // The last line starting at or before `offset` (the first line starts at 0).
        match &self.starts {
            LineStarts::Wide(starts) => starts.partition_point(|&start| start <= offset) - 1,
            LineStarts::Compact { bases, deltas } => {
                let block = bases.partition_point(|&base| base <= offset) - 1;
                let base = bases[block];
                let first = block * BLOCK;
                let lines = &deltas[first..deltas.len().min(first + BLOCK)];
                first + lines.partition_point(|&delta| base + u32::from(delta) <= offset) - 1
            }
        }
    }

    /// Byte range of 0-based line `line`, without its `\n`.
    pub fn line_range(&self, line: usize, text: &str) -> TextRange {
        let start = self.start(line);
        let end = if line + 1 < self.line_count() {
            self.start(line + 1) - 1
        } else {
            u32::try_from(text.len()).unwrap_or(u32::MAX)
        };
        TextRange::new(start, end.max(start))
    }

    /// Byte offset where 0-based line `line` starts (clamped to the last line).
    pub fn line_start(&self, line: usize) -> u32 {
        self.start(line.min(self.line_count() - 1))
    }

    /// [`LineIndex::line_col`] without an index: the lines before `offset` are counted (the
    /// same answer, for a text not worth indexing for one or two offsets).
    pub fn line_col_unindexed(offset: u32, text: &str) -> LineCol {
        let offset = (offset as usize).min(text.len());
        let before = &text.as_bytes()[..offset];
        let line = memchr::memchr_iter(b'\n', before).count();
        let start = memchr::memrchr(b'\n', before).map_or(0, |newline| newline + 1);
        Self::column(text, line, start, offset)
    }

    /// The line and column of `offset`, on 0-based line `line` starting at `start`.
    fn column(text: &str, line: usize, start: usize, offset: usize) -> LineCol {
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text[start..end].chars().count() + 1;
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    /// Line and column of `offset` in `text`.
    pub fn line_col(&self, offset: u32, text: &str) -> LineCol {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = self.line_of(offset);
        Self::column(text, line, self.start(line) as usize, offset as usize)
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
        assert!(matches!(index.starts, LineStarts::Compact { .. }));
        for offset in 0..=12 {
            assert_eq!(
                LineIndex::line_col_unindexed(offset, text),
                index.line_col(offset, text),
                "{offset}"
            );
        }
    }

    /// The compact index answers as a list of every line start does, across block edges,
    /// and a text with a block over 64 KiB falls back to that list.
    #[test]
    fn compact_and_wide_agree() {
        let mut text = String::new();
        for line in 0..1000 {
            text.push_str(&"x".repeat(line % 7));
            text.push(if line % 3 == 0 { '\n' } else { ' ' });
            text.push('\n');
        }
        let compact = LineIndex::new(&text);
        assert!(matches!(compact.starts, LineStarts::Compact { .. }));
        let mut wide_starts = vec![0u32];
        wide_starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
        let wide = LineIndex {
            starts: LineStarts::Wide(wide_starts.clone()),
        };
        assert_eq!(compact.line_count(), wide_starts.len());
        for offset in 0..=text.len() as u32 + 2 {
            assert_eq!(
                compact.line_of(offset),
                wide.line_of(offset),
                "offset {offset}"
            );
        }
        for line in 0..wide_starts.len() + 2 {
            assert_eq!(compact.line_start(line), wide.line_start(line));
            if line < wide_starts.len() {
                assert_eq!(
                    compact.line_range(line, &text),
                    wide.line_range(line, &text)
                );
            }
        }
        let long = format!("a\n{}\nb\n", "y".repeat(70_000));
        let index = LineIndex::new(&long);
        assert!(matches!(index.starts, LineStarts::Wide(_)));
        assert_eq!(index.line_of(70_003), 2);
        assert_eq!(
            index.line_col(70_003, &long),
            LineCol { line: 3, column: 1 }
        );
    }
}
