use gblint_caddyfile::ParseErrorKind;
use gblint_diagnostics::Diagnostic;

use super::chain_note;
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a Caddyfile that Caddy would refuse to load: tokenizer errors (heredocs),
    /// structural errors (braces, keys, snippets, import cycles, glob syntax) and invalid site
    /// addresses, with Caddy's own wording. Every error in the file is reported, not only the
    /// first one as Caddy does.
    ///
    /// ## Why is this bad
    /// `caddy reload` keeps the old configuration and `caddy run` refuses to start: the change
    /// never reaches production, or the proxy stays down after a restart.
    ///
    /// ## Example
    /// ```caddyfile
    /// example.com {
    /// 	handle /api/* { reverse_proxy localhost:8080 }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```caddyfile
    /// example.com {
    /// 	handle /api/* {
    /// 		reverse_proxy localhost:8080
    /// 	}
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix. This rule is always on and cannot be suppressed: a file that does
    /// not parse is never reported clean.
    pub struct SyntaxError {
        code: "CDY000",
        name: "syntax-error",
        severity: Error,
        category: Load,
        fix: None,
        suppressible: false,
        can_disable: false,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        crate::rules::read_problems(&Self::META, ctx, &[FileKind::Caddyfile], out);
        for doc in &ctx.deployment.caddyfiles {
            for error in &doc.caddyfile.errors {
                if error.kind == ParseErrorKind::Import {
                    continue;
                }
                let mut diagnostic = Self::META
                    .diagnostic(error.file, error.range, error.message.clone())
                    .with_label("Caddy stops here");
                if let Some(help) = help_for(&error.message) {
                    diagnostic = diagnostic.with_help(help);
                }
                if let Some(note) = chain_note(&error.chain, ctx.sources) {
                    diagnostic = diagnostic.with_note(note);
                }
                out.push(diagnostic);
            }
        }
    }
}

/// What to do about Caddy's common structural errors.
fn help_for(message: &str) -> Option<&'static str> {
    let table: &[(&str, &str)] = &[
        (
            "Unexpected next token after '{' on same line",
            "end the line after `{` and put the block's content on the following lines",
        ),
        (
            "Unexpected '{' on a new line",
            "move the `{` to the end of the previous line",
        ),
        (
            "Unexpected '}' because no matching opening brace",
            "remove the extra `}` or add the missing `{`",
        ),
        (
            "unexpected EOF",
            "a block is never closed: add the missing `}`",
        ),
        (
            "Unexpected '{}' at end of line",
            "write an empty block as `{` and `}` on separate lines, or drop it",
        ),
        (
            "Site addresses cannot end with a curly brace",
            "put a space between the address and `{`",
        ),
        (
            "Site addresses cannot contain a comma",
            "separate site addresses with `, ` (comma and space)",
        ),
        (
            "request matchers may not be defined globally",
            "define the matcher inside the site block that uses it",
        ),
        (
            "a cycle of imports exists",
            "break the cycle: a snippet or file must not import itself, directly or through others",
        ),
        (
            "server block without any key is global configuration",
            "merge this block into the global options block at the top of the file",
        ),
        (
            "mismatched leading whitespace in heredoc",
            "indent every heredoc line at least as much as its closing marker",
        ),
        ("incomplete heredoc", "close the heredoc with its marker"),
        (
            "Glob pattern may only contain one wildcard",
            "use at most one `*` and one `?`, and no `[…]`, in an import pattern",
        ),
        ("port ", "use a port between 1 and 65535"),
        (
            "invalid port",
            "a site port must be a number between 1 and 65535",
        ),
        (
            "unsupported URL scheme",
            "use http:// or https://, or leave the scheme out",
        ),
    ];
    table
        .iter()
        .find(|(prefix, _)| message.starts_with(prefix))
        .map(|(_, help)| *help)
}
