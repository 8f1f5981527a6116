use gblint_caddyfile::format::{first_unformatted_line, format};
use gblint_caddyfile::tokenize;
use gblint_diagnostics::{Diagnostic, Edit, FileId, Fix, TextRange};

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a Caddyfile (or a file it imports) that differs from what `caddy fmt` would
    /// write, pointing at the first line that differs. Off by default; select it with
    /// `--extend-select CDY007` or `extend-select = ["CDY007"]`.
    ///
    /// ## Why is this bad
    /// Caddy itself warns "Caddyfile input is not formatted" on every start and reload, and
    /// an unformatted file makes reviews noisy: a real change hides among whitespace changes.
    /// Formatting also exposes structure mistakes (a brace on the wrong line shows up as
    /// wrong indentation).
    ///
    /// ## Example
    /// ```caddyfile
    /// chat.example.com {
    ///     reverse_proxy   10.0.0.10:5859
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```caddyfile
    /// chat.example.com {
    /// 	reverse_proxy 10.0.0.10:5859
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces the file with `gblint fmt`'s output, byte for byte what `caddy fmt`
    /// writes, and is safe: it is offered only when the formatted file has exactly the tokens
    /// Caddy read before. In the rare cases where `caddy fmt` changes them (`respond abc}` is
    /// split into `abc` and `}`) there is no fix: the line needs a person.
    pub struct NotFormatted {
        code: "CDY007",
        name: "not-formatted",
        severity: Warning,
        category: Style,
        fix: Sometimes,
        enabled: false,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for NotFormatted {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut files: Vec<FileId> = Vec::new();
        for doc in &ctx.deployment.caddyfiles {
            // A file that does not parse is reported by CDY000; its formatting means nothing.
            if !doc.caddyfile.errors.is_empty() {
                continue;
            }
            files.push(doc.caddyfile.file);
            files.extend(doc.caddyfile.imported_files.iter().copied());
        }
        files.sort();
        files.dedup();
        for file in files {
            let text = ctx.sources.get(file).text();
            let Some(line) = first_unformatted_line(text) else {
                continue;
            };
            let start = line_start(text, line);
            let end = text[start..].find('\n').map_or(text.len(), |at| start + at);
            let formatted = format(text);
            let title = "format the file as `caddy fmt` does".to_owned();
            let edit = Edit::replacement(TextRange::from_usize(0, text.len()), formatted.clone());
            let diagnostic = Self::META
                .diagnostic(
                    file,
                    TextRange::from_usize(start, end),
                    "file is not formatted as `caddy fmt` would write it",
                )
                .with_label("first line that differs");
            out.push(if same_tokens(text, &formatted) {
                diagnostic.with_help("run `gblint fmt` (or `caddy fmt --overwrite`)").with_fix(Fix::safe(title, vec![edit]))
            } else {
                diagnostic
                    .with_note("here `caddy fmt` would change the tokens Caddy reads (e.g. split `abc}` into `abc` and `}`)")
                    .with_help("fix the brace placement by hand, then run `gblint fmt`")
            });
        }
    }
}

/// Whether two texts lex to the same token texts (what Caddy reads is unchanged).
fn same_tokens(a: &str, b: &str) -> bool {
    let (a, b) = (tokenize(a), tokenize(b));
    a.errors.is_empty()
        && b.errors.is_empty()
        && a.tokens.len() == b.tokens.len()
        && a.tokens
            .iter()
            .zip(&b.tokens)
            .all(|(x, y)| x.text == y.text)
}

/// Byte offset where 1-based `line` starts (the end of the text when there are fewer lines).
fn line_start(text: &str, line: u32) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line as usize - 2)
        .map_or(text.len(), |(at, _)| at + 1)
}
