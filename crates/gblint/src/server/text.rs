//! Positions the way LSP counts them: zero-based lines, and columns in UTF-16 code units
//! (a character outside the Basic Multilingual Plane counts two, an `é` one, while gblint's
//! spans count bytes).

use lsp_types::{Position, Range};

/// Line starts of one text, to turn byte offsets into LSP positions and back.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineIndex { text, starts }
    }

    /// The position of byte `offset` (clamped to the text, and back to a character boundary).
    pub(crate) fn position(&self, offset: u32) -> Position {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let character: usize = self.text[self.starts[line]..offset]
            .chars()
            .map(char::len_utf16)
            .sum();
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(character).unwrap_or(u32::MAX),
        )
    }

    /// The range of bytes `start..end`.
    pub(crate) fn range(&self, start: u32, end: u32) -> Range {
        Range::new(self.position(start), self.position(end))
    }

    /// The byte offset of `position` (clamped to its line, and to the text).
    pub(crate) fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |at| start + at);
        let mut units = 0;
        for (at, c) in self.text[start..line_end].char_indices() {
            if units >= position.character as usize {
                return start + at;
            }
            units += c.len_utf16();
        }
        line_end
    }

    /// The range covering the whole text.
    pub(crate) fn whole(&self) -> Range {
        Range::new(
            Position::new(0, 0),
            self.position(u32::try_from(self.text.len()).unwrap_or(u32::MAX)),
        )
    }

    /// The text of line `line` (zero-based), without its line break.
    pub(crate) fn line(&self, line: u32) -> &'a str {
        let Some(&start) = self.starts.get(line as usize) else {
            return "";
        };
        let text = &self.text[start..];
        text.split('\n').next().unwrap_or("").trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_after_non_ascii_text() {
        // `é` is two bytes and one UTF-16 unit; `𝄞` four bytes and two units.
        let text = "ab\n# é𝄞 x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(index.position(x), Position::new(1, 6));
        assert_eq!(index.offset(Position::new(1, 6)), x as usize);
        assert_eq!(index.position(0), Position::new(0, 0));
        assert_eq!(index.whole().end, Position::new(2, 0));
        assert_eq!(index.line(1), "# é𝄞 x");
    }
}
