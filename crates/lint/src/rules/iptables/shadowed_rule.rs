use gblint_diagnostics::Diagnostic;
use gblint_iptables::ruleset::PlacedRule;
use gblint_iptables::values::parse_port_range;
use gblint_iptables::Rule as IptRule;
use ipnet::IpNet;

use super::readable;
use super::rule_keys::{interner, is_terminal, single_net, FnvMap, RuleKey};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
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
    /// *filter
    /// :INPUT ACCEPT [0:0]
    /// -A INPUT -i lo -j ACCEPT
    /// -A INPUT -p tcp --dport 6379 -j DROP
    /// -A INPUT -s 10.0.0.5/32 -p tcp --dport 6379 -j ACCEPT
    /// COMMIT
    /// ```
    ///
    /// ## Use instead
    /// ```iptables
    /// *filter
    /// :INPUT ACCEPT [0:0]
    /// -A INPUT -i lo -j ACCEPT
    /// -A INPUT -s 10.0.0.5/32 -p tcp --dport 6379 -j ACCEPT
    /// -A INPUT -p tcp --dport 6379 -j DROP
    /// COMMIT
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
        kind: Some(FileKind::Iptables),
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
    // Rules are held by their index in the chain (their key is `keys[index]`).
    // FNV rather than SipHash: the keys come from one file, and hashing was a tenth of the
    // rule's time.
    let mut all: FnvMap<Option<IpNet>, Vec<usize>> = FnvMap::default();
    let mut by_port: FnvMap<(Option<IpNet>, u16), Vec<usize>> = FnvMap::default();
    let mut any_port: FnvMap<Option<IpNet>, Vec<usize>> = FnvMap::default();
    // Entry n set: some earlier rule is indexed under a source network of prefix length n
    // (0..=128: IPv6 has 129 lengths).
    let mut indexed_lengths = [false; 129];
    let mut budget = BUDGET;
    let mut reported: FnvMap<u32, ()> = FnvMap::default();
    // Keys are built as the walk reaches each rule: once the budget runs out, the rest of a
    // long chain is never keyed.
    let mut interner = interner();
    let mut keys: Vec<RuleKey<'_>> = Vec::with_capacity(rules.len());
    // `keys[i].required()`, packed: most candidates fail on it, without loading their key.
    let mut required: Vec<u64> = Vec::with_capacity(rules.len());
    for (index, later) in rules.iter().enumerate() {
        keys.push(RuleKey::new(&later.rule, &mut interner));
        let mut found: Option<&PlacedRule> = None;
        let later_key = &keys[index];
        required.push(later_key.required());
        let present = later_key.present();
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
                let lists: [Option<&Vec<usize>>; 2] = match port {
                    Some(p) => [by_port.get(&(key, p)), any_port.get(&key)],
                    None => [all.get(&key), None],
                };
                for earlier in lists.into_iter().flatten().flatten() {
                    if budget == 0 {
                        return;
                    }
                    budget -= 1;
                    // Every candidate still counts against the budget, so the findings do
                    // not depend on how cheaply one is ruled out.
                    if RuleKey::may_cover(required[*earlier], present)
                        && keys[*earlier].covers(later_key)
                    {
                        found = Some(&rules[*earlier]);
                        break 'search;
                    }
                }
            }
        }
        if let Some(earlier) = found {
            if earlier.line != later.line && reported.insert(later.line, ()).is_none() {
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
            all.entry(key).or_default().push(index);
            match dport_set(&later.rule) {
                Some(ports) => {
                    for p in ports {
                        by_port.entry((key, p)).or_default().push(index);
                    }
                }
                None => any_port.entry(key).or_default().push(index),
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
