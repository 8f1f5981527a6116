//! The Caddyfile tokenizer, faithful to Caddy v2's `lexer.go` including its quirks.
//!
//! It is a port of the behaviour, not of the code: one call of `Lexer::next_token` reads
//! characters exactly as Caddy's `next()` does (same order of checks, so the same quirks: a `\`
//! anywhere in a `#` comment continues the line, `\` before whitespace after a word is dropped,
//! `\"x"` opens a quoted token whose text starts with `\`, a heredoc closes at the first place
//! its text ends with the marker). On top of Caddy's token text and line, every token records the
//! raw byte range it was read from, which makes the lossless syntax tree possible.
//!
//! Caddy stops at the first lexer error; this lexer records it with Caddy's exact wording and
//! carries on (the offending heredoc opener becomes a plain word), so one run reports every error.

use std::sync::Arc;

use gblint_diagnostics::TextRange;

use crate::text::{SharedText, TokenText};

/// How a token was quoted in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quote {
    /// A bare word (also an unterminated quote, which Caddy turns into a bare word at EOF).
    None,
    /// `"…"`; the only escape is `\"`.
    Double,
    /// `` `…` ``; no escapes.
    Backtick,
    /// `<<MARKER … MARKER`.
    Heredoc,
}

/// A token as the lexer read it from one file's text: Caddy's value, line and quoting, plus the
/// raw bytes it was read from (the significant leaves of the lossless tree).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawToken {
    /// The token's value (quotes removed, `\"` unescaped, heredoc padding stripped): a slice of
    /// the lexed text when it is one, shared with the Caddy-view tokens made from it.
    pub text: TokenText,
    /// Caddy's line number: the line of the first character; escaped newlines are not counted.
    pub line: u32,
    /// Quoting.
    pub quote: Quote,
    /// Raw bytes this token was read from, in the lexed text.
    pub range: TextRange,
}

impl RawToken {
    /// Whether this is an unquoted `{`.
    pub fn is_open_brace(&self) -> bool {
        self.quote == Quote::None && &*self.text == "{"
    }

    /// Whether this is an unquoted `}`.
    pub fn is_close_brace(&self) -> bool {
        self.quote == Quote::None && &*self.text == "}"
    }

    /// Number of line breaks inside the token, as Caddy counts them for the same-line test
    /// (a heredoc adds two: its opening line and the dropped final newline).
    pub fn line_breaks(&self) -> u32 {
        let breaks =
            u32::try_from(self.text.bytes().filter(|b| *b == b'\n').count()).unwrap_or(u32::MAX);
        if self.quote == Quote::Heredoc {
            breaks.saturating_add(2)
        } else {
            breaks
        }
    }
}

/// A lexer error with Caddy's wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    /// Caddy's message, verbatim.
    pub message: String,
    /// The bytes the error is about.
    pub range: TextRange,
    /// The line Caddy's message names.
    pub line: u32,
}

/// Result of tokenizing one text.
#[derive(Clone, Debug, Default)]
pub struct Lexed {
    /// Tokens in order.
    pub tokens: Vec<RawToken>,
    /// Every lexer error, in order.
    pub errors: Vec<LexError>,
    /// Whether a leading byte-order mark was skipped (its 3 bytes precede the first token).
    pub bom: bool,
}

/// Tokenize `text` as Caddy v2 does. The token values slice a copy of `text`; to share a text
/// already held in an `Arc` (a source file's), use [`tokenize_shared`].
pub fn tokenize(text: &str) -> Lexed {
    tokenize_shared(&SharedText::new(Arc::from(text)))
}

/// Tokenize `text` as Caddy v2 does; token values that are slices of it share it.
pub fn tokenize_shared(shared: &SharedText) -> Lexed {
    let text = shared.as_str();
    let bom = text.starts_with('\u{feff}');
    let mut tokens = Vec::with_capacity(text.len() / 6);
    // One reader for both ways of lexing, so the tokenizer is inlined into one loop.
    let mut stream = TokenStream::new(shared.clone());
    stream.read(usize::MAX, |token| tokens.push(token));
    // The capacity is a guess (one token per 6 bytes); the parse keeps these tokens.
    tokens.shrink_to_fit();
    Lexed {
        tokens,
        errors: stream.errors,
        bom,
    }
}

/// A tokenizer paused between two tokens, for a parse that reads a large file's tokens as it
/// goes instead of holding all of them at once (see [`crate::parser`]). Lexing in batches gives
/// exactly the tokens and errors of [`tokenize_shared`]: the lexer carries nothing from one
/// token to the next but its position, its line and the lines a heredoc skipped.
#[derive(Debug)]
pub(crate) struct TokenStream {
    shared: SharedText,
    pos: usize,
    line: u32,
    skipped: u32,
    errors: Vec<LexError>,
    done: bool,
    /// Tokens read per batch.
    batch: usize,
}

