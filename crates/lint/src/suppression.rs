//! Inline suppressions: `# gblint: ignore[CODE,…] reason` silences those codes on the next
//! statement (or, written after code on the same line where the format allows comments
//! there, on that line); `# gblint: ignore-file[CODE,…] reason` on the whole file. Every
//! format with comments takes them, written with its own comment marker (`;` in zone files,
//! `#` or `;` in fail2ban and systemd files). A reason is required; suppressions that
//! silence nothing, name unknown codes or lack a reason are reported themselves.

use gblint_caddyfile::{tokenize, Caddyfile, SyntaxKind, SyntaxTree};
use gblint_diagnostics::{Diagnostic, FileId, SourceMap, TextRange};

use crate::comments;
use crate::file_kind::FileKind;
use crate::registry;
use crate::rules::suppressions::{
    invalid_suppression::InvalidSuppression, unused_suppression::UnusedSuppression,
};
use crate::settings::did_you_mean;

/// One parsed suppression comment.
#[derive(Clone, Debug)]
pub struct Suppression {
    /// File of the comment.
    pub file: FileId,
    /// The comment's bytes.
    pub comment: TextRange,
    /// Codes it names (upper-cased).
    pub codes: Vec<String>,
    /// Bytes it covers; `None` for the whole file.
    pub scope: Option<TextRange>,
    /// Which codes silenced at least one finding.
    pub used: Vec<bool>,
}

/// Find the suppression comments of a Caddyfile-syntax file; malformed ones become
/// diagnostics in `problems`. `parsed` is the file's parse when it is a root Caddyfile (it
/// knows the byte-order mark); an imported file is tokenized here.
pub fn collect_caddy(
    file: FileId,
    sources: &SourceMap,
    parsed: Option<&Caddyfile>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    let text = sources.get(file).text();
    if !text.contains("gblint:") {
        return Vec::new();
    }
    let tree = match parsed {
        Some(caddyfile) => caddyfile.tree(text),
        None => SyntaxTree::build(text, &tokenize(text)),
    };
    let mut out = Vec::new();
    for (index, token) in tree.tokens.iter().enumerate() {
        if token.kind != SyntaxKind::Comment {
            continue;
        }
        let comment = &text[token.range.as_range()];
        let Some((whole_file, valid_codes)) = parse_directive(file, token.range, comment, problems)
        else {
            continue;
        };
        let scope = if whole_file {
            None
        } else if let Some(line_range) = trailing_line(&tree, index, text) {
            Some(line_range)
        } else {
            match tree.statement_after(token.range.start()) {
                Some(range) => Some(range),
                None => {
                    problems.push(invalid(
                        file,
                        token.range,
                        "suppression is not followed by a statement it could apply to",
                    ));
                    continue;
                }
            }
        };
        let used = vec![false; valid_codes.len()];
        out.push(Suppression {
            file,
            comment: token.range,
            codes: valid_codes,
            scope,
            used,
        });
    }
    out
}

/// When the comment follows code on its line, the scope is that line (from its first byte to
/// the comment).
fn trailing_line(tree: &SyntaxTree, comment_index: usize, text: &str) -> Option<TextRange> {
    let mut index = comment_index;
    while index > 0 {
        index -= 1;
        let token = tree.tokens[index];
        match token.kind {
            SyntaxKind::Newline => return None,
            kind if kind.is_significant() => {
                let comment = tree.tokens[comment_index].range;
                let line_start = text[..token.range.start() as usize]
                    .rfind('\n')
                    .map_or(0, |at| at + 1);
                return Some(TextRange::from_usize(line_start, comment.end() as usize));
            }
            _ => {}
        }
    }
    None
}

