//! The Corefile tokenizer: CoreDNS's fork of the Caddy v1 lexer. Compared with Caddy v2:
//! only `"` quotes (only `\"` is an escape), no backticks, heredocs or `\`-newline
//! continuations, and `#` starts a comment anywhere outside quotes — even in the middle of a
//! word (`foo#bar` is `foo` then a comment). Tokens do not remember quoting, so `"{"` is a
//! real brace. There are no lexer errors: an unterminated quote runs to the end of the file.

use gblint_diagnostics::TextRange;

/// A token and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The text CoreDNS sees (quotes removed, `\"` unescaped).
    pub text: String,
    /// 1-based line of its first character.
    pub line: u32,
    /// Its bytes in the file, quotes included.
    pub range: TextRange,
}

/// Tokenize a Corefile.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut line = 1u32;
    let mut value = String::new();
    let mut start: Option<(usize, u32)> = None;
    let (mut comment, mut quoted, mut escaped) = (false, false, false);
    let offset = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let chars = text[offset..].char_indices().map(|(i, c)| (i + offset, c));
    let finish =
        |out: &mut Vec<Token>, value: &mut String, start: &mut Option<(usize, u32)>, end: usize| {
            if let Some((at, line)) = start.take() {
                out.push(Token {
                    text: std::mem::take(value),
                    line,
                    range: TextRange::from_usize(at, end),
                });
            }
        };
    for (at, ch) in chars {
        if quoted {
            if !escaped {
                if ch == '\\' {
                    escaped = true;
                    continue;
                }
                if ch == '"' {
                    quoted = false;
                    finish(&mut out, &mut value, &mut start, at + 1);
                    continue;
                }
            }
            if ch == '\n' {
                line += 1;
            }
            if escaped && ch != '"' {
                value.push('\\');
            }
            value.push(ch);
            escaped = false;
            continue;
        }
        if ch.is_whitespace() {
            if ch == '\r' {
                continue;
            }
            if ch == '\n' {
                line += 1;
                comment = false;
            }
            if start.is_some() {
                finish(&mut out, &mut value, &mut start, at);
            }
            continue;
        }
        if ch == '#' {
            comment = true;
            if start.is_some() {
                // `foo#bar`: the word ends where the comment starts.
                finish(&mut out, &mut value, &mut start, at);
            }
        }
        if comment {
            continue;
        }
        if start.is_none() {
            start = Some((at, line));
            if ch == '"' {
                quoted = true;
                continue;
            }
        }
        value.push(ch);
    }
    finish(&mut out, &mut value, &mut start, text.len());
    out
}

/// Whether `b` is not on the line `a` ends on — CoreDNS's dispenser reads two tokens as one
/// line only when `Line + line breaks` of the first equals the second's `Line`. Within a file
/// lines only grow, so this means "on a later line"; but gblint expands imports in place,
/// and an imported snippet's tokens keep their (earlier) lines: the jump back is a line break,
/// as the `import` line it replaces was for CoreDNS. (Without this, a directive just before
/// `import snippet` swallowed the snippet's first directive.)
pub fn next_on_new_line(a: &Token, b: &Token) -> bool {
    a.line + (a.text.matches('\n').count() as u32) != b.line
}

/// Replace `{$VAR}` and `{%VAR%}` in a token, per token and without defaults, as CoreDNS does
/// (an unset variable becomes empty; `{$X:d}` names the variable `X:d`).
pub fn substitute_env(text: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = text.to_owned();
    for (open, close) in [("{$", "}"), ("{%", "%}")] {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len()..];
            match after.find(close) {
                Some(end) => {
                    result.push_str(&rest[..start]);
                    result.push_str(&env(&after[..end]).unwrap_or_default());
                    rest = &after[end + close.len()..];
                }
                None => break,
            }
        }
        result.push_str(rest);
        out = result;
    }
    out
}
