//! Caddy v2 Caddyfile support for gblint: a tokenizer faithful to Caddy's (quirks included), a
//! lossless syntax tree, Caddy's block parser with `import`/snippet/`{$ENV}` expansion, and a
//! typed view (global options, sites with parsed addresses, directives with sub-blocks).
//!
//! Two views of one file, by design:
//! * the **lossless tree** ([`SyntaxTree`]) is built from the text as written: every byte is in
//!   a token, so `tree.print(text) == text`, and comments are available for suppressions and
//!   fixes;
//! * the **Caddy view** ([`parse_blocks`], [`Caddyfile::model`]) is what Caddy's adapter
//!   receives: env variables substituted, imports expanded, each token still pointing at the
//!   file and bytes it came from.
//!
//! Three token types, one per stage: a [`RawToken`] is what the lexer read from one file (value,
//! line, quoting, raw bytes); a [`TreeToken`] is a leaf of the lossless tree (a raw token or the
//! trivia between two); a [`CaddyToken`] is a token of the Caddy view (after `{$ENV}` and
//! `import`, with its file and import chain). None holds a heap string of its own unless a
//! substitution changed its value ([`TokenText`]).
//!
//! Parsing never fails: [`parse`] returns both views plus every error found, with Caddy's
//! wording. The tokenizer is hand-written (Caddy's lexer is context-sensitive: heredocs, quote
//! kinds, comment-only-at-token-start); it runs at roughly the speed of a byte scan, see the
//! benchmark numbers in the project's `docs/benchmarks.md`.
//!
//! ```
//! use gblint_caddyfile::{parse, ImportContext};
//! use gblint_diagnostics::{SourceFile, SourceMap};
//!
//! let mut sources = SourceMap::new();
//! let file = sources.add(SourceFile::new("Caddyfile", "example.com {\n\treverse_proxy localhost:8080\n}\n"));
//! let no_env = |_: &str| None;
//! let mut ctx = ImportContext::new(&mut sources, &no_env);
//! let caddyfile = parse(file, &mut ctx);
//! assert!(caddyfile.errors.is_empty());
//! assert_eq!(&*caddyfile.model.sites[0].addresses[0].token.text, "example.com");
//! assert_eq!(caddyfile.model.sites[0].directives[0].name(), "reverse_proxy");
//! ```
//!
//! **Internal to gblint, with no stability promise**: embed gblint through the `gblint`
//! crate, which is its library API. This crate is published only because `gblint` is built
//! from it; like rust-analyzer's `ra_ap_` crates, any release may change or remove any item.
#![deny(missing_docs)]

pub mod address;
pub mod env;
pub mod format;
pub mod import;
pub mod lexer;
pub mod model;
pub mod origin;
pub mod parser;
pub mod stock;
pub mod syntax;
pub mod text;
pub mod token;

use std::sync::Arc;

use gblint_diagnostics::FileId;

pub use address::{parse_address, Address, AddressView};
pub use import::{ImportContext, SecretScan};
pub use lexer::{tokenize, tokenize_shared, Lexed, Quote, RawToken};
pub use model::{Directive, GlobalOptions, Model, NamedRoute, Site, SiteAddress};
pub use parser::{ParseError, ParseErrorKind, ServerBlock, SnippetDef};
pub use syntax::{NodeKind, SyntaxElement, SyntaxKind, SyntaxNode, SyntaxTree, TreeToken};
pub use text::{SharedText, TokenText};
pub use token::{CaddyToken, ImportSite, Origin};

/// Everything gblint knows about one root Caddyfile.
///
/// It keeps what the checks read for the whole run, and nothing twice: the typed view and the
/// errors. Caddy's server blocks are handed to the typed view one by one as the parser
/// completes them ([`parse_blocks`] collects them, for tests of the parser), and the root
/// file's lexed tokens are not kept: the lossless tree and its tokens are derived from the
/// file's text when asked for ([`Caddyfile::lex`], [`Caddyfile::syntax_tokens`],
/// [`Caddyfile::tree`]), which only suppression comments and comments holding a backslash need.
#[derive(Clone, Debug)]
pub struct Caddyfile {
    /// The root file.
    pub file: FileId,
    /// Whether the root file starts with a byte-order mark.
    pub bom: bool,
    /// Snippets defined (in the root file or in imported files).
    pub snippets: Vec<SnippetDef>,
    /// The typed view.
    pub model: Model,
    /// Every error: lexer, parser, import and structural (adapter) errors.
    pub errors: Vec<ParseError>,
    /// Files pulled in by `import`.
    pub imported_files: Vec<FileId>,
    /// Imports gblint did not follow because they lead outside what it may read (the checked
    /// folder or machine folder): Caddy may well find files there, so these are not errors.
    pub not_followed: Vec<ParseError>,
    /// `{$VAR}` placeholders that expand to nothing, in the root file and every imported file.
    pub empty_env: Vec<(FileId, env::EmptyPlaceholder)>,
}

