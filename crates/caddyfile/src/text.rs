//! [`TokenText`]: a token's value without a heap string of its own.
//!
//! Nearly every token's value is a slice of the text it was read from (a bare word, or a quoted
//! one without escapes). Such a value is stored as that slice: a shared handle on the whole text
//! plus a byte range, so a file of a million tokens makes no per-token allocation, and copying a
//! token (the server blocks and the typed view each hold one) only bumps a reference count. A
//! value that is not a slice of its source (`\"` unescaped, heredoc padding stripped, `{$ENV}`
//! substituted, `{args[0]}` replaced, a site key without its trailing comma) gets its own text.
//! The handle is one pointer and two `u32`s (16 bytes); the `Arc<str>` it replaced was as large
//! and carried a heap block per token besides.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// The text a [`TokenText`] slices: a file's whole text, or one token's own value.
#[derive(Debug)]
struct Base(Arc<str>);

/// A token's value: a byte range of a shared text. Dereferences to `&str`.
#[derive(Clone)]
pub struct TokenText {
    base: Arc<Base>,
    start: u32,
    end: u32,
}

/// A text that [`TokenText`]s slice (a file's text, shared by all of its tokens).
#[derive(Clone, Debug)]
pub struct SharedText(Arc<Base>);

impl SharedText {
    /// Share `text` (no copy).
    pub fn new(text: Arc<str>) -> Self {
        SharedText(Arc::new(Base(text)))
    }

    /// The whole text.
    pub fn as_str(&self) -> &str {
        &self.0 .0
    }

    /// The value `start..end` of this text. The range must lie on character boundaries.
    pub fn slice(&self, start: usize, end: usize) -> TokenText {
        debug_assert!(self.as_str().is_char_boundary(start) && self.as_str().is_char_boundary(end));
        match (u32::try_from(start), u32::try_from(end)) {
            (Ok(start), Ok(end)) => TokenText {
                base: Arc::clone(&self.0),
                start,
                end,
            },
            // Files are capped far below 4 GiB; should one not be, the value is copied.
            _ => TokenText::from(&self.as_str()[start..end]),
        }
    }

    /// `value` as a slice of this text when it equals `start..end`, otherwise its own copy.
    pub fn value(&self, start: usize, end: usize, value: &str) -> TokenText {
        if self.as_str().get(start..end) == Some(value) {
            self.slice(start, end)
        } else {
            TokenText::from(value)
        }
    }
}

impl TokenText {
    /// The value as a string slice.
    pub fn as_str(&self) -> &str {
        // The range was checked against this very text when the handle was made.
        &self.base.0[self.start as usize..self.end as usize]
    }
}

impl TokenText {
    /// The first `len` bytes of the value (`len` on a character boundary), sharing its text.
    pub fn prefix(&self, len: usize) -> TokenText {
        debug_assert!(self.as_str().is_char_boundary(len));
        let len = u32::try_from(len)
            .unwrap_or(u32::MAX)
            .min(self.end - self.start);
        TokenText {
            base: Arc::clone(&self.base),
            start: self.start,
            end: self.start + len,
        }
    }
}

impl From<&str> for TokenText {
    fn from(value: &str) -> Self {
        TokenText::from(Arc::<str>::from(value))
    }
}

impl From<String> for TokenText {
    fn from(value: String) -> Self {
        TokenText::from(Arc::<str>::from(value))
    }
}

impl From<Arc<str>> for TokenText {
    fn from(value: Arc<str>) -> Self {
        let end = u32::try_from(value.len()).unwrap_or(u32::MAX);
        let end = if end as usize == value.len() {
            end
        } else {
            // Longer than 4 GiB: keep the first 4 GiB (never reached: files are capped).
            let mut cut = u32::MAX as usize;
            while !value.is_char_boundary(cut) {
                cut -= 1;
            }
            cut as u32
        };
        TokenText {
            base: Arc::new(Base(value)),
            start: 0,
            end,
        }
    }
}

impl Deref for TokenText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for TokenText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for TokenText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for TokenText {}

impl PartialEq<str> for TokenText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for TokenText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::hash::Hash for TokenText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for TokenText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for TokenText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_share_the_text_and_changed_values_are_copies() {
        let shared = SharedText::new(Arc::from("say \"hi\" there"));
        let word = shared.value(0, 3, "say");
        assert_eq!(&*word, "say");
        assert!(Arc::ptr_eq(&word.base, &shared.0));
        let quoted = shared.value(5, 7, "hi");
        assert!(Arc::ptr_eq(&quoted.base, &shared.0));
        let changed = shared.value(0, 3, "SAY");
        assert_eq!(&*changed, "SAY");
        assert!(!Arc::ptr_eq(&changed.base, &shared.0));
        assert_eq!(std::mem::size_of::<TokenText>(), 16);
    }
}
