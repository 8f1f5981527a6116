//! `{$NAME}` / `{$NAME:default}` substitution, done on the raw text before lexing exactly as
//! Caddy's `replaceEnvVars` does, plus a map from substituted offsets back to the original text
//! so diagnostics still point at what the user wrote.

use gblint_diagnostics::TextRange;

/// Looks up an environment variable; `None` when unset (distinct from set-but-empty).
pub type EnvLookup<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

/// One stretch of the substituted text.
#[derive(Clone, Copy, Debug)]
struct Piece {
    out_start: usize,
    out_len: usize,
    orig_start: usize,
    orig_len: usize,
    /// A `{$…}` replacement (as opposed to text copied unchanged).
    replaced: bool,
}

/// The text Caddy lexes, and how to map its offsets back.
#[derive(Clone, Debug)]
pub struct Substituted {
    /// The text after substitution.
    pub text: String,
    pieces: Vec<Piece>,
}

impl Substituted {
    /// Whether any `{$…}` was replaced.
    pub fn changed(&self) -> bool {
        self.pieces.iter().any(|piece| piece.replaced)
    }

    /// Map a range of the substituted text to the original text. A range touching a
    /// replacement widens to the whole `{$…}` it came from.
    pub fn map_range(&self, range: TextRange) -> TextRange {
        if !self.changed() {
            return range;
        }
        let start = self.map_offset(range.start() as usize, false);
        let end = self.map_offset(range.end() as usize, true).max(start);
        TextRange::from_usize(start, end)
    }

    fn map_offset(&self, offset: usize, is_end: bool) -> usize {
        // A start offset belongs to the piece that contains it; an end offset to the piece it
        // closes. Empty replacements are skipped unless the offset falls exactly on them.
        let index = if is_end {
            self.pieces
                .partition_point(|piece| piece.out_start + piece.out_len < offset)
        } else {
            self.pieces
                .partition_point(|piece| piece.out_start + piece.out_len <= offset)
        };
        let found = self.pieces.get(index);
        let Some(piece) = found.or_else(|| self.pieces.last()) else {
            return offset;
        };
        if piece.replaced {
            if is_end {
                piece.orig_start + piece.orig_len
            } else {
                piece.orig_start
            }
        } else {
            piece.orig_start + offset.saturating_sub(piece.out_start).min(piece.orig_len)
        }
    }
}

/// Replace every `{$NAME}` / `{$NAME:default}` in `input` as Caddy does: scan for `{$`, take
/// the text up to the next `}`, split the name at the first `:`, and splice in the value (or the
/// default when unset, or nothing). `{$}` is kept; replaced values are not rescanned.
pub fn substitute(input: &str, lookup: EnvLookup<'_>) -> Substituted {
    if !input.contains("{$") {
        return Substituted {
            text: input.to_owned(),
            pieces: vec![Piece {
                out_start: 0,
                out_len: input.len(),
                orig_start: 0,
                orig_len: input.len(),
                replaced: false,
            }],
        };
    }
    let mut text = String::with_capacity(input.len());
    let mut pieces = Vec::new();
    let mut copied_from = 0usize;
    let mut scan = 0usize;
    while let Some(found) = input[scan..].find("{$") {
        let begin = scan + found;
        let Some(close) = input[begin + 2..].find('}') else {
            break;
        };
        let end = begin + 2 + close;
        let name_and_default = &input[begin + 2..end];
        if name_and_default.is_empty() {
            scan = end + 1;
            continue;
        }
        let (name, default) = match name_and_default.split_once(':') {
            Some((name, default)) => (name, Some(default)),
            None => (name_and_default, None),
        };
        let value = lookup(name)
            .or_else(|| default.map(str::to_owned))
            .unwrap_or_default();
        if begin > copied_from {
            pieces.push(Piece {
                out_start: text.len(),
                out_len: begin - copied_from,
                orig_start: copied_from,
                orig_len: begin - copied_from,
                replaced: false,
            });
            text.push_str(&input[copied_from..begin]);
        }
        pieces.push(Piece {
            out_start: text.len(),
            out_len: value.len(),
            orig_start: begin,
            orig_len: end + 1 - begin,
            replaced: true,
        });
        text.push_str(&value);
        copied_from = end + 1;
        scan = end + 1;
    }
    pieces.push(Piece {
        out_start: text.len(),
        out_len: input.len() - copied_from,
        orig_start: copied_from,
        orig_len: input.len() - copied_from,
        replaced: false,
    });
    text.push_str(&input[copied_from..]);
    Substituted { text, pieces }
}

/// A `{$NAME}` placeholder that Caddy replaces with nothing: the variable is unset (and the
/// placeholder has no default) or set to the empty string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmptyPlaceholder {
    /// The variable name.
    pub name: String,
    /// Whether the variable is set (to the empty string) rather than unset.
    pub set: bool,
    /// The placeholder's bytes in the original text, braces included.
    pub range: TextRange,
}

/// Every placeholder in `input` that [`substitute`] replaces with the empty string, found by
/// the same scan (so `{$}` and an unclosed `{$` are skipped exactly as Caddy skips them).
pub fn empty_placeholders(input: &str, lookup: EnvLookup<'_>) -> Vec<EmptyPlaceholder> {
    let mut out = Vec::new();
    let mut scan = 0usize;
    while let Some(found) = input[scan..].find("{$") {
        let begin = scan + found;
        let Some(close) = input[begin + 2..].find('}') else {
            break;
        };
        let end = begin + 2 + close;
        scan = end + 1;
        let name_and_default = &input[begin + 2..end];
        if name_and_default.is_empty() {
            continue;
        }
        let (name, default) = match name_and_default.split_once(':') {
            Some((name, default)) => (name, Some(default)),
            None => (name_and_default, None),
        };
        let value = lookup(name);
        let set = value.is_some();
        let text = value
            .or_else(|| default.map(str::to_owned))
            .unwrap_or_default();
        if text.is_empty() {
            out.push(EmptyPlaceholder {
                name: name.to_owned(),
                set,
                range: TextRange::from_usize(begin, end + 1),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "FOO" => Some("foobar".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn substitutes_like_caddy() {
        assert_eq!(substitute("a {$FOO} b", &env).text, "a foobar b");
        assert_eq!(substitute("{$NOPE:dflt}", &env).text, "dflt");
        assert_eq!(substitute("{$EMPTY:dflt}x", &env).text, "x");
        assert_eq!(substitute("{$}{$FOO", &env).text, "{$}{$FOO");
    }

    #[test]
    fn finds_empty_placeholders() {
        let found = empty_placeholders("a {$FOO} {$NOPE} {$EMPTY} {$NOPE:d} {$}", &env);
        let names: Vec<(&str, bool)> = found.iter().map(|p| (p.name.as_str(), p.set)).collect();
        assert_eq!(names, [("NOPE", false), ("EMPTY", true)]);
        assert_eq!(found[0].range, TextRange::new(9, 16));
    }

    #[test]
    fn maps_ranges_back() {
        let sub = substitute("ab {$NOPE:d} cd", &env);
        assert_eq!(sub.text, "ab d cd");
        // "cd" at 5..7 in the output is 13..15 in the input
        assert_eq!(sub.map_range(TextRange::new(5, 7)), TextRange::new(13, 15));
        // "d" maps to the whole "{$NOPE:d}"
        assert_eq!(sub.map_range(TextRange::new(3, 4)), TextRange::new(3, 12));
        assert_eq!(sub.map_range(TextRange::new(0, 2)), TextRange::new(0, 2));
    }
}
