//! IPT003's view of a rule: a fixed-size record per rule holding, inline, every field the pair
//! test reads — interfaces and protocol as interned integers, a single source or destination
//! network as an interval of integers, and, for the usual match modules (tcp/udp ports,
//! multiport lists, conntrack/state states, comments), their port lists as parsed ranges and
//! their states as bits. `Keys::covers` gives the answers of the string comparisons it
//! replaces, answer for answer: a rule with any other match, or with an option these modules
//! do not usually carry, keeps no match summary, and a pair with such a rule compares its
//! matches on the rules themselves, as strings. A test compares IPT003 with a brute-force,
//! string-based search on generated chains, and the differential test holds the findings on
//! the corpus and on generated dumps to those recorded before.
//!
//! Only what does not fit a few bytes is kept out of line, in arenas shared by the chain:
//! port lists of more than two items and IPv6 networks (both rare).

use std::collections::HashMap;

use gblint_iptables::ruleset::PlacedRule;
use gblint_iptables::values::parse_port_range;
use gblint_iptables::{Address, Addresses, Field, MatchRef, Matches, Neg, OptRef, Rule};
use ipnet::IpNet;

/// A map with foldhash's fixed-seed hasher (IPT003's interner and its indexes of earlier
/// rules): it hashes many short strings and string lists of one file, where SipHash's
/// resistance to chosen collisions buys nothing and cost a third of IPT003's time; the fixed
/// seed keeps every run's behaviour the same.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Gives each distinct string (interface, protocol) or address list a small integer.
#[derive(Default)]
struct Interner<'a> {
    strings: FastMap<&'a str, u32>,
    addresses: FastMap<&'a [Address], u32>,
}

impl<'a> Interner<'a> {
    fn string(&mut self, text: &'a str) -> u32 {
        let next = self.strings.len() as u32;
        *self.strings.entry(text).or_insert(next)
    }

    fn addresses(&mut self, list: &'a [Address]) -> u32 {
        let next = self.addresses.len() as u32;
        *self.addresses.entry(list).or_insert(next)
    }
}

/// The index of an interned value or an arena entry, `NONE` for an absent field.
const NONE: u32 = u32::MAX;

/// The length of an arena as an index (arenas of one chain stay far below `u32::MAX`
/// entries: each rule adds a handful at most).
pub(super) fn at<T>(arena: &[T]) -> u32 {
    u32::try_from(arena.len()).unwrap_or(NONE)
}

/// An IPv6 network as the interval of addresses it holds, the `u128` bounds split into
/// (high, low) halves (tuples compare like the integers they make).
#[derive(Clone, Copy)]
struct V6Interval {
    start: (u64, u64),
    end: (u64, u64),
}

/// `value` as (high, low) halves.
fn halves(value: u128) -> (u64, u64) {
    ((value >> 64) as u64, value as u64)
}

/// A network as the interval of addresses it holds: containment of networks is containment
/// of intervals within one family. IPv4 bounds are inline; an IPv6 network is an index into
/// [`Keys`]' `v6` arena (its bounds would double the size of every key).
#[derive(Clone, Copy)]
enum Net {
    V4 { start: u32, end: u32 },
    V6(u32),
}

/// `-s`/`-d`.
#[derive(Clone, Copy)]
enum AddrKey {
    /// Not given.
    Absent,
    /// One network, not negated: the only form that covers another by containment.
    Net(Net),
    /// Anything else (negated, several addresses, a host name, a dotted mask): it covers only
    /// the same list with the same negation, so it is compared by its interned id.
    Other { negated: bool, id: u32 },
}

/// `-i`/`-o` (`id` is `NONE` when not given).
#[derive(Clone, Copy)]
struct IfaceKey {
    id: u32,
    negated: bool,
    /// The name ends with `+` (a prefix: the only case where two different names match).
    wildcard: bool,
}

impl IfaceKey {
    const ABSENT: IfaceKey = IfaceKey {
        id: NONE,
        negated: false,
        wildcard: false,
    };
}

