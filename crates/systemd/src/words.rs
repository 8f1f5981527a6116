//! Word splitting of values: systemd's `extract_first_word()` with `EXTRACT_UNQUOTE |
//! EXTRACT_CUNESCAPE` (what `Environment=` and `Exec*=` use), `Exec*=` prefixes, and
//! specifiers.

/// systemd's `WHITESPACE` separators.
fn is_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// One decoded escape: a raw byte (`\xHH`, `\ooo`) or a code point (encoded as UTF-8, also
/// when it is a surrogate, as systemd's `utf8_encode_unichar` does — the result is then not
/// valid UTF-8 and the word is rejected later, as in systemd).
enum Escape {
    Byte(u8),
    Char(u32),
}

fn hex(byte: Option<&u8>) -> Option<u32> {
    char::from(*byte?).to_digit(16)
}

fn oct(byte: Option<&u8>) -> Option<u32> {
    char::from(*byte?).to_digit(8)
}

/// systemd's `unichar_is_valid()`.
fn unichar_is_valid(c: u32) -> bool {
    c < 0x11_0000
        && (c & 0xFFFF_F800) != 0xD800
        && !(0xFDD0..=0xFDEF).contains(&c)
        && (c & 0xFFFE) != 0xFFFE
}

/// `cunescape_one()` without NUL: the escape starting at `s[0]` (the character after the
/// backslash) and how many bytes it spans, or `None` for an invalid escape.
fn cunescape_one(s: &[u8]) -> Option<(usize, Escape)> {
    let simple = |c: u8| Some((1, Escape::Byte(c)));
    match *s.first()? {
        b'a' => simple(0x07),
        b'b' => simple(0x08),
        b'f' => simple(0x0c),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(0x0b),
        b'\\' => simple(b'\\'),
        b'"' => simple(b'"'),
        b'\'' => simple(b'\''),
        b's' => simple(b' '),
        b'x' => {
            let value = (hex(s.get(1))? << 4) | hex(s.get(2))?;
            (value != 0).then_some((3, Escape::Byte(u8::try_from(value).ok()?)))
        }
        b'u' => {
            let mut value = 0;
            for i in 1..=4 {
                value = (value << 4) | hex(s.get(i))?;
            }
            (value != 0).then_some((5, Escape::Char(value)))
        }
        b'U' => {
            let mut value = 0u32;
            for i in 1..=8 {
                value = (value << 4) | hex(s.get(i))?;
            }
            (value != 0 && unichar_is_valid(value)).then_some((9, Escape::Char(value)))
        }
        b'0'..=b'7' => {
            let value = (oct(s.first())? << 6) | (oct(s.get(1))? << 3) | oct(s.get(2))?;
            if value == 0 {
                return None;
            }
            Some((3, Escape::Byte(u8::try_from(value).ok()?)))
        }
        _ => None,
    }
}

/// UTF-8 encoding of any value below 0x110000, surrogates included (`utf8_encode_unichar`).
fn push_unichar(out: &mut Vec<u8>, c: u32) {
    // The masks keep every value in range, so the casts cannot truncate meaningful bits.
    let byte = |v: u32| (v & 0xff) as u8;
    if c < 0x80 {
        out.push(byte(c));
    } else if c < 0x800 {
        out.extend([byte(0xc0 | (c >> 6)), byte(0x80 | (c & 0x3f))]);
    } else if c < 0x10000 {
        out.extend([
            byte(0xe0 | (c >> 12)),
            byte(0x80 | ((c >> 6) & 0x3f)),
            byte(0x80 | (c & 0x3f)),
        ]);
    } else {
        out.extend([
            byte(0xf0 | ((c >> 18) & 0x07)),
            byte(0x80 | ((c >> 12) & 0x3f)),
            byte(0x80 | ((c >> 6) & 0x3f)),
            byte(0x80 | (c & 0x3f)),
        ]);
    }
}

/// The syntax error of `extract_first_word` (`-EINVAL`): an unbalanced quote, an invalid
/// escape or a trailing backslash.
#[derive(Debug)]
struct InvalidSyntax;

