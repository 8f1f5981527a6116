//! Caddy v2 Caddyfile support for gblint: a tokenizer faithful to Caddy's (quirks included), a
//! lossless syntax tree, Caddy's block parser with `import`/snippet/`{$ENV}` expansion, and a
//! typed view (global options, sites with parsed addresses, directives with sub-blocks).
//!
//! Two views of one file, by design:
//! * the **lossless tree** ([`SyntaxTree`]) is built from the text as written: every byte is in
//!   a token, so `tree.print(text) == text`, and comments are available for suppressions and
//!   fixes;
//! * the **Caddy view** ([`Caddyfile::blocks`], [`Caddyfile::model`]) is what Caddy's adapter
//!   receives: env variables substituted, imports expanded, each token still pointing at the
//!   file and bytes it came from.
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
pub mod parser;
pub mod stock;
pub mod syntax;
pub mod token;

use std::sync::Arc;

use gblint_diagnostics::FileId;

pub use address::{parse_address, Address};
pub use import::{ImportContext, SecretScan};
pub use lexer::{tokenize, Lexed, Quote, Token};
pub use model::{Directive, GlobalOptions, Model, NamedRoute, Site, SiteAddress};
pub use parser::{ParseError, ParseErrorKind, ServerBlock, SnippetDef};
pub use syntax::{NodeKind, SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken, SyntaxTree};
pub use token::{CToken, ImportSite};

/// Everything gblint knows about one root Caddyfile.
#[derive(Clone, Debug)]
pub struct Caddyfile {
    /// The root file.
    pub file: FileId,
    /// The root file's tokens as written, significant and trivia, tiling its text (the
    /// leaves of [`Caddyfile::tree`]).
    pub syntax_tokens: Vec<SyntaxToken>,
    /// Tokens of the root file as written (the significant syntax tokens point into these).
    pub raw_tokens: Vec<Token>,
    /// Caddy's server blocks after imports.
    pub blocks: Vec<ServerBlock>,
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
    /// The lossless tree of the root file; `text` is that file's text (from the source map).
    pub fn tree(&self, text: &str) -> SyntaxTree {
        let lexed = Lexed {
            tokens: self.raw_tokens.clone(),
            errors: Vec::new(),
            bom: text.starts_with('\u{feff}'),
        };
        SyntaxTree::build(text, &lexed)
    }
}

/// Parse the file `file` (already in `ctx.sources`; its disk path, if any, in
/// `ctx.disk_paths` so relative imports resolve).
pub fn parse(file: FileId, ctx: &mut ImportContext<'_>) -> Caddyfile {
    let text = ctx.sources.get(file).shared_text();
    let raw = tokenize(&text);
    // Only the flat tokens: the nested tree is built on demand (`tree`); no check needs it,
    // and nesting was a fifth of a 10,000-site check (callgrind).
    let syntax_tokens = syntax::tile(&text, &raw);
    let (tokens, lex_errors) = if text.contains("{$") {
        import::lex_file(file, &text, ctx.env)
    } else {
        let chain: Arc<[ImportSite]> = Arc::from(Vec::new());
        let tokens = raw
            .tokens
            .iter()
            .map(|token| CToken {
                text: Arc::clone(&token.text),
                line: token.line,
                quote: token.quote,
                file,
                range: token.range,
                chain: Arc::clone(&chain),
                snippet: None,
            })
            .collect();
        (tokens, raw.errors.clone())
    };
    let mut errors: Vec<ParseError> = lex_errors
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
    let parsed = parser::parse(file, tokens, ctx);
    errors.extend(parsed.errors);
    let model = model::build(&parsed.blocks);
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
        syntax_tokens,
        raw_tokens: raw.tokens,
        blocks: parsed.blocks,
        snippets: parsed.snippets,
        model,
        errors,
        imported_files: parsed.imported_files,
        not_followed: parsed.not_followed,
        empty_env,
    }
}
