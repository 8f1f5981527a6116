use serde::{Deserialize, Serialize};

use crate::TextRange;

/// How safe it is to apply a fix without looking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown only; never applied automatically (it needs a value only a person knows).
    DisplayOnly,
    /// Applied with `--fix --unsafe`: it keeps the file valid but may change behaviour.
    Unsafe,
    /// Applied with `--fix`: it keeps the file valid and only restores the intended behaviour.
    Safe,
}

impl Applicability {
    /// Lowercase name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// Replace the bytes of `range` with `content` (an insertion when the range is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Bytes to replace.
    pub range: TextRange,
    /// Replacement text.
    pub content: String,
}

impl Edit {
    /// Insert `content` at `offset`.
    pub fn insertion(offset: u32, content: impl Into<String>) -> Self {
        Edit {
            range: TextRange::empty(offset),
            content: content.into(),
        }
    }

    /// Replace `range` with `content`.
    pub fn replacement(range: TextRange, content: impl Into<String>) -> Self {
        Edit {
            range,
            content: content.into(),
        }
    }

    /// Delete `range`.
    pub fn deletion(range: TextRange) -> Self {
        Edit {
            range,
            content: String::new(),
        }
    }
}

/// Edits that resolve one diagnostic, applied together or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, in the imperative ("add a storage block").
    pub title: String,
    /// Non-overlapping edits, in any order.
    pub edits: Vec<Edit>,
    /// How safe the fix is.
    pub applicability: Applicability,
}

impl Fix {
    /// A safe fix.
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            title: title.into(),
            edits,
            applicability: Applicability::Safe,
        }
    }

    /// An unsafe fix.
    pub fn unsafe_edit(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            title: title.into(),
            edits,
            applicability: Applicability::Unsafe,
        }
    }

    /// A fix that is only displayed.
    pub fn display_only(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            title: title.into(),
            edits,
            applicability: Applicability::DisplayOnly,
        }
    }
}

/// Apply non-overlapping edits to `text`. Returns `None` when two edits overlap or one is out of
/// bounds, so a caller never writes a half-applied result.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
    // The exact length of the result: growing a buffer sized for the old text by a single
    // insertion would double its capacity (32 MB held for a 16 MB file).
    let removed: usize = sorted.iter().map(|edit| edit.range.as_range().len()).sum();
    let added: usize = sorted.iter().map(|edit| edit.content.len()).sum();
    let mut out = String::with_capacity((text.len() + added).saturating_sub(removed));
    let mut cursor = 0usize;
    for edit in sorted {
        let range = edit.range.as_range();
        if range.start < cursor
            || range.end > text.len()
            || !text.is_char_boundary(range.start)
            || !text.is_char_boundary(range.end)
        {
            return None;
        }
        out.push_str(&text[cursor..range.start]);
        out.push_str(&edit.content);
        cursor = range.end;
    }
    out.push_str(&text[cursor..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_order_and_rejects_overlap() {
        let text = "hello world";
        let edits = vec![
            Edit::replacement(TextRange::new(6, 11), "there"),
            Edit::insertion(0, ">> "),
        ];
        assert_eq!(apply_edits(text, &edits).as_deref(), Some(">> hello there"));
        let overlapping = vec![
            Edit::replacement(TextRange::new(0, 5), "a"),
            Edit::replacement(TextRange::new(4, 6), "b"),
        ];
        assert_eq!(apply_edits(text, &overlapping), None);
    }
}
