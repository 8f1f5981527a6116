//! Environment files (`EnvironmentFile=`, `/etc/default/*`) read as systemd 252's
//! `load_env_file()` (`parse_env_file_internal`, `src/basic/env-file.c`) reads them.

use gblint_diagnostics::TextRange;

use crate::words::env_name_is_valid;
use crate::Problem;

/// One `NAME=VALUE` of an environment file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvAssignment {
    /// The name, trailing blanks stripped (may be invalid; see [`parse_environment_file`]).
    pub name: String,
    /// The value after systemd's unquoting.
    pub value: String,
    /// 1-based line of the name.
    pub line: u32,
    /// Where the name is.
    pub name_range: TextRange,
    /// Where the value is as written (quotes included; empty at the `=` end when absent).
    pub value_range: TextRange,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    PreKey,
    Key,
    PreValue,
    Value,
    ValueEscape,
    SingleQuote,
    DoubleQuote,
    DoubleQuoteEscape,
    Comment,
    CommentEscape,
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_newline(b: u8) -> bool {
    matches!(b, b'\n' | b'\r')
}

/// An assignment being read.
#[derive(Default)]
struct Pending {
    key: Vec<u8>,
    key_start: usize,
    /// Length of the key without trailing blanks (`last_key_whitespace`).
    key_trim: Option<usize>,
    value: Vec<u8>,
    /// Length of the unquoted value without trailing blanks (`last_value_whitespace`).
    value_trim: Option<usize>,
    value_start: Option<usize>,
    value_end: usize,
}

