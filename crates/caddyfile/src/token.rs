//! Tokens of the Caddy view: what Caddy's parser works on after env substitution and imports,
//! each pointing back at the file and bytes it came from.

use std::sync::Arc;

use gblint_diagnostics::{FileId, TextRange};

use crate::lexer::Quote;
use crate::text::TokenText;

/// Where an `import` pulled a token in: one step of a token's import chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSite {
    /// File of the `import` directive.
    pub file: FileId,
    /// Caddy's line of the `import` directive.
    pub line: u32,
    /// The `import` keyword's bytes.
    pub range: TextRange,
    /// The snippet imported, when the import named a snippet.
    pub snippet: Option<Arc<str>>,
}

/// Where a Caddy-view token came from beyond its file: the imports that brought it and the
/// snippet it was defined in. Shared by every token with the same origin (one per file for a
/// root file's tokens), so a token carries one pointer for both.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// Imports that brought the token here, outermost first; empty for the root file.
    pub chain: Arc<[ImportSite]>,
    /// The snippet the token was defined in, if any.
    pub snippet: Option<Arc<str>>,
}

/// A token as Caddy's parser sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaddyToken {
    /// Value after substitutions: a slice of the file's text unless a substitution changed it
    /// (see [`TokenText`]), shared by every copy of the token.
    pub text: TokenText,
    /// Caddy's line number in its file.
    pub line: u32,
    /// Quoting.
    pub quote: Quote,
    /// File the token was read from.
    pub file: FileId,
    /// Bytes in that file's original text (a `{$VAR}` expansion maps to the whole `{$VAR}`).
    pub range: TextRange,
    /// Import chain and snippet (see [`CaddyToken::chain`], [`CaddyToken::snippet`]).
    pub origin: Arc<Origin>,
}

impl CaddyToken {
    /// Imports that brought the token here, outermost first; empty for the root file.
    pub fn chain(&self) -> &Arc<[ImportSite]> {
        &self.origin.chain
    }

    /// The snippet the token was defined in, if any.
    pub fn snippet(&self) -> Option<&Arc<str>> {
        self.origin.snippet.as_ref()
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
        let breaks =
            u32::try_from(self.text.bytes().filter(|b| *b == b'\n').count()).unwrap_or(u32::MAX);
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

/// Caddy's `isNextOnNewLine`: tokens from different files or import chains are on different
/// lines; otherwise compare lines, counting the line breaks inside the first token.
pub fn is_next_on_new_line(first: &CaddyToken, second: &CaddyToken) -> bool {
    if first.file != second.file {
        return true;
    }
    if !Arc::ptr_eq(&first.origin, &second.origin)
        && !Arc::ptr_eq(first.chain(), second.chain())
        && first.chain()[..] != second.chain()[..]
    {
        return true;
    }
    first.line.saturating_add(first.line_breaks()) < second.line
}
