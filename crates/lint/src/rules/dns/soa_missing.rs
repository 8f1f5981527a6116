use gblint_diagnostics::{Diagnostic, TextRange};

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a zone file with no SOA record at its apex (the zone it is served as, or its
    /// `$ORIGIN`, or its file name).
    ///
    /// ## Why is this bad
    /// CoreDNS's `file` plugin refuses the zone (`file "x" has no SOA record for origin …`),
    /// so the zone answers SERVFAIL; secondaries cannot transfer it either.
    ///
    /// ## Example
    /// ```zone
    /// $ORIGIN example.org.
    /// @   3600 IN NS ns1.example.org.
    /// ```
    ///
    /// ## Use instead
    /// ```zone
    /// $ORIGIN example.org.
    /// @   3600 IN SOA ns1.example.org. hostmaster.example.org. 2026112701 7200 3600 1209600 3600
    /// @   3600 IN NS ns1.example.org.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the SOA's values belong to the zone's owner.
    pub struct SoaMissing {
        code: "DNS006",
        name: "soa-missing",
        severity: Error,
        category: Load,
        fix: None,
        kind: Some(FileKind::Zone),
    }
}

impl Rule for SoaMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.zones {
            if doc.zone.soa(&doc.origin).is_none() {
                out.push(
                    Self::META
                        .diagnostic(doc.file, TextRange::empty(0), format!("no SOA record for the zone's apex `{}`", doc.origin))
                        .with_label("CoreDNS refuses a zone without SOA")
                        .with_help("add `@ IN SOA <primary-ns> <hostmaster> <serial> <refresh> <retry> <expire> <minimum>`"),
                );
            }
        }
    }
}
