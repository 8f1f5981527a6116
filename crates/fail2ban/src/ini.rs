//! The INI dialect fail2ban reads: Python's `configparser.ConfigParser` with
//! `inline_comment_prefixes=";"`, strict mode and `optionxform = str.lower`, one parser per
//! file (so duplicates within one file are errors, across files they override).
//!
//! The reader follows `RawConfigParser._read` line by line rather than a grammar, because
//! its quirks are the behaviour users see: a continuation is any line indented deeper than
//! the line that started the current option (even one that looks like `key = value`), blank
//! lines inside a value are kept but trailing ones dropped, comment lines inside a value are
//! skipped without ending it, and an inline comment needs whitespace before the `;`.

use std::borrow::Cow;

// Keys seen per file are hashed once per option line: foldhash, not SipHash (the files are
// the operator's own; nobody chooses keys to collide).
use foldhash::{HashMap, HashSet};

use gblint_diagnostics::TextRange;

/// One parsed file: its sections in file order, the problems configparser would raise, and
/// a lossless line table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IniFile {
    /// Sections in file order, `[DEFAULT]` included. A repeated header (an error, except
    /// for `[DEFAULT]`) gives a second `Section` with the same name.
    pub sections: Vec<Section>,
    /// What Python's configparser (strict, as fail2ban uses it) raises for this file. Any
    /// problem makes fail2ban refuse the whole configuration.
    pub problems: Vec<Problem>,
    /// Whether the text ends with a line break (or is empty).
    pub final_newline: bool,
    /// Every physical line, terminator included; together they cover the text exactly.
    pub lines: Vec<Line>,
}

/// A `[name]` section and its options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The header text between `[` and the last `]`, case kept (`DEFAULT`, `Init?family=inet6`).
    pub name: String,
    /// Where `name` is in the file.
    pub name_range: TextRange,
    /// 1-based line of the header.
    pub line: u32,
    /// Options in file order.
    pub entries: Vec<Entry>,
}

/// One option: `key = value` with its continuation lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key lower-cased (configparser's `optionxform`), so `MaxRetry` is `maxretry`.
    pub key: String,
    /// The value as configparser stores it: each line stripped, inline ` ;` comments cut,
    /// continuation lines joined with `\n`, trailing blank lines dropped.
    pub value: String,
    /// The key as written.
    pub key_range: TextRange,
    /// The value part of the first line (after the delimiter, before an inline comment).
    pub value_range: TextRange,
    /// 1-based line of the key.
    pub line: u32,
}

/// An error configparser raises for the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Message in the words of Python's exception (without the file name).
    pub message: String,
    /// The offending part of the line.
    pub range: TextRange,
    /// 1-based line.
    pub line: u32,
}

/// What a physical line is to configparser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Empty or whitespace only.
    Blank,
    /// A full-line `#` or `;` comment (also inside a value).
    Comment,
    /// A `[section]` header.
    Header,
    /// A `key = value` line that starts an option.
    Option,
    /// A line indented deeper than its option's line: appended to that value.
    Continuation,
    /// A line configparser rejects (no delimiter, no key, before any header).
    Error,
}

/// One physical line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    /// The line including its terminator (`\n`, `\r\n` or a lone `\r`, as Python's
    /// universal newlines read them).
    pub range: TextRange,
    /// What the line is.
    pub kind: LineKind,
    /// Where an inline ` ;` comment starts, if the line has one (full-line comments excluded).
    pub inline_comment: Option<u32>,
}

impl IniFile {
    /// The text back, byte for byte, from the line table.
    pub fn print(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for line in &self.lines {
            if let Some(part) = text.get(line.range.as_range()) {
                out.push_str(part);
            }
        }
        out
    }
}

