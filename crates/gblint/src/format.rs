//! Formatting: Caddyfiles byte for byte as `caddy fmt`, Corefiles, and iptables rules files
//! (in place, or in full `iptables-save` form), with the decision whether the result is safe
//! to write back.

use std::fmt;
use std::path::Path;

use gblint_caddyfile::format::first_unformatted_line;
use gblint_caddyfile::tokenize;

pub use gblint_lint::FileKind;

/// How to format.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct FormatOptions {
    /// iptables: print the whole ruleset as `iptables-save` would (`--canonical`), instead of
    /// normalising the file in place.
    pub canonical: bool,
    /// [`format_files`](crate::format_files): read the named files as this kind of file instead of
    /// telling it from their names (`--kind`).
    pub forced_kind: Option<FileKind>,
}

impl FormatOptions {
    /// iptables files in full `iptables-save` form.
    #[must_use]
    pub fn canonical(mut self, yes: bool) -> Self {
        self.canonical = yes;
        self
    }

    /// Read the named files of [`format_files`](crate::format_files) as `format`.
    #[must_use]
    pub fn forced_kind(mut self, kind: Option<FileKind>) -> Self {
        self.forced_kind = kind;
        self
    }
}

/// A formatted file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Formatted {
    /// The formatted text.
    pub text: String,
    /// Whether it differs from the input.
    pub changed: bool,
    /// The first line (1-based) that formatting changes, when it changes any.
    pub first_changed_line: Option<u32>,
    /// Why writing the text back could change what the tool reads, when it could: the
    /// formatted text is then for showing, not for writing (`gblint fmt` refuses it).
    pub unsafe_to_write: Option<String>,
}