impl TokenStream {
    /// A stream over `shared`, from its start (after a byte-order mark).
    pub(crate) fn new(shared: SharedText) -> Self {
        let pos = if shared.as_str().starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        TokenStream {
            shared,
            pos,
            line: 1,
            skipped: 0,
            errors: Vec::new(),
            done: false,
            batch: 1024,
        }
    }

    /// The same stream reading `batch` tokens at a time (tests read one at a time, so every
    /// step of the parser meets the end of what was read).
    #[cfg(test)]
    pub(crate) fn with_batch(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    /// Tokens to read per batch.
    pub(crate) fn batch(&self) -> usize {
        self.batch
    }

    /// Bytes of the text not read yet.
    pub(crate) fn remaining_len(&self) -> usize {
        self.shared.as_str().len().saturating_sub(self.pos)
    }

    /// Whether every token has been read.
    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    /// Read up to `count` more tokens, handing each to `push`.
    pub(crate) fn read(&mut self, count: usize, mut push: impl FnMut(RawToken)) {
        if self.done {
            return;
        }
        let mut lexer = Lexer {
            src: self.shared.as_str(),
            shared: &self.shared,
            pos: self.pos,
            line: self.line,
            skipped: self.skipped,
            errors: std::mem::take(&mut self.errors),
        };
        for _ in 0..count {
            match lexer.next_token() {
                Some(token) => push(token),
                None => {
                    self.done = true;
                    break;
                }
            }
        }
        self.pos = lexer.pos;
        self.line = lexer.line;
        self.skipped = lexer.skipped;
        self.errors = lexer.errors;
    }

    /// The lexer errors of the whole text (the tokens not read yet are read and dropped).
    pub(crate) fn finish(mut self) -> Vec<LexError> {
        while !self.done {
            self.read(usize::MAX, drop);
        }
        self.errors
    }
}

pub(crate) fn is_heredoc_marker(marker: &str) -> bool {
    !marker.is_empty()
        && marker
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

struct Lexer<'a> {
    src: &'a str,
    shared: &'a SharedText,
    pos: usize,
    line: u32,
    skipped: u32,
    errors: Vec<LexError>,
}

/// Per-token state of one `next_token` call (Caddy's locals in `next()`).
struct State {
    val: String,
    comment: bool,
    quoted: bool,
    backtick: bool,
    in_heredoc: bool,
    heredoc_escaped: bool,
    escaped: bool,
    marker: String,
    start: usize,
    line: u32,
    /// Position of a backslash read while no token had started, so a token it glues onto
    /// (`\b`, `\<<EOF`) starts its raw range there.
    pending_escape: Option<usize>,
}

impl Lexer<'_> {
    fn range(start: usize, end: usize) -> TextRange {
        TextRange::from_usize(start, end)
    }

    fn make(&self, state: State, quote: Quote, end: usize) -> RawToken {
        let start = state.start;
        let text = match quote {
            Quote::None => self.shared.value(start, end, &state.val),
            // A quoted value without escapes is the text between the quotes.
            Quote::Double | Quote::Backtick if start < end => {
                let inner_end = if self.src.as_bytes()[end - 1] == self.src.as_bytes()[start] {
                    end - 1
                } else {
                    end
                };
                self.shared
                    .value(start + 1, inner_end.max(start + 1), &state.val)
            }
            _ => self.shared.own(&state.val),
        };
        RawToken {
            text,
            line: state.line,
            quote,
            range: Self::range(start, end),
        }
    }

    /// A bare word that is exactly `start..end` of the text.
    fn make_slice(&self, start: usize, end: usize, line: u32) -> RawToken {
        RawToken {
            text: self.shared.slice(start, end),
            line,
            quote: Quote::None,
            range: Self::range(start, end),
        }
    }