/// Python's `str.isspace` (Rust's `char::is_whitespace` lacks the ASCII separators
/// U+001C..U+001F, which Python counts as whitespace).
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()` with no argument.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Splits `text` into lines as Python's text mode does (`\n`, `\r\n`, lone `\r`), giving
/// (start, end of content, end with terminator).
fn physical_lines(text: &str) -> Vec<(usize, usize, usize)> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push((start, i, i + 1));
                start = i + 1;
            }
            b'\r' => {
                let end = if bytes.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
                lines.push((start, i, end));
                start = end;
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        lines.push((start, bytes.len(), bytes.len()));
    }
    lines
}

/// Byte offset where configparser cuts the line for a comment: a full-line `#`/`;` comment
/// gives 0, else the first `;` at the start or after whitespace.
fn comment_start(line: &str) -> (Option<usize>, bool) {
    let stripped = py_strip(line);
    if stripped.starts_with('#') || stripped.starts_with(';') {
        return (Some(0), true);
    }
    if !line.contains(';') {
        return (None, false);
    }
    let mut prev: Option<char> = None;
    for (i, c) in line.char_indices() {
        if c == ';' && prev.is_none_or(is_py_space) {
            return (Some(i), false);
        }
        prev = Some(c);
    }
    (None, false)
}

/// The option being read: where its value lines go.
struct Current<'t> {
    section: usize,
    entry: usize,
    /// Value lines so far, borrowed from the text (joined at the end, as
    /// `_join_multiline_values` does); a blank line is `""`.
    parts: Vec<&'t str>,
}

