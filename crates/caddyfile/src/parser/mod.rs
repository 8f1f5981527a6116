//! Caddy's block parser (`parse.go`): groups tokens into server blocks and segments, expands
//! `import` (snippets and files, with `{args[…]}`, `{block}`, `{blocks.KEY}`), and records
//! snippets and named routes.
//!
//! Split as Caddy splits it: [`dispenser`] (the cursor over tokens, one for the file's token
//! stream and for an import's block), `parse` (server blocks, directives, `import`),
//! `import_args` (`{args[…]}`, `{block}`, `{blocks.KEY}`) and `import_graph` (cycle detection).
//!
//! Behaviour and error wording follow Caddy v2. Where Caddy stops at its first error, this
//! parser records the error and resumes after the enclosing top-level block (a failed import
//! is dropped instead), so one run reports every independent problem in a file.

pub mod dispenser;
mod import_args;
mod import_graph;
mod parse;

use std::sync::Arc;

use gblint_diagnostics::{FileId, TextRange};

use crate::import::ImportContext;
use crate::lexer::{LexError, TokenStream};
use crate::token::{CaddyToken, ImportSite};

/// Upper bound on tokens after import expansion; beyond it expansion stops with an error
/// (snippets importing snippets can otherwise grow exponentially).
pub const MAX_EXPANDED_TOKENS: usize = 4_000_000;

/// Upper bound on errors recorded per file.
pub(super) const MAX_ERRORS: usize = 200;

/// A server block: keys (site addresses, or a snippet / named-route name) and segments.
#[derive(Clone, Debug, Default)]
pub struct ServerBlock {
    /// Whether the block was written with braces.
    pub has_braces: bool,
    /// The keys; empty for the global options block.
    pub keys: Vec<CaddyToken>,
    /// One segment per directive: its line plus the block it opens.
    pub segments: Vec<Vec<CaddyToken>>,
    /// Whether this is a named route `&(name)`.
    pub is_named_route: bool,
    /// The opening `{` of the block, when it has braces.
    pub open_brace: Option<CaddyToken>,
    /// The closing `}` of the block, when it has one.
    pub close_brace: Option<CaddyToken>,
}

/// A snippet definition `(name) { … }`.
#[derive(Clone, Debug)]
pub struct SnippetDef {
    /// The name without parentheses.
    pub name: String,
    /// The `(name)` key token.
    pub key: CaddyToken,
    /// Body tokens.
    pub tokens: Vec<CaddyToken>,
}

/// What kind of failure a parse error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// A tokenizer error (heredocs).
    Lexer,
    /// A structural error (braces, keys, cycles, glob syntax).
    Syntax,
    /// An `import` names nothing: a missing file (Caddy refuses it too).
    Import,
    /// An `import` gblint does not follow: it leads outside the root gblint may read. Caddy
    /// may find files there; these are kept apart from the errors ([`Parsed::not_followed`]).
    NotFollowed,
}

/// One parse error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Category.
    pub kind: ParseErrorKind,
    /// Caddy's wording, without its `, at FILE:LINE` suffix (the span says where).
    pub message: String,
    /// File of the offending token.
    pub file: FileId,
    /// Bytes of the offending token.
    pub range: TextRange,
    /// Caddy's line number of the offending token.
    pub line: u32,
    /// Import chain of the offending token.
    pub chain: Arc<[ImportSite]>,
}

/// Result of parsing one root Caddyfile.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// Server blocks in order (snippets are not included).
    pub blocks: Vec<ServerBlock>,
    /// Snippets in definition order.
    pub snippets: Vec<SnippetDef>,
    /// Every error.
    pub errors: Vec<ParseError>,
    /// Files pulled in by `import`, in first-import order.
    pub imported_files: Vec<FileId>,
    /// Imports not followed because they lead outside the root (kind [`ParseErrorKind::NotFollowed`]).
    pub not_followed: Vec<ParseError>,
}

/// Parse a root file's tokens.
pub fn parse(root: FileId, tokens: Vec<CaddyToken>, ctx: &mut ImportContext<'_>) -> Parsed {
    let mut blocks = Vec::new();
    let (mut parsed, _) =
        parse::Parser::run(root, tokens, None, ctx, &mut |block| blocks.push(block));
    parsed.blocks = blocks;
    parsed
}

/// Parse a root file's tokens, handing each server block to `sink` as soon as it is complete
/// instead of collecting them ([`Parsed::blocks`] stays empty): the typed view is built block by
/// block, so the server blocks of a large file are never all in memory at once.
pub fn parse_into(
    root: FileId,
    tokens: Vec<CaddyToken>,
    ctx: &mut ImportContext<'_>,
    sink: &mut dyn FnMut(ServerBlock),
) -> Parsed {
    parse::Parser::run(root, tokens, None, ctx, sink).0
}

/// [`parse_into`] reading the root file's tokens from `stream` as the parse goes, so they are
/// never all held at once; also returns the lexer's errors (those of the whole text).
pub(crate) fn parse_stream_into(
    root: FileId,
    stream: TokenStream,
    ctx: &mut ImportContext<'_>,
    sink: &mut dyn FnMut(ServerBlock),
) -> (Parsed, Vec<LexError>) {
    parse::Parser::run(root, Vec::new(), Some(stream), ctx, sink)
}