    // Inlined into `TokenStream::read`, its only caller: a call per token cost ~40
    // instructions, a tenth of the tokenizer.
    #[inline(always)]
    fn next_token(&mut self) -> Option<RawToken> {
        let mut s = State {
            val: String::new(),
            comment: false,
            quoted: false,
            backtick: false,
            in_heredoc: false,
            heredoc_escaped: false,
            escaped: false,
            marker: String::new(),
            start: self.pos,
            line: self.line,
            pending_escape: None,
        };
        loop {
            let here = self.pos;
            if s.val.is_empty()
                && !(s.escaped || s.comment || s.quoted || s.backtick || s.in_heredoc)
            {
                if self.skip_blanks() {
                    continue;
                }
                if let Some(token) = self.plain_word(&mut s, here) {
                    return Some(token);
                }
                if !s.val.is_empty() {
                    continue;
                }
            }
            let Some(ch) = self.src[here..].chars().next() else {
                if s.val.is_empty() {
                    return None;
                }
                if s.in_heredoc {
                    self.errors.push(LexError {
                        message: format!(
                            "incomplete heredoc <<{m} on line #{l}, expected ending marker {m}",
                            m = s.marker,
                            l = self.line + self.skipped
                        ),
                        range: Self::range(s.start, self.src.len()),
                        line: self.line + self.skipped,
                    });
                    self.line += self.skipped;
                    self.skipped = 0;
                    return Some(self.make(s, Quote::Heredoc, here));
                }
                return Some(self.make(s, Quote::None, here));
            };
            self.pos += ch.len_utf8();

            // Heredoc opener: `<<MARKER` followed by a newline.
            if !(s.quoted || s.backtick || s.in_heredoc || s.heredoc_escaped)
                && s.val.len() > 1
                && s.val.starts_with("<<")
            {
                if ch == ' ' {
                    return Some(self.make(s, Quote::None, here));
                }
                if ch == '\r' {
                    continue;
                }
                if ch == '\n' {
                    let error = if s.val.len() == 2 {
                        Some(format!("missing opening heredoc marker on line #{}; must contain only alphanumeric characters, dashes and underscores; got empty string", self.line))
                    } else if s.val.starts_with("<<<") {
                        Some(format!(
                            "too many '<' for heredoc on line #{}; only use two, for example <<END",
                            self.line
                        ))
                    } else if !is_heredoc_marker(&s.val[2..]) {
                        Some(format!(
                            "heredoc marker on line #{} must contain only alphanumeric characters, dashes and underscores; got '{}'",
                            self.line,
                            &s.val[2..]
                        ))
                    } else {
                        None
                    };
                    if let Some(message) = error {
                        // Recover: the opener is a plain word and the newline ends the line.
                        self.errors.push(LexError {
                            message,
                            range: Self::range(s.start, here),
                            line: self.line,
                        });
                        self.pos = here;
                        return Some(self.make(s, Quote::None, here));
                    }
                    s.marker = s.val[2..].to_owned();
                    s.in_heredoc = true;
                    self.skipped += 1;
                    s.val.clear();
                    continue;
                }
                s.val.push(ch);
                continue;
            }

            if s.in_heredoc {
                s.val.push(ch);
                if ch == '\n' {
                    self.skipped += 1;
                }
                if s.val.ends_with(s.marker.as_str()) {
                    let text = self.finalize_heredoc(&s.val, &s.marker, s.start, self.pos);
                    s.val = text;
                    self.line += self.skipped;
                    self.skipped = 0;
                    return Some(self.make(s, Quote::Heredoc, self.pos));
                }
                continue;
            }

            if !s.escaped && !s.backtick && ch == '\\' {
                s.escaped = true;
                if s.val.is_empty() && !s.quoted {
                    s.pending_escape = Some(here);
                }
                continue;
            }

            if s.quoted || s.backtick {
                if s.quoted && s.escaped {
                    if ch != '"' {
                        s.val.push('\\');
                    }
                    s.escaped = false;
                } else if (s.quoted && ch == '"') || (s.backtick && ch == '`') {
                    let quote = if s.quoted {
                        Quote::Double
                    } else {
                        Quote::Backtick
                    };
                    return Some(self.make(s, quote, self.pos));
                }
                if ch == '\n' {
                    self.line += 1 + self.skipped;
                    self.skipped = 0;
                }
                s.val.push(ch);
                continue;
            }

            if ch.is_whitespace() {
                if ch == '\r' {
                    continue;
                }
                if ch == '\n' {
                    if s.escaped {
                        self.skipped += 1;
                        s.escaped = false;
                    } else {
                        self.line += 1 + self.skipped;
                        self.skipped = 0;
                    }
                    s.comment = false;
                }
                if !s.val.is_empty() {
                    return Some(self.make(s, Quote::None, here));
                }
                continue;
            }

            if ch == '#' && s.val.is_empty() {
                s.comment = true;
            }
            if s.comment {
                continue;
            }

            if s.val.is_empty() {
                s.line = self.line;
                s.start = match s.pending_escape {
                    Some(at) if s.escaped => at,
                    _ => here,
                };
                if ch == '"' {
                    s.quoted = true;
                    continue;
                }
                if ch == '`' {
                    s.backtick = true;
                    continue;
                }
            }

            if s.escaped {
                if ch == '<' {
                    s.heredoc_escaped = true;
                } else {
                    s.val.push('\\');
                }
                s.escaped = false;
            }
            s.val.push(ch);
        }
    }