/// `-p` (`id` is `NONE` when not given).
#[derive(Clone, Copy)]
struct ProtoKey {
    id: u32,
    negated: bool,
    /// `-p all`, not negated: every protocol.
    all: bool,
}

/// A port range, (low, high).
pub type Range = (u16, u16);

/// A port option's list as its ranges, every item of which parses: up to two inline (a
/// port, a range, the usual multiport pair), a longer list in [`Keys`]' `ports` arena.
#[derive(Clone, Copy)]
enum PortSet {
    Inline { len: u8, ranges: [(u16, u16); 2] },
    Spill { start: u32, end: u32 },
}

/// A tcp or udp match whose options are at most one `--dport` and one `--sport`.
#[derive(Clone, Copy)]
struct PortMatch {
    udp: bool,
    dport: Option<PortSet>,
    sport: Option<PortSet>,
}

/// A multiport match whose options are at most one each of `--dports`, `--sports` and
/// `--ports`.
#[derive(Clone, Copy)]
struct MultiportMatch {
    dports: Option<PortSet>,
    sports: Option<PortSet>,
    ports: Option<PortSet>,
}

/// A rule's matches when every one is of a usual form: at most one tcp/udp match, one
/// multiport, one conntrack with only `--ctstate` and one state match, every option of them
/// not negated, every port list parsed whole, every state a known name; comments anywhere.
/// For such rules "match implies match" reduces to comparisons of these fields.
#[derive(Clone, Copy, Default)]
struct Summary {
    port: Option<PortMatch>,
    multiport: Option<MultiportMatch>,
    /// `-m conntrack` (inner `None`: without `--ctstate`), its states as [`STATES`] bits.
    conntrack: Option<Option<u8>>,
    /// `-m state` (inner `None`: without `--state`).
    state: Option<Option<u8>>,
}

/// The state names IPT003 summarizes (others keep a rule on the string comparison).
const STATES: [&str; 7] = [
    "INVALID",
    "ESTABLISHED",
    "RELATED",
    "NEW",
    "UNTRACKED",
    "SNAT",
    "DNAT",
];

/// What the candidate loop tests of an earlier rule before the pair test, kept apart from
/// the keys (IPT003 keeps it in its index nodes): nearly every candidate fails here.
///
/// The test is a necessary condition of [`Keys::covers`] on the earlier rule's gate and the
/// later rule's [`Probe`]: the match modules the earlier rule needs are among those the later
/// one has ([`Probe::admits`]; a match other than multiport is implied only by a match of
/// the same module), and when both rules have summaries and the earlier one lists
/// destination ports, the later one lists destination ports within their span
/// ([`PortGate::fits`]; `covers` requires each of its ranges inside one of the earlier
/// rule's).
#[derive(Clone, Copy)]
pub struct Gate {
    /// One bit (a hash of the name modulo 64) per match module a later rule must have for
    /// this rule to cover it: every module but `comment` (never compared) and `multiport` (a
    /// tcp/udp port also implies it).
    required: u64,
    ports: PortGate,
}

/// The destination-port part of a [`Gate`] (6 bytes: IPT003 keeps it in each index node,
/// whose class holds the module part).
#[derive(Clone, Copy)]
pub struct PortGate {
    /// Which destination ports a covered rule must name inside `low..=high`: [`ANY_PORT`],
    /// [`TCP_UDP_PORT`] or [`EITHER_PORT`].
    ports: u8,
    low: u16,
    high: u16,
}

impl Gate {
    /// The match modules a later rule needs for this rule to cover it, as bits: IPT003 files
    /// rules by them.
    pub fn required(&self) -> u64 {
        self.required
    }

    /// The destination-port part.
    pub fn ports(&self) -> PortGate {
        self.ports
    }
}

