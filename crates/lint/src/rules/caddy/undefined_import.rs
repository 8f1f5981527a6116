use gblint_caddyfile::ParseErrorKind;
use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports an `import` that names neither a snippet defined before it nor a file that
    /// exists. A glob that matches nothing is not reported (Caddy accepts it), and an import
    /// that leads outside what gblint reads is CDY012 (not followed), not this rule: gblint
    /// reports a missing file only where it can see that it is missing.
    ///
    /// ## Why is this bad
    /// Caddy refuses the whole file (`File to import not found`). In the General Bots proxy
    /// every vhost starts with `import tls_config`: when that snippet is lost, every site
    /// stops loading at once.
    ///
    /// ## Example
    /// ```caddyfile
    /// chat.example.com {
    /// 	import tls_config
    /// 	reverse_proxy 10.0.0.10:5859
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```caddyfile
    /// (tls_config) {
    /// 	tls {
    /// 		protocols tls1.2 tls1.3
    /// 	}
    /// }
    ///
    /// chat.example.com {
    /// 	import tls_config
    /// 	reverse_proxy 10.0.0.10:5859
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: only a person knows what the snippet or file should contain.
    pub struct UndefinedImport {
        code: "CDY004",
        name: "undefined-import",
        severity: Error,
        category: Load,
        fix: None,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for UndefinedImport {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.caddyfiles {
            for error in &doc.caddyfile.errors {
                if error.kind != ParseErrorKind::Import {
                    continue;
                }
                out.push(
                    Self::META
                        .diagnostic(error.file, error.range, error.message.clone())
                        .with_label("this import")
                        .with_note("Caddy refuses to load a Caddyfile whose import names nothing")
                        .with_help("define the snippet above the import, or correct the path (relative paths start at the importing file's folder)"),
                );
            }
        }
    }
}
