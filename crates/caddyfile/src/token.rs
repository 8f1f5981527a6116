//! Tokens of the Caddy view: what Caddy's parser works on after env substitution and imports,
//! each pointing back at the file and bytes it came from.

use std::sync::Arc;

use gblint_diagnostics::{FileId, TextRange};

use crate::lexer::{Quote, RawToken};
pub use crate::origin::{ImportSite, Origin};
use crate::text::TokenText;

/// A token as Caddy's parser sees it.
///
/// Its raw bytes are not a field: they follow from its text and quoting
/// ([`CaddyToken::range`], see [`TokenText`]), which keeps a token at three words.
#[derive(Clone, Debug)]
pub struct CaddyToken {
    /// Value after substitutions: a slice of the file's text unless a substitution changed it
    /// (see [`TokenText`]), shared by every copy of the token. Make a token with another value
    /// through [`CaddyToken::with_text`] (assigning this field would lose its bytes).
    pub text: TokenText,
    /// Caddy's line number in its file.
    pub line: u32,
    /// Quoting.
    pub quote: Quote,
}

impl CaddyToken {
    /// A token with value `text`, on Caddy's line `line`, quoted `quote`, read from the bytes
    /// `range` of its file's original text (a `{$VAR}` expansion maps to the whole `{$VAR}`).
    #[inline]
    pub fn new(text: TokenText, line: u32, quote: Quote, range: TextRange) -> Self {
        CaddyToken {
            text: text.with_raw_range(quote, range),
            line,
            quote,
        }
    }

    /// Bytes in the token's file's original text (a `{$VAR}` expansion maps to the whole
    /// `{$VAR}`).
    #[inline]
    pub fn range(&self) -> TextRange {
        self.text.raw_range(self.quote)
    }

    /// This token read from the bytes `range` instead (same value, file, origin and line).
    pub fn with_range(&self, range: TextRange) -> CaddyToken {
        CaddyToken::new(self.text.clone(), self.line, self.quote, range)
    }

    /// File the token was read from (kept with its text: see [`TokenText`]).
    pub fn file(&self) -> FileId {
        self.text.file()
    }

    /// Import chain and snippet (see [`CaddyToken::chain`], [`CaddyToken::snippet`]).
    pub fn origin(&self) -> &Arc<Origin> {
        self.text.origin()
    }

    /// Imports that brought the token here, outermost first; empty for the root file.
    pub fn chain(&self) -> &Arc<[ImportSite]> {
        &self.origin().chain
    }

    /// The snippet the token was defined in, if any.
    pub fn snippet(&self) -> Option<&Arc<str>> {
        self.origin().snippet.as_ref()
    }

    /// This token with `value` for its text (same file, origin, bytes and line).
    pub fn with_text(&self, value: &str) -> CaddyToken {
        CaddyToken::new(
            self.text.replaced(value),
            self.line,
            self.quote,
            self.range(),
        )
    }

    /// This token with the first `len` bytes of its value (`len` on a character boundary;
    /// same file, origin, bytes and line), sharing its text.
    pub fn with_prefix(&self, len: usize) -> CaddyToken {
        CaddyToken::new(self.text.prefix(len), self.line, self.quote, self.range())
    }

    /// Whether the token is an unquoted `{`.
    pub fn is_open_brace(&self) -> bool {
        self.quote == Quote::None && &*self.text == "{"
    }

    /// Whether the token is an unquoted `}`.
    pub fn is_close_brace(&self) -> bool {
        self.quote == Quote::None && &*self.text == "}"
    }

    /// Line breaks inside the token as Caddy counts them.
    pub fn line_breaks(&self) -> u32 {
        let bytes = self.text.as_bytes();
        // Nearly every token is one line: one `memchr` instead of a count over its bytes.
        let breaks = if bytes.contains(&b'\n') {
            u32::try_from(bytes.iter().filter(|b| **b == b'\n').count()).unwrap_or(u32::MAX)
        } else {
            0
        };
        if self.quote == Quote::Heredoc {
            breaks.saturating_add(2)
        } else {
            breaks
        }
    }