impl PortGate {
    /// The port half of the [`Gate`] test: when both rules have summaries and the earlier
    /// one lists destination ports, the later one lists destination ports within their span.
    pub fn fits(&self, probe: &Probe) -> bool {
        let inside =
            |(start, end): (u32, u32)| u32::from(self.low) <= start && end <= u32::from(self.high);
        match self.ports {
            ANY_PORT => true,
            TCP_UDP_PORT => inside(probe.dport),
            _ => inside(probe.dport) || inside(probe.dports),
        }
    }
}

impl Probe {
    /// Whether the rule has every module of `required` ([`Gate::required`]).
    pub fn admits(&self, required: u64) -> bool {
        required & !self.present == 0
    }
}

/// [`PortGate::ports`]: no condition on ports (no summary, or no destination port list).
const ANY_PORT: u8 = 0;
/// The rule's tcp/udp `--dport` list spans `low..=high`: a rule it covers has a tcp/udp
/// `--dport` list inside that span.
const TCP_UDP_PORT: u8 = 1;
/// The rule's multiport `--dports` list (and no tcp/udp `--dport`) spans `low..=high`: a
/// rule it covers has a tcp/udp `--dport` list or a multiport `--dports` list inside it.
const EITHER_PORT: u8 = 2;

/// What the candidate loop tests of a later rule against each [`Gate`].
#[derive(Clone, Copy)]
pub struct Probe {
    /// One bit per match module the rule has (as in [`Gate::required`]).
    present: u64,
    /// The span (lowest low, highest high) of its tcp/udp `--dport` list and of its multiport
    /// `--dports` list: [`NO_SPAN`] when it has none, [`EVERY_SPAN`] when the rule has no
    /// summary (its matches are compared as strings: the ports prove nothing).
    dport: (u32, u32),
    dports: (u32, u32),
}

/// A span inside no gate's (its end is past every port).
const NO_SPAN: (u32, u32) = (0, 0x1_0000);
/// A span inside every gate's (empty, and `low <= start && end <= high` holds for all).
const EVERY_SPAN: (u32, u32) = (0xffff, 0);

/// One rule, ready to be compared: a fixed-size record with every field inline but long
/// port lists and IPv6 networks.
struct RuleKey {
    in_iface: IfaceKey,
    out_iface: IfaceKey,
    source: AddrKey,
    destination: AddrKey,
    protocol: ProtoKey,
    fragment: Option<bool>,
    terminal: bool,
    /// `None`: a match of another form; the pair test then reads the rule's matches.
    summary: Option<Summary>,
}

/// Whether a rule ends the chain for the packets it matches.
pub fn is_terminal(rule: &Rule) -> bool {
    rule.target()
        .is_some_and(|t| t.goto || matches!(t.name, "ACCEPT" | "DROP" | "REJECT" | "RETURN"))
}

/// The single network of `-s`/`-d` when it is one, not negated.
pub fn single_net(field: Option<&Neg<Addresses>>) -> Option<IpNet> {
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

/// The bit of a match module in [`Probe::present`] and [`Gate::required`]: any fixed function of
/// the name will do (rules with the same module get the same bit; a collision only lets a
/// pair through to the full test), this one mixes every byte.
fn module_bit(name: &str) -> u64 {
    let hash = name.bytes().fold(0u64, |h, b| {
        (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95)
    });
    1u64 << (hash >> 58)
}

/// The keys of one chain's rules, by their index in the chain, with the interner and the
/// arenas for what does not fit inline.
pub struct Keys<'a> {
    chain: &'a [PlacedRule],
    interner: Interner<'a>,
    rules: Vec<RuleKey>,
    /// The last rule's.
    gate: Gate,
    probe: Probe,
    /// Ranges of port lists longer than two items.
    ports: Vec<(u16, u16)>,
    /// IPv6 networks.
    v6: Vec<V6Interval>,
}

