//! systemd unit files for gblint.
//!
//! The parser follows systemd's own `config_parse()` (`src/shared/conf-parser.c`, systemd 252)
//! rather than a generic INI grammar, because the differences are exactly where units break:
//! comment lines are recognised *before* continuations (so a `#` line inside a `\` continuation
//! is skipped and the continuation resumes after it), `#` after a value is part of the value,
//! a trailing unescaped `\` joins the next physical line verbatim, and line ends are systemd's
//! (`\n`, `\r`, `\r\n`, and NUL). The file is kept as a table of physical lines, so
//! [`UnitFile::print`] reprints it byte for byte.
//!
//! On top of the line grammar: drop-in merging ([`merge`]), `Environment=` word splitting
//! ([`split_environment`], systemd's `extract_first_word` with C escapes), environment files
//! ([`parse_environment_file`], systemd's `load_env_file`), `Exec*=` prefixes
//! ([`exec_command`]), specifiers ([`unknown_specifiers`]) and the known keys of systemd 252
//! ([`is_known_key`], [`check_keys`]).
//!
//! **Internal to gblint, with no stability promise**: embed gblint through the `gblint`
//! crate, which is its library API. This crate is published only because `gblint` is built
//! from it; like rust-analyzer's `ra_ap_` crates, any release may change or remove any item.

#![deny(missing_docs)]

mod envfile;
mod keys;
mod keys_table;
mod merge;
mod words;

pub use envfile::{parse_environment_file, EnvAssignment};
pub use gblint_diagnostics::TextRange;
pub use keys::{check_keys, is_known_key, is_known_section, is_removed_key, unit_type};
pub use merge::{merge, Merged, MergedValue};
pub use words::{
    environment_words, exec_command, exec_commands, split_environment, unknown_specifiers,
    ExecCommand,
};

/// systemd refuses physical lines (and joined continuations) longer than this (`LONG_LINE_MAX`).
const LONG_LINE_MAX: usize = 1024 * 1024;

/// systemd's `WHITESPACE` as it can occur inside a line (line ends never do).
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// A parsed unit file or drop-in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFile {
    /// Sections in file order; a section named twice appears twice (systemd simply continues
    /// it, so the order of assignments is what counts).
    pub sections: Vec<Section>,
    /// What systemd would warn about (or refuse) while reading the lines, in its wording.
    pub problems: Vec<Problem>,
    /// The file ends with a line terminator (or is empty).
    pub final_newline: bool,
    /// systemd would refuse to load the file (`Invalid section header`, `Bad characters in
    /// section header`, a line over 1 MiB); parsing stopped at the last problem.
    pub fatal: bool,
    /// Every physical line with its terminator, covering the text exactly (for [`Self::print`]).
    pub lines: Vec<PhysicalLine>,
}

/// One physical line as systemd's `read_line()` splits the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhysicalLine {
    /// The line without its terminator.
    pub content: TextRange,
    /// The line with its terminator (`\n`, `\r\n`, `\r`, `\n\r`, NUL, … — see [`parse`]).
    pub full: TextRange,
}

/// A `[Section]` and its assignments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The name between the brackets, as written.
    pub name: String,
    /// Where the name is (without the brackets).
    pub name_range: TextRange,
    /// 1-based line of the header.
    pub line: u32,
    /// Assignments in order; repeated keys are kept.
    pub entries: Vec<Entry>,
}

/// A `Key=Value` assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key, blanks around it stripped (case-sensitive, as systemd compares it).
    pub key: String,
    /// The value with continuations joined as systemd does (the `\` becomes a space, the next
    /// line follows with its indentation, comment lines in between are dropped), blanks stripped.
    pub value: String,
    /// Where the key is.
    pub key_range: TextRange,
    /// Where the value is on its first physical line (without a continuation `\`).
    pub value_range: TextRange,
    /// 1-based line where the assignment starts.
    pub line: u32,
    /// 1-based line where it ends (differs from `line` for continuations; systemd reports
    /// problems of the assignment at this line).
    pub end_line: u32,
}

/// A problem found while reading the lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// systemd's wording where systemd reports the problem.
    pub message: String,
    /// Where it is.
    pub range: TextRange,
    /// 1-based line, as systemd reports it (the last physical line of a continued line).
    pub line: u32,
}

impl UnitFile {
    /// Reprint the file from its line table; equal to `text` when `text` is what was parsed.
    pub fn print(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for line in &self.lines {
            if let Some(slice) = text.get(line.full.as_range()) {
                out.push_str(slice);
            }
        }
        out
    }

    /// All entries `key` of every section named `section`, in order.
    pub fn entries(&self, section: &str, key: &str) -> Vec<&Entry> {
        self.sections
            .iter()
            .filter(|s| s.name == section)
            .flat_map(|s| s.entries.iter())
            .filter(|e| e.key == key)
            .collect()
    }
}

