use gblint_corefile::keys;
use gblint_diagnostics::Diagnostic;

use super::{allows, internal_nets, is_public_listener, public_decision};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports an `acl` that refuses `CAA` queries from the public in a server block whose
    /// zone file publishes CAA records. A block that listens only on loopback or internal
    /// addresses (`bind lo`, `bind 127.0.0.1`, `bind 10.0.0.5`) is not asked by certificate
    /// authorities, so it is not checked.
    ///
    /// ## Why is this bad
    /// Let's Encrypt (and every CA) must look up CAA before issuing; a REFUSED or dropped CAA
    /// query fails issuance and renewal for every name of the zone ("CAA record
    /// lookup failed"), so certificates expire one by one.
    ///
    /// ## Example
    /// The zone publishes CAA records:
    /// ```zone
    /// $ORIGIN example.org.
    /// @   3600 IN SOA ns1.example.org. hostmaster.example.org. 2026112701 7200 3600 1209600 3600
    /// @   3600 IN NS  ns1.example.org.
    /// @   3600 IN CAA 0 issue "letsencrypt.org"
    /// ```
    /// ```corefile
    /// example.org {
    ///     file /opt/gbo/data/example.org.zone
    ///     acl {
    ///         allow type A AAAA MX TXT NS SOA net 0.0.0.0/0
    ///         block
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```zone
    /// $ORIGIN example.org.
    /// @   3600 IN SOA ns1.example.org. hostmaster.example.org. 2026112701 7200 3600 1209600 3600
    /// @   3600 IN NS  ns1.example.org.
    /// @   3600 IN CAA 0 issue "letsencrypt.org"
    /// ```
    /// ```corefile
    /// example.org {
    ///     file /opt/gbo/data/example.org.zone
    ///     acl {
    ///         allow type A AAAA MX TXT NS SOA CAA net 0.0.0.0/0
    ///         block
    ///     }
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct AclBlocksCaa {
        code: "DNS003",
        name: "acl-blocks-caa",
        severity: Warning,
        category: Correctness,
        fix: None,
        kind: Some(FileKind::Corefile),
    }
}

impl Rule for AclBlocksCaa {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let internal = internal_nets(ctx.settings);
        for doc in &ctx.deployment.corefiles {
            for (index, block) in doc.corefile.blocks.iter().enumerate() {
                let zones: Vec<String> = block
                    .keys
                    .iter()
                    .filter_map(|k| keys::normalize(&k.text).ok())
                    .flat_map(|k| k.zones)
                    .collect();
                let publishes_caa = ctx.deployment.zones.iter().any(|z| {
                    zones.contains(&z.origin) && z.zone.records.iter().any(|r| r.rtype == "CAA")
                });
                if !publishes_caa || !is_public_listener(block, &internal) {
                    continue;
                }
                for (directive, parsed) in doc.acls_of(index) {
                    let Ok(parsed) = parsed else {
                        continue;
                    };
                    if let Some(decision) = public_decision(&parsed.policies, "CAA", &internal) {
                        if !allows(decision) {
                            let at = decision.map_or(directive.range(), |p| p.range);
                            out.push(
                                Self::META
                                    .diagnostic(doc.file, at, "the acl refuses CAA queries from the public, but the zone publishes CAA records")
                                    .with_label("CAA queries from certificate authorities stop here")
                                    .with_help("add CAA to the types the public may ask for"),
                            );
                        }
                    }
                }
            }
        }
    }
}