impl<'a> Keys<'a> {
    /// Room for the keys of `chain`'s rules (pushed in order by [`Keys::push`]).
    pub fn for_rules(chain: &'a [PlacedRule]) -> Self {
        Keys {
            chain,
            interner: Interner::default(),
            rules: Vec::with_capacity(chain.len()),
            gate: Gate {
                required: 0,
                ports: PortGate {
                    ports: ANY_PORT,
                    low: 0,
                    high: 0,
                },
            },
            probe: Probe {
                present: 0,
                dport: EVERY_SPAN,
                dports: EVERY_SPAN,
            },
            ports: Vec::new(),
            v6: Vec::new(),
        }
    }

    /// Key the next rule of the chain (the one at the number of rules keyed before).
    pub fn push(&mut self) {
        let chain = self.chain;
        let rule: &'a Rule = &chain[self.rules.len()].rule;
        let in_iface = self.iface(rule.in_iface());
        let out_iface = self.iface(rule.out_iface());
        let source = self.address(rule.source.as_ref());
        let destination = self.address(rule.destination.as_ref());
        let (mut present, mut required) = (0u64, 0u64);
        for m in rule.matches() {
            let bit = module_bit(m.name);
            present |= bit;
            if !matches!(m.name, "comment" | "multiport") {
                required |= bit;
            }
        }
        let protocol = match rule.protocol() {
            None => ProtoKey {
                id: NONE,
                negated: false,
                all: false,
            },
            Some(p) => ProtoKey {
                id: self.interner.string(p.value),
                negated: p.negated,
                all: !p.negated && p.value == "all",
            },
        };
        let spilled = self.ports.len();
        let summary = self.summary(rule.matches());
        if summary.is_none() {
            self.ports.truncate(spilled);
        }
        let (gate, probe) = self.gate_and_probe(summary.as_ref(), required, present);
        self.gate = gate;
        self.probe = probe;
        self.rules.push(RuleKey {
            in_iface,
            out_iface,
            source,
            destination,
            protocol,
            fragment: rule.fragment(),
            terminal: is_terminal(rule),
            summary,
        });
    }

    fn iface(&mut self, field: Option<Field<'a>>) -> IfaceKey {
        let Some(n) = field else {
            return IfaceKey::ABSENT;
        };
        IfaceKey {
            id: self.interner.string(n.value),
            negated: n.negated,
            wildcard: n.value.ends_with('+'),
        }
    }

    fn address(&mut self, field: Option<&'a Neg<Addresses>>) -> AddrKey {
        let Some(n) = field else {
            return AddrKey::Absent;
        };
        match single_net(Some(n)) {
            Some(IpNet::V4(net)) => AddrKey::Net(Net::V4 {
                start: u32::from(net.network()),
                end: u32::from(net.broadcast()),
            }),
            Some(IpNet::V6(net)) => {
                self.v6.push(V6Interval {
                    start: halves(u128::from(net.network())),
                    end: halves(u128::from(net.broadcast())),
                });
                AddrKey::Net(Net::V6(at(&self.v6) - 1))
            }
            None => AddrKey::Other {
                negated: n.negated,
                id: self.interner.addresses(&n.value),
            },
        }
    }

    /// The rule's matches as a [`Summary`], `None` when one is of another form.
    fn summary(&mut self, matches: Matches<'a>) -> Option<Summary> {
        let mut summary = Summary::default();
        for m in matches {
            match m.name {
                "comment" => {}
                "tcp" | "udp" if summary.port.is_none() => {
                    let mut port = PortMatch {
                        udp: m.name == "udp",
                        dport: None,
                        sport: None,
                    };
                    for o in &m.options {
                        let slot = match o.name {
                            "dport" => &mut port.dport,
                            "sport" => &mut port.sport,
                            _ => return None,
                        };
                        self.port_option(slot, o)?;
                    }
                    summary.port = Some(port);
                }
                "multiport" if summary.multiport.is_none() => {
                    let mut multiport = MultiportMatch {
                        dports: None,
                        sports: None,
                        ports: None,
                    };
                    for o in &m.options {
                        let slot = match o.name {
                            "dports" => &mut multiport.dports,
                            "sports" => &mut multiport.sports,
                            "ports" => &mut multiport.ports,
                            _ => return None,
                        };
                        self.port_option(slot, o)?;
                    }
                    summary.multiport = Some(multiport);
                }
                "conntrack" if summary.conntrack.is_none() => {
                    summary.conntrack = Some(states(&m, "ctstate")?);
                }
                "state" if summary.state.is_none() => {
                    summary.state = Some(states(&m, "state")?);
                }
                _ => return None,
            }
        }
        Some(summary)
    }

