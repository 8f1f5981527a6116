//! Escaping of untrusted text for terminals and CI logs.
//!
//! Configuration files are untrusted input: an ESC in a Caddyfile quoted into a message would
//! reach the terminal as a control sequence (recolouring, hiding or rewriting earlier lines),
//! and a CR would let a line in a CI log overwrite itself. Every text emitter that prints file
//! content (human, concise, github) passes it through [`escape_controls`] first.

use std::borrow::Cow;

/// Whether `ch` must not reach a terminal as is: C0 controls other than tab and newline, DEL,
/// and the C1 controls (U+0080–U+009F, which some terminals also obey).
pub fn is_unsafe_control(ch: char) -> bool {
    (ch.is_control() && ch != '\t' && ch != '\n') || ('\u{80}'..='\u{9f}').contains(&ch)
}

/// `ch` as a visible escape: `\r`, `\x1b`, `\u{9b}`.
pub fn control_escape(ch: char) -> String {
    match ch {
        '\r' => "\\r".to_owned(),
        c if (c as u32) < 0x80 => format!("\\x{:02x}", c as u32),
        c => format!("\\u{{{:x}}}", c as u32),
    }
}

/// `text` with every unsafe control character (see [`is_unsafe_control`]) replaced by a visible
/// escape; borrowed when there is none, which is almost always.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if is_unsafe_control(ch) {
            out.push_str(&control_escape(ch));
        } else {
            out.push(ch);
        }
    }
    Cow::Owned(out)
}

/// A file's text as shown in snippets, control characters escaped, with what is needed to map
/// the file's byte offsets into it.
#[derive(Debug)]
pub(crate) struct EscapedText {
    /// The escaped text.
    pub text: std::sync::Arc<str>,
    /// Its line index.
    pub index: std::sync::Arc<crate::LineIndex>,
    /// `(offset of a control character in the file, bytes added by escaping up to and
    /// including it)`, in file order.
    pub shifts: Vec<(u32, u32)>,
}

impl EscapedText {
    /// The escaped form of `text`, or `None` when nothing in it needs escaping. A CR right
    /// before LF is a line ending, not an escape.
    pub fn of(text: &str) -> Option<EscapedText> {
        let bytes = text.as_bytes();
        let unsafe_at = |i: usize, ch: char| {
            is_unsafe_control(ch) && !(ch == '\r' && bytes.get(i + 1) == Some(&b'\n'))
        };
        // A byte scan first: every unsafe character is an ASCII control, DEL, or C1 (0xC2 0x80–0x9F).
        let maybe = bytes.iter().enumerate().any(|(i, &b)| {
            (b < 0x20
                && b != b'\t'
                && b != b'\n'
                && !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
                || b == 0x7f
                || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
        });
        if !maybe {
            return None;
        }
        let mut escaped = String::with_capacity(text.len() + 16);
        let mut shifts = Vec::new();
        let mut added = 0u32;
        for (i, ch) in text.char_indices() {
            if unsafe_at(i, ch) {
                let shown = control_escape(ch);
                added += u32::try_from(shown.len() - ch.len_utf8()).unwrap_or(0);
                shifts.push((u32::try_from(i).unwrap_or(u32::MAX), added));
                escaped.push_str(&shown);
            } else {
                escaped.push(ch);
            }
        }
        Some(EscapedText {
            index: std::sync::Arc::new(crate::LineIndex::new(&escaped)),
            text: escaped.into(),
            shifts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_only() {
        assert_eq!(escape_controls("plain\ttext\n"), "plain\ttext\n");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("a\u{1b}[31mred\u{7}\rb\u{9b}"),
            "a\\x1b[31mred\\x07\\rb\\u{9b}"
        );
    }
}
