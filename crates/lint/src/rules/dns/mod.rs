//! CoreDNS rules (`DNS`).

/// DNS002: `type ANY` (or all types) answered to the public.
pub mod acl_allows_any_publicly;
/// DNS003: the acl refuses CAA queries of a zone that publishes CAA.
pub mod acl_blocks_caa;
/// DNS001: zone data served publicly without an acl.
pub mod acl_missing;
/// DNS004: recursion for anyone.
pub mod open_resolver;
/// DNS008: plugin arguments and options the plugin's setup refuses.
pub mod plugin_setup;
/// DNS006: zone file without SOA.
pub mod soa_missing;
/// DNS000: what CoreDNS refuses to load.
pub mod syntax_error;
/// DNS007: directives that are not plugins, and plugins used twice.
pub mod unknown_plugin;
/// DNS005: `file` points at a zone file that is not there.
pub mod zone_file_missing;

use std::net::IpAddr;

use gblint_corefile::acl::{Action, Policy};
use gblint_corefile::plugins::ZONE_DATA;
use gblint_corefile::ServerBlock;
use ipnet::IpNet;

use crate::settings::Settings;

/// `[network] internal`, parsed (invalid entries are rejected when the settings load).
pub fn internal_nets(settings: &Settings) -> Vec<IpNet> {
    settings
        .network
        .internal
        .iter()
        .filter_map(|n| {
            n.parse::<IpNet>()
                .ok()
                .or_else(|| n.parse::<IpAddr>().ok().map(IpNet::from))
        })
        .collect()
}

/// Whether a block listens where the public can reach it: no `bind` (every interface), or a
/// bind address that is unspecified (`0.0.0.0`, `::`) or outside both loopback and the
/// internal networks. `bind` also takes interface names: `lo` is loopback; any other name
/// (`eth0`) has addresses gblint cannot know, so it does not make the block public.
pub fn is_public_listener(block: &ServerBlock, internal: &[IpNet]) -> bool {
    let binds: Vec<String> = block
        .directive("bind")
        .flat_map(|d| {
            d.args()
                .into_iter()
                .map(|t| t.text.clone())
                .collect::<Vec<_>>()
        })
        .collect();
    if binds.is_empty() && block.directive("bind").next().is_none() {
        return true;
    }
    binds.iter().any(|b| match b.parse::<IpAddr>() {
        Ok(addr) => {
            addr.is_unspecified()
                || !(addr.is_loopback() || internal.iter().any(|n| n.contains(&addr)))
        }
        // An interface name: `lo` is loopback, others are unknown — not reported.
        Err(_) => false,
    })
}

/// Whether a block serves zone data (see [`ZONE_DATA`] for which plugins do and why).
pub fn serves_zone_data(block: &ServerBlock) -> bool {
    block
        .directives
        .iter()
        .any(|d| ZONE_DATA.contains(&d.name.text.as_str()))
}

/// Who a policy's sources include, relative to the internal networks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Only internal sources.
    Internal,
    /// Every source (no `net`, `*`, or a /0).
    Everyone,
    /// Some public sources (a public subnet).
    SomePublic,
}

/// Classify a policy's sources.
pub fn reach(policy: &Policy, internal: &[IpNet]) -> Reach {
    if policy.all_sources() {
        return Reach::Everyone;
    }
    if policy
        .nets
        .iter()
        .all(|n| internal.iter().any(|i| i.contains(n)))
    {
        Reach::Internal
    } else {
        Reach::SomePublic
    }
}

/// The action the acl takes for `qtype` from an arbitrary public source: the first policy
/// that covers every public source; `None` when a narrower public policy comes first (it
/// depends on the address) — and `Some(None)` when no policy decides (allowed by default).
pub fn public_decision<'a>(
    policies: &'a [Policy],
    qtype: &str,
    internal: &[IpNet],
) -> Option<Option<&'a Policy>> {
    for policy in policies {
        if !policy.all_types() && !policy.types.iter().any(|t| t == qtype) {
            continue;
        }
        match reach(policy, internal) {
            Reach::Everyone => return Some(Some(policy)),
            Reach::Internal => {}
            Reach::SomePublic => return None,
        }
    }
    Some(None)
}

/// Whether a policy lets the query through.
pub fn allows(policy: Option<&Policy>) -> bool {
    policy.is_none_or(|p| p.action == Action::Allow)
}
