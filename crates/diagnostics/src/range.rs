use std::fmt;
use std::ops::Range;

/// A half-open byte range `start..end` into one file's text.
///
/// Offsets are `u32`: gblint refuses inputs larger than 4 GiB long before they reach a parser.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct TextRange {
    start: u32,
    end: u32,
}

impl TextRange {
    /// A range from `start` to `end`; `start` must not be past `end`.
    pub fn new(start: u32, end: u32) -> Self {
        debug_assert!(start <= end, "range start {start} after end {end}");
        TextRange { start, end }
    }

    /// A range from `usize` offsets (saturating at `u32::MAX`).
    pub fn from_usize(start: usize, end: usize) -> Self {
        Self::new(to_u32(start), to_u32(end))
    }

    /// An empty range at `offset`.
    pub fn empty(offset: u32) -> Self {
        TextRange {
            start: offset,
            end: offset,
        }
    }

    /// First byte of the range.
    pub fn start(self) -> u32 {
        self.start
    }

    /// One past the last byte of the range.
    pub fn end(self) -> u32 {
        self.end
    }

    /// Length in bytes.
    pub fn len(self) -> u32 {
        self.end - self.start
    }

    /// Whether the range covers no bytes.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest range covering both.
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Whether `offset` lies inside the range (end exclusive).
    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Whether `other` lies entirely inside this range.
    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The range as `usize` offsets, for slicing.
    pub fn as_range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<TextRange> for Range<usize> {
    fn from(range: TextRange) -> Self {
        range.as_range()
    }
}