/// A cursor over a value for `extract_first_word(…, EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE)`.
struct Words<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Words<'a> {
    fn new(value: &'a str) -> Self {
        // A C string ends at the first NUL.
        let bytes = value.as_bytes();
        let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        Words {
            s: &bytes[..len],
            pos: 0,
        }
    }

    fn skip_separators(&mut self) {
        while self.s.get(self.pos).is_some_and(|&b| is_separator(b)) {
            self.pos += 1;
        }
    }

    /// The rest of the value from the cursor (for the `;` checks of `Exec*=`).
    fn rest(&self) -> &'a [u8] {
        self.s.get(self.pos..).unwrap_or(&[])
    }

    /// The escape after a backslash at `self.pos - 1`.
    fn unescape(&mut self, out: &mut Vec<u8>) -> Result<(), InvalidSyntax> {
        let (len, escape) = cunescape_one(self.rest()).ok_or(InvalidSyntax)?;
        match escape {
            Escape::Byte(b) => out.push(b),
            Escape::Char(c) => push_unichar(out, c),
        }
        self.pos += len;
        Ok(())
    }

    /// The next word (bytes, since `\xHH` can produce anything), `None` at the end.
    fn next_word(&mut self) -> Result<Option<Vec<u8>>, InvalidSyntax> {
        self.skip_separators();
        if self.pos >= self.s.len() {
            return Ok(None);
        }
        let mut out = Vec::new();
        let mut quote: Option<u8> = None;
        loop {
            let Some(&c) = self.s.get(self.pos) else {
                return match quote {
                    Some(_) => Err(InvalidSyntax),
                    None => Ok(Some(out)),
                };
            };
            self.pos += 1;
            match quote {
                Some(q) if c == q => quote = None,
                _ if c == b'\\' => self.unescape(&mut out)?,
                Some(_) => out.push(c),
                None if c == b'\'' || c == b'"' => quote = Some(c),
                None if is_separator(c) => {
                    self.skip_separators();
                    return Ok(Some(out));
                }
                None => out.push(c),
            }
        }
    }
}

/// systemd's `env_name_is_valid()`: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn env_name_is_valid(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Check one word of `Environment=`: `NAME=VALUE` with a valid name and UTF-8 throughout.
fn env_assignment(word: Vec<u8>) -> Result<(String, String), String> {
    let word = String::from_utf8(word).map_err(|e| {
        format!(
            "Invalid environment assignment, ignoring: {}",
            String::from_utf8_lossy(e.as_bytes())
        )
    })?;
    match word.split_once('=') {
        Some((name, value)) if env_name_is_valid(name) => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("Invalid environment assignment, ignoring: {word}")),
    }
}

/// Split an `Environment=` value into `NAME=VALUE` pairs exactly as systemd 252's
/// `config_parse_environ()`: blank-separated words, `"…"` and `'…'` opening anywhere in a word
/// (`C=z"q r"s` is `C=zq rs`), C escapes (`\n`, `\xHH`, `\ooo`, `\uXXXX`, `\s`, …) decoded inside
/// and outside quotes. `$` is not special. `%` specifiers are left as written (resolving them
/// needs the unit's name; see [`unknown_specifiers`]).
///
/// The error is systemd's message for the first problem: `Invalid syntax, ignoring: …`
/// (unbalanced quote, bad escape, trailing backslash) or `Invalid environment assignment,
/// ignoring: WORD`. systemd itself keeps the valid words around a bad one; see
/// [`environment_words`] for that behaviour.
pub fn split_environment(value: &str) -> Result<Vec<(String, String)>, String> {
    let (pairs, problems) = environment_words(value);
    match problems.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(pairs),
    }
}

/// `Environment=` as systemd applies it: the valid assignments in order, and systemd's
/// warnings for the words it ignores. A syntax error ends the line (words before it are kept).
pub fn environment_words(value: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut words = Words::new(value);
    let mut pairs = Vec::new();
    let mut problems = Vec::new();
    loop {
        match words.next_word() {
            Ok(None) => break,
            Ok(Some(word)) => match env_assignment(word) {
                Ok(pair) => pairs.push(pair),
                Err(problem) => problems.push(problem),
            },
            Err(InvalidSyntax) => {
                problems.push(format!("Invalid syntax, ignoring: {value}"));
                break;
            }
        }
    }
    (pairs, problems)
}

/// One command of an `Exec*=` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecCommand {
    /// The prefixes as written (`-`, `@`, `:`, `+`, `!`, `!!`, in any order).
    pub prefixes: String,
    /// The words after unquoting and unescaping. The first is the program (prefixes removed);
    /// with `@` the second is the `argv[0]` to pass.
    pub argv: Vec<String>,
}

impl ExecCommand {
    /// Whether a prefix character is present (`'-'`, `'@'`, `':'`, `'+'`, `'!'`).
    pub fn has_prefix(&self, prefix: char) -> bool {
        self.prefixes.contains(prefix)
    }
}

