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
