use gblint_corefile::{keys, register};
use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports what makes CoreDNS refuse to start: Corefile syntax (braces, `import` with
    /// other than one argument, missing import files), server block keys that are not zones
    /// (`zone is not a valid domain name`, a trailing `:`), two blocks serving the same zone
    /// on the same port, transport and listen address (`it is already defined`), a block
    /// without `bind` next to one with `bind` for the same zone and port (`zone overlap
    /// listener capacity`), `acl` stanzas the plugin rejects (unknown action,
    /// unknown query type, bad CIDR, empty section), and zone file lines that do not parse.
    /// Every error is reported, not only the first.
    ///
    /// Blocks with a `view` filter follow CoreDNS's registration rule: they are checked
    /// against the unfiltered blocks but never registered, so several views of a zone followed
    /// (or preceded) by one unfiltered default block is accepted; only an overlap between a
    /// bound and an unbound listener is refused for them. A `bind` naming an interface
    /// (`bind lo`) listens on addresses gblint cannot know, so that block is not compared.
    ///
    /// ## Why is this bad
    /// CoreDNS exits at startup on any of these (and `reload` keeps the old configuration),
    /// so every zone it serves goes dark until someone reads the log.
    ///
    /// ## Example
    /// ```corefile
    /// example.org {
    ///     acl {
    ///         blck type A net 192.168.0.0/16
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```corefile
    /// example.org {
    ///     acl {
    ///         block type A net 192.168.0.0/16
    ///     }
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct SyntaxError {
        code: "DNS000",
        name: "syntax-error",
        severity: Error,
        category: Load,
        fix: None,
        suppressible: false,
        can_disable: false,
        kind: Some(FileKind::Corefile),
    }
}

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        crate::rules::read_problems(&Self::META, ctx, &[FileKind::Corefile, FileKind::Zone], out);
        for doc in &ctx.deployment.corefiles {
            for error in &doc.corefile.errors {
                // Errors inside imported files are reported on the root file (the parse does
                // not keep which import line brought a file in), naming the imported file
                // and line, relative to the Corefile's folder when it is inside it.
                if error.file == 0 {
                    out.push(
                        Self::META
                            .diagnostic(doc.file, error.range, error.message.clone())
                            .with_label("CoreDNS stops here"),
                    );
                } else {
                    let folder = ctx
                        .deployment
                        .disk_paths
                        .get(&doc.file)
                        .or_else(|| doc.corefile.files.first().map(|(p, _)| p))
                        .and_then(|p| p.parent());
                    let path = doc
                        .corefile
                        .files
                        .get(error.file)
                        .map(|(p, _)| {
                            let shown = folder.and_then(|f| p.strip_prefix(f).ok()).unwrap_or(p);
                            gblint_diagnostics::path_display::slashed(shown)
                        })
                        .unwrap_or_default();
                    out.push(
                        Self::META
                            .diagnostic(
                                doc.file,
                                gblint_diagnostics::TextRange::empty(0),
                                format!("{path}:{}: {}", error.line, error.message),
                            )
                            .with_label("in a file this Corefile imports"),
                    );
                }
            }
            for block in &doc.corefile.blocks {
                for key in &block.keys {
                    if let Err(message) = keys::normalize(&key.text) {
                        out.push(
                            Self::META
                                .diagnostic(doc.file, key.range, message)
                                .with_label("not a zone"),
                        );
                    }
                }
            }
            for refusal in register::refusals(&doc.corefile.blocks) {
                let key = &doc.corefile.blocks[refusal.block].keys[refusal.key];
                out.push(
                    Self::META
                        .diagnostic(doc.file, key.range, refusal.message)
                        .with_label("served twice"),
                );
            }
            for acl in &doc.acls {
                if let Err(error) = &acl.parsed {
                    out.push(
                        Self::META
                            .diagnostic(doc.file, error.range, format!("acl: {}", error.message))
                            .with_label("the acl plugin refuses this"),
                    );
                }
            }
        }
        for doc in &ctx.deployment.zones {
            for problem in &doc.zone.problems {
                out.push(
                    Self::META
                        .diagnostic(doc.file, problem.range, problem.message.clone())
                        .with_label("CoreDNS cannot load this zone"),
                );
            }
        }
    }
}
