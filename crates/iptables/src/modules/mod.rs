//! Match and target extensions: their options, how iptables validates each value, and how
//! iptables-save prints them. A module not listed here is accepted as *opaque*: its options are
//! kept in the order written and printed as written, and rules reading it treat it as unknown.

mod conntrack;
mod endpoints;
mod header_fields;
mod ipsec;
mod ipv6_headers;
mod logging;
mod marks;
mod nat;
mod normalize;
mod options;
mod rate;
mod spec;
mod text;
mod transport;
mod verdicts;

pub use spec::{Arity, Ctx, Finish, Kind, ModuleSpec, Normalize, OptionSpec};

use crate::rule::{Family, Rule};

/// The match modules gblint models (each spec lives beside its value functions in its
/// family's file). A name with two entries has one per family.
static MATCHES: &[&ModuleSpec] = &[
    &transport::TCP_MATCH,
    &transport::UDP_MATCH,
    &transport::MULTIPORT_MATCH,
    &text::COMMENT_MATCH,
    &transport::ICMP_MATCH,
    &transport::ICMP6_MATCH,
    &marks::MARK_MATCH,
    &endpoints::SET_MATCH,
    &endpoints::IPRANGE_MATCH,
    &conntrack::CONNTRACK_MATCH,
    &conntrack::STATE_MATCH,
    &conntrack::CONNBYTES_MATCH,
    &conntrack::CONNLABEL_MATCH,
    &conntrack::CONNLIMIT_MATCH,
    &conntrack::CONNMARK_MATCH,
    &conntrack::HELPER_MATCH,
    &conntrack::IPVS_MATCH,
    &conntrack::CLUSTER_MATCH,
    &ipsec::AH_MATCH_V4,
    &ipsec::AH_MATCH_V6,
    &ipsec::ESP_MATCH,
    &ipsec::IPCOMP_MATCH,
    &ipv6_headers::FRAG_MATCH,
    &ipv6_headers::RT_MATCH,
    &ipv6_headers::MH_MATCH,
    &header_fields::HL_MATCH,
    &header_fields::TTL_MATCH,
    &header_fields::TOS_MATCH,
    &header_fields::DSCP_MATCH,
    &header_fields::LENGTH_MATCH,
    &header_fields::TCPMSS_MATCH,
    &ipv6_headers::EUI64_MATCH,
    &header_fields::REALM_MATCH,
    &header_fields::OSF_MATCH,
    &header_fields::ECN_MATCH,
    &rate::LIMIT_MATCH,
    &rate::HASHLIMIT_MATCH,
    &rate::TIME_MATCH,
    &rate::RECENT_MATCH,
    &text::STRING_MATCH,
    &rate::STATISTIC_MATCH,
    &endpoints::OWNER_MATCH,
    &endpoints::CGROUP_MATCH,
    &endpoints::CPU_MATCH,
    &rate::QUOTA_MATCH,
    &endpoints::MAC_MATCH,
    &endpoints::PHYSDEV_MATCH,
    &transport::SCTP_MATCH,
    &endpoints::ADDRTYPE_MATCH,
    &ipsec::POLICY_MATCH,
];

/// The target modules gblint models.
static TARGETS: &[&ModuleSpec] = &[
    &verdicts::REJECT_TARGET,
    &logging::LOG_TARGET,
    &logging::NFLOG_TARGET,
    &nat::DNAT_TARGET,
    &nat::SNAT_TARGET,
    &nat::MASQUERADE_TARGET,
    &nat::REDIRECT_TARGET,
    &conntrack::CT_TARGET,
    &header_fields::TOS_TARGET,
    &header_fields::DSCP_TARGET,
    &header_fields::TTL_TARGET,
    &header_fields::HL_TARGET,
    &marks::MARK_TARGET,
    &conntrack::CONNMARK_TARGET,
    &conntrack::CONNSECMARK_TARGET,
    &marks::SECMARK_TARGET,
    &header_fields::TCPMSS_TARGET,
    &header_fields::TCPOPTSTRIP_TARGET,
    &marks::CLASSIFY_TARGET,
    &header_fields::CHECKSUM_TARGET,
    &logging::AUDIT_TARGET,
    &logging::LED_TARGET,
    &logging::IDLETIMER_TARGET,
    &nat::TEE_TARGET,
    &nat::TPROXY_TARGET,
    &verdicts::SYNPROXY_TARGET,
    &marks::HMARK_TARGET,
    &nat::NETMAP_TARGET,
    &nat::DNPT_TARGET,
    &nat::SNPT_TARGET,
    &verdicts::NFQUEUE_TARGET,
    &conntrack::TRACE_TARGET,
    &conntrack::NOTRACK_TARGET,
];

/// Target extensions gblint does not model (it keeps their options as written and treats
/// rules using them as unknown), listed so that `-j NAME` is never taken for a chain.
pub static OTHER_TARGETS: &[&str] = &["CLUSTERIP", "ECN", "RATEEST", "SET", "ULOG"];

/// Every known match module.
fn all_matches() -> impl Iterator<Item = &'static ModuleSpec> {
    MATCHES.iter().copied()
}

/// Every known target module.
fn all_targets() -> impl Iterator<Item = &'static ModuleSpec> {
    TARGETS.iter().copied()
}

/// Every known module.
pub fn all() -> impl Iterator<Item = &'static ModuleSpec> {
    all_matches().chain(all_targets())
}

