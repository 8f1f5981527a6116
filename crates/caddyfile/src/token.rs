//! Tokens of the Caddy view: what Caddy's parser works on after env substitution and imports,
//! each pointing back at the file and bytes it came from.

use std::sync::Arc;

use gblint_diagnostics::{FileId, TextRange};

use crate::lexer::{Quote, RawToken};
pub use crate::origin::{ImportSite, Origin};
use crate::text::TokenText;

/// A token as Caddy's parser sees it.
#[derive(Clone, Debug)]
pub struct CaddyToken {
    /// Value after substitutions: a slice of the file's text unless a substitution changed it
    /// (see [`TokenText`]), shared by every copy of the token.
    pub text: TokenText,
    /// Caddy's line number in its file.
    pub line: u32,
    /// Quoting.
    pub quote: Quote,
    /// Bytes in the token's file's original text (a `{$VAR}` expansion maps to the whole
    /// `{$VAR}`).
    pub range: TextRange,
}

impl CaddyToken {
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
        CaddyToken {
            text: self.text.replaced(value),
            ..self.clone()
        }
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
        CaddyToken {
            text: token.text,
            line: token.line,
            quote: token.quote,
            range: token.range,
        }
    }
}

impl PartialEq for CaddyToken {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
            && self.line == other.line
            && self.quote == other.quote
            && self.range == other.range
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
        return first.line.saturating_add(first.line_breaks()) < second.line;
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
    first.line.saturating_add(first.line_breaks()) < second.line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_four_words() {
        // File and origin live in the shared text base: a token is its text handle (16
        // bytes), its bytes, line and quote. Every server block and typed-view token is one.
        assert_eq!(std::mem::size_of::<CaddyToken>(), 32);
    }
}
