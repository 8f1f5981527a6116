use std::collections::hash_map::Entry;

use gblint_diagnostics::Diagnostic;
use gblint_iptables::ruleset::PlacedRule;
use gblint_iptables::values::parse_port_range;
use gblint_iptables::Rule as IptRule;
use ipnet::IpNet;

use super::readable;
use super::rule_keys::{is_terminal, single_net, FastMap, Keys};
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

/// Earlier rules filed under one key, in the order they were filed: each key holds the first
/// and last node of a list threaded through one shared node array, so that a key costs two
/// integers instead of a vector (a long chain has a key per rule).
struct Lists<K> {
    ends: FastMap<K, (u32, u32)>,
}

/// A node of [`Lists`]: (rule index, next node or `END`).
type Node = (u32, u32);

const END: u32 = u32::MAX;

impl<K: std::hash::Hash + Eq> Lists<K> {
    fn new() -> Self {
        Lists {
            ends: FastMap::default(),
        }
    }

    /// Append rule `index` to `key`'s list.
    fn push(&mut self, nodes: &mut Vec<Node>, key: K, index: u32) {
        let node = u32::try_from(nodes.len()).unwrap_or(END);
        nodes.push((index, END));
        match self.ends.entry(key) {
            Entry::Occupied(mut ends) => {
                let (_, last) = ends.get_mut();
                nodes[*last as usize].1 = node;
                *last = node;
            }
            Entry::Vacant(slot) => {
                slot.insert((node, node));
            }
        }
    }

    /// The first node of `key`'s list (`END` when it has none).
    fn first(&self, key: &K) -> u32 {
        self.ends.get(key).map_or(END, |(first, _)| *first)
    }
}

/// Earlier terminal rules, indexed by their source network (rules without `-s` in `broad`).
fn check_chain(rules: &[PlacedRule], file: gblint_diagnostics::FileId, out: &mut Vec<Diagnostic>) {
    // Earlier terminal rules, indexed by source network (`None`: no `-s`) and, for rules with
    // one destination port, by that port: a rule for port 22 can only be covered by an earlier
    // rule for port 22 or one not limited to a single port.
    // Rules are held by their index in the chain (their key is `keys`' entry of that index).
    // FNV rather than SipHash: the keys come from one file, and hashing was a tenth of the
    // rule's time.
    // Every terminal rule is filed under its source and under each of its ports, or under
    // "any port": the node array gets that size up front (see `Keys::for_rules`).
    let filed: usize = rules
        .iter()
        .map(|r| {
            1 + multiport_dports(&r.rule)
                .map_or(1, |list| list.bytes().filter(|b| *b == b',').count() + 1)
        })
        .sum();
    let mut nodes: Vec<Node> = Vec::with_capacity(filed);
    let mut all: Lists<Option<IpNet>> = Lists::new();
    let mut by_port: Lists<(Option<IpNet>, u16)> = Lists::new();
    let mut any_port: Lists<Option<IpNet>> = Lists::new();
    // Entry n set: some earlier rule is indexed under a source network of prefix length n
    // (0..=128: IPv6 has 129 lengths).
    let mut indexed_lengths = [false; 129];
    let mut budget = BUDGET;
    let mut reported: FastMap<u32, ()> = FastMap::default();
    // Keys are built as the walk reaches each rule: once the budget runs out, the rest of a
    // long chain is never keyed.
    let mut keys = Keys::for_rules(rules);
    // `keys.required(i)`, packed: most candidates fail on it, without loading their key.
    let mut required: Vec<u64> = Vec::with_capacity(rules.len());
    for (index, later) in rules.iter().enumerate() {
        keys.push(&later.rule);
        let mut found: Option<&PlacedRule> = None;
        required.push(keys.required(index));
        let present = keys.present(index);
        let source = single_net(later.rule.source.as_ref());
        if source.is_some() || later.rule.source.is_none() {
            // No `-s` first, then only the prefix lengths some earlier rule was indexed
            // under: a /32 source would otherwise cost 33 hash lookups per rule.
            let lengths = indexed_lengths;
            let sources = std::iter::once(None).chain(source.into_iter().flat_map(|net| {
                (0..=net.prefix_len())
                    .rev()
                    .filter(move |len| lengths[usize::from(*len)])
                    .filter_map(move |len| {
                        IpNet::new(net.addr(), len).ok().map(|n| Some(n.trunc()))
                    })
            }));
            let port = single_dport(&later.rule);
            'search: for key in sources {
                let lists: [u32; 2] = match port {
                    Some(p) => [by_port.first(&(key, p)), any_port.first(&key)],
                    None => [all.first(&key), END],
                };
                for head in lists {
                    let mut node = head;
                    while node != END {
                        let (earlier, next) = nodes[node as usize];
                        node = next;
                        if budget == 0 {
                            return;
                        }
                        budget -= 1;
                        // Every candidate still counts against the budget, so the findings do
                        // not depend on how cheaply one is ruled out.
                        let earlier = earlier as usize;
                        if Keys::may_cover(required[earlier], present)
                            && keys.covers(earlier, index)
                        {
                            found = Some(&rules[earlier]);
                            break 'search;
                        }
                    }
                }
            }
        }
        if let Some(earlier) = found {
            if earlier.line != later.line && reported.insert(later.line, ()).is_none() {
                let target = earlier.rule.target().map_or("?", |t| t.name);
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
            let index = u32::try_from(index).unwrap_or(END);
            all.push(&mut nodes, key, index);
            if dport_set_ok(&later.rule) {
                for_each_dport(&later.rule, |p| by_port.push(&mut nodes, (key, p), index));
            } else {
                any_port.push(&mut nodes, key, index);
            }
        }
    }
}

/// Whether a rule is limited to a short list of single destination ports (`--dport 22`,
/// `-m multiport --dports 80,443`): false for ranges or no port condition.
fn dport_set_ok(rule: &IptRule) -> bool {
    if single_dport(rule).is_some() {
        return true;
    }
    multiport_dports(rule).is_some_and(|list| {
        list.split(',')
            .all(|item| parse_port_range(item).is_some_and(|(low, high)| low == high))
    })
}

/// Calls `each` with every port of the list [`dport_set_ok`] accepted, in order.
fn for_each_dport(rule: &IptRule, mut each: impl FnMut(u16)) {
    if let Some(port) = single_dport(rule) {
        return each(port);
    }
    if let Some(list) = multiport_dports(rule) {
        for item in list.split(',') {
            if let Some((low, _)) = parse_port_range(item) {
                each(low);
            }
        }
    }
}

/// The (non-negated) `--dports` list of the rule's first multiport match.
fn multiport_dports(rule: &IptRule) -> Option<&str> {
    let multiport = rule.find_match("multiport")?;
    let option = multiport.opt("dports").filter(|o| !o.negated)?;
    option.args.first()
}

/// The single destination port a rule is limited to (`-p tcp --dport 22`), if any.
fn single_dport(rule: &IptRule) -> Option<u16> {
    rule.matches()
        .filter(|m| matches!(m.name, "tcp" | "udp"))
        .find_map(|m| {
            let option = m.opt("dport").filter(|o| !o.negated)?;
            let (low, high) = parse_port_range(option.args.first()?)?;
            (low == high).then_some(low)
        })
}
