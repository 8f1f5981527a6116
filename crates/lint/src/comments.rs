//! Where each format has comments, and what the statement after a comment is: what inline
//! suppressions need outside the Caddyfile (whose own parser answers both).
//!
//! The rules follow the real readers, so that gblint never takes for a comment what the tool
//! reads as data:
//!
//! - **iptables** (`iptables-restore`): a line whose first byte is `#`.
//! - **Corefile** (CoreDNS's lexer): `#` outside double quotes starts a comment to the end of
//!   the line. CoreDNS also ends a word at a `#` inside it (`foo#bar`), but a suppression must
//!   start a token (line start or after whitespace), so a `#` glued to a word is never taken for
//!   one. A comment after code on its line covers that line; one on its own line covers the
//!   next statement, with its `{ … }` block when it opens one.
//! - **zone files** (RFC 1035): `;` outside double quotes starts a comment; a record continued
//!   in parentheses is one statement.
//! - **fail2ban** (Python's configparser as fail2ban sets it up): whole-line comments, `#` or
//!   `;` after optional spaces, and `inline_comment_prefixes=";"`: a `;` at the start of a line
//!   or after whitespace ends the value (`#` after a value is part of it). A whole-line
//!   comment covers the key after it with its continuation lines (indented lines), or a whole
//!   section when it stands before the `[header]`; an inline one covers its own line.
//! - **systemd** units and drop-ins: only whole-line `#` or `;` comments; a key continues
//!   over lines ending in `\`; before a `[Section]` header the statement is the section.
//! - **env files** (`/etc/default/ufw`, read by the shell and by systemd): whole-line `#`.
//! - **LXD instance files** (YAML): whole-line `#` comments (YAML also ends a line at ` #`,
//!   but suppressions are read from whole lines only). The statement after one is the key on
//!   the next line with the block nested under it (the more indented lines), so a comment
//!   above a device covers its options.

use gblint_diagnostics::TextRange;

use crate::file_kind::FileKind;

/// One comment.
#[derive(Clone, Copy, Debug)]
pub struct Comment {
    /// From the comment marker to the end of the line (without the newline).
    pub range: TextRange,
    /// Index of its line.
    pub line: usize,
    /// Whether only whitespace precedes it on its line.
    pub whole_line: bool,
}

/// The lines of `text`, without their `\n` (a `\r` before it is kept).
fn lines(text: &str) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    for line in text.split('\n') {
        out.push(TextRange::from_usize(offset, offset + line.len()));
        offset += line.len() + 1;
    }
    out
}

/// Every comment of `text` read as `kind` (none for the Caddyfile).
pub fn find(kind: FileKind, text: &str) -> Vec<Comment> {
    let lines = lines(text);
    match kind {
        FileKind::Caddyfile => Vec::new(),
        FileKind::Corefile | FileKind::Zone => quoted_comments(kind, text, &lines),
        FileKind::Fail2ban => lines
            .iter()
            .enumerate()
            .filter_map(|(index, range)| {
                let line = &text[range.as_range()];
                let trimmed = line.trim_start();
                if trimmed.starts_with(['#', ';']) {
                    let at = line.len() - trimmed.len();
                    return Some((index, range, at, true));
                }
                let mut previous: Option<char> = None;
                for (at, ch) in line.char_indices() {
                    if ch == ';' && previous.is_none_or(char::is_whitespace) {
                        return Some((index, range, at, false));
                    }
                    previous = Some(ch);
                }
                None
            })
            .map(|(index, range, at, whole_line)| Comment {
                range: TextRange::from_usize(range.start() as usize + at, range.end() as usize),
                line: index,
                whole_line,
            })
            .collect(),
        FileKind::Iptables
        | FileKind::Systemd
        | FileKind::Ufw
        | FileKind::Lxd
        | FileKind::Crontab
        | FileKind::SshConfig
        | FileKind::Workflow => lines
            .iter()
            .enumerate()
            .filter_map(|(index, range)| {
                let line = &text[range.as_range()];
                let trimmed = line.trim_start();
                let marker = trimmed.chars().next()?;
                let ok = match kind {
                    FileKind::Iptables => line.starts_with('#'),
                    // Whole-line `#` comments only: cron, ssh and YAML read `;` as text.
                    FileKind::Ufw
                    | FileKind::Lxd
                    | FileKind::Crontab
                    | FileKind::SshConfig
                    | FileKind::Workflow => marker == '#',
                    _ => marker == '#' || marker == ';',
                };
                ok.then(|| Comment {
                    range: TextRange::from_usize(
                        range.start() as usize + (line.len() - trimmed.len()),
                        range.end() as usize,
                    ),
                    line: index,
                    whole_line: true,
                })
            })
            .collect(),
    }
}