/// Parses one file as fail2ban's configparser does (see the module documentation).
pub fn parse_ini(text: &str) -> IniFile {
    let mut file = IniFile {
        final_newline: text.is_empty() || text.ends_with('\n') || text.ends_with('\r'),
        ..IniFile::default()
    };
    // (section, key) pairs seen in this file: configparser's `elements_added`. Sections are
    // numbered by name (a repeated header shares its number); keys borrow the text unless
    // lower-casing changed them.
    let mut seen_options: HashSet<(u32, Cow<'_, str>)> = HashSet::default();
    let mut section_ids: HashMap<&str, u32> = HashMap::default();
    let mut section_id_of: Vec<u32> = Vec::new();
    let mut current_section: Option<usize> = None;
    let mut current: Option<Current<'_>> = None;
    let physical = physical_lines(text);
    file.lines.reserve_exact(physical.len());
    let mut indent_level = usize::MAX;
    let mut missing_header_reported = false;

    for (number, &(start, content_end, end)) in physical.iter().enumerate() {
        let line_no = u32::try_from(number + 1).unwrap_or(u32::MAX);
        let line = &text[start..content_end];
        let (cut, full_comment) = comment_start(line);
        let kept = &line[..cut.unwrap_or(line.len())];
        let value = py_strip(kept);
        let mut record = Line {
            range: TextRange::from_usize(start, end),
            kind: LineKind::Blank,
            inline_comment: match cut {
                Some(at) if !full_comment => u32::try_from(start + at).ok(),
                _ => None,
            },
        };
        if value.is_empty() {
            if full_comment || cut.is_some() {
                record.kind = LineKind::Comment;
            } else if let Some(cur) = current.as_mut() {
                // A blank line inside a value is kept (and dropped again if trailing).
                cur.parts.push("");
            }
            file.lines.push(record);
            continue;
        }
        let indent = line
            .char_indices()
            .find(|&(_, c)| !is_py_space(c))
            .map_or(0, |(i, _)| line[..i].chars().count());
        if current.is_some() && indent > indent_level {
            if let Some(cur) = current.as_mut() {
                cur.parts.push(value);
            }
            record.kind = LineKind::Continuation;
            file.lines.push(record);
            continue;
        }
        indent_level = indent;
        let value_start = start + (value.as_ptr() as usize - line.as_ptr() as usize);
        if let Some(close) = value
            .rfind(']')
            .filter(|&c| value.starts_with('[') && c > 1)
        {
            // Header: `[` + at least one character + the last `]`; trailing text ignored.
            flush(&mut current, &mut file);
            let name = &value[1..close];
            let name_range = TextRange::from_usize(value_start + 1, value_start + close);
            let next_id = u32::try_from(section_ids.len()).unwrap_or(u32::MAX);
            let id = *section_ids.entry(name).or_insert(next_id);
            if name != "DEFAULT" && id != next_id {
                file.problems.push(Problem {
                    message: format!("section {} already exists", py_repr(name)),
                    range: name_range,
                    line: line_no,
                });
            }
            file.sections.push(Section {
                name: name.to_string(),
                name_range,
                line: line_no,
                entries: Vec::new(),
            });
            section_id_of.push(id);
            current_section = Some(file.sections.len() - 1);
            record.kind = LineKind::Header;
            file.lines.push(record);
            continue;
        }
        let Some(section) = current_section else {
            if !missing_header_reported {
                missing_header_reported = true;
                file.problems.push(Problem {
                    message: "file contains no section headers (a line before any [section])"
                        .to_string(),
                    range: TextRange::from_usize(value_start, value_start + value.len()),
                    line: line_no,
                });
            }
            record.kind = LineKind::Error;
            file.lines.push(record);
            continue;
        };
        let Some(delim) = value.find(['=', ':']) else {
            // configparser keeps the current option: deeper lines still continue it.
            file.problems.push(Problem {
                message: format!(
                    "source contains parsing errors: {} is neither a section header nor an option",
                    py_repr(value)
                ),
                range: TextRange::from_usize(value_start, value_start + value.len()),
                line: line_no,
            });
            record.kind = LineKind::Error;
            file.lines.push(record);
            continue;
        };
        flush(&mut current, &mut file);
        let key_raw = value[..delim].trim_end_matches(is_py_space);
        let rest = &value[delim + 1..];
        let val = rest.trim_start_matches(is_py_space);
        let val_start = value_start + delim + 1 + (rest.len() - val.len());
        let key_range = TextRange::from_usize(value_start, value_start + key_raw.len());
        if key_raw.is_empty() {
            // configparser sets the option name to '' here, so nothing continues it.
            flush(&mut current, &mut file);
            file.problems.push(Problem {
                message: format!(
                    "source contains parsing errors: {} has no option name",
                    py_repr(value)
                ),
                range: TextRange::from_usize(value_start, value_start + value.len()),
                line: line_no,
            });
            record.kind = LineKind::Error;
            file.lines.push(record);
            continue;
        }
        let key_cow = if key_raw
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        {
            Cow::Borrowed(key_raw)
        } else {
            Cow::Owned(key_raw.to_lowercase())
        };
        let key = key_cow.to_string();
        if !seen_options.insert((section_id_of[section], key_cow)) {
            file.problems.push(Problem {
                message: format!(
                    "option {} in section {} already exists",
                    py_repr(&key),
                    py_repr(&file.sections[section].name)
                ),
                range: key_range,
                line: line_no,
            });
        }
        let entries = &mut file.sections[section].entries;
        entries.push(Entry {
            key,
            value: String::new(),
            key_range,
            value_range: TextRange::from_usize(val_start, val_start + val.len()),
            line: line_no,
        });
        current = Some(Current {
            section,
            entry: entries.len() - 1,
            parts: vec![val],
        });
        record.kind = LineKind::Option;
        file.lines.push(record);
    }
    flush(&mut current, &mut file);
    file
}

/// Stores the value of the option being read (configparser joins and right-strips).
fn flush(current: &mut Option<Current>, file: &mut IniFile) {
    if let Some(cur) = current.take() {
        if let Some(entry) = file
            .sections
            .get_mut(cur.section)
            .and_then(|s| s.entries.get_mut(cur.entry))
        {
            entry.value = match cur.parts.as_slice() {
                // One line (most values): no join needed.
                [only] => only.trim_end_matches(is_py_space).to_string(),
                parts => parts.join("\n").trim_end_matches(is_py_space).to_string(),
            };
        }
    }
}

/// Python's `repr` of a string, as it appears in configparser's and fail2ban's messages.
pub(crate) fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}
