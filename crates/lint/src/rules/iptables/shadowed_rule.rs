use std::collections::HashMap;

use gblint_diagnostics::Diagnostic;
use gblint_iptables::values::parse_port_range;
use gblint_iptables::ruleset::PlacedRule;
use gblint_iptables::{Address, Match, Neg, Opt, Rule as IptRule};
use ipnet::IpNet;

use super::readable;
use crate::context::Context;
use crate::declare_rule;
use crate::format::Format;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a rule that no packet can reach because an earlier rule of the same chain
    /// matches every packet it would match and ends the chain for them (ACCEPT, DROP, REJECT,
    /// RETURN or a goto). Coverage is decided on interfaces, protocol, addresses (subnets),
    /// ports and port ranges, multiport lists and conntrack states; an earlier rule with a
    /// condition gblint cannot compare (a rate limit, a set, an unknown module) never counts
    /// as covering, so every finding is certain.
    ///
    /// ## Why is this bad
    /// The later rule looks like it does something — often it is the exception someone added
    /// on purpose ("allow 10.0.0.5 to 6379") — but it never fires. Either the earlier rule is
    /// too broad or the later one is dead code that misleads every reader.
    ///
    /// ## Example
    /// ```iptables
    /// -A INPUT -p tcp --dport 6379 -j DROP
    /// -A INPUT -s 10.0.0.5/32 -p tcp --dport 6379 -j ACCEPT
    /// ```
    ///
    /// ## Use instead
    /// ```iptables
    /// -A INPUT -s 10.0.0.5/32 -p tcp --dport 6379 -j ACCEPT
    /// -A INPUT -p tcp --dport 6379 -j DROP
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: whether to reorder or delete is a decision.
    pub struct ShadowedRule {
        code: "IPT003",
        name: "shadowed-rule",
        severity: Warning,
        category: Suspicious,
        fix: None,
        format: Some(Format::Iptables),
    }
}

/// Comparisons per chain before giving up on the rest of it (keeps huge chains linear).
const BUDGET: usize = 2_000_000;

impl Rule for ShadowedRule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.iptables {
            if !readable(doc) {
                continue;
            }
            for table in doc.ruleset.tables.values() {
                for chain in &table.chains {
                    check_chain(&chain.rules, doc.file, out);
                }
            }
        }
    }
}

/// Earlier terminal rules, indexed by their source network (rules without `-s` in `broad`).
fn check_chain(rules: &[PlacedRule], file: gblint_diagnostics::FileId, out: &mut Vec<Diagnostic>) {
    // Earlier terminal rules, indexed by source network (`None`: no `-s`) and, for rules with
    // one destination port, by that port: a rule for port 22 can only be covered by an earlier
    // rule for port 22 or one not limited to a single port.
    let mut all: HashMap<Option<IpNet>, Vec<&PlacedRule>> = HashMap::new();
    let mut by_port: HashMap<(Option<IpNet>, u16), Vec<&PlacedRule>> = HashMap::new();
    let mut any_port: HashMap<Option<IpNet>, Vec<&PlacedRule>> = HashMap::new();
    // Entry n set: some earlier rule is indexed under a source network of prefix length n
    // (0..=128: IPv6 has 129 lengths).
    let mut indexed_lengths = [false; 129];
    let mut budget = BUDGET;
    let mut reported = std::collections::HashSet::new();
    for later in rules {
        let mut found: Option<&PlacedRule> = None;
        let source = single_net(later.rule.source.as_ref());
        if source.is_some() || later.rule.source.is_none() {
            let mut sources: Vec<Option<IpNet>> = vec![None];
            if let Some(net) = source {
                // Only the prefix lengths some earlier rule was indexed under: a /32 source
                // would otherwise cost 33 hash lookups per rule.
                sources.extend(
                    (0..=net.prefix_len())
                        .rev()
                        .filter(|len| indexed_lengths[usize::from(*len)])
                        .filter_map(|len| {
                            IpNet::new(net.addr(), len).ok().map(|n| Some(n.trunc()))
                        }),
                );
            }
            let port = single_dport(&later.rule);
            'search: for key in sources {
                let lists: [Option<&Vec<&PlacedRule>>; 2] = match port {
                    Some(p) => [by_port.get(&(key, p)), any_port.get(&key)],
                    None => [all.get(&key), None],
                };
                for earlier in lists.into_iter().flatten().flatten() {
                    if budget == 0 {
                        return;
                    }
                    budget -= 1;
                    if covers(&earlier.rule, &later.rule) {
                        found = Some(earlier);
                        break 'search;
                    }
                }
            }
        }
        if let Some(earlier) = found {
            if earlier.line != later.line && reported.insert(later.line) {
                let target = earlier
                    .rule
                    .target
                    .as_ref()
                    .map_or("?", |t| t.name.as_str());
                out.push(
                    ShadowedRule::META
                        .diagnostic(file, later.range, format!("this rule never matches: line {} already decides every packet it would match ({target})", earlier.line))
                        .with_label("never reached")
                        .with_secondary(file, earlier.range, "this earlier rule covers it")
                        .with_help("move the narrower rule above the broader one, or delete it"),
                );
            }
        }
        if is_terminal(&later.rule) {
            let key = match single_net(later.rule.source.as_ref()) {
                Some(net) => Some(net),
                None if later.rule.source.is_none() => None,
                None => continue,
            };
            if let Some(net) = key {
                indexed_lengths[usize::from(net.prefix_len())] = true;
            }
            all.entry(key).or_default().push(later);
            match dport_set(&later.rule) {
                Some(ports) => {
                    for p in ports {
                        by_port.entry((key, p)).or_default().push(later);
                    }
                }
                None => any_port.entry(key).or_default().push(later),
            }
        }
    }
}