/// The known match called `name` for `family`.
pub fn find_match(name: &str, family: Family) -> Option<&'static ModuleSpec> {
    all_matches().find(|m| {
        (m.name == name || m.aliases.contains(&name)) && m.family.is_none_or(|f| f == family)
    })
}

/// The known target called `name` for `family`.
pub fn find_target(name: &str, family: Family) -> Option<&'static ModuleSpec> {
    // Most rules end in a standard verdict, which no extension is named: no need to compare
    // it with every target's names.
    if is_verdict(name) {
        return None;
    }
    all_targets().find(|m| {
        (m.name == name || m.aliases.contains(&name)) && m.family.is_none_or(|f| f == family)
    })
}

/// The standard verdicts of `-j` (the kernel's own, no extension).
pub fn is_verdict(name: &str) -> bool {
    matches!(name, "ACCEPT" | "DROP" | "RETURN" | "QUEUE")
}

/// The standard verdicts, each one `&'static str` that rules and [`known_names`] share.
static VERDICTS: [&str; 4] = ["ACCEPT", "DROP", "RETURN", "QUEUE"];

/// `name` as the standard verdict it is, if it is one.
pub fn verdict(name: &str) -> Option<&'static str> {
    VERDICTS.iter().copied().find(|verdict| *verdict == name)
}

/// Whether `name` names a target extension of any family (so `-j NAME` is never a chain).
pub fn is_target_extension(name: &str) -> bool {
    if is_verdict(name) {
        return false;
    }
    all_targets().any(|m| m.name == name || m.aliases.contains(&name))
        || OTHER_TARGETS.contains(&name)
}

/// Protocols whose match module `-p NAME` loads implicitly when one of its options is used.
pub fn implicit_match_for(protocol: &str) -> Option<&'static str> {
    match protocol {
        "tcp" => Some("tcp"),
        "udp" => Some("udp"),
        "icmp" => Some("icmp"),
        "sctp" => Some("sctp"),
        "dccp" => Some("dccp"),
        "esp" => Some("esp"),
        "ah" => Some("ah"),
        "mobility-header" => Some("mh"),
        "ipv6-icmp" | "icmpv6" => Some("icmp6"),
        _ => None,
    }
}

/// Checks the kernel makes across a rule's matches and target when the rule is added:
/// TCPMSS only works on TCP SYN packets (a `--tcp-flags` match with SYN in both sets), and
/// path-MTU clamping only in FORWARD, OUTPUT and POSTROUTING.
pub fn check_rule(rule: &Rule, chain: &str) -> Result<(), String> {
    let Some(target) = rule.target() else {
        return Ok(());
    };
    if target.name == "TCPMSS" && !target.goto {
        let has_syn = |set: &str| set.split(',').any(|f| f == "SYN");
        let syn = rule.matches().filter(|m| m.name == "tcp").any(|m| {
            m.options.iter().any(|o| {
                o.name == "tcp-flags"
                    && !o.negated
                    && o.args.len() == 2
                    && has_syn(&o.args[0])
                    && has_syn(&o.args[1])
            })
        });
        if !syn {
            return Err("TCPMSS: Only works on TCP SYN packets".into());
        }
        let builtin = matches!(
            chain,
            "INPUT" | "OUTPUT" | "FORWARD" | "PREROUTING" | "POSTROUTING"
        );
        if builtin
            && target.opt("clamp-mss-to-pmtu").is_some()
            && !matches!(chain, "FORWARD" | "OUTPUT" | "POSTROUTING")
        {
            return Err(
                "TCPMSS: path-MTU clamping only supported in FORWARD, OUTPUT and POSTROUTING hooks"
                    .into(),
            );
        }
    }
    Ok(())
}

/// Every name the module tables hold: each module's names, its options' names and the
/// standard verdicts (what rules refer to by number instead of copying them).
pub fn known_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = VERDICTS.to_vec();
    for module in all() {
        names.push(module.name);
        names.extend(module.aliases.iter().copied());
        for option in module.options {
            names.extend(option.names.iter().copied());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_modelled_once_per_family() {
        // `find_match`/`find_target` take the first spec of a name: two for one family would
        // make the registry's order matter.
        for list in [MATCHES, TARGETS] {
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    let names = |s: &ModuleSpec| {
                        std::iter::once(s.name)
                            .chain(s.aliases.iter().copied())
                            .collect::<Vec<_>>()
                    };
                    let shared = names(a).iter().any(|n| names(b).contains(n));
                    let families_meet =
                        a.family.is_none() || b.family.is_none() || a.family == b.family;
                    assert!(!(shared && families_meet), "{} twice", a.name);
                }
            }
        }
    }

    #[test]
    fn no_extension_is_named_like_a_verdict() {
        for name in ["ACCEPT", "DROP", "RETURN", "QUEUE"] {
            assert!(is_verdict(name));
            assert!(
                TARGETS
                    .iter()
                    .chain(MATCHES)
                    .all(|t| t.name != name && !t.aliases.contains(&name))
                    && !OTHER_TARGETS.contains(&name),
                "{name} is an extension"
            );
        }
    }

    #[test]
    fn other_targets_are_not_modelled() {
        for name in OTHER_TARGETS {
            assert!(
                TARGETS
                    .iter()
                    .all(|t| t.name != *name && !t.aliases.contains(name)),
                "{name} is modelled"
            );
        }
    }
}
