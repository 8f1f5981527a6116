//! `caddy fmt`, byte for byte.
//!
//! Caddy's formatter is a character-level state machine, not a printer over tokens: it copies
//! words, comments, quoted text, escapes and heredoc bodies verbatim and takes control of every
//! brace, space and newline between them. Reproducing its output exactly (including its
//! quirks, such as `respond abc}` becoming two lines, or unbalanced braces left unrepaired)
//! means walking the text the same way, so this module is a state machine too. The rules are
//! listed in the module's tests, each pinned by a case of Caddy's own formatter tests.

use crate::lexer::is_heredoc_marker;

/// Caddy's indentation cap: deeper blocks stay at ten tabs (Caddy issue #4169).
const MAX_INDENT: usize = 10;

/// Go's `unicode.IsSpace`, which is Unicode `White_Space` — the same set as Rust's.
fn is_space(ch: char) -> bool {
    ch.is_whitespace()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Heredoc {
    /// Not in a heredoc.
    Closed,
    /// After `<<`, reading the marker.
    Opening,
    /// In the body, until a line holding the marker.
    Opened,
}

/// The formatter's state while it walks the input.
struct Formatter {
    out: String,
    /// The last character written (`'\0'` before any).
    last: char,
    /// Whether the previous character was whitespace (the start counts as whitespace).
    space: bool,
    /// Whether the output is at the start of a line.
    line_start: bool,
    /// A `{` seen but not yet written (it is written when the next word shows whether it was
    /// a block opener).
    open_brace: bool,
    open_brace_written: bool,
    /// Whether whitespace other than a line start came before that `{`.
    open_brace_space: bool,
    /// Output length right after the space written for that `{`.
    brace_space_end: Option<usize>,
    /// Newlines seen since the last word.
    newlines: usize,
    comment: bool,
    quoted: bool,
    /// Inside a backtick string: verbatim, and a backslash is an ordinary character there.
    backtick: bool,
    escaped: bool,
    heredoc: Heredoc,
    heredoc_escaped: bool,
    marker: Vec<char>,
    closing: Vec<char>,
    nesting: usize,
}

impl Formatter {
    fn write(&mut self, ch: char) {
        self.out.push(ch);
        self.last = ch;
    }

    fn indent(&mut self) {
        for _ in 0..self.nesting {
            self.write('\t');
        }
    }

    fn next_line(&mut self) {
        self.write('\n');
        self.line_start = true;
    }

    /// Whether the output line being written is a top-level `import` line.
    fn on_import_line(&self) -> bool {
        let line = self.out.rsplit('\n').next().unwrap_or("");
        line == "import" || line.starts_with("import ") || line.starts_with("import\t")
    }

    /// Handles one character inside or at the start of a heredoc; `true` when consumed.
    fn heredoc_char(&mut self, ch: char) -> bool {
        if self.heredoc == Heredoc::Opening {
            if ch == '\n' {
                if is_heredoc_marker(&self.marker.iter().collect::<String>()) {
                    self.heredoc = Heredoc::Opened;
                    self.write(ch);
                } else {
                    self.marker.clear();
                    self.heredoc = Heredoc::Closed;
                    self.next_line();
                }
                return true;
            }
            if is_space(ch) {
                // `<< ` is an ordinary word, not a heredoc.
                self.marker.clear();
                self.heredoc = Heredoc::Closed;
            } else {
                self.marker.push(ch);
                self.write(ch);
                return true;
            }
        }
        if self.heredoc == Heredoc::Opened {
            self.closing.push(ch);
            if self.closing.len() > self.marker.len() + 1 {
                self.closing.remove(0);
            }
            let done = is_space(ch) && self.closing[..self.closing.len() - 1] == self.marker[..];
            if !done {
                self.write(ch);
                if ch == '\n' {
                    self.closing.clear();
                }
                return true;
            }
            // The closing marker was written with the body; the space after it is handled
            // as ordinary whitespace.
            self.marker.clear();
            self.closing.clear();
            self.heredoc = Heredoc::Closed;
        }
        false
    }

    fn step(&mut self, ch: char) {
        // `<<` after whitespace starts a heredoc.
        if !self.quoted
            && self.heredoc == Heredoc::Closed
            && !self.heredoc_escaped
            && self.space
            && self.last == '<'
            && ch == '<'
        {
            self.write(ch);
            self.heredoc = Heredoc::Opening;
            self.space = false;
            return;
        }
        if self.heredoc_char(ch) {
            return;
        }
        if self.last == '<' && self.space {
            self.space = false;
        }
        if self.comment {
            if ch == '\n' {
                self.comment = false;
                self.space = true;
                self.next_line();
            } else {
                self.write(ch);
            }
            return;
        }
        if self.backtick {
            if ch == '`' {
                self.backtick = false;
            }
            self.write(ch);
            return;
        }
        if !self.escaped && ch == '\\' {
            if self.space {
                self.write(' ');
                self.space = false;
            }
            self.write(ch);
            self.escaped = true;
            return;
        }
        if self.escaped {
            if ch == '<' {
                self.heredoc_escaped = true;
            }
            self.write(ch);
            self.escaped = false;
            return;
        }
        if self.quoted {
            if ch == '"' {
                self.quoted = false;
            }
            self.write(ch);
            return;
        }
        if self.space && ch == '"' {
            self.quoted = true;
        }
        if self.space && ch == '`' {
            self.backtick = true;
        }
        if is_space(ch) {
            self.space = true;
            self.heredoc_escaped = false;
            if ch == '\n' {
                self.newlines += 1;
            }
            return;
        }
        let space_prior = self.space;
        self.space = false;

        // From here on `ch` is a character of an ordinary word.
        if ch == '#' {
            self.comment = true;
        }
        if self.open_brace && space_prior && !self.open_brace_written {
            // The pending `{` was a block opener: write it and open the block.
            if self.nesting == 0 && self.last == '}' {
                self.next_line();
                self.next_line();
            }
            self.open_brace = false;
            if self.line_start {
                self.indent();
            } else if !self.open_brace_space {
                self.write(' ');
            }
            self.write('{');
            self.open_brace_written = true;
            self.next_line();
            self.newlines = 0;
            if self.nesting < MAX_INDENT {
                self.nesting += 1;
            }
        }
        if ch == '{' {
            // A `{` alone on the line after a top-level import opens an unrelated block
            // (global options): it keeps its own line instead of joining the import.
            if space_prior
                && self.nesting == 0
                && self.newlines == 1
                && !self.line_start
                && self.on_import_line()
            {
                self.next_line();
                self.newlines = 0;
            }
            self.open_brace = true;
            self.open_brace_written = false;
            self.open_brace_space = space_prior && !self.line_start;
            if self.open_brace_space {
                self.write(' ');
                self.brace_space_end = Some(self.out.len());
            }
            return;
        }
        if ch == '}' && (space_prior || !self.open_brace) {
            if self.last != '\n' {
                self.next_line();
            }
            self.nesting = self.nesting.saturating_sub(1);
            self.indent();
            self.write('}');
            self.newlines = 0;
            return;
        }
        // A `{` that turned out to start a word on the next line (`{$ENV}`) leaves no
        // trailing space behind (Caddy's "no trailing space on line before env variable").
        if self.newlines > 0
            && self.open_brace
            && !self.open_brace_written
            && self.brace_space_end == Some(self.out.len())
        {
            self.out.pop();
        }
        for _ in 0..self.newlines.min(2) {
            self.next_line();
        }
        self.newlines = 0;
        if self.line_start {
            self.indent();
        }
        if self.nesting == 0 && self.last == '}' && self.line_start {
            self.next_line();
            self.next_line();
        }
        if !self.line_start && space_prior {
            self.write(' ');
        }
        if self.open_brace && !self.open_brace_written {
            self.write('{');
            self.open_brace_written = true;
        }
        if space_prior && ch == '<' {
            self.space = true;
        }
        self.write(ch);
        self.line_start = false;
    }
}

/// Format a Caddyfile as `caddy fmt` does. Never fails: unbalanced braces and bad heredocs are
/// left as they are, like Caddy does.
pub fn format(input: &str) -> String {
    let input = input.trim_matches(is_space);
    let mut formatter = Formatter {
        out: String::with_capacity(input.len() + input.len() / 8 + 1),
        last: '\0',
        space: true,
        line_start: true,
        open_brace: false,
        open_brace_written: false,
        open_brace_space: false,
        brace_space_end: None,
        newlines: 0,
        comment: false,
        quoted: false,
        backtick: false,
        escaped: false,
        heredoc: Heredoc::Closed,
        heredoc_escaped: false,
        marker: Vec::new(),
        closing: Vec::new(),
        nesting: 0,
    };
    for ch in input.chars() {
        formatter.step(ch);
    }
    let mut out = formatter.out;
    let trimmed_end = out.trim_end_matches(is_space).len();
    out.truncate(trimmed_end);
    let leading = out.len() - out.trim_start_matches(is_space).len();
    out.drain(..leading);
    out.push('\n');
    out
}

/// The first line (1-based) where `text` differs from its formatted form, `None` when it is
/// formatted. CRLF line ends are read as LF first, as Caddy's "not formatted" check does.
pub fn first_unformatted_line(text: &str) -> Option<u32> {
    let normalized = text.replace("\r\n", "\n");
    let formatted = format(&normalized);
    if formatted == normalized {
        return None;
    }
    let mut line = 1u32;
    for (a, b) in normalized.bytes().zip(formatted.bytes()) {
        if a != b {
            return Some(line);
        }
        if a == b'\n' {
            line += 1;
        }
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn braces_spaces_and_blank_lines() {
        assert_eq!(format("a{\nb\n}"), "a {\n\tb\n}\n");
        assert_eq!(
            format("a\n{\n\n\nb   c\n\n\n\nd\n\n}"),
            "a {\n\tb c\n\n\td\n}\n"
        );
        assert_eq!(format("s {\n\trespond abc}"), "s {\n\trespond abc\n}\n");
        assert_eq!(format("}ghi{\n}"), "}\n\nghi {\n}\n");
    }

    #[test]
    fn verbatim_parts() {
        assert_eq!(
            format("a {\n  # a   comment {\n  b \"x   y\"\n}"),
            "a {\n\t# a   comment {\n\tb \"x   y\"\n}\n"
        );
        assert_eq!(
            format("a {\n\trespond <<H\n  body   text\n  H\n}"),
            "a {\n\trespond <<H\n  body   text\n  H\n}\n"
        );
        assert_eq!(
            format("a {\n  b {$ENV} {bar}\n}"),
            "a {\n\tb {$ENV} {bar}\n}\n"
        );
    }

    #[test]
    fn import_then_global_block() {
        assert_eq!(
            format("import a\n{\n\tdebug\n}"),
            "import a\n{\n\tdebug\n}\n"
        );
    }

    #[test]
    fn unbalanced_braces_are_not_repaired() {
        assert_eq!(format("a\n{\n\t{\n}"), "a {\n\t{\n\t}\n");
        assert_eq!(format("a {\n}\n}\n}"), "a {\n}\n}\n}\n");
    }
}