    /// The fast path between tokens: skip spaces, tabs, carriage returns and line feeds (counting
    /// lines as the per-character loop does when no escape is pending); `true` when anything
    /// was skipped. Other whitespace is left to the loop.
    fn skip_blanks(&mut self) -> bool {
        let start = self.pos;
        for &b in &self.src.as_bytes()[start..] {
            match b {
                b' ' | b'\t' | b'\r' => {}
                b'\n' => {
                    self.line += 1 + self.skipped;
                    self.skipped = 0;
                }
                _ => break,
            }
            self.pos += 1;
        }
        self.pos != start
    }

    /// The fast path for the common token, a bare ASCII word: a slice copy instead of a push
    /// per character. It takes a word starting at `here` with none of the characters that
    /// change the lexer's state (`"`, `` ` ``, `#`, `<` first; `\`, `\r` or non-ASCII
    /// anywhere): the whole word is the token when ordinary whitespace or the end follows;
    /// otherwise the plain prefix goes into `s.val` and the per-character loop reads on.
    fn plain_word(&mut self, s: &mut State, here: usize) -> Option<RawToken> {
        let bytes = &self.src.as_bytes()[here..];
        let first = *bytes.first()?;
        if !first.is_ascii()
            || first.is_ascii_whitespace()
            || matches!(first, b'"' | b'`' | b'\\' | b'#' | b'<' | b'\x0b')
        {
            return None;
        }
        let len = bytes
            .iter()
            .position(|&b| ENDS_PLAIN_WORD[usize::from(b)])
            .unwrap_or(bytes.len());
        let end = here + len;
        self.pos = end;
        let clean_end = match bytes.get(len) {
            None => true,
            Some(&b) => b.is_ascii_whitespace() && b != b'\r',
        };
        if clean_end {
            // The whole word is the token: no copy at all.
            s.start = end;
            s.line = self.line;
            return Some(self.make_slice(here, end, self.line));
        }
        s.line = self.line;
        s.start = here;
        s.val.push_str(&self.src[here..end]);
        None
    }

    /// Strip the closing line's padding from every content line (Caddy's `finalizeHeredoc`).
    /// A line that lacks the padding is an error; recovery keeps such lines unstripped.
    fn finalize_heredoc(&mut self, val: &str, marker: &str, start: usize, end: usize) -> String {
        let body_end = val.len() - marker.len();
        let (body, padding) = match val[..body_end].rfind('\n') {
            Some(last) => (&val[..=last], &val[last + 1..body_end]),
            None => ("", &val[..body_end]),
        };
        // The content starts right after the opener's newline; `val` is a verbatim copy of it.
        let body_start = self.src[start..end]
            .find('\n')
            .map_or(start, |at| start + at + 1);
        let mut out = String::with_capacity(body.len());
        let mut reported = false;
        let mut line_start = body_start;
        let lines: Vec<&str> = body.split('\n').collect();
        for (number, line) in lines[..lines.len().saturating_sub(1)].iter().enumerate() {
            let this_start = line_start;
            line_start += line.len() + 1;
            if line.is_empty() || *line == "\r" {
                out.push('\n');
                continue;
            }
            let stripped = match line.strip_prefix(padding) {
                Some(rest) => rest,
                None => {
                    if !reported {
                        reported = true;
                        let line_no = self.line + u32::try_from(number).unwrap_or(u32::MAX) + 1;
                        self.errors.push(LexError {
                            message: format!(
                                "mismatched leading whitespace in heredoc <<{marker} on line #{line_no} [{line}], expected whitespace [{padding}] to match the closing marker"
                            ),
                            range: Self::range(this_start, this_start + line.len()),
                            line: line_no,
                        });
                    }
                    line
                }
            };
            out.extend(stripped.chars().filter(|c| *c != '\r'));
            out.push('\n');
        }
        if out.ends_with('\n') {
            out.pop();
        }
        out
    }
}

/// The bytes that end [`Lexer::plain_word`]'s word: non-ASCII, ASCII white space (and `\x0b`,
/// which Caddy also takes for white space) and `\`. A table lookup per byte where four tests
/// were: the word scan is most of the lexer's work.
const ENDS_PLAIN_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = !b.is_ascii() || b.is_ascii_whitespace() || b == b'\\' || b == b'\x0b';
        byte += 1;
    }
    table
};