/// Which of systemd's line-end classes a byte is (`read_line_full`'s `EndOfLineMarker`).
fn eol_class(byte: u8) -> u8 {
    match byte {
        b'\n' => 1,
        b'\r' => 2,
        0 => 4,
        _ => 0,
    }
}

/// Split into physical lines exactly as systemd's `read_line()`: a terminator is a run of
/// `\n`, `\r` and NUL in which no class repeats and which ends right after a NUL, so `\r\n`
/// and `\n\r` are one line end but `\n\n` is two.
fn physical_lines(text: &str) -> Vec<PhysicalLine> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if eol_class(bytes[i]) == 0 {
            i += 1;
            continue;
        }
        let content_end = i;
        let mut seen = 0u8;
        while let Some(&b) = bytes.get(i) {
            let class = eol_class(b);
            if class == 0 || seen & class != 0 || seen & 4 != 0 {
                break;
            }
            seen |= class;
            i += 1;
        }
        lines.push(PhysicalLine {
            content: TextRange::from_usize(start, content_end),
            full: TextRange::from_usize(start, i),
        });
        start = i;
    }
    if start < bytes.len() {
        lines.push(PhysicalLine {
            content: TextRange::from_usize(start, bytes.len()),
            full: TextRange::from_usize(start, bytes.len()),
        });
    }
    lines
}

/// A piece of a logical line taken from one physical line.
#[derive(Debug, Clone, Copy)]
struct Segment {
    /// Offset in the logical line.
    logical: usize,
    /// Offset in the file.
    original: usize,
    len: usize,
    line: u32,
}

/// A logical line: physical lines joined by continuations, with a map back into the file.
#[derive(Debug, Default)]
struct Logical {
    text: String,
    segments: Vec<Segment>,
}

impl Logical {
    fn push(&mut self, piece: &str, original: usize, line: u32) {
        self.segments.push(Segment {
            logical: self.text.len(),
            original,
            len: piece.len(),
            line,
        });
        self.text.push_str(piece);
    }

    /// File offset of logical offset `pos` taken as a start (or the end of the text).
    fn start_of(&self, pos: usize) -> usize {
        for seg in &self.segments {
            if pos < seg.logical + seg.len {
                return seg.original + pos.saturating_sub(seg.logical);
            }
        }
        self.end_of(pos)
    }

    /// File offset of logical offset `pos` taken as an end.
    fn end_of(&self, pos: usize) -> usize {
        for seg in &self.segments {
            if pos > seg.logical && pos <= seg.logical + seg.len {
                return seg.original + (pos - seg.logical);
            }
        }
        // `pos` is 0 or lies at the start of an empty segment: take the first segment whose
        // logical start is `pos`.
        self.segments
            .iter()
            .find(|seg| seg.logical >= pos)
            .or(self.segments.last())
            .map_or(0, |seg| {
                seg.original + pos.saturating_sub(seg.logical).min(seg.len)
            })
    }

    fn range(&self, start: usize, end: usize) -> TextRange {
        if start >= end {
            let at = self.start_of(start);
            return TextRange::from_usize(at, at);
        }
        TextRange::from_usize(self.start_of(start), self.end_of(end))
    }

    fn segment_at(&self, pos: usize) -> Option<&Segment> {
        self.segments
            .iter()
            .find(|seg| pos < seg.logical + seg.len)
            .or(self.segments.last())
    }

    fn first_line(&self) -> u32 {
        self.segments.first().map_or(1, |s| s.line)
    }

    fn last_line(&self) -> u32 {
        self.segments.last().map_or(1, |s| s.line)
    }
}