    /// Fill `slot` with port option `o`; `None` when it is taken, negated or does not parse.
    fn port_option(&mut self, slot: &mut Option<PortSet>, o: OptRef<'_>) -> Option<()> {
        if slot.is_some() || o.negated {
            return None;
        }
        let arg = o.args.first()?;
        let mut inline = [(0u16, 0u16); 2];
        let mut len = 0usize;
        let start = at(&self.ports);
        for item in arg.split(',') {
            let range = parse_port_range(item)?;
            if len < 2 {
                inline[len] = range;
            } else {
                if len == 2 {
                    self.ports.extend_from_slice(&inline);
                }
                self.ports.push(range);
            }
            len += 1;
        }
        *slot = Some(if len <= 2 {
            PortSet::Inline {
                len: len as u8,
                ranges: inline,
            }
        } else {
            PortSet::Spill {
                start,
                end: at(&self.ports),
            }
        });
        Some(())
    }

    /// The gate and the probe of a rule with these summary and module bits.
    fn gate_and_probe(
        &self,
        summary: Option<&Summary>,
        required: u64,
        present: u64,
    ) -> (Gate, Probe) {
        let mut gate = Gate {
            required,
            ports: PortGate {
                ports: ANY_PORT,
                low: 0,
                high: 0,
            },
        };
        let mut probe = Probe {
            present,
            dport: EVERY_SPAN,
            dports: EVERY_SPAN,
        };
        let Some(summary) = summary else {
            return (gate, probe);
        };
        let dport = summary.port.and_then(|p| p.dport);
        let dports = summary.multiport.and_then(|m| m.dports);
        probe.dport = dport.map_or(NO_SPAN, |set| self.span(&set));
        probe.dports = dports.map_or(NO_SPAN, |set| self.span(&set));
        let (ports, span) = match (dport, dports) {
            (Some(_), _) => (TCP_UDP_PORT, probe.dport),
            (None, Some(_)) => (EITHER_PORT, probe.dports),
            (None, None) => return (gate, probe),
        };
        // A list's span fits 16 bits; should a malformed one not, the gate stays open.
        if let (Ok(low), Ok(high)) = (u16::try_from(span.0), u16::try_from(span.1)) {
            gate.ports = PortGate { ports, low, high };
        }
        (gate, probe)
    }

    /// (lowest low, highest high) of a port list's ranges.
    fn span(&self, set: &PortSet) -> (u32, u32) {
        self.ranges(set)
            .iter()
            .fold((u32::MAX, 0), |(low, high), (a, b)| {
                (low.min(u32::from(*a)), high.max(u32::from(*b)))
            })
    }

    /// Rule `index`'s tcp/udp `--dport` ranges and multiport `--dports` ranges (each empty
    /// when not given), from its summary; `None` when it has none.
    pub fn dport_lists(&self, index: usize) -> Option<(&[Range], &[Range])> {
        let summary = self.rules[index].summary.as_ref()?;
        Some((
            self.list(summary.port.as_ref().and_then(|p| p.dport.as_ref())),
            self.list(summary.multiport.as_ref().and_then(|m| m.dports.as_ref())),
        ))
    }

    /// The gate of the rule keyed last (see [`Gate`]; IPT003 keeps it with the
    /// rule in its indexes).
    pub fn gate(&self) -> Gate {
        self.gate
    }

    /// The probe of the rule keyed last, for the [`Gate`] test.
    pub fn probe(&self) -> Probe {
        self.probe
    }

