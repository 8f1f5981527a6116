//! The zone-file tokenizer: words, parentheses, comments and newlines with byte ranges.
//!
//! Every delimiter of the master-file syntax is ASCII, so the scanner walks bytes and every
//! token boundary falls on a `char` boundary of the `&str` it was given. Whitespace is not a
//! token: losslessness comes from the line table in [`super::ZoneFile`], not from the tokens.

use gblint_diagnostics::TextRange;

/// What a [`Token`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A run of non-delimiter text; `"…"` segments inside it are kept, quotes included.
    Word,
    /// `(`: the entry continues across newlines until the matching `)`.
    Open,
    /// `)`.
    Close,
    /// `;` up to (not including) the end of the line.
    Comment,
    /// A `\n`.
    Newline,
}

/// One token of the zone file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    /// The token's kind.
    pub kind: Kind,
    /// Where it is in the text.
    pub range: TextRange,
    /// A word whose `"` was still open at the end of the line (RFC 1035 character strings do
    /// not continue across lines, so the word stops there and the caller reports it).
    pub unterminated_quote: bool,
}

/// Bytes that separate words outside quotes. `\r` is whitespace so CRLF files lex like LF
/// files while the `\r` stays inside the line for the lossless printer.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r')
}

/// Split `text` into tokens. Never fails: problems (an open quote) are flagged on the token.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let start = i;
        let kind = match byte {
            b if is_space(b) => {
                i += 1;
                continue;
            }
            b'\n' => {
                i += 1;
                Kind::Newline
            }
            b'(' => {
                i += 1;
                Kind::Open
            }
            b')' => {
                i += 1;
                Kind::Close
            }
            b';' => {
                while bytes.get(i).is_some_and(|&b| b != b'\n') {
                    i += 1;
                }
                Kind::Comment
            }
            _ => {
                let (end, unterminated_quote) = scan_word(bytes, i);
                i = end;
                tokens.push(Token {
                    kind: Kind::Word,
                    range: TextRange::from_usize(start, end),
                    unterminated_quote,
                });
                continue;
            }
        };
        tokens.push(Token {
            kind,
            range: TextRange::from_usize(start, i),
            unterminated_quote: false,
        });
    }
    tokens
}

/// Scan one word from `start`; returns its end and whether a quote was left open.
///
/// A `"` toggles quoting anywhere in a word, so `alpn="h2,h3"` (SVCB/HTTPS key=value) is one
/// word just like `"a b"`. A backslash escapes the next byte (`\;`, `\"`, `\(`, `\ `), inside
/// quotes or not, except a newline: an escape never joins physical lines here.
fn scan_word(bytes: &[u8], start: usize) -> (usize, bool) {
    let mut i = start;
    let mut quoted = false;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'\n' => break,
            b'\\' => {
                // A multi-byte character after the backslash is skipped one byte at a time by
                // the loop; its continuation bytes are never delimiters.
                i += if bytes.get(i + 1).is_some_and(|&b| b != b'\n') {
                    2
                } else {
                    1
                };
            }
            b'"' => {
                quoted = !quoted;
                i += 1;
            }
            b if !quoted && (is_space(b) || matches!(b, b';' | b'(' | b')')) => break,
            _ => i += 1,
        }
    }
    (i, quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.kind, &text[t.range.as_range()]))
            .collect()
    }

    #[test]
    fn words_quotes_comments_and_parens() {
        assert_eq!(
            kinds("a \"b ;c\" (d) ; e\n"),
            vec![
                (Kind::Word, "a"),
                (Kind::Word, "\"b ;c\""),
                (Kind::Open, "("),
                (Kind::Word, "d"),
                (Kind::Close, ")"),
                (Kind::Comment, "; e"),
                (Kind::Newline, "\n"),
            ]
        );
    }

    #[test]
    fn escapes_and_key_value_words() {
        assert_eq!(
            kinds(r#"a\;b alpn="h2,h3" "x\"y""#),
            vec![
                (Kind::Word, r"a\;b"),
                (Kind::Word, r#"alpn="h2,h3""#),
                (Kind::Word, r#""x\"y""#),
            ]
        );
    }

    #[test]
    fn open_quote_stops_at_the_newline() {
        let tokens = tokenize("\"abc\nd");
        assert_eq!(tokens.len(), 3);
        assert!(tokens[0].unterminated_quote);
        assert_eq!(tokens[1].kind, Kind::Newline);
    }

    #[test]
    fn trailing_backslash_and_multibyte() {
        assert_eq!(
            kinds("é\\é x\\"),
            vec![(Kind::Word, "é\\é"), (Kind::Word, "x\\")]
        );
    }
}