/// Strip the prefixes of `config_parse_exec()` from the first word: each of `-`, `@`, `:` at
/// most once, and one of `+`, `!`, `!!`.
fn split_prefixes(word: &str) -> (String, &str) {
    let (mut ignore, mut argv0, mut no_env, mut full, mut no_setuid, mut ambient) =
        (false, false, false, false, false, false);
    let mut taken = 0;
    for c in word.bytes() {
        match c {
            b'-' if !ignore => ignore = true,
            b'@' if !argv0 => argv0 = true,
            b':' if !no_env => no_env = true,
            b'+' if !(full || no_setuid || ambient) => full = true,
            b'!' if !(full || no_setuid || ambient) => no_setuid = true,
            b'!' if !(full || ambient) => {
                no_setuid = false;
                ambient = true;
            }
            _ => break,
        }
        taken += 1;
    }
    (word[..taken].to_owned(), &word[taken..])
}

/// Parse an `Exec*=` value into its commands as systemd 252's `config_parse_exec()`: words
/// split like `Environment=`, prefixes on the first word, a lone `;` separating commands and
/// `\;` passing a literal `;`. `$VAR` and `%` specifiers are left as written (they are expanded
/// later, at start, and need the environment and the unit name).
///
/// The error is systemd's `Invalid syntax, ignoring: …` when a word cannot be split.
pub fn exec_commands(value: &str) -> Result<Vec<ExecCommand>, String> {
    let syntax = || format!("Invalid syntax, ignoring: {value}");
    let lossy = |w: Vec<u8>| String::from_utf8_lossy(&w).into_owned();
    let mut words = Words::new(value);
    let mut commands = Vec::new();
    while let Some(first) = words.next_word().map_err(|_| syntax())? {
        let first = lossy(first);
        if first == ";" {
            continue;
        }
        let (prefixes, program) = split_prefixes(&first);
        let mut argv = vec![program.to_owned()];
        let mut more = false;
        loop {
            let rest = words.rest();
            let ends_word = |at: usize| rest.get(at).is_none_or(|&b| is_separator(b));
            if rest.first() == Some(&b';') && ends_word(1) {
                words.pos += 1;
                more = true;
                break;
            }
            if rest.starts_with(b"\\;") && ends_word(2) {
                words.pos += 2;
                words.skip_separators();
                argv.push(";".to_owned());
                continue;
            }
            match words.next_word().map_err(|_| syntax())? {
                Some(word) => argv.push(lossy(word)),
                None => break,
            }
        }
        commands.push(ExecCommand { prefixes, argv });
        if !more {
            break;
        }
    }
    Ok(commands)
}

/// The prefixes and words of the first command of an `Exec*=` value (see [`exec_commands`]);
/// on a syntax error, what could be split before it.
pub fn exec_command(value: &str) -> (String, Vec<String>) {
    match exec_commands(value) {
        Ok(commands) => commands
            .into_iter()
            .next()
            .map(|c| (c.prefixes, c.argv))
            .unwrap_or_default(),
        Err(_) => {
            // Split word by word up to the error.
            let mut words = Words::new(value);
            let mut argv = Vec::new();
            while let Ok(Some(word)) = words.next_word() {
                argv.push(String::from_utf8_lossy(&word).into_owned());
            }
            match argv.first().map(|w| split_prefixes(w)) {
                Some((prefixes, program)) => {
                    let program = program.to_owned();
                    argv[0] = program;
                    (prefixes, argv)
                }
                None => (String::new(), argv),
            }
        }
    }
}

/// The specifier letters of systemd 252's `unit_full_printf()` (probed with `systemd-analyze
/// verify`: every other letter fails with `Invalid slot`). `%c`, `%r`, `%R` are deprecated
/// but still accepted.
const KNOWN_SPECIFIERS: &str = "aAbBcCdEfgGhHiIjJlLmMnNopPqrRsStTuUvVwWyY";

/// Specifiers systemd 252 does not know (`%x` etc.), in order, each as written (`"%x"`). In
/// `Exec*=` lines systemd refuses the unit with `Failed to resolve unit specifiers in …:
/// Invalid slot`; `%%` is a literal `%`, and a `%` at the very end is kept as is.
pub fn unknown_specifiers(value: &str) -> Vec<String> {
    let mut unknown = Vec::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        match chars.next() {
            None | Some('%') => {}
            Some(letter) if KNOWN_SPECIFIERS.contains(letter) => {}
            Some(other) => unknown.push(format!("%{other}")),
        }
    }
    unknown
}
