use std::collections::HashMap;

use gblint_caddyfile::Address;
use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a site address that another site block of the same Caddyfile already serves.
    /// Addresses are compared as Caddy sees them: the host in lower case, the scheme and port
    /// made explicit (`example.com` and `https://example.com:443` are the same site).
    ///
    /// ## Why is this bad
    /// Caddy refuses the whole configuration (`ambiguous site definition`), so one pasted
    /// vhost takes every other vhost down with it on the next reload.
    ///
    /// ## Example
    /// ```caddyfile
    /// chat.example.com {
    /// 	reverse_proxy 10.0.0.10:5859
    /// }
    ///
    /// chat.example.com {
    /// 	reverse_proxy 10.0.0.10:5858
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Keep one block per address and merge what the two blocks do.
    ///
    /// ## Fix safety
    /// No automatic fix: which block is right is a decision.
    pub struct DuplicateSiteAddress {
        code: "CDY003",
        name: "duplicate-site-address",
        severity: Error,
        category: Load,
        fix: None,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for DuplicateSiteAddress {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.caddyfiles {
            // Keyed by one string per identity rather than a tuple of four: on a file of
            // 200,000 sites the tuple keys (four `String`s, three of them allocated) made this
            // map the largest allocation of the run after the typed view itself.
            let mut seen: HashMap<Vec<u8>, (usize, &gblint_caddyfile::CaddyToken)> =
                HashMap::with_capacity(doc.caddyfile.model.sites.len());
            for (site_index, site) in doc.caddyfile.model.sites.iter().enumerate() {
                for address in &site.addresses {
                    let Ok(parsed) = &address.parsed else {
                        continue;
                    };
                    let identity = identity_key(parsed);
                    match seen.get(&identity) {
                        Some((first_site, first)) if *first_site != site_index => {
                            out.push(
                                Self::META
                                    .diagnostic(
                                        address.token.file,
                                        address.token.range,
                                        format!("site address `{}` is already served by an earlier site block", address.token.text),
                                    )
                                    .with_label("defined again here")
                                    .with_secondary(first.file, first.range, "first defined here")
                                    .with_note("Caddy refuses the whole Caddyfile: `ambiguous site definition`")
                                    .with_help("merge the two site blocks, or remove one of them"),
                            );
                        }
                        Some(_) => {}
                        None => {
                            seen.insert(identity, (site_index, &address.token));
                        }
                    }
                }
            }
        }
    }
}

/// The four parts of a site identity ([`Address::identity`]: scheme, host, port, path) as one
/// key, each part preceded by its length so that different identities never give the same key.
fn identity_key(address: &Address) -> Vec<u8> {
    let host = address.normalized_host();
    let parts = [
        address.effective_scheme(),
        &*host,
        address.effective_port(),
        address.path(),
    ];
    let mut key = Vec::with_capacity(parts.iter().map(|part| part.len() + 4).sum());
    for part in parts {
        // Parts are slices of one token, and files are capped far below 4 GiB.
        let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
        key.extend_from_slice(&len.to_le_bytes());
        key.extend_from_slice(part.as_bytes());
    }
    key
}
