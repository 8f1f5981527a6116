use gblint_corefile::setup;
use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a plugin directive whose arguments or block options the plugin's setup refuses:
    /// a wrong number of arguments (`cache 30 { http … }`, `auto { directory DIR RE TPL 10 }`
    /// with the fourth argument CoreDNS 1.5 removed), an unknown block option, or a value the
    /// setup checks (an integer, a duration, a `host:port`, a DNS class, type or rcode, a
    /// policy name). The message is CoreDNS's own (`plugin/cache: Error during parsing: Wrong
    /// argument count or unexpected line ending after 'http'`), without its `Corefile:LINE -`
    /// prefix.
    ///
    /// Modelled from `plugin/*/setup.go` of CoreDNS 1.14.7: `file`, `auto`, `cache`,
    /// `errors`, `log`, `forward`, `bind`, `reload`, `health`, `ready`, `prometheus`, `hosts`,
    /// `template`, `rewrite` (rule type and arity), `view`, `whoami`, `loop`, `loadbalance`;
    /// `acl` stanzas are checked by DNS000. Other plugins are not checked (see
    /// `docs/coredns-plugins.md`). A refusal that names a `{$VAR}` token is not reported: its
    /// value is the environment's, not the file's.
    ///
    /// ## Why is this bad
    /// CoreDNS stops at the first plugin whose setup fails, so the whole server does not start
    /// (and `reload` keeps the old configuration). Options change between CoreDNS versions:
    /// an option an older version accepted is refused by the current one.
    ///
    /// ## Example
    /// ```corefile
    /// . {
    ///     cache 30 {
    ///         http 10
    ///     }
    ///     forward . 8.8.8.8
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```corefile
    /// . {
    ///     cache 30 {
    ///         success 10000
    ///     }
    ///     forward . 8.8.8.8
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix. A setup that was written for another CoreDNS version (or a plugin
    /// of the same name in a custom build) can be silenced with `--ignore DNS008` or an
    /// inline `# gblint: ignore[DNS008] reason`.
    pub struct PluginSetup {
        code: "DNS008",
        name: "plugin-setup-refused",
        severity: Error,
        category: Load,
        fix: None,
        kind: Some(FileKind::Corefile),
    }
}

impl Rule for PluginSetup {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.corefiles {
            let text = ctx.sources.get(doc.file).text();
            // A snippet imported many times repeats its directives at the same place: report
            // once per place.
            let mut reported = std::collections::HashSet::new();
            for block in &doc.corefile.blocks {
                for directive in &block.directives {
                    // Directives from imported files are reported when that file is checked.
                    if doc.corefile.token_file(&directive.name) != 0
                        || directive
                            .tokens
                            .iter()
                            .any(|t| doc.corefile.token_file(t) != 0)
                    {
                        continue;
                    }
                    let Some(error) = setup::check(directive) else {
                        continue;
                    };
                    // A value that comes from `{$VAR}` depends on the environment CoreDNS
                    // runs in, not on the file: not reported.
                    let written = text
                        .get(error.range.start() as usize..error.range.end() as usize)
                        .unwrap_or("");
                    if written.contains("{$") || written.contains("{%") {
                        continue;
                    }
                    if reported.insert((error.range.start(), error.range.end())) {
                        out.push(
                            Self::META
                                .diagnostic(doc.file, error.range, error.message)
                                .with_label("the plugin's setup refuses this")
                                .with_note("CoreDNS does not start when a plugin's setup fails"),
                        );
                    }
                }
            }
        }
    }
}
