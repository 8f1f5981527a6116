use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::load::dns::normalize_path;
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
        kind: Some(FileKind::Corefile),
    }
}

impl Rule for ZoneFileMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.corefiles {
            // Paths are only meaningful inside a machine folder.
            let machine = ctx.deployment.files[doc.input].machine;
            if machine.is_none() {
                continue;
            }
            for zone_file in &doc.zone_files {
                let wanted = normalize_path(&zone_file.path);
                let exists = ctx
                    .deployment
                    .inputs()
                    .filter(|(_, file)| file.machine == machine)
                    .any(|(i, _)| {
                        normalize_path(&ctx.deployment.shown_path(i, ctx.sources)) == wanted
                    });
                if !exists {
                    let path = &zone_file.path;
                    out.push(
                        Self::META
                            .diagnostic(
                                doc.file,
                                zone_file.db(&doc.corefile).range,
                                format!("zone file `{path}` is not in the deployment tree"),
                            )
                            .with_label("no such file on this machine")
                            .with_help("fix the path, or add the zone file to the machine folder"),
                    );
                }
            }
        }
    }
}