/// Why a file was not formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormatError {
    /// gblint does not format this format (yet), or cannot tell the format from the path.
    Unsupported(Option<FileKind>),
    /// The file cannot be read by its tool, so its formatting is not defined.
    Unreadable(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Unsupported(Some(kind)) => {
                write!(f, "gblint cannot format {} files yet", kind.name())
            }
            FormatError::Unsupported(None) => f.write_str("not a format gblint can tell"),
            FormatError::Unreadable(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for FormatError {}

/// Whether `gblint fmt` formats this kind of file.
pub fn can_format(kind: FileKind) -> bool {
    matches!(
        kind,
        FileKind::Caddyfile | FileKind::Iptables | FileKind::Corefile
    )
}

/// Format `text`, the file at `path` (its format told from its name, as `gblint check` does).
pub fn format(path: &Path, text: &str) -> Result<Formatted, FormatError> {
    let kind = gblint_lint::file_kind::detect_by_path(path, None, None)
        .or_else(|| gblint_lint::file_kind::sniff(text))
        .ok_or(FormatError::Unsupported(None))?;
    let shown = gblint_diagnostics::path_display::slashed(path);
    format_as(kind, &shown, text, &FormatOptions::default())
}

/// Format `text` as `format`; `shown` is the file's path as on the machine (it tells IPv4
/// from IPv6 iptables files).
pub fn format_as(
    kind: FileKind,
    shown: &str,
    text: &str,
    options: &FormatOptions,
) -> Result<Formatted, FormatError> {
    let formatted = match kind {
        FileKind::Caddyfile => gblint_caddyfile::format::format(text),
        FileKind::Corefile => gblint_corefile::format::format(text),
        FileKind::Iptables => format_rules(shown, text, options.canonical).ok_or_else(|| {
            FormatError::Unreadable(
                "iptables-restore cannot read it (run `gblint check`)".to_owned(),
            )
        })?,
        other => return Err(FormatError::Unsupported(Some(other))),
    };
    let changed = formatted != text;
    let first_changed_line = changed.then(|| {
        if kind == FileKind::Caddyfile {
            first_unformatted_line(text).unwrap_or(1)
        } else {
            let differs = text
                .lines()
                .zip(formatted.lines())
                .position(|(a, b)| a != b);
            u32::try_from(differs.map_or_else(
                || text.lines().count().min(formatted.lines().count()) + 1,
                |i| i + 1,
            ))
            .unwrap_or(u32::MAX)
        }
    });
    let unsafe_to_write = if changed && kind == FileKind::Caddyfile {
        caddy_unsafe_to_write(text, &formatted)
    } else {
        None
    };
    Ok(Formatted {
        text: formatted,
        changed,
        first_changed_line,
        unsafe_to_write,
    })
}

/// An iptables rules file normalised in place, or in full iptables-save form; `None` when
/// iptables-restore cannot read it.
fn format_rules(path: &str, text: &str, canonical: bool) -> Option<String> {
    let rules = gblint_lint::load::iptables::parse(path, text);
    if canonical {
        if rules
            .problems
            .iter()
            .any(|p| p.kind == gblint_iptables::ProblemKind::Syntax)
        {
            return None;
        }
        let (ruleset, _) = gblint_lint::load::iptables::replay(path, &rules);
        return Some(gblint_iptables::formatter::canonical(&rules, &ruleset));
    }
    gblint_iptables::formatter::format_in_place(&rules, text)
}

/// Why writing `formatted` over `text` could change what Caddy reads, if it could.
///
/// The tokens of `text` are kept as one string and two numbers per token while `formatted` is
/// tokenized: holding both token lists at once made `gblint fmt` on a 16 MB Caddyfile peak
/// above `gblint check` on it.
fn caddy_unsafe_to_write(text: &str, formatted: &str) -> Option<String> {
    let before = {
        let lexed = tokenize(text);
        if let Some(error) = lexed.errors.first() {
            return Some(format!(
                "line {}: {} (run `gblint check`)",
                error.line, error.message
            ));
        }
        TokenTexts::of(&lexed.tokens)
    };
    let after = tokenize(formatted);
    if let Some(error) = after.errors.first() {
        return Some(format!(
            "formatting would make line {} unreadable to Caddy: {}",
            error.line, error.message
        ));
    }
    let first_change = (0..before.len())
        .zip(&after.tokens)
        .position(|(index, b)| before.text(index) != &*b.text);
    match first_change {
        Some(index) => Some(format!(
            "formatting would change what Caddy reads at line {} (`{}` becomes `{}`), as `caddy fmt` would; fix that line by hand",
            before.lines[index], before.text(index), &*after.tokens[index].text
        )),
        None if before.len() != after.tokens.len() => Some("formatting would change the number of tokens Caddy reads".to_owned()),
        None => None,
    }
}

/// The values and lines of a token list, without the tokens: every value in one string.
struct TokenTexts {
    texts: String,
    /// Where each value ends in `texts`.
    ends: Vec<usize>,
    lines: Vec<u32>,
}

impl TokenTexts {
    fn of(tokens: &[gblint_caddyfile::RawToken]) -> TokenTexts {
        let mut texts = String::with_capacity(tokens.iter().map(|t| t.text.len()).sum());
        let mut ends = Vec::with_capacity(tokens.len());
        let mut lines = Vec::with_capacity(tokens.len());
        for token in tokens {
            texts.push_str(&token.text);
            ends.push(texts.len());
            lines.push(token.line);
        }
        TokenTexts { texts, ends, lines }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn text(&self, index: usize) -> &str {
        let start = index.checked_sub(1).map_or(0, |i| self.ends[i]);
        &self.texts[start..self.ends[index]]
    }
}

#[cfg(test)]
mod tests {
    use super::caddy_unsafe_to_write;

    #[test]
    fn the_same_tokens_are_safe_to_write() {
        let text = "a.example.com {\n  respond \"hi there\"\n    log\n}\n";
        let formatted = "a.example.com {\n\trespond \"hi there\"\n\tlog\n}\n";
        assert_eq!(caddy_unsafe_to_write(text, formatted), None);
    }

    #[test]
    fn the_first_changed_token_is_named_with_its_line() {
        let text = "a.example.com {\n\tlog\n}\nb.example.com{\n}\n";
        let formatted = "a.example.com {\n\tlog\n}\n\nb.example.com {\n}\n";
        let reason = caddy_unsafe_to_write(text, formatted).expect("tokens change");
        assert!(
            reason.starts_with(
                "formatting would change what Caddy reads at line 4 (`b.example.com{` becomes `b.example.com`)"
            ),
            "{reason}"
        );
    }

    #[test]
    fn more_tokens_or_unreadable_text_are_refused() {
        assert_eq!(
            caddy_unsafe_to_write("a b\n", "a b c\n").as_deref(),
            Some("formatting would change the number of tokens Caddy reads")
        );
        // The lexer's errors are heredocs without their closing marker.
        let broken = caddy_unsafe_to_write("a <<EOF\nb\n", "a b\n").expect("unreadable input");
        assert!(
            broken.starts_with("line ") && broken.contains("incomplete heredoc <<EOF"),
            "{broken}"
        );
        let made_broken =
            caddy_unsafe_to_write("a b\n", "a <<EOF\nb\n").expect("unreadable output");
        assert!(
            made_broken.starts_with("formatting would make line ")
                && made_broken.contains("unreadable to Caddy: incomplete heredoc"),
            "{made_broken}"
        );
    }
}