/// Read a `# gblint: …` comment: `Some((whole_file, codes))` for a usable suppression, `None`
/// for an ordinary comment or a malformed one (then reported in `problems`).
fn parse_directive(
    file: FileId,
    range: TextRange,
    comment: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<(bool, Vec<String>)> {
    let body = comment.trim_start_matches(['#', ';']).trim();
    let directive = body.strip_prefix("gblint:")?;
    let directive = directive.trim_start();
    let (whole_file, rest) = if let Some(rest) = directive.strip_prefix("ignore-file") {
        (true, rest)
    } else if let Some(rest) = directive.strip_prefix("ignore") {
        (false, rest)
    } else {
        problems.push(invalid(file, range, "unknown gblint directive; expected `ignore[CODE] reason` or `ignore-file[CODE] reason`"));
        return None;
    };
    let Some(rest) = rest.strip_prefix('[') else {
        problems.push(invalid(
            file,
            range,
            "suppression must name its codes in brackets, e.g. `# gblint: ignore[CDY005] reason`",
        ));
        return None;
    };
    let Some((codes, reason)) = rest.split_once(']') else {
        problems.push(invalid(
            file,
            range,
            "suppression is missing its closing `]`",
        ));
        return None;
    };
    let mut valid_codes = Vec::new();
    for code in codes
        .split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
    {
        match registry::by_code(code) {
            None => problems.push(invalid(
                file,
                range,
                format!(
                    "`{code}` is not a gblint rule code{}",
                    did_you_mean(code, registry::all().iter().map(|rule| rule.meta().code))
                ),
            )),
            Some(rule) if !rule.meta().suppressible_inline => problems.push(invalid(
                file,
                range,
                format!(
                    "{} ({}) cannot be suppressed inline",
                    rule.meta().code,
                    rule.meta().name
                ),
            )),
            Some(rule) => valid_codes.push(rule.meta().code.to_owned()),
        }
    }
    if valid_codes.is_empty() {
        if codes.trim().is_empty() {
            problems.push(invalid(file, range, "suppression names no code"));
        }
        return None;
    }
    if reason.trim().is_empty() {
        problems.push(invalid(file, range, "suppression needs a reason after the codes, e.g. `# gblint: ignore[CDY005] admin API is proxied`"));
        return None;
    }
    Some((whole_file, valid_codes))
}

/// Find the suppression comments of a line-oriented file (iptables rules): a comment line
/// (`#` in column 0) applies to the next line that is neither blank nor a comment.
pub fn collect_lines(
    file: FileId,
    sources: &SourceMap,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    collect(FileKind::Iptables, file, sources, problems)
}

/// Find the suppression comments of a file in `format`, by that format's comment rules (see
/// [`crate::comments`]); malformed ones become diagnostics in `problems`. Caddyfiles go
/// through [`collect_caddy`], which knows their statements and blocks.
pub fn collect(
    kind: FileKind,
    file: FileId,
    sources: &SourceMap,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Suppression> {
    let text = sources.get(file).text();
    if !text.contains("gblint:") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for comment in comments::find(kind, text) {
        let body = &text[comment.range.as_range()];
        let Some((whole_file, codes)) = parse_directive(file, comment.range, body, problems) else {
            continue;
        };
        let scope = if whole_file {
            None
        } else {
            match comments::scope(kind, text, &comment) {
                Some(range) => Some(range),
                None => {
                    problems.push(invalid(
                        file,
                        comment.range,
                        "suppression is not followed by a line it could apply to",
                    ));
                    continue;
                }
            }
        };
        let used = vec![false; codes.len()];
        out.push(Suppression {
            file,
            comment: comment.range,
            codes,
            scope,
            used,
        });
    }
    out
}

fn invalid(file: FileId, range: TextRange, message: impl Into<String>) -> Diagnostic {
    InvalidSuppression::META.diagnostic(file, range, message)
}

/// Drop the diagnostics that a suppression covers, marking those suppressions used.
pub fn apply(diagnostics: Vec<Diagnostic>, suppressions: &mut [Suppression]) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter(|diagnostic| {
            let Some(rule) = registry::by_code(diagnostic.code) else {
                return true;
            };
            if !rule.meta().suppressible_inline {
                return true;
            }
            for suppression in suppressions.iter_mut() {
                if suppression.file != diagnostic.file {
                    continue;
                }
                let in_scope = suppression.scope.is_none_or(|scope| {
                    scope.contains(diagnostic.range.start())
                        || scope.start() == diagnostic.range.start()
                });
                if !in_scope {
                    continue;
                }
                if let Some(position) = suppression
                    .codes
                    .iter()
                    .position(|code| code == diagnostic.code)
                {
                    suppression.used[position] = true;
                    return false;
                }
            }
            true
        })
        .collect()
}

/// Report every code of every suppression that silenced nothing; codes of rules that did not
/// run (`enabled` says which did) are left alone, since they could not have fired.
pub fn unused(suppressions: &[Suppression], enabled: &dyn Fn(&str) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for suppression in suppressions {
        for (code, used) in suppression.codes.iter().zip(&suppression.used) {
            if !used && enabled(code) {
                out.push(
                    UnusedSuppression::META
                        .diagnostic(suppression.file, suppression.comment, format!("unused suppression of {code}"))
                        .with_label("nothing here triggers this code")
                        .with_help("remove the code from the comment (or the comment), so it cannot hide a future finding"),
                );
            }
        }
    }
    out
}
