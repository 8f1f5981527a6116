use gblint_caddyfile::syntax::tile_tokens;
use gblint_caddyfile::SyntaxKind;
use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a `#` comment containing a backslash that makes Caddy join the next line to the
    /// directive before the comment.
    ///
    /// ## Why is this bad
    /// Caddy's lexer treats a `\` anywhere in a comment as a line continuation (a quirk of the
    /// order of its checks). The next line then silently becomes arguments of the directive
    /// before the comment: `respond "hi" # C:\temp` followed by `file_server` is read as
    /// `respond "hi" file_server`.
    ///
    /// ## Example
    /// ```caddyfile
    /// example.com {
    /// 	root * /srv # was C:\srv on the old box
    /// 	file_server
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```caddyfile
    /// example.com {
    /// 	# was C:/srv on the old box
    /// 	root * /srv
    /// 	file_server
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the comment's wording is the author's.
    pub struct CommentContinuesLine {
        code: "CDY006",
        name: "comment-continues-line",
        severity: Warning,
        category: Suspicious,
        fix: None,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for CommentContinuesLine {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.caddyfiles {
            let caddyfile = &doc.caddyfile;
            let text = ctx.sources.get(caddyfile.file).text();
            // Only a comment holding a backslash can join lines; most files have no backslash
            // at all, and then the trivia tokens are not built.
            if !text.contains('\\') {
                continue;
            }
            // The file is lexed again here: the parse does not keep its lexed tokens.
            let lexed = caddyfile.lex(text);
            let tokens = &tile_tokens(text, &lexed.tokens, caddyfile.bom);
            let mut previous: Option<u32> = None;
            for (index, token) in tokens.iter().enumerate() {
                if let Some(lexed) = token.lexed {
                    previous = Some(lexed);
                    continue;
                }
                if token.kind != SyntaxKind::Comment || !text[token.range.as_range()].contains('\\')
                {
                    continue;
                }
                let Some(before) = previous.map(|i| &lexed.tokens[i as usize]) else {
                    continue;
                };
                let Some(after) = tokens[index + 1..]
                    .iter()
                    .find_map(|t| t.lexed)
                    .map(|i| &lexed.tokens[i as usize])
                else {
                    continue;
                };
                let joined = before.line.saturating_add(before.line_breaks()) >= after.line;
                if joined {
                    out.push(
                        Self::META
                            .diagnostic(caddyfile.file, token.range, format!("the `\\` in this comment joins the next line (`{}`) to this one", after.text))
                            .with_label("a backslash anywhere in a comment continues the line")
                            .with_secondary(caddyfile.file, after.range, "read as an argument of the line above")
                            .with_help("remove the backslash from the comment, or move the comment to its own line"),
                    );
                }
            }
        }
    }
}
