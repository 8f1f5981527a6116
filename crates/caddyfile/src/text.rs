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
//!
//! The shared base also says where its tokens came from — their file and their [`Origin`]
//! (import chain and snippet) — because every token slicing one text came the same way: a
//! Caddy-view token needs no fields of its own for them (with the raw range below, 24 bytes
//! instead of 48). A value with its own text keeps the file and origin of the token it
//! replaced ([`TokenText::replaced`]).
//!
//! A token's raw bytes (its range in the file) need no field of their own either: a slice of
//! the file's text is the token's bytes, less its quotes when it was quoted
//! (`TokenText::raw_range`). A value with its own text, or a slice that is not so related
//! to the token's bytes (a site key without its trailing comma, an unclosed quote), keeps the
//! range in its own base (`TokenText::with_raw_range`). A Caddy-view token is so a text
//! handle, a line and a quote: 24 bytes.

use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use gblint_diagnostics::{FileId, TextRange};

use crate::lexer::Quote;
use crate::origin::Origin;

/// The text a [`TokenText`] slices (a file's whole text, or one token's own value) and where
/// the tokens slicing it came from.
#[derive(Debug)]
struct Base {
    text: Arc<str>,
    file: FileId,
    origin: Arc<Origin>,
    /// For a value with its own text: the raw bytes of its token, when known.
    range: Option<TextRange>,
    /// Whether this base is one value's own text (not a text that many values slice).
    owned: bool,
}

/// The bases [`TokenText::with_origin`] made, by the base they copy.
#[derive(Default)]
pub(crate) struct Rebased(HashMap<usize, Arc<Base>>);

/// A token's value: a byte range of a shared text. Dereferences to `&str`.
#[derive(Clone)]
pub struct TokenText {
    base: Arc<Base>,
    start: u32,
    end: u32,
}

/// A text that [`TokenText`]s slice (a file's text, shared by all of its tokens), with the
/// file and origin its tokens report.
#[derive(Clone, Debug)]
pub struct SharedText(Arc<Base>);

/// The file id of values that belong to no file (a lexer run on a detached text).
const NO_FILE: FileId = FileId(u32::MAX);

impl SharedText {
    /// Share `text` (no copy), for tokens of no particular file.
    pub fn new(text: Arc<str>) -> Self {
        Self::for_file(text, NO_FILE, Arc::default())
    }

    /// Share `text` (no copy) for the tokens of `file` that came by `origin`.
    pub fn for_file(text: Arc<str>, file: FileId, origin: Arc<Origin>) -> Self {
        SharedText(Arc::new(Base {
            text,
            file,
            origin,
            range: None,
            owned: false,
        }))
    }

    /// The whole text.
    pub fn as_str(&self) -> &str {
        &self.0.text
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
            _ => self.own(&self.as_str()[start..end]),
        }
    }

    /// `value` as a slice of this text when it equals `start..end`, otherwise its own copy.
    pub fn value(&self, start: usize, end: usize, value: &str) -> TokenText {
        if self.as_str().get(start..end) == Some(value) {
            self.slice(start, end)
        } else {
            self.own(value)
        }
    }

    /// `value` as a text of its own, from this text's file and origin.
    pub fn own(&self, value: &str) -> TokenText {
        own_text(
            Arc::from(value),
            self.0.file,
            Arc::clone(&self.0.origin),
            None,
        )
    }
}

/// A value with its own text.
fn own_text(
    value: Arc<str>,
    file: FileId,
    origin: Arc<Origin>,
    range: Option<TextRange>,
) -> TokenText {
    let end = u32::try_from(value.len()).unwrap_or_else(|_| {
        // Longer than 4 GiB: keep the first 4 GiB (never reached: files are capped).
        let mut cut = u32::MAX as usize;
        while !value.is_char_boundary(cut) {
            cut -= 1;
        }
        cut as u32
    });
    TokenText {
        base: Arc::new(Base {
            text: value,
            file,
            origin,
            range,
            owned: true,
        }),
        start: 0,
        end,
    }
}

impl TokenText {
    /// The value as a string slice.
    pub fn as_str(&self) -> &str {
        // The range was checked against this very text when the handle was made.
        &self.base.text[self.start as usize..self.end as usize]
    }