    /// Whether every packet rule `later` matches is matched by rule `earlier` and `earlier`
    /// ends the chain for it (certain answers only).
    pub fn covers(&self, earlier: usize, later: usize) -> bool {
        let (wide, narrow) = (&self.rules[earlier], &self.rules[later]);
        if !wide.terminal {
            return false;
        }
        if !self.iface_ok(wide.in_iface, narrow.in_iface, earlier, later, |r| {
            r.in_iface()
        }) || !self.iface_ok(wide.out_iface, narrow.out_iface, earlier, later, |r| {
            r.out_iface()
        }) {
            return false;
        }
        let (w, n) = (wide.protocol, narrow.protocol);
        if w.id != NONE && !w.all && (w.id != n.id || w.negated != n.negated) {
            return false;
        }
        if wide.fragment.is_some() && wide.fragment != narrow.fragment {
            return false;
        }
        if !self.address_ok(wide.source, narrow.source)
            || !self.address_ok(wide.destination, narrow.destination)
        {
            return false;
        }
        match (&wide.summary, &narrow.summary) {
            (Some(w), Some(n)) => self.summary_implies(n, w),
            _ => {
                let (wide, narrow) = (&self.chain[earlier].rule, &self.chain[later].rule);
                wide.matches()
                    .all(|m| m.name == "comment" || narrow.matches().any(|n| match_implies(&n, &m)))
            }
        }
    }

    /// `-i`/`-o` of the wide rule admits the narrow rule's: not given, the same (with the
    /// same negation), or a `+` prefix of it (neither negated; the names are read from the
    /// rules through `field` only then).
    fn iface_ok(
        &self,
        a: IfaceKey,
        b: IfaceKey,
        earlier: usize,
        later: usize,
        field: impl for<'r> Fn(&'r Rule) -> Option<Field<'r>>,
    ) -> bool {
        if a.id == NONE {
            return true;
        }
        if b.id == NONE {
            return false;
        }
        if a.negated == b.negated && a.id == b.id {
            return true;
        }
        if a.negated || b.negated || !a.wildcard {
            return false;
        }
        match (
            field(&self.chain[earlier].rule),
            field(&self.chain[later].rule),
        ) {
            (Some(a), Some(b)) => a
                .value
                .strip_suffix('+')
                .is_some_and(|p| b.value.trim_end_matches('+').starts_with(p)),
            _ => false,
        }
    }

    /// `-s`/`-d` of the wide rule admits the narrow rule's: not given, the same list with the
    /// same negation, or one network containing the other's one network.
    fn address_ok(&self, a: AddrKey, b: AddrKey) -> bool {
        match (a, b) {
            (AddrKey::Absent, _) => true,
            (AddrKey::Net(outer), AddrKey::Net(inner)) => self.contains(outer, inner),
            (
                AddrKey::Other {
                    negated: na,
                    id: ia,
                },
                AddrKey::Other {
                    negated: nb,
                    id: ib,
                },
            ) => na == nb && ia == ib,
            _ => false,
        }
    }

    /// `IpNet::contains` for networks: same family, `inner` inside `outer`.
    fn contains(&self, outer: Net, inner: Net) -> bool {
        match (outer, inner) {
            (Net::V4 { start: a, end: b }, Net::V4 { start: c, end: d }) => a <= c && d <= b,
            (Net::V6(a), Net::V6(b)) => {
                let (a, b) = (&self.v6[a as usize], &self.v6[b as usize]);
                a.start <= b.start && b.end <= a.end
            }
            _ => false,
        }
    }

    /// Whether the matches of a rule summarized as `narrow` imply those of one summarized
    /// as `wide`: [`match_implies`] for every match of `wide`, on the summaries.
    fn summary_implies(&self, narrow: &Summary, wide: &Summary) -> bool {
        if let Some(w) = &wide.port {
            // Only a match of the same name implies a tcp/udp match.
            let Some(n) = &narrow.port else { return false };
            if w.udp != n.udp
                || !self.option_within(n.dport, w.dport)
                || !self.option_within(n.sport, w.sport)
            {
                return false;
            }
        }
        if let Some(w) = &wide.multiport {
            // `-p tcp --dport 443` implies `-m multiport --dports 80,443`; so does a
            // multiport match whose lists are inside these.
            let by_port = narrow.port.as_ref().is_some_and(|n| {
                w.ports.is_none()
                    && self.option_within(n.dport, w.dports)
                    && self.option_within(n.sport, w.sports)
            });
            let by_multiport = || {
                narrow.multiport.as_ref().is_some_and(|n| {
                    self.option_within(n.dports, w.dports)
                        && self.option_within(n.sports, w.sports)
                        && self.option_within(n.ports, w.ports)
                })
            };
            if !by_port && !by_multiport() {
                return false;
            }
        }
        states_within(narrow.conntrack, wide.conntrack) && states_within(narrow.state, wide.state)
    }

    /// A port option of the wide rule is implied: not given, or the narrow rule has it
    /// with every range inside one of the wide rule's.
    fn option_within(&self, narrow: Option<PortSet>, wide: Option<PortSet>) -> bool {
        match (narrow, wide) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(narrow), Some(wide)) => {
                let wide = self.ranges(&wide);
                self.ranges(&narrow)
                    .iter()
                    .all(|(lo, hi)| wide.iter().any(|(a, b)| a <= lo && hi <= b))
            }
        }
    }

    /// A port list's ranges, none when it is not given.
    fn list<'k>(&'k self, set: Option<&'k PortSet>) -> &'k [(u16, u16)] {
        set.map_or(&[], |set| self.ranges(set))
    }

    fn ranges<'k>(&'k self, set: &'k PortSet) -> &'k [(u16, u16)] {
        match set {
            PortSet::Inline { len, ranges } => &ranges[..usize::from(*len)],
            PortSet::Spill { start, end } => &self.ports[*start as usize..*end as usize],
        }
    }
}