/// Comments of the formats where a marker outside quotes starts one anywhere on a line.
fn quoted_comments(kind: FileKind, text: &str, lines: &[TextRange]) -> Vec<Comment> {
    let marker = if kind == FileKind::Zone { ';' } else { '#' };
    let mut out = Vec::new();
    // CoreDNS quotes run across lines; a zone file's never do.
    let mut quoted = false;
    for (index, range) in lines.iter().enumerate() {
        let line = &text[range.as_range()];
        if kind == FileKind::Zone {
            quoted = false;
        }
        let mut escaped = false;
        let mut previous: Option<char> = None;
        for (at, ch) in line.char_indices() {
            if quoted {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == '"' {
                    quoted = false;
                }
                previous = Some(ch);
                continue;
            }
            if escaped {
                escaped = false;
                previous = Some(ch);
                continue;
            }
            if ch == '"' {
                quoted = true;
            } else if ch == marker {
                let starts_token = previous.is_none_or(char::is_whitespace);
                if kind == FileKind::Zone || starts_token {
                    out.push(Comment {
                        range: TextRange::from_usize(
                            range.start() as usize + at,
                            range.end() as usize,
                        ),
                        line: index,
                        whole_line: line[..at].trim().is_empty(),
                    });
                }
                break;
            } else if kind == FileKind::Zone && ch == '\\' {
                // `\;` is an escaped semicolon in zone data, not a comment.
                escaped = true;
            }
            previous = Some(ch);
        }
    }
    out
}

/// The bytes a suppression comment covers: its own line up to the comment when code
/// precedes it there, otherwise the statement after it. `None` when nothing follows.
pub fn scope(kind: FileKind, text: &str, comment: &Comment) -> Option<TextRange> {
    let lines = lines(text);
    let line_range = lines[comment.line];
    if !comment.whole_line {
        return Some(TextRange::new(line_range.start(), comment.range.start()));
    }
    let comment_lines: Vec<bool> = {
        let mut flags = vec![false; lines.len()];
        for other in find(kind, text) {
            if other.whole_line {
                flags[other.line] = true;
            }
        }
        flags
    };
    let is_blank = |index: usize| text[lines[index].as_range()].trim().is_empty();
    let first = (comment.line + 1..lines.len()).find(|&i| !is_blank(i) && !comment_lines[i])?;
    let last = match kind {
        FileKind::Corefile => block_end(text, &lines, first, '{', '}'),
        FileKind::Zone => block_end(text, &lines, first, '(', ')'),
        FileKind::Fail2ban | FileKind::Systemd => {
            let line = text[lines[first].as_range()].trim();
            if line.starts_with('[') {
                // A section: up to the next header.
                (first + 1..lines.len())
                    .take_while(|&i| !text[lines[i].as_range()].trim_start().starts_with('['))
                    .last()
                    .unwrap_or(first)
            } else {
                continued(kind, text, &lines, first)
            }
        }
        FileKind::Lxd => nested_end(text, &lines, first),
        _ => first,
    };
    Some(TextRange::new(lines[first].start(), lines[last].end()))
}

/// The last line of the YAML block that starts on line `first`: every following line that is
/// blank, or indented deeper than `first` (a sequence item at the same indentation belongs to
/// a key whose value is that sequence).
fn nested_end(text: &str, lines: &[TextRange], first: usize) -> usize {
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let head = &text[lines[first].as_range()];
    let base = indent(head);
    let opens = head.trim_end().ends_with(':');
    let mut last = first;
    for index in first + 1..lines.len() {
        let line = &text[lines[index].as_range()];
        if line.trim().is_empty() {
            continue;
        }
        let deeper = indent(line) > base;
        let item = opens && indent(line) == base && line.trim_start().starts_with("- ");
        if !(deeper || item) {
            break;
        }
        last = index;
    }
    last
}

