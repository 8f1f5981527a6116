//! A Corefile formatter: one indentation unit per nesting level — the unit the file already
//! uses (CoreDNS's documentation indents with four spaces, many files with tabs), a tab when it
//! has none — no trailing spaces, at most one blank line
//! in a row, no blank lines right inside braces, exactly one newline at the end. Comments,
//! quoted strings and the order and line breaks of tokens are kept, so the tokens CoreDNS
//! reads are unchanged (a property the tests check on the whole corpus).

use crate::lexer::tokenize;

/// Format a Corefile.
pub fn format(text: &str) -> String {
    // A quote left open takes every byte to the end of the file into its token: the line it
    // starts on and everything after it stay as written.
    match unterminated_quote_line(text) {
        Some(0) => text.to_owned(),
        Some(start) => {
            let mut out = format_complete(&text[..start]);
            out.push_str(&text[start..]);
            out
        }
        None => format_complete(text),
    }
}

/// Where the line of the last token starts, when that token is a quote never closed (moved up
/// to the line of any quoted token that spans that line start, so the text before it ends
/// outside every token).
fn unterminated_quote_line(text: &str) -> Option<usize> {
    let tokens = tokenize(text);
    let last = tokens.last()?;
    let raw = &text[last.range.as_range()];
    let body = raw.strip_prefix('"')?;
    // The lexer's quote rule: `\` escapes the next character, an unescaped `"` closes.
    let mut escaped = false;
    for ch in body.chars() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == '"' {
            return None;
        }
    }
    let line_start = |offset: usize| text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut cut = line_start(last.range.start() as usize);
    for token in tokens.iter().rev() {
        let (start, end) = (token.range.start() as usize, token.range.end() as usize);
        if start >= cut {
            continue;
        }
        if end <= cut {
            break;
        }
        cut = line_start(start);
    }
    Some(cut)
}

fn format_complete(text: &str) -> String {
    let tokens = tokenize(text);
    // Depth at the start of each line, from the tokens (braces in comments/quotes don't count).
    let mut line_starts = vec![0usize];
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            line_starts.push(i + 1);
        }
    }
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset) - 1;
    let mut depth_before = vec![0i64; line_starts.len() + 1];
    let mut closes_first = vec![false; line_starts.len() + 1];
    // Lines whose end is inside a quoted token (its blanks and `\r` belong to the token).
    let mut keep_end = vec![false; line_starts.len() + 1];
    let mut depth = 0i64;
    let mut last_line = usize::MAX;
    for token in &tokens {
        let line = line_of(token.range.start() as usize);
        if line != last_line {
            for d in depth_before
                .iter_mut()
                .take(line + 1)
                .skip(if last_line == usize::MAX {
                    0
                } else {
                    last_line + 1
                })
            {
                *d = depth;
            }
            depth_before[line] = depth;
            closes_first[line] = token.text == "}";
            last_line = line;
        }
        if token.text == "{" {
            depth += 1;
        } else if token.text == "}" {
            depth = (depth - 1).max(0);
        }
        // A quoted token spanning lines keeps its continuation lines verbatim.
        let end_line = line_of(token.range.end().saturating_sub(1) as usize);
        if end_line > line {
            keep_end[line] = true;
            for slot in depth_before.iter_mut().take(end_line + 1).skip(line + 1) {
                *slot = -1;
            }
            last_line = end_line;
        }
    }
    for d in depth_before.iter_mut().skip(if last_line == usize::MAX {
        0
    } else {
        last_line + 1
    }) {
        *d = depth;
    }
    let unit = indent_unit(text, &depth_before, &closes_first);
    let mut out: Vec<String> = Vec::new();
    let lines: Vec<&str> = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .split('\n')
        .collect();
    let bom = text.starts_with('\u{feff}');
    for (index, raw) in lines.iter().enumerate() {
        if depth_before.get(index).copied() == Some(-1) {
            out.push((*raw).to_owned());
            continue;
        }
        let content = if keep_end.get(index).copied().unwrap_or(false) {
            raw.trim_start()
        } else {
            raw.strip_suffix('\r').unwrap_or(raw).trim()
        };
        if content.is_empty() {
            // At most one blank line; none after an opening brace.
            if out
                .last()
                .is_some_and(|l| l.is_empty() || l.trim_end().ends_with('{'))
                || out.is_empty()
            {
                continue;
            }
            out.push(String::new());
            continue;
        }
        let mut level = depth_before.get(index).copied().unwrap_or(0).max(0) as usize;
        if closes_first.get(index).copied().unwrap_or(false) {
            level = level.saturating_sub(1);
            // No blank line right before a closing brace.
            while out.last().is_some_and(String::is_empty) {
                out.pop();
            }
        }
        out.push(format!("{}{}", unit.repeat(level), content));
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    let mut result = out.join("\n");
    result.push('\n');
    if bom {
        result.insert(0, '\u{feff}');
    } else if result.starts_with('\u{feff}') {
        // A U+FEFF that is a token (after blank lines) must not become the byte-order mark the
        // lexer skips at the very start of the file.
        result.insert(0, '\n');
    }
    result
}

/// The indentation of the first line at depth 1 (spaces or a tab), or a tab. A line that
/// starts by closing a block is printed one level out, so it says nothing about the unit.
fn indent_unit(text: &str, depth_before: &[i64], closes_first: &[bool]) -> String {
    for (index, line) in text.split('\n').enumerate() {
        if depth_before.get(index).copied() != Some(1)
            || closes_first.get(index).copied().unwrap_or(false)
            || line.trim().is_empty()
        {
            continue;
        }
        let lead: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        if !lead.is_empty() && (lead.chars().all(|c| c == ' ') || lead == "\t") {
            return lead;
        }
        break;
    }
    "\t".to_owned()
}

#[cfg(test)]
mod tests {
    use super::format;
    use crate::lexer::tokenize;

    fn texts(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.text).collect()
    }

    /// Found by the `corefile` fuzz target: formatting added the final newline (and trimmed
    /// blanks) inside a quote left open at the end of the file, and trimmed the blanks and
    /// `\r` that end the first lines of a quoted string spanning lines, changing the token
    /// (also when the open quote follows such a string on its closing line); and a U+FEFF
    /// token after blank lines was moved to the start of the file, where it is a BOM. And the
    /// indentation unit was read from a line that closes a block, so a second pass changed it.
    #[test]
    fn formatting_keeps_tokens_and_is_idempotent() {
        for text in [
            "\"",
            ". {\n    log \"abc  ",
            ". {\n  whoami\n}\n\n\nx \"open\n  \n",
            ". {\n\thosts \"a   \r\n b\r\n\" \n}\n",
            "\u{feff}\"x\\\"",
            // The open quote's line starts inside a quoted string spanning lines.
            ". {\n    x \"a b \n\" y \"open",
            "a \"1 \n\" \"2 \n\" \"3 \n\" \"open ",
            // U+FEFF after blank lines is a token, not a byte-order mark.
            "\n\u{feff}",
            "\u{feff}\n\u{feff}x",
            // The first depth-1 line closes a block: its indentation is not the unit.
            "{\n } {\n\u{e9}",
        ] {
            let once = format(text);
            assert_eq!(texts(&once), texts(text), "{text:?} -> {once:?}");
            assert_eq!(format(&once), once, "{text:?}");
        }
        assert_eq!(
            format(". {\n  log\n}\n\n\nx \"open "),
            ". {\n  log\n}\nx \"open "
        );
    }
}