impl Caddyfile {
    /// The root file's tokens as written (what the lexer read when the file was parsed);
    /// `text` is that file's text (from the source map).
    pub fn lex(&self, text: &str) -> Lexed {
        tokenize(text)
    }

    /// The root file's tokens as written, significant and trivia, tiling its text (the leaves
    /// of [`Caddyfile::tree`]); `text` is that file's text (from the source map). A
    /// [`TreeToken::lexed`] index points into the tokens of [`Caddyfile::lex`].
    pub fn syntax_tokens(&self, text: &str) -> Vec<TreeToken> {
        syntax::tile_tokens(text, &self.lex(text).tokens, self.bom)
    }

    /// The lossless tree of the root file; `text` is that file's text (from the source map).
    pub fn tree(&self, text: &str) -> SyntaxTree {
        SyntaxTree::from_tokens(text, &self.lex(text).tokens, self.bom)
    }
}

/// The root file's tokens as the parser gets them.
enum RootTokens {
    /// All of them, lexed up front (a file with `{$ENV}` placeholders is substituted whole).
    Lexed(Vec<CaddyToken>),
    /// Read as the parse goes: a large file's tokens are never all held at once.
    Stream(lexer::TokenStream),
}

/// The root file's Caddy-view tokens (env substituted), its lexer errors (those found up
/// front) and whether it starts with a byte-order mark.
struct Lexing {
    bom: bool,
    tokens: RootTokens,
    errors: Vec<ParseError>,
}

fn lex_errors(file: FileId, errors: Vec<lexer::LexError>) -> Vec<ParseError> {
    errors
        .into_iter()
        .map(|error| ParseError {
            kind: ParseErrorKind::Lexer,
            message: error.message,
            file,
            range: error.range,
            line: error.line,
            chain: Arc::from(Vec::new()),
        })
        .collect()
}

fn lex_root(file: FileId, ctx: &ImportContext<'_>) -> Lexing {
    let text = ctx.sources.get(file).shared_text();
    let bom = text.starts_with('\u{feff}');
    if text.contains("{$") {
        let (tokens, errors) = import::lex_file(file, &text, ctx.env);
        return Lexing {
            bom,
            tokens: RootTokens::Lexed(tokens),
            errors: lex_errors(file, errors),
        };
    }
    // Each lexed token becomes a Caddy-view token as the parser reads it (its text already
    // knows the file and origin): the file's tokens are never held twice, nor all at once.
    let shared = SharedText::for_file(text, file, Arc::default());
    Lexing {
        bom,
        tokens: RootTokens::Stream(lexer::TokenStream::new(shared)),
        errors: Vec::new(),
    }
}

/// Run the parser over the root file's tokens; the errors are the lexer's, then the parser's.
fn parse_root(
    file: FileId,
    lexing: Lexing,
    ctx: &mut ImportContext<'_>,
    sink: &mut dyn FnMut(ServerBlock),
) -> parser::Parsed {
    let mut errors = lexing.errors;
    let mut parsed = match lexing.tokens {
        RootTokens::Lexed(tokens) => parser::parse_into(file, tokens, ctx, sink),
        RootTokens::Stream(stream) => {
            let (parsed, lexer_errors) = parser::parse_stream_into(file, stream, ctx, sink);
            errors.extend(lex_errors(file, lexer_errors));
            parsed
        }
    };
    errors.append(&mut parsed.errors);
    parsed.errors = errors;
    parsed
}

/// Caddy's server blocks of the file `file` (imports expanded), before the typed view:
/// [`parse`] without [`model::build`]. The errors are the lexer's and the parser's.
pub fn parse_blocks(file: FileId, ctx: &mut ImportContext<'_>) -> parser::Parsed {
    let lexing = lex_root(file, ctx);
    let mut blocks = Vec::new();
    let mut parsed = parse_root(file, lexing, ctx, &mut |block| blocks.push(block));
    parsed.blocks = blocks;
    parsed
}

/// Parse the file `file` (already in `ctx.sources`; its disk path, if any, in
/// `ctx.disk_paths` so relative imports resolve).
pub fn parse(file: FileId, ctx: &mut ImportContext<'_>) -> Caddyfile {
    let lexing = lex_root(file, ctx);
    let bom = lexing.bom;
    let mut builder = model::Builder::default();
    let mut parsed = parse_root(file, lexing, ctx, &mut |block| builder.push(block));
    let mut errors = std::mem::take(&mut parsed.errors);
    let model = builder.finish();
    errors.extend(model.errors.iter().cloned());
    let mut empty_env = Vec::new();
    for &source in std::iter::once(&file).chain(&parsed.imported_files) {
        let text = ctx.sources.get(source).shared_text();
        if text.contains("{$") {
            empty_env.extend(
                env::empty_placeholders(&text, ctx.env)
                    .into_iter()
                    .map(|placeholder| (source, placeholder)),
            );
        }
    }
    Caddyfile {
        file,
        bom,
        snippets: parsed.snippets,
        model,
        errors,
        imported_files: parsed.imported_files,
        not_followed: parsed.not_followed,
        empty_env,
    }
}

#[cfg(test)]
mod stream_tests;
