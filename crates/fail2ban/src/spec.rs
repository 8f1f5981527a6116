//! `filter =` and `action =` items: `name[k=v, k2="v 2"][k3='x']`, read as fail2ban's
//! `helpers.extractOptions` and `splitWithOptions` do (their regular expressions are
//! followed step by step, so the accepted and rejected texts and the error messages match).

use crate::ini::{is_py_space, py_repr};

/// One filter or action reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterSpec {
    /// The name before `[`, as fail2ban takes it (not stripped: `sshd [x=1]` names the
    /// file `filter.d/sshd .conf`).
    pub name: String,
    /// Arguments in first-seen order; a repeated key keeps its first place and last value,
    /// as a Python dict does. Keys and values are stripped.
    pub args: Vec<(String, String)>,
}

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '.'
}

/// Parses one `name[k=v, …]` item; the error text is fail2ban's (`Invalid filter
/// definition …: <this>`).
pub fn parse_spec(text: &str) -> Result<FilterSpec, String> {
    // OPTION_CRE = ^([^\[]+)(?:\[(.*)\])?\s*$ (DOTALL)
    let (name, options) = match text.find('[') {
        None if !text.is_empty() => (text, None),
        Some(open) if open > 0 => {
            let tail = text[open..].trim_end_matches(is_py_space);
            if tail.len() < 2 || !tail.ends_with(']') {
                return Err("unexpected option syntax".to_string());
            }
            (&text[..open], Some(&tail[1..tail.len() - 1]))
        }
        _ => return Err("unexpected option syntax".to_string()),
    };
    let mut args: Vec<(String, String)> = Vec::new();
    if let Some(options) = options {
        for (key, value) in extract_options(options)? {
            match args.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => args.push((key, value)),
            }
        }
    }
    Ok(FilterSpec {
        name: name.to_string(),
        args,
    })
}

/// `OPTION_EXTRACT_CRE.finditer` over the text between the brackets.
fn extract_options(text: &str) -> Result<Vec<(String, String)>, String> {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    let at_end = |p: usize| p == len || (p + 1 == len && chars[p] == '\n');
    let slice = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos <= len {
        // Alternative A: \s*([\w\-_\.]+)=(value)(terminator)
        let mut p = pos;
        while p < len && is_py_space(chars[p]) {
            p += 1;
        }
        let key_start = p;
        while p < len && is_key_char(chars[p]) {
            p += 1;
        }
        if p > key_start && p < len && chars[p] == '=' {
            let key = slice(key_start, p);
            p += 1;
            let quoted = match chars.get(p) {
                Some(&q @ ('"' | '\'')) => chars[p + 1..]
                    .iter()
                    .position(|&c| c == q)
                    .map(|close| (p + 1, p + 1 + close)),
                _ => None,
            };
            let value = match quoted {
                Some((a, b)) => {
                    p = b + 1;
                    slice(a, b)
                }
                None => {
                    let a = p;
                    while p < len && chars[p] != ',' && chars[p] != ']' {
                        p += 1;
                    }
                    slice(a, p)
                }
            };
            if !at_end(p) {
                if chars[p] == ',' {
                    p += 1;
                } else {
                    let mut q = p + 1;
                    while chars[p] == ']' && q < len && is_py_space(chars[q]) {
                        q += 1;
                    }
                    if chars[p] == ']' && q < len && chars[q] == '[' {
                        p = q + 1;
                    } else {
                        let wrong: String = chars[p..].iter().take(25).collect();
                        return Err(format!(
                            "unexpected syntax at {p} after option {}: {wrong}",
                            py_repr(&key)
                        ));
                    }
                }
            }
            out.push((
                key.trim_matches(is_py_space).to_string(),
                value.trim_matches(is_py_space).to_string(),
            ));
            pos = p;
            continue;
        }
        // Alternative B: ,?\s*$ — the end.
        let mut p = pos;
        if p < len && chars[p] == ',' {
            p += 1;
        }
        if chars[p..].iter().all(|&c| is_py_space(c)) {
            break;
        }
        // Alternative C: anything else is an error.
        let wrong: String = chars[pos..].iter().take(25).collect();
        return Err(format!("expected option, wrong syntax at {pos}: {wrong}"));
    }
    Ok(out)
}

/// Splits an `action =` value into its items as `splitWithOptions` does: whitespace and
/// line breaks separate items, except inside a well-formed `[…]` argument list (quoted
/// values may hold spaces, commas and `]`). A malformed item (`joho[foo`) stays one
/// whitespace-delimited word, so `parse_spec` reports it. Items are stripped; empty ones
/// are dropped.
pub fn split_actions(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    let mut items = Vec::new();
    let mut pos = 0;
    while pos < len {
        if is_py_space(chars[pos]) {
            pos += 1;
            continue;
        }
        let mut p = pos;
        while p < len && chars[p] != '[' && !is_py_space(chars[p]) {
            p += 1;
        }
        let end = if p > pos {
            let mut q = p;
            while q < len && is_py_space(chars[q]) {
                q += 1;
            }
            let bracket = (q < len && chars[q] == '[')
                .then(|| bracket_list(&chars, q + 1))
                .flatten()
                .filter(|&e| e == len || is_py_space(chars[e]));
            match bracket {
                Some(e) => Some(e),
                None if p == len || is_py_space(chars[p]) => Some(p),
                None => None,
            }
        } else {
            None
        };
        // Fallback alternative \S+.
        let end = end.unwrap_or_else(|| {
            let mut e = pos;
            while e < len && !is_py_space(chars[e]) {
                e += 1;
            }
            e
        });
        let item: String = chars[pos..end].iter().collect();
        let item = item.trim_matches(is_py_space);
        if !item.is_empty() {
            items.push(item.to_string());
        }
        pos = end.max(pos + 1);
    }
    items
}

/// Matches `\s*(?:KEY=(?:"…"|'…'|[^,\]]*)\s*(?:,|\]\s*\[)?\s*)*\]` from just after the
/// `[`, giving the position after the closing `]`.
fn bracket_list(chars: &[char], mut p: usize) -> Option<usize> {
    let len = chars.len();
    let skip = |mut p: usize| {
        while p < len && is_py_space(chars[p]) {
            p += 1;
        }
        p
    };
    p = skip(p);
    loop {
        let key_start = p;
        let mut q = p;
        while q < len && is_key_char(chars[q]) {
            q += 1;
        }
        if q > key_start && q < len && chars[q] == '=' {
            q += 1;
            let quoted = match chars.get(q) {
                Some(&c @ ('"' | '\'')) => chars[q + 1..]
                    .iter()
                    .position(|&x| x == c)
                    .map(|close| q + 1 + close + 1),
                _ => None,
            };
            q = match quoted {
                Some(e) => e,
                None => {
                    while q < len && chars[q] != ',' && chars[q] != ']' {
                        q += 1;
                    }
                    q
                }
            };
            q = skip(q);
            if q < len && chars[q] == ',' {
                q += 1;
            } else if q < len && chars[q] == ']' {
                let r = skip(q + 1);
                if r < len && chars[r] == '[' {
                    q = r + 1;
                }
            }
            p = skip(q);
            continue;
        }
        return (p < len && chars[p] == ']').then_some(p + 1);
    }
}