    /// Whether the token was quoted in any way.
    pub fn is_quoted(&self) -> bool {
        self.quote != Quote::None
    }
}

impl From<RawToken> for CaddyToken {
    /// The Caddy-view token of a lexed one; its text knows its file and origin when it was
    /// lexed from a [`crate::text::SharedText::for_file`].
    fn from(token: RawToken) -> Self {
        CaddyToken::new(token.text, token.line, token.quote, token.range)
    }
}

impl PartialEq for CaddyToken {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
            && self.line == other.line
            && self.quote == other.quote
            && self.range() == other.range()
            && self.file() == other.file()
            && self.origin() == other.origin()
    }
}

impl Eq for CaddyToken {}

/// Caddy's `isNextOnNewLine`: tokens from different files or import chains are on different
/// lines; otherwise compare lines, counting the line breaks inside the first token.
pub fn is_next_on_new_line(first: &CaddyToken, second: &CaddyToken) -> bool {
    // Two slices of one shared text have the same file and origin: only the lines differ.
    if first.text.shares_base_with(&second.text) {
        return ends_before_line(first, second.line);
    }
    if first.file() != second.file() {
        return true;
    }
    if !Arc::ptr_eq(first.origin(), second.origin())
        && !Arc::ptr_eq(first.chain(), second.chain())
        && first.chain()[..] != second.chain()[..]
    {
        return true;
    }
    ends_before_line(first, second.line)
}

/// Whether `token`, counting the line breaks inside it, ends on a line before `line`. The
/// breaks are counted only when they can matter: a token never ends before the line it starts
/// on, so the next token on the same line (an argument after its directive's name) is answered
/// without reading the token's bytes.
#[inline]
fn ends_before_line(token: &CaddyToken, line: u32) -> bool {
    line > token.line && token.line.saturating_add(token.line_breaks()) < line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_three_words() {
        // File, origin and (for the rare token whose bytes do not follow from its text) the
        // raw range live in the text's base: a token is its text handle (16 bytes), line and
        // quote. Every server block and typed-view token is one.
        assert_eq!(std::mem::size_of::<CaddyToken>(), 24);
    }

    #[test]
    fn a_token_keeps_its_bytes_whatever_its_value() {
        use crate::text::SharedText;
        let shared = SharedText::new(Arc::from("a \"b\" c, `d` \"e"));
        let bare = CaddyToken::new(shared.slice(0, 1), 1, Quote::None, TextRange::new(0, 1));
        assert_eq!(bare.range(), TextRange::new(0, 1));
        let quoted = CaddyToken::new(shared.slice(3, 4), 1, Quote::Double, TextRange::new(2, 5));
        assert_eq!(quoted.range(), TextRange::new(2, 5));
        let key = CaddyToken::new(shared.slice(6, 8), 1, Quote::None, TextRange::new(6, 8));
        let trimmed = key.with_prefix(1);
        assert_eq!(
            (&*trimmed.text, trimmed.range()),
            ("c", TextRange::new(6, 8))
        );
        let changed = quoted.with_text("B");
        assert_eq!(
            (&*changed.text, changed.range()),
            ("B", TextRange::new(2, 5))
        );
        // An unclosed quote: the bytes run to the end, one past the value only at the start.
        let open = CaddyToken::new(
            shared.slice(14, 15),
            1,
            Quote::Double,
            TextRange::new(13, 15),
        );
        assert_eq!(open.range(), TextRange::new(13, 15));
        let moved = bare.with_range(TextRange::new(0, 5));
        assert_eq!((&*moved.text, moved.range()), ("a", TextRange::new(0, 5)));
        assert_eq!(bare, bare.clone());
        assert_ne!(bare, moved);
    }
}