/// Parse an environment file the way systemd 252 does, returning every assignment in order
/// (a later one of the same name wins when systemd applies them) and the problems.
///
/// The grammar: `#`/`;` start a comment only as the first non-blank character of a line
/// (in 252 a comment ending in `\` swallows the next line as well; fixed in 254); the name
/// runs to `=` with trailing blanks stripped; blanks after `=` are skipped; an unquoted value
/// has trailing blanks trimmed, `\c` is `c` and `\`+newline joins lines; `'…'` is literal;
/// `"…"` unescapes only `"`, `\`, `` ` `` and `$` (other `\c` stay as written) and drops
/// `\`+newline; a quote opens only at the value start or right after a closing quote (`"a" "b"`
/// is `ab`, in `abc "d"` the quotes are literal). No `$` or `%` expansion, and no `export`:
/// `export FOO=1` has the name `export FOO`, which systemd drops as invalid when the service
/// starts.
///
/// Problems: names systemd drops as invalid, lines without `=` (silently ignored by systemd),
/// and comments ending in `\` (systemd 252 and 254+ read the next line differently).
pub fn parse_environment_file(text: &str) -> (Vec<EnvAssignment>, Vec<Problem>) {
    let bytes = text.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let line_of = |offset: usize| -> u32 {
        let newlines = bytes[..offset.min(end)]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        u32::try_from(newlines + 1).unwrap_or(u32::MAX)
    };
    let mut assignments = Vec::new();
    let mut problems = Vec::new();
    let mut state = State::PreKey;
    let mut p = Pending::default();
    let mut comment_start = 0;

    let mut push = |p: &mut Pending, trim_value: bool, problems: &mut Vec<Problem>| {
        let pending = std::mem::take(p);
        let key_len = pending.key_trim.unwrap_or(pending.key.len());
        let mut value = pending.value;
        if trim_value {
            if let Some(len) = pending.value_trim {
                value.truncate(len);
            }
        }
        let name = String::from_utf8_lossy(&pending.key[..key_len]).into_owned();
        let value = String::from_utf8_lossy(&value).into_owned();
        let name_range = TextRange::from_usize(pending.key_start, pending.key_start + key_len);
        let value_range = match pending.value_start {
            Some(start) => TextRange::from_usize(start, pending.value_end.max(start)),
            None => TextRange::from_usize(pending.value_end, pending.value_end),
        };
        if !env_name_is_valid(&name) {
            let hint = if name.starts_with("export ") {
                " (systemd does not understand `export`)"
            } else {
                ""
            };
            problems.push(Problem {
                message: format!("Ignoring invalid environment assignment '{name}={value}'{hint}"),
                range: name_range,
                line: line_of(pending.key_start),
            });
        }
        assignments.push(EnvAssignment {
            name,
            value,
            line: line_of(pending.key_start),
            name_range,
            value_range,
        });
    };

    for (i, &c) in bytes[..end].iter().enumerate() {
        match state {
            State::PreKey => {
                if c == b'#' || c == b';' {
                    state = State::Comment;
                    comment_start = i;
                } else if !is_blank(c) {
                    state = State::Key;
                    p = Pending {
                        key: vec![c],
                        key_start: i,
                        ..Pending::default()
                    };
                }
            }
            State::Key => {
                if is_newline(c) {
                    let range = TextRange::from_usize(p.key_start, i);
                    problems.push(Problem {
                        message: "Line without '=' ignored".to_owned(),
                        range,
                        line: line_of(p.key_start),
                    });
                    state = State::PreKey;
                } else if c == b'=' {
                    state = State::PreValue;
                    p.value_end = i + 1;
                } else {
                    if !is_blank(c) {
                        p.key_trim = None;
                    } else if p.key_trim.is_none() {
                        p.key_trim = Some(p.key.len());
                    }
                    p.key.push(c);
                }
            }
            State::PreValue => {
                if is_newline(c) {
                    push(&mut p, false, &mut problems);
                    state = State::PreKey;
                    continue;
                }
                if is_blank(c) {
                    continue;
                }
                p.value_start.get_or_insert(i);
                p.value_end = i + 1;
                state = match c {
                    b'\'' => State::SingleQuote,
                    b'"' => State::DoubleQuote,
                    b'\\' => State::ValueEscape,
                    _ => {
                        p.value.push(c);
                        State::Value
                    }
                };
            }
            State::Value => {
                if is_newline(c) {
                    push(&mut p, true, &mut problems);
                    state = State::PreKey;
                } else if c == b'\\' {
                    state = State::ValueEscape;
                    p.value_trim = None;
                    p.value_end = i + 1;
                } else {
                    if !is_blank(c) {
                        p.value_trim = None;
                        p.value_end = i + 1;
                    } else if p.value_trim.is_none() {
                        p.value_trim = Some(p.value.len());
                    }
                    p.value.push(c);
                }
            }
            State::ValueEscape => {
                state = State::Value;
                p.value_end = i + 1;
                if !is_newline(c) {
                    p.value.push(c);
                }
            }
            State::SingleQuote => {
                p.value_end = i + 1;
                if c == b'\'' {
                    state = State::PreValue;
                } else {
                    p.value.push(c);
                }
            }
            State::DoubleQuote => {
                p.value_end = i + 1;
                if c == b'"' {
                    state = State::PreValue;
                } else if c == b'\\' {
                    state = State::DoubleQuoteEscape;
                } else {
                    p.value.push(c);
                }
            }
            State::DoubleQuoteEscape => {
                p.value_end = i + 1;
                state = State::DoubleQuote;
                if matches!(c, b'"' | b'\\' | b'`' | b'$') {
                    p.value.push(c);
                } else if c != b'\n' {
                    p.value.extend([b'\\', c]);
                }
            }
            State::Comment => {
                if c == b'\\' {
                    state = State::CommentEscape;
                } else if is_newline(c) {
                    state = State::PreKey;
                }
            }
            State::CommentEscape => {
                if is_newline(c) {
                    problems.push(Problem {
                        message: "Comment ends in '\\': systemd 252 also ignores the next line, \
                                  systemd 254 and later do not"
                            .to_owned(),
                        range: TextRange::from_usize(comment_start, i),
                        line: line_of(comment_start),
                    });
                }
                state = State::Comment;
            }
        }
    }
    match state {
        State::PreValue
        | State::ValueEscape
        | State::SingleQuote
        | State::DoubleQuote
        | State::DoubleQuoteEscape => push(&mut p, false, &mut problems),
        State::Value => push(&mut p, true, &mut problems),
        State::Key => problems.push(Problem {
            message: "Line without '=' ignored".to_owned(),
            range: TextRange::from_usize(p.key_start, end),
            line: line_of(p.key_start),
        }),
        State::PreKey | State::Comment | State::CommentEscape => {}
    }
    (assignments, problems)
}
