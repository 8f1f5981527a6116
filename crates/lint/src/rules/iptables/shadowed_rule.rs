use gblint_diagnostics::Diagnostic;
use gblint_iptables::ruleset::PlacedRule;
use gblint_iptables::values::parse_port_range;
use gblint_iptables::Rule as IptRule;
use ipnet::IpNet;

use super::readable;
use super::rule_keys::{at, bounds, is_terminal, FastMap, Gate, Keys, PortGate, Probe};
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
                    check_chain(&chain.rules, doc.file, BUDGET, out);
                }
            }
        }
    }
}

/// Earlier rules filed under one key, in the order they were filed, split by their gate's
/// class (the match modules a later rule needs for them to cover it): a later rule walks only
/// the classes its modules admit, where every other candidate would fail the gate anyway.
/// Each node keeps its position in the key's whole list, so that a walk can charge the
/// comparison budget exactly what visiting every candidate in filing order would (see
/// [`charge`]). The lists are threaded through node and class arrays shared by the chain's
/// indexes, so that a key costs two integers instead of a vector (a long chain has a key per
/// rule).
struct Lists<K> {
    keys: FastMap<K, KeyEntry>,
}

/// A key of [`Lists`]: how many rules it holds, and its first class (`END`: none).
struct KeyEntry {
    len: u32,
    classes: u32,
}

/// The rules of one key whose gates need the same modules, first and last node, and the
/// key's next class (`END`: none).
struct Class {
    required: u64,
    first: u32,
    last: u32,
    next: u32,
}

/// A node of [`Lists`]: a rule filed under the list's key, its position among the key's
/// rules, and the port part of its gate (its class holds the module part; nearly every
/// candidate a walk reaches fails the ports: the walk then touches nothing but the node).
/// 16 bytes: the gate's kind shares a word with the position ([`KIND_SHIFT`]).
struct Node {
    index: u32,
    /// The next node of its class or `END`.
    next: u32,
    /// The position (below [`POSITION_CAP`]), and the gate's kind above [`KIND_SHIFT`].
    position_and_kind: u32,
    /// The gate's span ([`PortGate::pack`]).
    span: u32,
}

/// Where a node's gate kind starts in `position_and_kind`.
const KIND_SHIFT: u32 = 30;
/// Positions are held up to this value: a walk never charges more than [`BUDGET`] (far
/// below) without running out, so a capped position changes no answer.
const POSITION_CAP: u32 = (1 << KIND_SHIFT) - 1;

impl Node {
    fn position(&self) -> u32 {
        self.position_and_kind & POSITION_CAP
    }

    fn ports(&self) -> PortGate {
        PortGate::unpack(self.position_and_kind >> KIND_SHIFT, self.span)
    }
}

const END: u32 = u32::MAX;

impl<K: std::hash::Hash + Eq> Lists<K> {
    fn new() -> Self {
        Lists {
            keys: FastMap::default(),
        }
    }

    /// Append rule `index`, whose gate is `gate`, to `key`'s list.
    #[inline]
    fn push(
        &mut self,
        nodes: &mut Vec<Node>,
        classes: &mut Vec<Class>,
        key: K,
        index: u32,
        gate: Gate,
    ) {
        let node = at(nodes);
        let entry = self.keys.entry(key).or_insert(KeyEntry {
            len: 0,
            classes: END,
        });
        let (kind, span) = gate.ports().pack();
        nodes.push(Node {
            index,
            next: END,
            position_and_kind: entry.len.min(POSITION_CAP) | kind << KIND_SHIFT,
            span,
        });
        entry.len += 1;
        let (mut class, mut previous) = (entry.classes, END);
        while class != END && classes[class as usize].required != gate.required() {
            previous = class;
            class = classes[class as usize].next;
        }
        if class == END {
            let new = at(classes);
            classes.push(Class {
                required: gate.required(),
                first: node,
                last: node,
                next: END,
            });
            match previous {
                END => entry.classes = new,
                _ => classes[previous as usize].next = new,
            }
        } else {
            let class = &mut classes[class as usize];
            nodes[class.last as usize].next = node;
            class.last = node;
        }
    }

