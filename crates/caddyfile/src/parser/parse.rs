//! Caddy's `parse.go`: server blocks, directives and their segments, snippets, named routes
//! and `import` (files and snippets), over the file's token stream.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gblint_diagnostics::{FileId, TextRange};

use crate::import::{ImportContext, LoadError};
use crate::lexer::{LexError, TokenStream};
use crate::text::Rebased;
use crate::token::{is_next_on_new_line, CaddyToken, ImportSite, Origin};

use super::dispenser::Dispenser;
use super::import_args::{block_mapping, replace_args, variadic};
use super::import_graph::ImportGraph;
use super::{
    ParseError, ParseErrorKind, Parsed, ServerBlock, SnippetDef, MAX_ERRORS, MAX_EXPANDED_TOKENS,
};

/// Cache key for shared origins: the address of the origin a token had before.
type OriginKey = usize;

impl Parser<'_, '_> {
    /// Parse a root file's tokens.
    pub(super) fn run(
        root: FileId,
        tokens: Vec<CaddyToken>,
        stream: Option<TokenStream>,
        ctx: &mut ImportContext<'_>,
        sink: &mut dyn FnMut(ServerBlock),
    ) -> (Parsed, Vec<LexError>) {
        let mut parser = Parser {
            tokens,
            stream,
            scratch: Vec::new(),
            at: Dispenser::default(),
            block: ServerBlock::default(),
            eof: false,
            snippets: HashMap::new(),
            snippet_order: Vec::new(),
            nesting: 0,
            graph: ImportGraph::default(),
            ctx,
            errors: Vec::new(),
            in_keys: false,
            lexed_files: HashSet::from([root]),
            imported_files: Vec::new(),
            not_followed: Vec::new(),
            root,
            aborted: false,
            released: 0,
        };
        parser.parse_all(sink);
        let lex_errors = parser.stream.take().map(TokenStream::finish);
        let parsed = Parsed {
            blocks: Vec::new(),
            snippets: parser
                .snippet_order
                .iter()
                .filter_map(|name| parser.snippets.get(name).cloned())
                .collect(),
            errors: parser.errors,
            imported_files: parser.imported_files,
            not_followed: parser.not_followed,
        };
        (parsed, lex_errors.unwrap_or_default())
    }
}

pub(super) struct Parser<'c, 'a> {
    /// The tokens read and not yet released: the whole file's, or, when `stream` is set, those
    /// lexed so far (see [`Parser::fill_ahead`]).
    tokens: Vec<CaddyToken>,
    /// The root file's tokenizer, when its tokens are read as the parse goes.
    stream: Option<TokenStream>,
    /// Reused buffer of [`Parser::directive`]'s segment.
    scratch: Vec<CaddyToken>,
    /// The dispenser's cursor and nesting over `tokens`.
    at: Dispenser,
    block: ServerBlock,
    eof: bool,
    snippets: HashMap<String, SnippetDef>,
    snippet_order: Vec<String>,
    nesting: i64,
    graph: ImportGraph,
    ctx: &'c mut ImportContext<'a>,
    errors: Vec<ParseError>,
    in_keys: bool,
    lexed_files: HashSet<FileId>,
    imported_files: Vec<FileId>,
    not_followed: Vec<ParseError>,
    root: FileId,
    aborted: bool,
    /// Tokens of completed blocks already dropped from the front of `tokens` (see
    /// [`Parser::release_consumed`]); they still count towards [`MAX_EXPANDED_TOKENS`].
    released: usize,
}

type PResult<T> = Result<T, ParseError>;

impl Parser<'_, '_> {
    // ----- dispenser (the cursor lives in `self.at`; these read `self.tokens`) -------------

    fn next(&mut self) -> bool {
        self.fill_ahead();
        self.at.next(&self.tokens)
    }

    fn token(&self) -> Option<&CaddyToken> {
        self.at.token(&self.tokens)
    }

    fn val(&self) -> &str {
        self.token().map_or("", |t| &*t.text)
    }

    fn at_open_brace(&self) -> bool {
        self.token().is_some_and(CaddyToken::is_open_brace)
    }

    fn at_close_brace(&self) -> bool {
        self.token().is_some_and(CaddyToken::is_close_brace)
    }