    /// Whether both values slice one shared text (and so came from one file by one origin).
    pub(crate) fn shares_base_with(&self, other: &TokenText) -> bool {
        Arc::ptr_eq(&self.base, &other.base)
    }

    /// The file the value was read from.
    pub(crate) fn file(&self) -> FileId {
        self.base.file
    }

    /// How the value's token came to its place (import chain and snippet).
    pub(crate) fn origin(&self) -> &Arc<Origin> {
        &self.base.origin
    }

    /// `value` in place of this one, from the same file and origin.
    pub fn replaced(&self, value: &str) -> TokenText {
        own_text(
            Arc::from(value),
            self.base.file,
            Arc::clone(&self.base.origin),
            None,
        )
    }

    /// The raw bytes of the token whose value this is, quoted `quote`: the range kept with an
    /// own text, else this slice of the file widened by the quotes around it.
    #[inline]
    pub(crate) fn raw_range(&self, quote: Quote) -> TextRange {
        if let Some(range) = self.base.range {
            return range;
        }
        let quotes = u32::from(matches!(quote, Quote::Double | Quote::Backtick));
        TextRange::new(
            self.start.saturating_sub(quotes),
            self.end.saturating_add(quotes),
        )
    }

    /// This value for a token quoted `quote` whose raw bytes are `range`: itself when
    /// [`TokenText::raw_range`] already gives `range` (nearly every token), otherwise a value
    /// that keeps `range` (its own text, made for it unless it is already one's alone).
    #[inline]
    pub(crate) fn with_raw_range(self, quote: Quote, range: TextRange) -> TokenText {
        // The common case, a slice of the file that is the token's bytes less its quotes,
        // tested without a call: every token of the parse passes here.
        let quotes = u32::from(matches!(quote, Quote::Double | Quote::Backtick));
        if self.base.range.is_none()
            && self.start.wrapping_sub(quotes) == range.start()
            && self.end.wrapping_add(quotes) == range.end()
        {
            return self;
        }
        self.keep_raw_range(quote, range)
    }

    /// [`TokenText::with_raw_range`] off its common case.
    #[cold]
    fn keep_raw_range(mut self, quote: Quote, range: TextRange) -> TokenText {
        if self.raw_range(quote) == range {
            return self;
        }
        if self.base.owned && self.start == 0 && self.end as usize == self.base.text.len() {
            if let Some(base) = Arc::get_mut(&mut self.base) {
                base.range = Some(range);
                return self;
            }
        }
        own_text(
            Arc::from(self.as_str()),
            self.base.file,
            Arc::clone(&self.base.origin),
            Some(range),
        )
    }

    /// The same value, come by another origin: `rebased` maps this value's base to its copy
    /// with the new origin, so the values of one text keep sharing one base; `origin` makes the
    /// new origin from the old one (called once per base).
    pub(crate) fn with_origin(
        &self,
        rebased: &mut Rebased,
        origin: impl FnOnce(&Arc<Origin>) -> Arc<Origin>,
    ) -> TokenText {
        let base = rebased
            .0
            .entry(Arc::as_ptr(&self.base) as usize)
            .or_insert_with(|| {
                Arc::new(Base {
                    text: Arc::clone(&self.base.text),
                    file: self.base.file,
                    origin: origin(&self.base.origin),
                    range: self.base.range,
                    owned: self.base.owned,
                })
            });
        TokenText {
            base: Arc::clone(base),
            start: self.start,
            end: self.end,
        }
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
    /// A value of no particular file (use [`TokenText::replaced`] to change a token's value).
    fn from(value: Arc<str>) -> Self {
        own_text(value, NO_FILE, Arc::default(), None)
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
        assert_eq!(word.file(), NO_FILE);
        let quoted = shared.value(5, 7, "hi");
        assert!(Arc::ptr_eq(&quoted.base, &shared.0));
        let changed = shared.value(0, 3, "SAY");
        assert_eq!(&*changed, "SAY");
        assert!(!Arc::ptr_eq(&changed.base, &shared.0));
        assert_eq!(std::mem::size_of::<TokenText>(), 16);
    }
}
