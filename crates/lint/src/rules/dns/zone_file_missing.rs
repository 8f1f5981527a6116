use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::dns::resolve;
use crate::format::Format;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a `file` directive whose zone file is not in the deployment tree (on the same
    /// machine, at the path the Corefile names; relative paths are taken from `root`). Only
    /// checked in deployment mode: outside one, gblint cannot see the machine's files.
    ///
    /// ## Why is this bad
    /// With `reload 0` CoreDNS refuses to start; otherwise it starts and answers SERVFAIL for
    /// the whole zone, logging a warning nobody reads.
    ///
    /// ## Example
    /// On `pragmatismo-dns`, whose tree holds `/opt/gbo/data/example.org.zone`:
    ///
    /// `pragmatismo-dns/opt/gbo/conf/Corefile`:
    /// ```corefile
    /// example.org {
    ///     file /opt/gbo/data/exmaple.org.zone
    /// }
    /// ```
    /// `pragmatismo-dns/opt/gbo/data/example.org.zone`:
    /// ```zone
    /// $ORIGIN example.org.
    /// @   3600 IN SOA ns1.example.org. hostmaster.example.org. 2026112701 7200 3600 1209600 3600
    /// @   3600 IN NS ns1.example.org.
    /// ```
    ///
    /// ## Use instead
    ///
    /// `pragmatismo-dns/opt/gbo/conf/Corefile`:
    /// ```corefile
    /// example.org {
    ///     file /opt/gbo/data/example.org.zone
    /// }
    /// ```
    /// `pragmatismo-dns/opt/gbo/data/example.org.zone`:
    /// ```zone
    /// $ORIGIN example.org.
    /// @   3600 IN SOA ns1.example.org. hostmaster.example.org. 2026112701 7200 3600 1209600 3600
    /// @   3600 IN NS ns1.example.org.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct ZoneFileMissing {
        code: "DNS005",
        name: "zone-file-missing",
        severity: Error,
        category: Correctness,
        fix: None,
        format: Some(Format::Corefile),
    }
}

impl Rule for ZoneFileMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.corefiles {
            // Paths are only meaningful inside a machine folder.
            if ctx.deployment.files[doc.input].machine.is_none() {
                continue;
            }
            let corefile_path = ctx.deployment.shown_path(doc.input, ctx.sources);
            let dir = corefile_path
                .rsplit_once('/')
                .map_or(String::new(), |(d, _)| d.to_owned());
            for block in &doc.corefile.blocks {
                let root = block
                    .directive("root")
                    .next()
                    .and_then(|d| d.args().first().map(|t| t.text.clone()));
                for file in block.directive("file") {
                    let Some(db) = file.args().first().copied() else {
                        continue;
                    };
                    let path = resolve(&db.text, root.as_deref(), &dir);
                    let machine = ctx.deployment.files[doc.input].machine;
                    let exists = (0..ctx.deployment.files.len())
                        .filter(|i| ctx.deployment.files[*i].machine == machine)
                        .any(|i| {
                            crate::dns::normalize_path(&ctx.deployment.shown_path(i, ctx.sources))
                                == crate::dns::normalize_path(&path)
                        });
                    if !exists {
                        out.push(
                            Self::META
                                .diagnostic(
                                    doc.file,
                                    db.range,
                                    format!("zone file `{path}` is not in the deployment tree"),
                                )
                                .with_label("no such file on this machine")
                                .with_help(
                                    "fix the path, or add the zone file to the machine folder",
                                ),
                        );
                    }
                }
            }
        }
    }
}