    /// How many rules `key` holds, and the position and index of the first of them (in filing
    /// order) for which `test` holds, trying only the classes `probe` admits: the others
    /// fail the gate.
    #[inline]
    fn walk(
        &self,
        nodes: &[Node],
        classes: &[Class],
        key: &K,
        probe: &Probe,
        mut test: impl FnMut(u32, &PortGate) -> bool,
    ) -> (u32, Option<(u32, u32)>) {
        let Some(entry) = self.keys.get(key) else {
            return (0, None);
        };
        let mut best: Option<(u32, u32)> = None;
        let mut class = entry.classes;
        while class != END {
            let Class {
                required,
                first,
                next,
                ..
            } = &classes[class as usize];
            class = *next;
            if !probe.admits(*required) {
                continue;
            }
            let mut node = *first;
            while node != END {
                let n = &nodes[node as usize];
                if best.is_some_and(|(position, _)| n.position() >= position) {
                    break;
                }
                if test(n.index, &n.ports()) {
                    best = Some((n.position(), n.index));
                    break;
                }
                node = n.next;
            }
        }
        (entry.len, best)
    }
}

/// Charge `budget` for a walk of one list ([`Lists::walk`]'s answer) as visiting its
/// candidates one by one in filing order, one unit each, would: up to and including the
/// first that covers, or all of them. `Err` when the budget runs out before (the chain is
/// then left unfinished, as the one-by-one walk stopped at a zero budget); else the index of
/// the rule that covers, if any.
fn charge(budget: &mut usize, (len, hit): (u32, Option<(u32, u32)>)) -> Result<Option<u32>, ()> {
    let needed = match hit {
        Some((position, _)) => position as usize + 1,
        None => len as usize,
    };
    if needed > *budget {
        return Err(());
    }
    *budget -= needed;
    Ok(hit.map(|(_, index)| index))
}