/// A conntrack or state match's options as [`Summary`] holds them: `option` at most once,
/// not negated, every state a known name.
fn states(m: &MatchRef<'_>, option: &str) -> Option<Option<u8>> {
    let mut mask = None;
    for o in &m.options {
        if o.name != option || o.negated || mask.is_some() {
            return None;
        }
        let mut bits = 0u8;
        for item in o.args.first()?.split(',') {
            bits |= 1 << STATES.iter().position(|s| *s == item)?;
        }
        mask = Some(bits);
    }
    Some(mask)
}

/// A state match of the wide rule is implied: absent, or the narrow rule has the same module
/// and, when the wide one lists states, lists only states among them.
fn states_within(narrow: Option<Option<u8>>, wide: Option<Option<u8>>) -> bool {
    match (narrow, wide) {
        (_, None) | (Some(_), Some(None)) => true,
        (Some(Some(n)), Some(Some(w))) => n & !w == 0,
        _ => false,
    }
}

/// Whether match `narrow` (of the later rule) implies match `wide` (of the earlier one), on
/// the rules' own strings: the pair test for rules without a [`Summary`].
fn match_implies(narrow: &MatchRef<'_>, wide: &MatchRef<'_>) -> bool {
    // `-p tcp --dport 443` implies `-m multiport --dports 80,443`.
    if wide.name == "multiport" && matches!(narrow.name, "tcp" | "udp") {
        return wide.options.iter().all(|w| {
            let side = match w.name {
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
            if n.name == w.name && n.negated == w.negated && n.args == w.args {
                return true;
            }
            if n.name != w.name || n.negated || w.negated {
                return false;
            }
            let (Some(narrow_arg), Some(wide_arg)) = (n.args.first(), w.args.first()) else {
                return false;
            };
            match (wide.name, w.name) {
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

/// Every port range of `narrow` inside one range of `wide` (items that do not parse: not
/// inside; the same text: inside when every item parses).
fn ranges_within(narrow: &str, wide: &str) -> bool {
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
