use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use gblint_caddyfile::{AddressView, Site, SiteAddress};
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
            let sites = &doc.caddyfile.model.sites;
            // foldhash, randomly seeded: SipHash's cost per identity was most of this rule's,
            // and a collision (however unlikely) only sends a lookup to the overflow list.
            let mut seen = FirstSites::new(sites, foldhash::fast::RandomState::default());
            for (site_index, site) in sites.iter().enumerate() {
                for (address_index, address) in site.addresses.iter().enumerate() {
                    // Borrowed from the key token: nothing is built per address.
                    let Some(parsed) = address.view() else {
                        continue;
                    };
                    let Some(first) = seen.first_or_insert(parsed, site_index, address_index)
                    else {
                        continue;
                    };
                    if first.site == site_index {
                        continue;
                    }
                    let first = &first.address.token;
                    out.push(
                        Self::META
                            .diagnostic(
                                address.token.file(),
                                address.token.range(),
                                format!(
                                    "site address `{}` is already served by an earlier site block",
                                    address.token.text
                                ),
                            )
                            .with_label("defined again here")
                            .with_secondary(first.file(), first.range(), "first defined here")
                            .with_note(
                                "Caddy refuses the whole Caddyfile: `ambiguous site definition`",
                            )
                            .with_help("merge the two site blocks, or remove one of them"),
                    );
                }
            }
        }
    }
}

/// The first address seen with an identity.
struct First<'a> {
    site: usize,
    address: &'a SiteAddress,
}

/// The first site address of each identity ([`AddressView::identity`]: scheme, normalised host,
/// port, path) in a file, without storing the identities: a map from a 64-bit hash of the
/// identity to the position of its first address, whose identity is computed again to confirm
/// a match. Two identities with the same hash (a collision of a randomly seeded hash) go to
/// a short overflow list, so the answer is exact. On a file of 200,000 sites the map of
/// identity strings this replaces was, after the typed view, the largest allocation of the run.
struct FirstSites<'a, S> {
    sites: &'a [Site],
    hasher: S,
    /// Identity hash → (site index, address index) of the first address with that hash.
    first: HashMap<u64, (u32, u32), BuildHasherDefault<PassHasher>>,
    /// Addresses whose identity differs from the map's entry for the same hash.
    collided: Vec<(u64, u32, u32)>,
}

impl<'a, S: BuildHasher> FirstSites<'a, S> {
    fn new(sites: &'a [Site], hasher: S) -> Self {
        FirstSites {
            sites,
            hasher,
            first: HashMap::with_capacity_and_hasher(sites.len(), BuildHasherDefault::default()),
            collided: Vec::new(),
        }
    }

    /// The first address with `parsed`'s identity, or `None` after recording `parsed` (at
    /// `site`, `address`) as the first.
    fn first_or_insert(
        &mut self,
        parsed: AddressView<'_>,
        site: usize,
        address: usize,
    ) -> Option<First<'a>> {
        let identity = parsed.identity();
        let hash = self.hasher.hash_one(&identity);
        // Sites and addresses number far fewer than 2^32 (files are capped at a few MiB).
        let position = (
            u32::try_from(site).unwrap_or(u32::MAX),
            u32::try_from(address).unwrap_or(u32::MAX),
        );
        let sites = self.sites;
        let same = |(site, address): (u32, u32)| {
            let first = &sites[site as usize].addresses[address as usize];
            let first_identity = first.view().map(|view| view.identity());
            (first_identity.as_ref() == Some(&identity)).then_some(First {
                site: site as usize,
                address: first,
            })
        };
        let Some(&entry) = self.first.get(&hash) else {
            self.first.insert(hash, position);
            return None;
        };
        if let Some(first) = same(entry) {
            return Some(first);
        }
        let earlier = self
            .collided
            .iter()
            .filter(|(collided, _, _)| *collided == hash)
            .find_map(|&(_, site, address)| same((site, address)));
        if earlier.is_none() {
            self.collided.push((hash, position.0, position.1));
        }
        earlier
    }
}

/// A hasher for keys that are already hashes: passes the `u64` through.
#[derive(Default)]
struct PassHasher(u64);

impl Hasher for PassHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed; fold anything else in so the hasher stays correct.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasherDefault;

    use super::*;

    /// Every identity hashes to the same value: all lookups go through the overflow list.
    #[derive(Default)]
    struct Colliding;

    impl Hasher for Colliding {
        fn finish(&self) -> u64 {
            7
        }

        fn write(&mut self, _: &[u8]) {}
    }

    #[test]
    fn identities_with_the_same_hash_stay_apart() {
        let text = "a.example {\n}\nB.example {\n}\nhttps://a.example:443 {\n}\nb.example {\n}\nc.example {\n}\n";
        let mut sources = gblint_diagnostics::SourceMap::new();
        let file = sources.add(gblint_diagnostics::SourceFile::new("Caddyfile", text));
        let no_env = |_: &str| None;
        let mut ctx = gblint_caddyfile::ImportContext::new(&mut sources, &no_env);
        let caddyfile = gblint_caddyfile::parse(file, &mut ctx);
        let sites = &caddyfile.model.sites;
        assert_eq!(sites.len(), 5);
        let mut seen = FirstSites::new(sites, BuildHasherDefault::<Colliding>::default());
        let firsts: Vec<Option<usize>> = sites
            .iter()
            .enumerate()
            .map(|(index, site)| {
                let parsed = site.addresses[0].view().unwrap();
                seen.first_or_insert(parsed, index, 0)
                    .map(|first| first.site)
            })
            .collect();
        assert_eq!(firsts, [None, None, Some(0), Some(1), None]);
    }
}