/// Reports each rule of one chain that an earlier terminal rule already decides (IPT003),
/// searching the earlier rules through indexes by source network and destination port.
///
/// `budget` is the number of candidates the chain may visit (see [`BUDGET`]).
fn check_chain(
    rules: &[PlacedRule],
    file: gblint_diagnostics::FileId,
    mut budget: usize,
    out: &mut Vec<Diagnostic>,
) {
    debug_assert!(budget < POSITION_CAP as usize, "positions are capped below");
    // Earlier terminal rules, indexed by source network (`NO_SOURCE`: no `-s`) and, for rules
    // with one destination port, by that port: a rule for port 22 can only be covered by an
    // earlier rule for port 22 or one not limited to a single port.
    // Rules are held by their index in the chain (their key is `keys`' entry of that index).
    // Every terminal rule with no `-s` or one network is filed under its source and under
    // each of its ports, or under "any port": the node array gets room for every rule's
    // nodes up front (counted without asking which rules are filed: `is_terminal` over a
    // whole chain cost ~5 % of IPT003). When the budget ends a long chain early, the pages
    // past the last node are never touched and cost no memory; a doubling vector would leave
    // its old blocks behind in the allocator (measured: peak RSS 0.8–1.3 MB higher on
    // 100,000 rules).
    let filed: usize = rules
        .iter()
        .map(|r| {
            1 + multiport_dports(&r.rule)
                .map_or(1, |list| list.bytes().filter(|b| *b == b',').count() + 1)
        })
        .sum();
    let mut nodes: Vec<Node> = Vec::with_capacity(filed);
    let mut classes: Vec<Class> = Vec::new();
    let mut all: Lists<SourceKey> = Lists::new();
    let mut by_port: Lists<SourceKey> = Lists::new();
    let mut any_port: Lists<SourceKey> = Lists::new();
    // Entry n set: some earlier rule is indexed under a source network of prefix length n
    // (0..=128: IPv6 has 129 lengths).
    let mut indexed_lengths = [false; 129];
    let mut reported: FastMap<u32, ()> = FastMap::default();
    // Keys are built as the walk reaches each rule: once the budget runs out, the rest of a
    // long chain is never keyed.
    let mut keys = Keys::for_rules(rules);
    for (index, later) in rules.iter().enumerate() {
        keys.push();
        let mut found: Option<&PlacedRule> = None;
        let probe = keys.probe();
        let source_ref = later.rule.source_ref();
        let source = source_ref.net();
        if source.is_some() || source_ref.is_absent() {
            // No `-s` first, then only the prefix lengths some earlier rule was indexed
            // under, longest first: a /32 source would otherwise cost 33 hash lookups per
            // rule.
            let longest = source.map_or(0, |net| usize::from(net.prefix_len()) + 1);
            let sources = std::iter::once(NO_SOURCE).chain(
                (0..longest)
                    .rev()
                    .filter(|len| indexed_lengths[*len])
                    .filter_map(|len| source.map(|net| SourceKey::within(&net, len as u8))),
            );
            let port = single_dport(&keys, index, &later.rule);
            // Every candidate counts against the budget, so the findings do not depend on how
            // cheaply one is ruled out (nor on the classes a walk skips).
            // A walk only reaches the classes whose modules the probe admits: with the port
            // part tested here, that is the whole `Gate` test.
            let mut test = |earlier: u32, ports: &PortGate| {
                ports.fits(&probe) && keys.covers(earlier as usize, index)
            };
            'search: for key in sources {
                // A single port's list, then the rules for any port; or every rule.
                for second in [false, true] {
                    let walk = match (port, second) {
                        (Some(p), false) => {
                            by_port.walk(&nodes, &classes, &key.with_port(p), &probe, &mut test)
                        }
                        (Some(_), true) => any_port.walk(&nodes, &classes, &key, &probe, &mut test),
                        (None, false) => all.walk(&nodes, &classes, &key, &probe, &mut test),
                        (None, true) => break,
                    };
                    match charge(&mut budget, walk) {
                        Err(()) => return,
                        Ok(Some(earlier)) => {
                            found = Some(&rules[earlier as usize]);
                            break 'search;
                        }
                        Ok(None) => {}
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
            let key = match source {
                Some(net) => {
                    indexed_lengths[usize::from(net.prefix_len())] = true;
                    SourceKey::of(&net)
                }
                None if source_ref.is_absent() => NO_SOURCE,
                None => continue,
            };
            let (at, gate) = (u32::try_from(index).unwrap_or(END), keys.gate());
            all.push(&mut nodes, &mut classes, key, at, gate);
            if !for_each_dport(&keys, index, &later.rule, |p| {
                by_port.push(&mut nodes, &mut classes, key.with_port(p), at, gate);
            }) {
                any_port.push(&mut nodes, &mut classes, key, at, gate);
            }
        }
    }
}

/// An index key: a source network's address bits, family and prefix length, or no source,
/// and for the lists by port, the port. Plain integers hash in a few instructions, where
/// `IpNet`'s derived hash feeds its address bytes as a slice; two `u64` halves instead of a
/// `u128` keep the key at 24 bytes (a `u128` is 16-aligned: the key took 32, with a port 48).
#[derive(Clone, Copy, PartialEq, Eq)]
struct SourceKey {
    high: u64,
    low: u64,
    /// The prefix length, plus 256 for IPv6, or `u16::MAX` for no source, in the low half;
    /// the port in the high half ([`SourceKey::with_port`]).
    tag: u32,
}

const NO_SOURCE: SourceKey = SourceKey {
    high: 0,
    low: 0,
    tag: u16::MAX as u32,
};

impl std::hash::Hash for SourceKey {
    /// One 128-bit write (each walk hashes a key or more): the tag sits above an IPv4
    /// address, so IPv4 keys differ in it whenever they differ at all.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u128(
            (u128::from(self.high) << 64 | u128::from(self.low)) ^ u128::from(self.tag) << 32,
        );
    }
}