    fn is_new_line(&self) -> bool {
        self.at.is_new_line(&self.tokens)
    }

    fn is_next_on_new_line(&self) -> bool {
        self.at.is_next_on_new_line(&self.tokens)
    }

    fn next_arg(&mut self) -> bool {
        self.fill_ahead();
        self.at.next_arg(&self.tokens)
    }

    fn next_block(&mut self, initial: i64) -> bool {
        self.fill_ahead();
        self.at.next_block(&self.tokens, initial)
    }

    // ----- reading the root file's tokens as the parse goes ----------------------------------
    //
    // A large file's tokens are not all held at once: `tokens` holds those read so far, and
    // every step of the cursor first makes sure a few tokens lie ahead of it (a step moves the
    // cursor by at most two and then looks one token further). So every read the dispenser
    // makes sees what it would see in the whole list, and "no more tokens" means the end of
    // the file. The steps that scan further (recovery after an error, an `import`, whose
    // expansion limit counts every token of the file) read the whole rest first.

    /// Make sure the tokens up to a few past the cursor are read (all of them when fewer are
    /// left).
    fn fill_ahead(&mut self) {
        /// Tokens kept read ahead of the cursor.
        const AHEAD: usize = 4;
        let want = usize::try_from(self.at.cursor + 1).unwrap_or(0) + AHEAD;
        if want > self.tokens.len() {
            self.fill(want);
        }
    }

    /// Read tokens until `want` are held or the file ends.
    fn fill(&mut self, want: usize) {
        let Some(stream) = self.stream.as_mut() else {
            return;
        };
        while self.tokens.len() < want && !stream.is_done() {
            let tokens = &mut self.tokens;
            tokens.reserve(stream.batch());
            stream.read(stream.batch(), |token| tokens.push(CaddyToken::from(token)));
        }
    }

    /// Read every token left.
    fn fill_all(&mut self) {
        if let Some(stream) = &self.stream {
            // Sized once, at the lexer's guess of one token per 6 bytes, instead of doubling a
            // large list batch by batch (each doubling holds the old list and the new one).
            self.tokens.reserve(stream.remaining_len() / 6);
        }
        self.fill(usize::MAX);
    }

    fn err(&self, kind: ParseErrorKind, message: impl Into<String>) -> ParseError {
        let token = self.token().or_else(|| self.tokens.last());
        match token {
            Some(token) => ParseError {
                kind,
                message: message.into(),
                file: token.file(),
                range: token.range(),
                line: token.line,
                chain: Arc::clone(token.chain()),
            },
            None => ParseError {
                kind,
                message: message.into(),
                file: self.root,
                range: TextRange::empty(0),
                line: 1,
                chain: Arc::from(Vec::new()),
            },
        }
    }

    fn syntax(&self, message: impl Into<String>) -> ParseError {
        self.err(ParseErrorKind::Syntax, message)
    }

    fn eof_err(&self) -> ParseError {
        self.syntax("unexpected EOF")
    }

    fn syntax_err(&self, expected: &str) -> ParseError {
        self.syntax(format!(
            "syntax error: unexpected token '{}', expecting '{}'",
            self.val(),
            expected
        ))
    }

    fn record(&mut self, error: ParseError) {
        if self.errors.len() < MAX_ERRORS && !self.errors.contains(&error) {
            self.errors.push(error);
        }
    }

    // ----- blocks ----------------------------------------------------------------------------

    /// Parse every server block, handing each to `sink` as soon as it is complete.
    fn parse_all(&mut self, sink: &mut dyn FnMut(ServerBlock)) {
        while !self.aborted && {
            self.release_consumed();
            self.next()
        } {
            let start = self.at.cursor;
            self.in_keys = false;
            match self.parse_one() {
                Ok(()) => {
                    let block = std::mem::take(&mut self.block);
                    // Caddy drops an empty keyless block; it is kept here (with no segments) so
                    // the typed view knows a global options block was written.
                    let empty_global =
                        block.keys.is_empty() && block.has_braces && block.open_brace.is_some();
                    if !block.keys.is_empty() || !block.segments.is_empty() || empty_global {
                        sink(block);
                    }
                    if self.nesting > 0 {
                        let error = self.eof_err();
                        self.record(error);
                        break;
                    }
                }
                Err(error) => {
                    self.record(error);
                    let block = std::mem::take(&mut self.block);
                    if !block.keys.is_empty() && block.has_braces {
                        // Keep what was understood so rules still see the site's keys.
                        sink(ServerBlock {
                            segments: Vec::new(),
                            ..block
                        });
                    }
                    self.recover(start);
                }
            }
        }
    }