/// Parse a unit file or drop-in the way systemd's `config_parse()` reads it.
///
/// Per physical line: a line whose first non-blank character is `#` or `;` is a comment and
/// is dropped, even in the middle of a continuation. Otherwise the line is appended to the
/// pending continuation; if the accumulated text ends in an unescaped `\` (backslash pairs
/// cancel), that `\` becomes a space and the next line is awaited. The complete logical line
/// is stripped; empty lines are skipped, `[Name]` opens a section, anything else must be
/// `Key=Value` split at the first `=`. A continuation pending at the end of the file is still
/// parsed. A UTF-8 byte-order mark is skipped once.
pub fn parse(text: &str) -> UnitFile {
    let lines = physical_lines(text);
    let mut unit = UnitFile {
        final_newline: text.is_empty()
            || lines
                .last()
                .is_some_and(|l| l.content.end() != l.full.end()),
        ..UnitFile::default()
    };
    let mut pending: Option<Logical> = None;
    let mut bom_seen = false;
    for (index, physical) in lines.iter().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let raw = text.get(physical.content.as_range()).unwrap_or("");
        let start = physical.content.start() as usize;
        if raw.len() > LONG_LINE_MAX {
            unit.problems.push(Problem {
                message: "Line too long".to_owned(),
                range: physical.content,
                line: number,
            });
            unit.fatal = true;
            pending = None;
            break;
        }
        if raw.trim_start_matches(is_blank).starts_with(['#', ';']) {
            continue;
        }
        let (piece, offset) = match raw.strip_prefix('\u{feff}') {
            Some(rest) if !bom_seen => {
                bom_seen = true;
                (rest, start + '\u{feff}'.len_utf8())
            }
            _ => (raw, start),
        };
        let logical = pending.get_or_insert_with(Logical::default);
        if logical.text.len() + piece.len() > LONG_LINE_MAX {
            unit.problems.push(Problem {
                message: "Continuation line too long".to_owned(),
                range: physical.content,
                line: number,
            });
            unit.fatal = true;
            pending = None;
            break;
        }
        logical.push(piece, offset, number);
        // The text before `piece` ended in a backslash that was replaced by a blank, so the
        // escape state at the start of `piece` is "not escaped".
        let mut escaped = false;
        for byte in piece.bytes() {
            escaped = !escaped && byte == b'\\';
        }
        if escaped {
            logical.text.pop();
            logical.text.push(' ');
            continue;
        }
        if let Some(logical) = pending.take() {
            if !parse_logical(&mut unit, &logical) {
                unit.fatal = true;
                break;
            }
        }
    }
    if let Some(logical) = pending.take() {
        if !parse_logical(&mut unit, &logical) {
            unit.fatal = true;
        }
    }
    unit.lines = lines;
    unit
}

/// systemd's `string_is_safe()`: no control characters, quotes or backslashes.
fn string_is_safe(s: &str) -> bool {
    !s.chars()
        .any(|c| c < ' ' || matches!(c, '"' | '\'' | '\\' | '\x7f'))
}

/// `parse_line()`: one logical line. Returns false on an error that makes systemd refuse the
/// whole file.
fn parse_logical(unit: &mut UnitFile, logical: &Logical) -> bool {
    let text = &logical.text;
    let start = text.len() - text.trim_start_matches(is_blank).len();
    let end = text.trim_end_matches(is_blank).len();
    if start >= end {
        return true;
    }
    let line = &text[start..end];
    let problem = |message: String, range: TextRange| Problem {
        message,
        range,
        line: logical.last_line(),
    };
    if line.starts_with('[') {
        let whole = logical.range(start, end);
        if line.len() < 2 || !line.ends_with(']') {
            unit.problems
                .push(problem(format!("Invalid section header '{line}'"), whole));
            return false;
        }
        let name = &line[1..line.len() - 1];
        if !string_is_safe(name) {
            unit.problems.push(problem(
                format!("Bad characters in section header '{line}'"),
                whole,
            ));
            return false;
        }
        unit.sections.push(Section {
            name: name.to_owned(),
            name_range: logical.range(start + 1, end - 1),
            line: logical.segment_at(start).map_or(1, |s| s.line),
            entries: Vec::new(),
        });
        return true;
    }
    let Some(section) = unit.sections.last_mut() else {
        unit.problems.push(problem(
            "Assignment outside of section. Ignoring.".to_owned(),
            logical.range(start, end),
        ));
        return true;
    };
    let eq = match line.find('=') {
        None => {
            unit.problems.push(problem(
                "Missing '=', ignoring line.".to_owned(),
                logical.range(start, end),
            ));
            return true;
        }
        Some(0) => {
            unit.problems.push(problem(
                "Missing key name before '=', ignoring line.".to_owned(),
                logical.range(start, end),
            ));
            return true;
        }
        Some(eq) => start + eq,
    };
    let key = text[start..eq].trim_end_matches(is_blank);
    let key_end = start + key.len();
    let value_start =
        eq + 1 + (text[eq + 1..end].len() - text[eq + 1..end].trim_start_matches(is_blank).len());
    let value = &text[value_start..end];
    // The value's range on its first physical line: stop before the continuation's `\`
    // (now a blank) and the blanks before it.
    let first_value_end = match logical.segment_at(value_start) {
        Some(seg) if seg.logical + seg.len < end => {
            let cut = (seg.logical + seg.len).max(value_start);
            value_start + text[value_start..cut].trim_end_matches(is_blank).len()
        }
        _ => end,
    };
    section.entries.push(Entry {
        key: key.to_owned(),
        value: value.to_owned(),
        key_range: logical.range(start, key_end),
        value_range: logical.range(value_start, first_value_end),
        line: logical
            .segment_at(start)
            .map_or(logical.first_line(), |s| s.line),
        end_line: logical.last_line(),
    });
    true
}

#[cfg(test)]
mod tests;