impl SourceKey {
    /// The key an earlier rule with source `net` is filed under (as the model holds it:
    /// host bits cleared).
    fn of(net: &IpNet) -> SourceKey {
        match net {
            IpNet::V4(n) => SourceKey::v4(u32::from(n.addr()), n.prefix_len()),
            IpNet::V6(n) => SourceKey::v6(u128::from(n.addr()), n.prefix_len()),
        }
    }

    /// The key of the network of prefix length `len` (at most `net`'s) holding `net`.
    fn within(net: &IpNet, len: u8) -> SourceKey {
        match net {
            IpNet::V4(n) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
                SourceKey::v4(u32::from(n.addr()) & mask, len)
            }
            IpNet::V6(n) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
                SourceKey::v6(u128::from(n.addr()) & mask, len)
            }
        }
    }

    fn v4(bits: u32, len: u8) -> SourceKey {
        SourceKey {
            high: 0,
            low: u64::from(bits),
            tag: u32::from(len),
        }
    }

    fn v6(bits: u128, len: u8) -> SourceKey {
        SourceKey {
            high: (bits >> 64) as u64,
            low: bits as u64,
            tag: 256 + u32::from(len),
        }
    }

    /// This key in the lists by port, for `port`.
    fn with_port(self, port: u16) -> SourceKey {
        SourceKey {
            tag: self.tag | u32::from(port) << 16,
            ..self
        }
    }
}

/// The single destination port rule `index` of the chain is limited to (`-p tcp --dport
/// 22`), if any: from its key's summary when it has one (the lists are parsed there
/// already), else from the rule.
fn single_dport(keys: &Keys, index: usize, rule: &IptRule) -> Option<u16> {
    match keys.dport_lists(index) {
        Some((dport, _)) => match dport {
            [range] => {
                let (low, high) = bounds(*range);
                (low == high).then_some(low)
            }
            _ => None,
        },
        None => rule_single_dport(rule),
    }
}

/// Calls `each` with every port of rule `index` when it is limited to a short list of
/// single destination ports (`--dport 22`, `-m multiport --dports 80,443`), in order, and
/// says whether it is; false for ranges or no port condition.
fn for_each_dport(keys: &Keys, index: usize, rule: &IptRule, mut each: impl FnMut(u16)) -> bool {
    if let Some(port) = single_dport(keys, index, rule) {
        each(port);
        return true;
    }
    if let Some((_, dports)) = keys.dport_lists(index) {
        if dports.is_empty() || dports.iter().any(|r| bounds(*r).0 != bounds(*r).1) {
            return false;
        }
        dports.iter().for_each(|r| each(bounds(*r).0));
        return true;
    }
    let Some(list) = multiport_dports(rule) else {
        return false;
    };
    if !list
        .split(',')
        .all(|item| parse_port_range(item).is_some_and(|(low, high)| low == high))
    {
        return false;
    }
    for item in list.split(',') {
        if let Some((low, _)) = parse_port_range(item) {
            each(low);
        }
    }
    true
}

/// The (non-negated) `--dports` list of the rule's first multiport match.
fn multiport_dports(rule: &IptRule) -> Option<&str> {
    let multiport = rule.find_match("multiport")?;
    let option = multiport.opt("dports").filter(|o| !o.negated)?;
    option.args.first()
}

/// The single destination port a rule is limited to (`-p tcp --dport 22`), if any.
fn rule_single_dport(rule: &IptRule) -> Option<u16> {
    rule.matches()
        .filter(|m| matches!(m.name, "tcp" | "udp"))
        .find_map(|m| {
            let option = m.opt("dport").filter(|o| !o.negated)?;
            let (low, high) = parse_port_range(option.args.first()?)?;
            (low == high).then_some(low)
        })
}

#[cfg(test)]
mod naive_tests;