/// The last line of a key that starts on line `first`: systemd continues lines ending in
/// `\`; configparser continues with indented lines.
fn continued(kind: FileKind, text: &str, lines: &[TextRange], first: usize) -> usize {
    let mut last = first;
    while last + 1 < lines.len() {
        let current = text[lines[last].as_range()].trim_end();
        let next = &text[lines[last + 1].as_range()];
        let goes_on = match kind {
            FileKind::Systemd => current.ends_with('\\'),
            _ => next.starts_with([' ', '\t']) && !next.trim().is_empty(),
        };
        if !goes_on {
            break;
        }
        last += 1;
    }
    last
}

/// The last line of the statement starting on line `first`: the line itself, or the line
/// where the `open` it leaves unclosed is closed (outside quotes and comments).
fn block_end(text: &str, lines: &[TextRange], first: usize, open: char, close: char) -> usize {
    let marker = if open == '(' { ';' } else { '#' };
    let mut depth = 0i64;
    for (index, range) in lines.iter().enumerate().skip(first) {
        let mut quoted = false;
        for ch in text[range.as_range()].chars() {
            match ch {
                '"' => quoted = !quoted,
                _ if quoted => {}
                c if c == marker => break,
                c if c == open => depth += 1,
                c if c == close => depth -= 1,
                _ => {}
            }
        }
        if depth <= 0 {
            return index;
        }
    }
    lines.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(kind: FileKind, text: &str) -> Vec<(String, bool, String)> {
        find(kind, text)
            .iter()
            .map(|comment| {
                let scope = scope(kind, text, comment)
                    .map(|range| text[range.as_range()].to_owned())
                    .unwrap_or_default();
                (
                    text[comment.range.as_range()].to_owned(),
                    comment.whole_line,
                    scope,
                )
            })
            .collect()
    }

    #[test]
    fn corefile_comments_start_tokens_and_cover_blocks() {
        let text = "# a\nexample.org {\n  file db # b\n  hosts \"x # not\" foo#bar\n}\n";
        let found = shown(FileKind::Corefile, text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "# a");
        assert!(found[0].2.starts_with("example.org {") && found[0].2.ends_with('}'));
        assert_eq!(found[1], ("# b".into(), false, "  file db ".into()));
    }

    #[test]
    fn zone_comments_and_parentheses() {
        let text = "; a\n@ IN SOA ns. host. (\n 1 2 3 4 5 ) ; c\nwww IN TXT \"a;b\" ; d\n";
        let found = shown(FileKind::Zone, text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].2.starts_with("@ IN SOA") && found[0].2.ends_with(") ; c"));
        assert_eq!(found[2].0, "; d");
        assert!(!found[2].1);
    }

    #[test]
    fn ini_comments_are_whole_lines_and_cover_sections_or_keys() {
        let text =
            "; s\n[sshd]\nenabled = true ; inline\nport = a#b\n# k\nignoreip = 1\n  2\n[b]\n";
        let found = shown(FileKind::Fail2ban, text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            found[0].2,
            "[sshd]\nenabled = true ; inline\nport = a#b\n# k\nignoreip = 1\n  2"
        );
        assert_eq!(
            found[1],
            ("; inline".into(), false, "enabled = true ".into())
        );
        assert_eq!(found[2].2, "ignoreip = 1\n  2");
        let unit = "# u\nExecStart=/bin/a \\\n  -x\nUser=a # not\n";
        let found = shown(FileKind::Systemd, unit);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].2, "ExecStart=/bin/a \\\n  -x");
        assert_eq!(shown(FileKind::Ufw, "; x\nA=1\n").len(), 0);
    }

    #[test]
    fn yaml_comments_cover_the_nested_block() {
        let text = "devices:\n  # gblint: x\n  web:\n    listen: a\n\n    type: proxy\n  root:\n    path: /\n# p\nprofiles:\n- default\nname: x\n";
        let found = shown(FileKind::Lxd, text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].2, "  web:\n    listen: a\n\n    type: proxy");
        assert_eq!(found[1].2, "profiles:\n- default");
    }
}
