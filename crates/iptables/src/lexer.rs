//! The iptables-restore tokenizer, byte for byte (`add_param_to_argv` in iptables'
//! `xshared.c`): only `"` quotes; inside quotes `\x` is `x`; a closing quote ends the word;
//! separators are space, tab and newline only; an unterminated quote swallows the rest of the
//! line, newline included; single quotes are ordinary characters.

use std::borrow::Cow;

use gblint_diagnostics::TextRange;

/// One argument of a command line, borrowed from the line unless quotes changed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word<'src> {
    /// Where it is in the file (from its first to its last byte, quotes included).
    pub range: TextRange,
    /// The argument iptables receives.
    pub value: Cow<'src, str>,
    /// Whether any part was in double quotes.
    pub quoted: bool,
    /// Whether a quote was still open at the end of the line.
    pub unterminated: bool,
}

/// Split one line (without its newline; `offset` is its position in the file) into words.
/// `has_newline` says whether a newline followed the line: an unterminated quote takes it in.
pub fn words(line: &str, offset: usize, has_newline: bool) -> Vec<Word<'_>> {
    let mut out = Vec::with_capacity(16);
    words_into(&mut out, line, offset, has_newline);
    out
}

/// [`words`] into `out` (emptied first), so that a file's lines can share one vector.
pub fn words_into<'s>(out: &mut Vec<Word<'s>>, line: &'s str, offset: usize, has_newline: bool) {
    out.clear();
    // Most lines have no quote: their words are plain slices between blanks.
    // The separators are ASCII, so every cut falls on a character boundary.
    if !line.contains('"') {
        let bytes = line.as_bytes();
        let separator = |b: u8| matches!(b, b' ' | b'\t' | b'\n');
        let mut i = 0;
        while i < bytes.len() {
            if separator(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && !separator(bytes[i]) {
                i += 1;
            }
            out.push(Word {
                range: TextRange::from_usize(offset + start, offset + i),
                value: Cow::Borrowed(&line[start..i]),
                quoted: false,
                unterminated: false,
            });
        }
        return;
    }
    out.extend(words_general(line, offset, has_newline));
}

/// The character-by-character tokenizer (quotes, `\` escapes inside quotes, an unterminated
/// quote taking the newline in); [`words`] uses it for lines with a `"`.
fn words_general(line: &str, offset: usize, has_newline: bool) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut value = String::new();
    let mut start: Option<usize> = None;
    let mut quoted = false;
    let mut quote_open = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    let push = |out: &mut Vec<Word<'_>>,
                value: &mut String,
                start: usize,
                end: usize,
                quoted: bool,
                unterminated: bool| {
        out.push(Word {
            range: TextRange::from_usize(offset + start, offset + end),
            value: Cow::Owned(std::mem::take(value)),
            quoted,
            unterminated,
        });
    };
    while i < bytes.len() {
        let ch = line[i..].chars().next().expect("char boundary");
        let len = ch.len_utf8();
        if quote_open {
            if escaped {
                value.push(ch);
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                quote_open = false;
                push(&mut out, &mut value, start.unwrap_or(i), i + 1, true, false);
                start = None;
                quoted = false;
            } else {
                value.push(ch);
            }
            i += len;
            continue;
        }
        match ch {
            '"' => {
                quote_open = true;
                quoted = true;
                start.get_or_insert(i);
            }
            ' ' | '\t' | '\n' => {
                if let Some(s) = start.take() {
                    push(&mut out, &mut value, s, i, quoted, false);
                    quoted = false;
                }
            }
            _ => {
                start.get_or_insert(i);
                value.push(ch);
            }
        }
        i += len;
    }
    if let Some(s) = start {
        if quote_open && has_newline {
            value.push('\n');
        }
        push(&mut out, &mut value, s, bytes.len(), quoted, quote_open);
    }
    out
}

/// Quote a value the way iptables-save does for free-text options (`--comment`,
/// `--log-prefix`): bare when non-empty and only `[A-Za-z0-9_-]`, else in double quotes with
/// `\` before `"`, `\` and `'`.
pub fn save_quote(value: &str) -> String {
    if !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        if matches!(ch, '"' | '\\' | '\'') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(line: &str) -> Vec<String> {
        words(line, 0, true)
            .into_iter()
            .map(|w| w.value.into_owned())
            .collect()
    }

    #[test]
    fn the_fast_path_for_quote_free_lines_matches_the_general_tokenizer() {
        // Every combination of up to four pieces over blanks, escapes and multi-byte text.
        let pieces = [
            "", " ", "\t", "\n", "  ", "-A", "\\", "\\ ", "é", "x\ty", "'s'", "!",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let line = format!("{a}{b}{c}{d}");
                        for newline in [false, true] {
                            assert_eq!(
                                words(&line, 7, newline),
                                words_general(&line, 7, newline),
                                "{line:?}"
                            );
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 12 * 12 * 12 * 12);
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            values("-A INPUT -m comment --comment \"a b\" -j ACCEPT"),
            [
                "-A",
                "INPUT",
                "-m",
                "comment",
                "--comment",
                "a b",
                "-j",
                "ACCEPT"
            ]
        );
        assert_eq!(values("\"x\"y"), ["x", "y"]);
        assert_eq!(values("\"\""), [""]);
        assert_eq!(values("\"a\\\"b\\\\c\""), ["a\"b\\c"]);
        assert_eq!(
            values("a\\b"),
            ["a\\b"],
            "outside quotes a backslash is literal"
        );
        assert_eq!(values("'a b'"), ["'a", "b'"], "single quotes are literal");
        assert_eq!(values("ab\"c d\""), ["abc d"]);
    }

    #[test]
    fn unterminated_quote_swallows_the_line_and_newline() {
        let words = words("--comment \"x -j ACCEPT", 0, true);
        assert_eq!(words.len(), 2);
        assert_eq!(words[1].value, "x -j ACCEPT\n");
        assert!(words[1].unterminated);
    }

    #[test]
    fn save_quoting() {
        assert_eq!(save_quote("foo"), "foo");
        assert_eq!(save_quote("a b"), "\"a b\"");
        assert_eq!(save_quote(""), "\"\"");
        assert_eq!(save_quote("'ab'"), "\"\\'ab\\'\"");
    }
}