/// The destination ports a rule is limited to when they are a short list of single ports
/// (`--dport 22`, `-m multiport --dports 80,443`); `None` for ranges or no port condition.
fn dport_set(rule: &IptRule) -> Option<Vec<u16>> {
    if let Some(port) = single_dport(rule) {
        return Some(vec![port]);
    }
    let multiport = rule.matches.iter().find(|m| m.name == "multiport")?;
    let option = multiport.opt("dports").filter(|o| !o.negated)?;
    option
        .args
        .first()?
        .split(',')
        .map(|item| {
            parse_port_range(item)
                .filter(|(low, high)| low == high)
                .map(|(low, _)| low)
        })
        .collect()
}

/// The single destination port a rule is limited to (`-p tcp --dport 22`), if any.
fn single_dport(rule: &IptRule) -> Option<u16> {
    rule.matches
        .iter()
        .filter(|m| matches!(m.name.as_str(), "tcp" | "udp"))
        .find_map(|m| {
            let option = m.opt("dport").filter(|o| !o.negated)?;
            let (low, high) = parse_port_range(option.args.first()?)?;
            (low == high).then_some(low)
        })
}

fn single_net(field: Option<&Neg<Vec<Address>>>) -> Option<IpNet> {
    match field {
        Some(Neg {
            negated: false,
            value,
        }) if value.len() == 1 => match &value[0] {
            Address::Net(net) => Some(*net),
            _ => None,
        },
        _ => None,
    }
}

fn is_terminal(rule: &IptRule) -> bool {
    rule.target.as_ref().is_some_and(|t| {
        t.goto || matches!(t.name.as_str(), "ACCEPT" | "DROP" | "REJECT" | "RETURN")
    })
}

fn same_opt(a: &Opt, b: &Opt) -> bool {
    a.name == b.name && a.negated == b.negated && a.args == b.args
}

/// Whether every packet `later` matches is matched by `earlier` (certain answers only).
fn covers(earlier: &IptRule, later: &IptRule) -> bool {
    if !is_terminal(earlier) {
        return false;
    }
    let iface_ok = |a: &Option<Neg<String>>, b: &Option<Neg<String>>| match (a, b) {
        (None, _) => true,
        (Some(a), Some(b)) if a.negated == b.negated && a.value == b.value => true,
        (Some(a), Some(b)) if !a.negated && !b.negated => a
            .value
            .strip_suffix('+')
            .is_some_and(|p| b.value.trim_end_matches('+').starts_with(p)),
        _ => false,
    };
    if !iface_ok(&earlier.in_iface, &later.in_iface)
        || !iface_ok(&earlier.out_iface, &later.out_iface)
    {
        return false;
    }
    match (&earlier.protocol, &later.protocol) {
        (None, _) => {}
        (Some(a), _) if !a.negated && a.value == "all" => {}
        (Some(a), Some(b)) if a == b => {}
        _ => return false,
    }
    if earlier.fragment.is_some() && earlier.fragment != later.fragment {
        return false;
    }
    for (a, b) in [
        (&earlier.source, &later.source),
        (&earlier.destination, &later.destination),
    ] {
        match (a, b) {
            (None, _) => {}
            (Some(a), Some(b)) if a.negated == b.negated && a.value == b.value => {}
            (Some(a), Some(b)) if !a.negated && !b.negated => {
                let (Some(outer), Some(inner)) = (single_net(Some(a)), single_net(Some(b))) else {
                    return false;
                };
                if !outer.contains(&inner) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    earlier
        .matches
        .iter()
        .all(|m| m.name == "comment" || later.matches.iter().any(|n| match_implies(n, m)))
}

/// Whether match `narrow` (of the later rule) implies match `wide` (of the earlier one).
fn match_implies(narrow: &Match, wide: &Match) -> bool {
    // `-p tcp --dport 443` implies `-m multiport --dports 80,443`.
    if wide.name == "multiport" && matches!(narrow.name.as_str(), "tcp" | "udp") {
        return wide.options.iter().all(|w| {
            let side = match w.name.as_str() {
                "dports" => "dport",
                "sports" => "sport",
                _ => return false,
            };
            !w.negated
                && narrow.opt(side).is_some_and(|n| {
                    !n.negated
                        && n.args
                            .first()
                            .zip(w.args.first())
                            .is_some_and(|(n, w)| ranges_within(n, w))
                })
        });
    }
    if narrow.name != wide.name {
        return false;
    }
    wide.options.iter().all(|w| {
        narrow.options.iter().any(|n| {
            if same_opt(n, w) {
                return true;
            }
            if n.name != w.name || n.negated || w.negated {
                return false;
            }
            let (Some(narrow_arg), Some(wide_arg)) = (n.args.first(), w.args.first()) else {
                return false;
            };
            match (wide.name.as_str(), w.name.as_str()) {
                ("tcp" | "udp", "dport" | "sport")
                | ("multiport", "dports" | "sports" | "ports") => {
                    ranges_within(narrow_arg, wide_arg)
                }
                ("conntrack", "ctstate") | ("state", "state") => narrow_arg
                    .split(',')
                    .all(|s| wide_arg.split(',').any(|w| w == s)),
                _ => false,
            }
        })
    })
}

fn ranges_within(narrow: &str, wide: &str) -> bool {
    // Same text, same ranges (when they parse); no allocation on this hot path.
    if narrow == wide {
        return narrow
            .split(',')
            .all(|item| parse_port_range(item).is_some());
    }
    narrow.split(',').all(|item| {
        parse_port_range(item).is_some_and(|(lo, hi)| {
            wide.split(',')
                .filter_map(parse_port_range)
                .any(|(a, b)| a <= lo && hi <= b)
        })
    })
}
