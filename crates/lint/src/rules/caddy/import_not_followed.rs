use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Names every `import` gblint did not follow because its path leads outside what gblint
    /// reads: the checked folder, or the machine folder of a deployment tree. A typical case is
    /// a repository's `Caddyfile` with `import /etc/caddy/conf.d/*.caddy`, checked on its own.
    ///
    /// ## Why is this bad
    /// It is not an error: Caddy reads that path on the machine, and a glob that matches
    /// nothing is accepted there. But gblint checked the file as if the import brought nothing,
    /// so sites, snippets and directives in those files were not checked. In a deployment tree
    /// (one folder per machine, files at their absolute paths) an absolute import is looked up
    /// inside the machine folder and checked for real; a literal import of a file missing
    /// there is CDY004.
    ///
    /// ## Example
    /// ```caddyfile
    /// example.com {
    /// 	import /etc/caddy/conf.d/*.caddy
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Check the deployment tree that holds `/etc/caddy/conf.d/` (e.g. `proxy/etc/caddy/…`), or
    /// ignore this code where the imported files are not kept in the repository.
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct ImportNotFollowed {
        code: "CDY012",
        name: "import-not-followed",
        severity: Warning,
        category: Suspicious,
        fix: None,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for ImportNotFollowed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.caddyfiles {
            for skipped in &doc.caddyfile.not_followed {
                out.push(
                    Self::META
                        .diagnostic(skipped.file, skipped.range, skipped.message.clone())
                        .with_label("not followed")
                        .with_note("gblint reads only files inside the checked folder (or the machine folder of a deployment tree); what this import brings on the machine was not checked")
                        .with_help("check the deployment tree that holds this path, or keep imported files next to the Caddyfile"),
                );
            }
        }
    }
}