    /// Drop the tokens of completed blocks from the front of the token list. Between two
    /// top-level blocks nothing reads a token before the cursor again (recovery and `import`
    /// splicing work from the current block on; the next step reads the cursor's token to tell
    /// whether a line starts), so the list need not hold the whole file while the typed view,
    /// which has its own copies, grows. Done once a quarter of the list is behind the cursor:
    /// each token is moved a bounded number of times, and the list's peak overlaps with a
    /// quarter of the view instead of all of it.
    fn release_consumed(&mut self) {
        /// Below this many consumed tokens, moving the rest costs more than it frees.
        /// (64 Ki tokens, 3 MB of them: about 600 KB of Caddyfile.)
        const MIN_RELEASE: usize = 1 << 16;
        let Ok(cursor) = usize::try_from(self.at.cursor) else {
            return;
        };
        /// Read as the parse goes, the list holds little more than the current block and a
        /// batch: its consumed front is dropped once it is a few batches long, moving the rest
        /// (a few tokens) to the front of the same allocation. Once the whole rest has been
        /// read (after an error or an `import`), moving it each time would cost a copy of the
        /// file per release: the list is then released as a whole one is. At 2,048 consumed
        /// tokens and batches of 1,024 the list stays under 80 KB (at 16,384 and 4,096 it
        /// grew to ~490 KB, a hundred pages first touched for a 10,000-site file), for a
        /// move of at most a batch every 2,048 tokens.
        const MIN_STREAM_RELEASE: usize = 1 << 11;
        if self.stream.as_ref().is_some_and(|stream| !stream.is_done()) {
            if cursor >= MIN_STREAM_RELEASE {
                self.tokens.drain(..cursor);
                self.released += cursor;
                self.at.cursor = 0;
            }
            return;
        }
        if cursor < MIN_RELEASE || cursor.saturating_mul(4) < self.tokens.len() {
            return;
        }
        // `split_off` moves the rest into a vector of its exact size; the old one is freed.
        let rest = self.tokens.split_off(cursor);
        self.tokens = rest;
        self.released += cursor;
        self.at.cursor = 0;
    }

    /// Skip to the end of the top-level block that started at `start`.
    fn recover(&mut self, start: isize) {
        self.fill_all();
        let error_at = self.at.cursor.max(start);
        self.nesting = 0;
        self.at.nesting = 0;
        self.eof = false;
        let start = usize::try_from(start).unwrap_or(0);
        if self.in_keys {
            // Finish the key line, then skip the block it opens, if any.
            let mut i = usize::try_from(error_at)
                .unwrap_or(0)
                .min(self.tokens.len().saturating_sub(1));
            while i + 1 < self.tokens.len()
                && !is_next_on_new_line(&self.tokens[i], &self.tokens[i + 1])
                && !self.tokens[i + 1].is_open_brace()
            {
                i += 1;
            }
            if i + 1 < self.tokens.len() && self.tokens[i + 1].is_open_brace() {
                i = self.matching_close(i + 1);
            }
            self.at.cursor = isize::try_from(i).unwrap_or(isize::MAX);
            return;
        }
        let mut depth = 0i64;
        let mut opened = false;
        let mut i = start;
        let stop = loop {
            if i >= self.tokens.len() {
                break self.tokens.len().saturating_sub(1);
            }
            let token = &self.tokens[i];
            if token.is_open_brace() {
                depth += 1;
                opened = true;
            } else if token.is_close_brace() {
                depth -= 1;
                if depth <= 0 && opened && isize::try_from(i).unwrap_or(isize::MAX) >= error_at {
                    break i;
                }
            }
            i += 1;
        };
        // Stray `}` lines right after the block belong to the broken block, not to a new one.
        let mut stop = stop;
        while stop + 1 < self.tokens.len()
            && self.tokens[stop + 1].is_close_brace()
            && is_next_on_new_line(&self.tokens[stop], &self.tokens[stop + 1])
        {
            stop += 1;
        }
        self.at.cursor = isize::try_from(stop).unwrap_or(isize::MAX);
    }

