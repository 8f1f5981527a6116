use gblint_corefile::plugins::{is_plugin, ONCE_PER_BLOCK, PLUGINS};
use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};
use crate::settings::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Reports a directive that is not a plugin of a stock CoreDNS build (`Unknown directive
    /// 'x'`), with the nearest plugin name, and a plugin that may appear only once per server
    /// block written twice (`this plugin can only be used once per Server Block`).
    ///
    /// ## Why is this bad
    /// CoreDNS refuses to start on either. A misspelt plugin (`cahce`) is the common case;
    /// a plugin removed from CoreDNS (`proxy`, replaced by `forward`) is the other.
    ///
    /// ## Example
    /// ```corefile
    /// . {
    ///     proxy . 8.8.8.8
    ///     cache
    ///     cache 30
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```corefile
    /// . {
    ///     forward . 8.8.8.8
    ///     cache 30
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct UnknownPlugin {
        code: "DNS007",
        name: "unknown-plugin",
        severity: Error,
        category: Load,
        fix: None,
        kind: Some(FileKind::Corefile),
    }
}

impl Rule for UnknownPlugin {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.corefiles {
            // A snippet imported many times repeats its directives at the same place: report
            // (and look for a suggestion) once per place.
            let mut reported = std::collections::HashSet::new();
            for block in &doc.corefile.blocks {
                let mut seen: Vec<&str> = Vec::new();
                for directive in &block.directives {
                    if doc.corefile.token_file(&directive.name) != 0 {
                        continue;
                    }
                    let name = directive.name.text.as_str();
                    if !is_plugin(name) {
                        if !reported
                            .insert((directive.name.range.start(), directive.name.range.end()))
                        {
                            continue;
                        }
                        out.push(
                            Self::META
                                .diagnostic(doc.file, directive.name.range, format!("Unknown directive '{name}'{}", did_you_mean(name, PLUGINS.iter().copied())))
                                .with_label("not a CoreDNS plugin")
                                .with_note("CoreDNS refuses to start on an unknown directive (external plugins need a custom build)"),
                        );
                    } else if ONCE_PER_BLOCK.contains(&name) && seen.contains(&name) {
                        out.push(
                            Self::META
                                .diagnostic(doc.file, directive.name.range, format!("`{name}`: this plugin can only be used once per Server Block"))
                                .with_label("second use"),
                        );
                    }
                    seen.push(name);
                }
            }
        }
    }
}
