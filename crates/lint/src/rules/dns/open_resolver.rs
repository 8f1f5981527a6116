use gblint_diagnostics::Diagnostic;

use super::{allows, internal_nets, is_public_listener, public_decision};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a server block that `forward`s queries (recursion) on a public listener with no
    /// `acl` limiting who may ask, or with an acl that still lets the public through. A
    /// listener is public without `bind`, or with a bind address that is unspecified or
    /// outside both loopback and `[network] internal`; `bind lo`, `bind ::1` and
    /// `bind 127.0.0.53` are internal, and another interface name (`bind eth0`) is not
    /// reported since its addresses are unknown.
    ///
    /// ## Why is this bad
    /// An open resolver answers anyone's recursive queries: it is abused for amplification
    /// attacks within days of being found, and the provider's abuse desk will block the
    /// address.
    ///
    /// ## Example
    /// ```corefile
    /// . {
    ///     forward . 8.8.8.8 1.1.1.1
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```corefile
    /// . {
    ///     forward . 8.8.8.8 1.1.1.1
    ///     acl {
    ///         allow net 10.0.0.0/8 127.0.0.0/8
    ///         block
    ///     }
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct OpenResolver {
        code: "DNS004",
        name: "open-resolver",
        severity: Warning,
        category: Security,
        fix: None,
        kind: Some(FileKind::Corefile),
    }
}

impl Rule for OpenResolver {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let internal = internal_nets(ctx.settings);
        for doc in &ctx.deployment.corefiles {
            for (index, block) in doc.corefile.blocks.iter().enumerate() {
                let Some(forward) = block.directive("forward").next() else {
                    continue;
                };
                if !is_public_listener(block, &internal) {
                    continue;
                }
                let acls: Vec<_> = doc
                    .acls_of(index)
                    .filter_map(|(_, parsed)| parsed.as_ref().ok())
                    .collect();
                let open = if acls.is_empty() {
                    true
                } else {
                    let policies: Vec<_> = acls
                        .iter()
                        .flat_map(|a| a.policies.iter().cloned())
                        .collect();
                    matches!(public_decision(&policies, "A", &internal), Some(decision) if allows(decision))
                };
                if open {
                    out.push(
                        Self::META
                            .diagnostic(doc.file, forward.range(), "this block forwards queries for anyone: an open resolver")
                            .with_label("recursion for every source")
                            .with_help("add an acl that allows only internal networks and ends with `block`, or `bind` to an internal address"),
                    );
                }
            }
        }
    }
}