    /// Index of the `}` that closes the `{` at `open` (or the last token).
    fn matching_close(&self, open: usize) -> usize {
        let mut depth = 0i64;
        for (i, token) in self.tokens.iter().enumerate().skip(open) {
            if token.is_open_brace() {
                depth += 1;
            } else if token.is_close_brace() {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
        }
        self.tokens.len().saturating_sub(1)
    }

    fn parse_one(&mut self) -> PResult<()> {
        self.block = ServerBlock::default();
        if self.tokens.is_empty() {
            return Ok(());
        }
        self.in_keys = true;
        self.addresses()?;
        self.in_keys = false;
        if self.eof {
            self.eof = false;
            return Ok(());
        }
        if let Some(name) = self.named_route_name() {
            let name_token = self.block.keys[0].with_text(&name);
            self.block.keys = vec![name_token.clone()];
            self.block.is_named_route = true;
            self.block.has_braces = true;
            self.block.open_brace = self.token().cloned();
            let mut tokens = self.block_tokens(true)?;
            self.block.close_brace = tokens.last().cloned();
            tokens.insert(0, name_token);
            self.block.segments = vec![tokens];
            return Ok(());
        }
        if let Some(name) = self.snippet_name() {
            if self.snippets.contains_key(&name) {
                return Err(self.syntax(format!(
                    "redeclaration of previously declared snippet {name}"
                )));
            }
            let key = self.block.keys[0].clone();
            let mut tokens = self.block_tokens(false)?;
            let shared: Arc<str> = Arc::from(name.as_str());
            let mut origins: HashMap<OriginKey, Arc<Origin>> = HashMap::new();
            let mut rebased = Rebased::default();
            for token in &mut tokens {
                token.text = token.text.with_origin(&mut rebased, |old| {
                    Arc::clone(origins.entry(Arc::as_ptr(old) as usize).or_insert_with(|| {
                        Arc::new(Origin {
                            chain: Arc::clone(&old.chain),
                            snippet: Some(Arc::clone(&shared)),
                        })
                    }))
                });
            }
            self.snippet_order.push(name.clone());
            self.snippets
                .insert(name.clone(), SnippetDef { name, key, tokens });
            self.block.keys.clear();
            return Ok(());
        }
        self.block_contents()
    }

    fn addresses(&mut self) -> PResult<()> {
        let mut expecting_another = false;
        loop {
            let value = self.val().to_owned();
            if value.starts_with('@') {
                return Err(self.syntax(format!(
                    "request matchers may not be defined globally, they must be in a site block; found {value}"
                )));
            }
            if value == "import" && self.is_new_line() {
                self.do_import(0)?;
                if self.aborted {
                    return Ok(());
                }
                if self.token().is_none() {
                    // The import expanded to nothing at the very end of the file.
                    self.eof = true;
                    return Ok(());
                }
                continue;
            }
            if self.at_open_brace() {
                if expecting_another {
                    return Err(self.syntax(format!(
                        "Expected another address but had '{value}' - check for extra comma"
                    )));
                }
                self.block.has_braces = true;
                break;
            }
            if self.at_close_brace() {
                // Caddy 2.6 takes a stray `}` for a site address and fails later, when it
                // cannot get a certificate for "}"; newer Caddy rejects it with this message.
                return Err(self.syntax("Unexpected '}' because no matching opening brace"));
            }
            if value.ends_with('{') {
                return Err(self.syntax(format!(
                    "Site addresses cannot end with a curly brace: '{value}' - put a space between the token and the brace"
                )));
            }
            if !value.is_empty() {
                let mut value = value;
                if value.ends_with(',') {
                    value.pop();
                    expecting_another = true;
                } else {
                    expecting_another = false;
                }
                if value.contains(',') {
                    return Err(self.syntax(format!(
                        "Site addresses cannot contain a comma ',': '{value}' - put a space after the comma to separate site addresses"
                    )));
                }
                if !value.is_empty() {
                    if let Some(token) = self.token() {
                        let mut key = token.clone();
                        // The key is the token without its trailing comma: a prefix of it.
                        if value.len() != key.text.len() {
                            key = if key.text.starts_with(value.as_str()) {
                                key.with_prefix(value.len())
                            } else {
                                key.with_text(&value)
                            };
                        }
                        self.block.keys.push(key);
                    }
                }
            }
            let has_next = self.next();
            if expecting_another && !has_next {
                return Err(self.eof_err());
            }
            if !has_next {
                self.eof = true;
                break;
            }
            if !expecting_another && self.is_new_line() {
                break;
            }
        }
        Ok(())
    }

    fn block_contents(&mut self) -> PResult<()> {
        let braced = self.at_open_brace();
        if braced {
            self.block.open_brace = self.token().cloned();
        } else {
            self.at.cursor -= 1;
        }
        self.directives()?;
        if braced {
            if !self.at_close_brace() {
                return Err(self.syntax_err("}"));
            }
            self.block.close_brace = self.token().cloned();
        }
        Ok(())
    }

    fn directives(&mut self) -> PResult<()> {
        while !self.aborted && self.next() {
            if self.at_close_brace() {
                break;
            }
            if self.val() == "import" {
                self.do_import(1)?;
                self.at.cursor -= 1;
                continue;
            }
            self.directive()?;
        }
        Ok(())
    }

    fn directive(&mut self) -> PResult<()> {
        let first = self.token().cloned().ok_or_else(|| self.eof_err())?;
        // Collected in a reused buffer, then copied out at its exact size: one allocation per
        // segment instead of the growth steps of a fresh vector and a final shrink.
        let mut segment = std::mem::take(&mut self.scratch);
        segment.clear();
        segment.push(first);
        while !self.aborted && self.next() {
            let quoted = self.token().is_some_and(CaddyToken::is_quoted);
            if self.at_open_brace() {
                self.nesting += 1;
                if !self.is_next_on_new_line() {
                    return Err(self.syntax("Unexpected next token after '{' on same line"));
                }
                if self.is_new_line() {
                    return Err(self.syntax("Unexpected '{' on a new line; did you mean to place the '{' on the previous line?"));
                }
            } else if self.val() == "{}" && !quoted {
                if self.is_next_on_new_line() {
                    return Err(self.syntax("Unexpected '{}' at end of line"));
                }
            } else if self.is_new_line() && self.nesting == 0 {
                self.at.cursor -= 1;
                break;
            } else if self.at_close_brace() && self.nesting > 0 {
                self.nesting -= 1;
            } else if self.at_close_brace() && self.nesting == 0 {
                return Err(self.syntax("Unexpected '}' because no matching opening brace"));
            } else if self.val() == "import" && self.is_new_line() {
                self.do_import(1)?;
                self.at.cursor -= 1;
                continue;
            }
            if let Some(token) = self.token() {
                segment.push(token.clone());
            }
        }
        let mut exact = Vec::with_capacity(segment.len());
        exact.append(&mut segment);
        self.scratch = segment;
        self.block.segments.push(exact);
        if self.nesting > 0 {
            return Err(self.eof_err());
        }
        Ok(())
    }

    fn named_route_name(&self) -> Option<String> {
        match self.block.keys.as_slice() {
            [key]
                if key.text.starts_with("&(") && key.text.ends_with(')') && key.text.len() >= 3 =>
            {
                Some(key.text[2..key.text.len() - 1].to_owned())
            }
            _ => None,
        }
    }

    fn snippet_name(&self) -> Option<String> {
        match self.block.keys.as_slice() {
            [key]
                if key.text.starts_with('(') && key.text.ends_with(')') && key.text.len() >= 2 =>
            {
                Some(key.text[1..key.text.len() - 1].to_owned())
            }
            _ => None,
        }
    }

    fn block_tokens(&mut self, retain_braces: bool) -> PResult<Vec<CaddyToken>> {
        if !self.at_open_brace() {
            return Err(self.syntax_err("{"));
        }
        let mut nesting = 1;
        let mut tokens = Vec::new();
        if retain_braces {
            tokens.extend(self.token().cloned());
        }
        while self.next() {
            if self.at_close_brace() {
                nesting -= 1;
                if nesting == 0 {
                    if retain_braces {
                        tokens.extend(self.token().cloned());
                    }
                    break;
                }
            }
            if self.at_open_brace() {
                nesting += 1;
            }
            tokens.extend(self.token().cloned());
        }
        if nesting != 0 {
            return Err(self.syntax_err("}"));
        }
        Ok(tokens)
    }

    // ----- import ----------------------------------------------------------------------------

    /// Replace the import statement at the cursor with the tokens it names. On return the
    /// cursor is where the `import` keyword was (on the first imported token, if any).
    fn do_import(&mut self, nesting: i64) -> PResult<()> {
        let import_start = self.at.cursor;
        let import_token = self.token().cloned().ok_or_else(|| self.eof_err())?;
        if !self.next_arg() {
            return Err(self.syntax(format!(
                "wrong argument count or unexpected line ending after '{}'",
                self.val()
            )));
        }
        let pattern = self.val().to_owned();
        // Findings about the import point at `import PATTERN`.
        let mut import_token = import_token;
        if let Some(pattern_token) = self.token() {
            if pattern_token.file() == import_token.file()
                && pattern_token.range().start() >= import_token.range().end()
            {
                import_token =
                    import_token.with_range(import_token.range().cover(pattern_token.range()));
            }
        }
        if pattern.is_empty() {
            return Err(self.syntax("Import requires a non-empty filepath"));
        }
        let mut args = Vec::new();
        while self.next_arg() {
            args.push(self.val().to_owned());
        }
        let mut block_tokens = Vec::new();
        let initial = self.at.nesting;
        while self.next_block(initial) {
            if let Some(token) = self.token() {
                block_tokens.push(token.clone());
            }
        }
        self.at.nesting = initial;
        let import_end = self.at.cursor;
        let block_mapping = self.block_mapping(&block_tokens)?;

        let mut nodes = Vec::new();
        let imported: Vec<CaddyToken> = if let Some(snippet) = self.snippets.get(&pattern) {
            if let Some(first) = snippet.tokens.first() {
                nodes.push(format!("{}:{}", self.file_name(first.file()), pattern));
            }
            snippet.tokens.clone()
        } else {
            match self.resolve_file_import(&pattern, &import_token) {
                Ok((tokens, files)) => {
                    nodes = files;
                    tokens
                }
                Err(error) if error.kind == ParseErrorKind::NotFollowed => {
                    // Caddy reads that path on the machine; gblint treats it as an import that
                    // brought nothing (what a glob matching nothing does) and says so apart.
                    if !self.not_followed.contains(&error) {
                        self.not_followed.push(error);
                    }
                    self.splice(import_start, import_end, Vec::new());
                    return Ok(());
                }
                Err(error) => {
                    self.record(error);
                    self.splice(import_start, import_end, Vec::new());
                    return Ok(());
                }
            }
        };

        let mut node_name = self.file_name(import_token.file());
        if let Some(snippet) = import_token.snippet() {
            node_name = format!("{node_name}:{snippet}");
        }
        if let Err(message) = self.graph.add_edges(&node_name, &nodes) {
            let error = ParseError {
                kind: ParseErrorKind::Syntax,
                message,
                file: import_token.file(),
                range: import_token.range(),
                line: import_token.line,
                chain: Arc::clone(import_token.chain()),
            };
            self.record(error);
            self.splice(import_start, import_end, Vec::new());
            return Ok(());
        }

        let expanded = self.expand(
            imported,
            &import_token,
            &args,
            &block_tokens,
            &block_mapping,
            nesting,
        );
        // The limit counts every token of the file, read or not.
        self.fill_all();
        if self.released + self.tokens.len() + expanded.len() > MAX_EXPANDED_TOKENS {
            let error = ParseError {
                kind: ParseErrorKind::Syntax,
                message: format!("import expansion exceeds {MAX_EXPANDED_TOKENS} tokens; gblint stopped expanding imports"),
                file: import_token.file(),
                range: import_token.range(),
                line: import_token.line,
                chain: Arc::clone(import_token.chain()),
            };
            self.record(error);
            self.aborted = true;
            self.splice(import_start, import_end, Vec::new());
            return Ok(());
        }
        self.splice(import_start, import_end, expanded);
        Ok(())
    }

    fn splice(&mut self, start: isize, end: isize, with: Vec<CaddyToken>) {
        let start_index = usize::try_from(start).unwrap_or(0).min(self.tokens.len());
        let end_index = usize::try_from(end)
            .unwrap_or(0)
            .min(self.tokens.len().saturating_sub(1));
        self.tokens.splice(
            start_index
                ..=end_index
                    .max(start_index)
                    .min(self.tokens.len().saturating_sub(1).max(start_index)),
            with,
        );
        self.at.cursor = start;
    }

    fn file_name(&self, file: FileId) -> String {
        self.ctx.sources.get(file).path().display().to_string()
    }

    fn block_mapping(
        &self,
        block_tokens: &[CaddyToken],
    ) -> PResult<HashMap<String, Vec<CaddyToken>>> {
        block_mapping(block_tokens).map_err(|()| self.syntax("anonymous blocks are not supported"))
    }

    fn resolve_file_import(
        &mut self,
        pattern: &str,
        import_token: &CaddyToken,
    ) -> Result<(Vec<CaddyToken>, Vec<String>), ParseError> {
        let import_err = |kind: ParseErrorKind, message: String| ParseError {
            kind,
            message,
            file: import_token.file(),
            range: import_token.range(),
            line: import_token.line,
            chain: Arc::clone(import_token.chain()),
        };
        let glob_pattern = self.ctx.glob_pattern(import_token.file(), pattern);
        let glob_text = glob_pattern.to_string_lossy().into_owned();
        if glob_text.matches('*').count() > 1
            || glob_text.matches('?').count() > 1
            || (glob_text.contains('[') && glob_text.contains(']'))
        {
            return Err(import_err(
                ParseErrorKind::Syntax,
                format!(
                    "Glob pattern may only contain one wildcard (*), but has others: {glob_text}"
                ),
            ));
        }
        if let Some(real) = self.ctx.outside_fence(&glob_pattern) {
            return Err(self.outside_root_error(pattern, &real, import_err));
        }
        let is_glob = glob_text.contains(['*', '?', '[', ']']);
        let mut matches: Vec<PathBuf> = if is_glob {
            let options = glob::MatchOptions {
                case_sensitive: true,
                require_literal_separator: true,
                require_literal_leading_dot: false,
            };
            match glob::glob_with(&glob_text, options) {
                // Go's Glob lists directory entries, which never include `.` and `..`.
                Ok(paths) => paths
                    .filter_map(Result::ok)
                    .filter(|path| {
                        let text = path.to_string_lossy();
                        !(text.ends_with("/.")
                            || text.ends_with("/..")
                            || text == "."
                            || text == "..")
                    })
                    .collect(),
                Err(error) => {
                    return Err(import_err(
                        ParseErrorKind::Syntax,
                        format!("Failed to use import pattern {pattern}: {}", error.msg),
                    ))
                }
            }
        } else if std::fs::symlink_metadata(&glob_pattern).is_ok() {
            vec![glob_pattern.clone()]
        } else {
            Vec::new()
        };
        matches.sort();
        if matches.is_empty() {
            if is_glob {
                return Ok((Vec::new(), Vec::new()));
            }
            let mut message = format!("File to import not found: {pattern}");
            if !pattern.contains(['/', '.']) {
                message.push_str(&format!(
                    " (no snippet named '{pattern}' is defined before this import either)"
                ));
            }
            return Err(import_err(ParseErrorKind::Import, message));
        }
        let last_segment_is_star = glob_pattern
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('*'));
        if last_segment_is_star {
            matches.retain(|path| {
                !path
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with('.'))
            });
        }
        let mut tokens = Vec::new();
        let mut nodes = Vec::new();
        for path in matches {
            match self.ctx.load(&path) {
                Ok(loaded) => {
                    if self.lexed_files.insert(loaded.file) {
                        self.imported_files.push(loaded.file);
                        for (file, error) in &loaded.errors {
                            let error = ParseError {
                                kind: ParseErrorKind::Lexer,
                                message: error.message.clone(),
                                file: *file,
                                range: error.range,
                                line: error.line,
                                chain: Arc::from(vec![ImportSite {
                                    file: import_token.file(),
                                    line: import_token.line,
                                    range: import_token.range(),
                                    snippet: None,
                                }]),
                            };
                            self.record(error);
                        }
                    }
                    nodes.push(self.file_name(loaded.file));
                    tokens.extend(loaded.tokens.iter().cloned());
                }
                Err(LoadError::Caddy(message)) => {
                    return Err(import_err(ParseErrorKind::Import, message))
                }
                Err(LoadError::OutsideRoot(real)) => {
                    return Err(self.outside_root_error(pattern, &real, import_err))
                }
            }
        }
        Ok((tokens, nodes))
    }

    fn outside_root_error(
        &self,
        pattern: &str,
        real: &Path,
        import_err: impl Fn(ParseErrorKind, String) -> ParseError,
    ) -> ParseError {
        // The root itself is left out of the message: it is the folder the user checked.
        import_err(
            ParseErrorKind::NotFollowed,
            format!(
                "import of '{pattern}' not followed: it resolves to {}, outside the checked root",
                real.display()
            ),
        )
    }

    /// Caddy's per-token expansion of one import: chain annotation, `{block}`/`{blocks.KEY}`,
    /// variadic `{args[i:j]}`, and `{args[N]}` replacement — skipping snippet definitions found
    /// inside the imported text, which are expanded only when they are themselves imported.
    fn expand(
        &self,
        imported: Vec<CaddyToken>,
        import_token: &CaddyToken,
        args: &[String],
        block_tokens: &[CaddyToken],
        block_mapping: &HashMap<String, Vec<CaddyToken>>,
        mut nesting: i64,
    ) -> Vec<CaddyToken> {
        let mut out: Vec<CaddyToken> = Vec::with_capacity(imported.len());
        let mut maybe_snippet = false;
        let mut maybe_snippet_id = false;
        let mut index = 0usize;
        let mut origins: HashMap<OriginKey, Arc<Origin>> = HashMap::new();
        let mut rebased = Rebased::default();
        let mut previous: Option<CaddyToken> = None;
        for (i, mut token) in imported.into_iter().enumerate() {
            token.text = token.text.with_origin(&mut rebased, |old| {
                Arc::clone(origins.entry(Arc::as_ptr(old) as usize).or_insert_with(|| {
                    let mut chain = old.chain.to_vec();
                    chain.push(ImportSite {
                        file: import_token.file(),
                        line: import_token.line,
                        range: import_token.range(),
                        snippet: old.snippet.clone(),
                    });
                    Arc::new(Origin {
                        chain: Arc::from(chain),
                        snippet: old.snippet.clone(),
                    })
                }))
            });

            if !maybe_snippet && nesting == 0 {
                let first_of_line = i == 0
                    || previous
                        .as_ref()
                        .is_none_or(|prev| is_next_on_new_line(prev, &token));
                if first_of_line {
                    index = 0;
                } else {
                    index += 1;
                }
                if index == 0
                    && token.text.len() >= 3
                    && token.text.starts_with('(')
                    && token.text.ends_with(')')
                {
                    maybe_snippet_id = true;
                }
            }
            if token.is_open_brace() {
                nesting += 1;
                if index == 1 && maybe_snippet_id && nesting == 1 {
                    maybe_snippet = true;
                    maybe_snippet_id = false;
                }
            } else if token.is_close_brace() {
                nesting -= 1;
                if nesting == 0 && maybe_snippet {
                    maybe_snippet = false;
                }
            }
            previous = Some(token.clone());

            let replacement: Option<&[CaddyToken]> = if &*token.text == "{block}" {
                Some(block_tokens)
            } else if token.text.starts_with("{blocks.") && token.text.ends_with('}') {
                let key = &token.text["{blocks.".len()..token.text.len() - 1];
                Some(block_mapping.get(key).map_or(&[][..], Vec::as_slice))
            } else {
                None
            };
            if let Some(replacement) = replacement {
                if replacement.is_empty() {
                    out.push(token);
                } else {
                    out.extend(replacement.iter().cloned());
                }
                continue;
            }
            if maybe_snippet {
                out.push(token);
                continue;
            }
            if let Some((start, end)) = variadic(&token.text, args.len()) {
                for arg in &args[start..end] {
                    out.push(token.with_text(arg));
                }
            } else {
                if token.text.contains('{') {
                    token = token.with_text(&replace_args(&token.text, args));
                }
                out.push(token);
            }
        }
        out
    }
}
