//! Import arguments (Caddy's `importargs.go`): `{args[i:j]}` spreads, `{args[N]}` and the
//! deprecated `{args.N}` replacements, and the `{blocks.KEY}` mapping of an import's block.

use std::collections::HashMap;

use crate::token::CaddyToken;

use super::dispenser::Dispenser;

/// Caddy's `parseVariadic`: a whole-token `{args[i:j]}` with valid bounds.
pub(super) fn variadic(text: &str, count: usize) -> Option<(usize, usize)> {
    let inner = text.strip_prefix("{args[")?.strip_suffix("]}")?;
    if inner.is_empty() {
        return None;
    }
    let (start, end) = inner.split_once(':')?;
    if start.contains('}') || end.contains('{') {
        return None;
    }
    let start = if start.is_empty() {
        0
    } else {
        start.parse::<usize>().ok()?
    };
    let end = if end.is_empty() {
        count
    } else {
        end.parse::<usize>().ok()?
    };
    if start > end || end > count {
        return None;
    }
    Some((start, end))
}

/// Replace `{args[N]}` and the deprecated `{args.N}` placeholders whose index exists; leave
/// every other placeholder as written (Caddy's `ReplaceKnown` with the import's replacer).
pub(super) fn replace_args(text: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' && (i == 0 || bytes[i - 1] != b'\\') {
            let Some(close) = text[i + 1..].find('}') else {
                break;
            };
            let end = i + 1 + close;
            let key = &text[i + 1..end];
            if let Some(value) = arg_value(key, args) {
                out.push_str(&text[copied..i]);
                out.push_str(value);
                copied = end + 1;
            }
            i = end + 1;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

fn arg_value<'a>(key: &str, args: &'a [String]) -> Option<&'a str> {
    let index = if let Some(rest) = key.strip_prefix("args.") {
        rest.parse::<usize>().ok()?
    } else if let Some(rest) = key.strip_prefix("args[").and_then(|r| r.strip_suffix(']')) {
        if rest.contains(':') {
            return None;
        }
        rest.parse::<usize>().ok()?
    } else {
        return None;
    };
    args.get(index).map(String::as_str)
}

/// The `{blocks.KEY}` mapping of an import's block: each line's first token names the key,
/// its arguments and the block it opens are the value. `Err(())` for an anonymous block
/// (a line starting with `{`), which Caddy refuses.
pub(super) fn block_mapping(
    block_tokens: &[CaddyToken],
) -> Result<HashMap<String, Vec<CaddyToken>>, ()> {
    let mut mapping = HashMap::new();
    let mut sub = Dispenser::default();
    while sub.next(block_tokens) {
        let Some(current) = sub.token(block_tokens) else {
            break;
        };
        if current.is_open_brace() {
            return Err(());
        }
        let key = current.text.to_string();
        // The line's arguments, then the block it opens (if any).
        let mut value = Vec::new();
        while sub.next_arg(block_tokens) {
            value.extend(sub.token(block_tokens).cloned());
        }
        let initial = sub.nesting;
        while sub.next_block(block_tokens, initial) {
            value.extend(sub.token(block_tokens).cloned());
        }
        mapping.insert(key, value);
    }
    Ok(mapping)
}
