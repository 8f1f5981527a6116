use gblint_corefile::acl::Action;
use gblint_diagnostics::Diagnostic;

use super::{internal_nets, is_public_listener, reach, serves_zone_data, Reach};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports an `acl` that lets sources outside `[network] internal` ask for `ANY` (or for
    /// every type: no `type` section, or `type *`), and an acl without a final default-deny —
    /// a last `block`, `drop` or `filter` that applies to every type and source — since the
    /// acl plugin allows whatever no line matches. Only blocks that serve zone data (`file`,
    /// `auto`, `hosts`, … — the plugins DNS001 names) on a public listener are checked (no
    /// `bind`, or a bind address outside loopback and `[network] internal`): a block bound to
    /// `lo`, `::1` or `127.0.0.53` answers nobody outside, and a block that only forwards is
    /// DNS004's concern (an acl used as a deny list in front of `forward` or `template` is a
    /// deliberate default-allow).
    ///
    /// ## Why is this bad
    /// `ANY` answers are the classic DNS amplification vector; CoreDNS answers them in full
    /// from `file` zones. And an acl that ends without a catch-all denies only what it names.
    ///
    /// ## Example
    /// ```corefile
    /// example.org {
    ///     file /opt/gbo/data/example.org.zone
    ///     acl {
    ///         allow type ANY net 0.0.0.0/0
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```corefile
    /// example.org {
    ///     file /opt/gbo/data/example.org.zone
    ///     acl {
    ///         allow type ANY net 10.0.0.0/8 127.0.0.0/8
    ///         allow type A AAAA MX TXT NS SOA SRV CNAME HTTPS CAA net 0.0.0.0/0 ::/0
    ///         block
    ///     }
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: which types the public needs is a decision.
    pub struct AclAllowsAnyPublicly {
        code: "DNS002",
        name: "acl-allows-any-publicly",
        severity: Error,
        category: Security,
        fix: None,
        kind: Some(FileKind::Corefile),
    }
}

impl Rule for AclAllowsAnyPublicly {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let internal = internal_nets(ctx.settings);
        for doc in &ctx.deployment.corefiles {
            for (index, block) in doc.corefile.blocks.iter().enumerate() {
                // Nobody outside can ask a block that listens only on loopback or internal
                // addresses.
                if !is_public_listener(block, &internal) || !serves_zone_data(block) {
                    continue;
                }
                for (directive, parsed) in doc.acls_of(index) {
                    if doc.corefile.token_file(&directive.name) != 0 {
                        continue;
                    }
                    let Ok(parsed) = parsed else {
                        continue;
                    };
                    for policy in &parsed.policies {
                        let any = policy.all_types() || policy.types.iter().any(|t| t == "ANY");
                        if policy.action == Action::Allow
                            && any
                            && reach(policy, &internal) != Reach::Internal
                        {
                            let what = if policy.all_types() {
                                "every query type"
                            } else {
                                "type ANY"
                            };
                            out.push(
                                Self::META
                                    .diagnostic(doc.file, policy.range, format!("the acl allows {what} from outside the internal networks"))
                                    .with_label("public sources get ANY answers")
                                    .with_note(format!("internal networks are {} (`[network] internal`)", ctx.settings.network.internal.join(", ")))
                                    .with_help("allow ANY only from internal networks; give the public a list of ordinary types"),
                            );
                        }
                    }
                    let denies_last = parsed.policies.last().is_some_and(|p| {
                        p.action != Action::Allow && p.all_types() && p.all_sources()
                    });
                    if !denies_last {
                        out.push(
                            Self::META
                                .diagnostic(doc.file, directive.range(), "the acl has no final default-deny: queries no line matches are allowed")
                                .with_label("add `block` as the last line")
                                .with_help("end the acl with a bare `block` (or `drop`/`filter`)"),
                        );
                    }
                }
            }
        }
    }
}
