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

pub use address::{parse_address, Address};
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

/// The root file's Caddy-view tokens (env substituted), its lexer errors and whether it starts
/// with a byte-order mark.
struct Lexing {
    bom: bool,
    tokens: Vec<CaddyToken>,
    errors: Vec<ParseError>,
}

fn lex_root(file: FileId, ctx: &ImportContext<'_>) -> Lexing {
    let text = ctx.sources.get(file).shared_text();
    let bom = text.starts_with('\u{feff}');
    let (tokens, lex_errors) = if text.contains("{$") {
        import::lex_file(file, &text, ctx.env)
    } else {
        let shared = SharedText::for_file(Arc::clone(&text), file, Arc::default());
        let raw = tokenize_shared(&shared);
        // A lexed token becomes a Caddy-view token in place (same size, its text already
        // knows the file and origin): the file's tokens are never held twice.
        let tokens = raw.tokens.into_iter().map(CaddyToken::from).collect();
        (tokens, raw.errors)
    };
    let errors = lex_errors
        .into_iter()
        .map(|error| ParseError {
            kind: ParseErrorKind::Lexer,
            message: error.message,
            file,
            range: error.range,
            line: error.line,
            chain: Arc::from(Vec::new()),
        })
        .collect();
    // The lexed tokens end here: the Caddy-view tokens carry everything the parser needs.
    Lexing {
        bom,
        tokens,
        errors,
    }
}

/// Caddy's server blocks of the file `file` (imports expanded), before the typed view:
/// [`parse`] without [`model::build`]. The errors are the lexer's and the parser's.
pub fn parse_blocks(file: FileId, ctx: &mut ImportContext<'_>) -> parser::Parsed {
    let lexing = lex_root(file, ctx);
    let mut parsed = parser::parse(file, lexing.tokens, ctx);
    let mut errors = lexing.errors;
    errors.append(&mut parsed.errors);
    parsed.errors = errors;
    parsed
}

/// Parse the file `file` (already in `ctx.sources`; its disk path, if any, in
/// `ctx.disk_paths` so relative imports resolve).
pub fn parse(file: FileId, ctx: &mut ImportContext<'_>) -> Caddyfile {
    let Lexing {
        bom,
        tokens,
        mut errors,
    } = lex_root(file, ctx);
    let mut builder = model::Builder::default();
    let parsed = parser::parse_into(file, tokens, ctx, &mut |block| builder.push(block));
    errors.extend(parsed.errors);
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
