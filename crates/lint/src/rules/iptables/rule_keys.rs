//! IPT003's view of a rule: per rule, two 32-bit words. The first names the rule's shape —
//! everything about it that many rules share (interfaces and protocol as interned integers,
//! `-f`, the form of `-d`, which match modules and port options it has, how many ranges
//! each port list holds, its conntrack/state states as bits), interned per chain. The second
//! is its payload: the words only this rule has (the `-d` network, address or list, then
//! every port range as one word), held inline when there is one word and in an arena
//! shared by the chain when there are more. `Keys::covers` gives the answers of the string
//! comparisons it replaces, answer for answer: a rule with any other match, or with an option
//! the usual modules (tcp/udp ports, multiport lists, conntrack/state states, comments) do
//! not carry, has no match summary, and a pair with such a rule compares its matches on the
//! rules themselves, as strings. A test compares IPT003 with a brute-force, string-based
//! search on generated chains, and the differential test holds the findings on the corpus
//! and on generated dumps to those recorded before.
//!
//! The key leaves out what IPT003's index already guarantees for every pair it tests: the
//! earlier rule ends the chain (only such rules are filed), and its source network holds the
//! later rule's (rules are filed and looked up by source network).

use std::collections::HashMap;

use gblint_iptables::ruleset::PlacedRule;
use gblint_iptables::values::parse_port_range;
use gblint_iptables::{AddrRef, Address, Field, MatchRef, Matches, OptRef, Rule};
use ipnet::IpNet;

/// A map with foldhash's fixed-seed hasher (IPT003's interner and its indexes of earlier
/// rules): it hashes many short strings and string lists of one file, where SipHash's
/// resistance to chosen collisions buys nothing and cost a third of IPT003's time; the fixed
/// seed keeps every run's behaviour the same.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Gives each distinct string (interface, protocol), address list or [`Shape`] a small
/// integer.
#[derive(Default)]
struct Interner<'a> {
    strings: FastMap<&'a str, u32>,
    addresses: FastMap<&'a [Address], u32>,
    /// By [`Shape::packed`].
    shapes: FastMap<[u64; 3], u32>,
    /// The last shape looked up and its id (consecutive rules often share one).
    last_shape: Option<([u64; 3], u32)>,
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

    /// The id of `shape`, appended to `all` (indexed by id) when new.
    fn shape(&mut self, shape: Shape, all: &mut Vec<Shape>) -> u32 {
        let packed = shape.packed();
        if let Some((last, id)) = self.last_shape {
            if last == packed {
                return id;
            }
        }
        let id = *self.shapes.entry(packed).or_insert_with(|| {
            all.push(shape);
            at(all) - 1
        });
        self.last_shape = Some((packed, id));
        id
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

/// The form of `-d`, as a [`Shape`] holds it; the network, address list or index itself is
/// the rule's first payload word. A network is the interval of addresses it holds:
/// containment of networks is containment of intervals within one family.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AddrTag {
    /// Not given (no word).
    Absent,
    /// One IPv4 network of this prefix length, not negated: the word is its first address.
    V4(u8),
    /// One IPv6 network, not negated: the word is its index in [`Keys`]' `v6` arena.
    V6,
    /// Anything else (negated, several addresses, a host name, a dotted mask): it covers only
    /// the same list with the same negation; the word is the list's interned id.
    Other { negated: bool },
}

/// `-i`/`-o` (`id` is `NONE` when not given).
#[derive(Clone, Copy, PartialEq, Eq)]
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
#[derive(Clone, Copy, PartialEq, Eq)]
struct ProtoKey {
    id: u32,
    negated: bool,
    /// `-p all`, not negated: every protocol.
    all: bool,
}

/// A port range as one payload word: low in the high half, high in the low half.
pub type Range = u32;

/// The (low, high) of a [`Range`].
pub fn bounds(range: Range) -> (u16, u16) {
    ((range >> 16) as u16, range as u16)
}

/// The port lists of a [`Summary`], by their place in its `lens` and in the payload: tcp/udp
/// `--dport` and `--sport`, multiport `--dports`, `--sports` and `--ports`.
const DPORT: usize = 0;
const SPORT: usize = 1;
const DPORTS: usize = 2;
const SPORTS: usize = 3;
const PORTS: usize = 4;

/// A rule's matches when every one is of a usual form: at most one tcp/udp match with at
/// most one `--dport` and one `--sport`, one multiport with at most one each of `--dports`,
/// `--sports` and `--ports`, one conntrack with only `--ctstate` and one state match, every
/// option of them not negated, every port list parsed whole, every state a known name;
/// comments anywhere. For such rules "match implies match" reduces to comparisons of these
/// fields and of the port ranges in the payload.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct Summary {
    /// The tcp/udp match: `Some(udp)`.
    port: Option<bool>,
    multiport: bool,
    /// The number of ranges in each port list ([`DPORT`] …), 0 when the option is not given
    /// (a list is never empty); a rule with a longer list than 255 has no summary.
    lens: [u8; 5],
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

/// Everything of a rule's key but its payload words. A chain has few distinct shapes (a
/// generated dump's INPUT chain has six), so a rule holds only the shape's id.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Shape {
    in_iface: IfaceKey,
    out_iface: IfaceKey,
    protocol: ProtoKey,
    fragment: Option<bool>,
    destination: AddrTag,
    /// `None`: a match of another form; the pair test then reads the rule's matches.
    summary: Option<Summary>,
    /// The number of payload words ([`Shape::count_words`], kept: every pair test and port
    /// lookup reads it).
    words: u16,
}

impl Shape {
    /// The number of payload words: the `-d` word, then the ranges of the port lists (at
    /// most 1 + 5 × 255).
    fn count_words(&self) -> u16 {
        let ranges = self
            .summary
            .map_or(0, |s| s.lens.iter().map(|len| u16::from(*len)).sum());
        u16::from(self.destination != AddrTag::Absent) + ranges
    }
}

impl Shape {
    /// The shape as three words, one to one (the interner's key: three integers hash and
    /// compare in a few instructions, every rule's shape is looked up once).
    fn packed(&self) -> [u64; 3] {
        let (i, o, p) = (self.in_iface, self.out_iface, self.protocol);
        let fragment = match self.fragment {
            None => 0u64,
            Some(negated) => 1 + u64::from(negated),
        };
        let destination = match self.destination {
            AddrTag::Absent => 0u64,
            AddrTag::V4(len) => 1 + u64::from(len),
            AddrTag::V6 => 256,
            AddrTag::Other { negated } => 257 + u64::from(negated),
        };
        let flags = u64::from(i.negated)
            | u64::from(i.wildcard) << 1
            | u64::from(o.negated) << 2
            | u64::from(o.wildcard) << 3
            | u64::from(p.negated) << 4
            | u64::from(p.all) << 5
            | fragment << 6
            | destination << 8;
        let states = |s: Option<Option<u8>>| match s {
            None => 0u64,
            Some(None) => 1,
            Some(Some(bits)) => 2 | u64::from(bits) << 2,
        };
        let summary = self.summary.map_or(0, |s| {
            let port = s.port.map_or(0u64, |udp| 1 + u64::from(udp));
            let lens = s
                .lens
                .iter()
                .fold(0u64, |acc, len| acc << 8 | u64::from(*len));
            1 | port << 1
                | u64::from(s.multiport) << 3
                | lens << 4
                | states(s.conntrack) << 44
                | states(s.state) << 53
        });
        // Every field has its own bits: `flags` takes 17 of 32, the summary 62 of 64 (the
        // lens 40, a state field 9).
        [
            u64::from(i.id) | u64::from(o.id) << 32,
            u64::from(p.id) | flags << 32,
            summary,
        ]
    }
}

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

/// The destination-port part of a [`Gate`]: IPT003 keeps it in each index node, packed into
/// 2 + 32 bits ([`PortGate::pack`]), whose class holds the module part.
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

    /// The gate as its kind (below 4) and its span (low in the high half).
    pub fn pack(self) -> (u32, u32) {
        (
            u32::from(self.ports),
            u32::from(self.low) << 16 | u32::from(self.high),
        )
    }

    /// The gate [`PortGate::pack`] gave these two values for.
    pub fn unpack(kind: u32, span: u32) -> PortGate {
        PortGate {
            ports: kind as u8,
            low: (span >> 16) as u16,
            high: span as u16,
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

/// One rule, ready to be compared: its [`Shape`]'s id and its payload (the only word when
/// the shape has one, else the index of the first in [`Keys`]' `words` arena).
#[derive(Clone, Copy)]
struct RuleKey {
    shape: u32,
    payload: u32,
}

/// Whether a rule ends the chain for the packets it matches.
pub fn is_terminal(rule: &Rule) -> bool {
    rule.target()
        .is_some_and(|t| t.goto || matches!(t.name, "ACCEPT" | "DROP" | "REJECT" | "RETURN"))
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
/// arenas for what does not fit a rule's two words.
pub struct Keys<'a> {
    chain: &'a [PlacedRule],
    interner: Interner<'a>,
    /// By id.
    shapes: Vec<Shape>,
    rules: Vec<RuleKey>,
    /// The last rule's.
    gate: Gate,
    probe: Probe,
    /// The payloads of more than one word.
    words: Vec<u32>,
    /// IPv6 networks.
    v6: Vec<V6Interval>,
    /// The port lists of the rule being keyed, by [`DPORT`] … (kept to reuse their room).
    lists: [Vec<Range>; 5],
}

impl<'a> Keys<'a> {
    /// Room for the keys of `chain`'s rules (pushed in order by [`Keys::push`]; a rule's key
    /// is 8 bytes, and the pages past the last rule keyed are never touched).
    pub fn for_rules(chain: &'a [PlacedRule]) -> Self {
        Keys {
            chain,
            interner: Interner::default(),
            shapes: Vec::new(),
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
            words: Vec::new(),
            v6: Vec::new(),
            lists: Default::default(),
        }
    }

    /// Key the next rule of the chain (the one at the number of rules keyed before).
    pub fn push(&mut self) {
        let chain = self.chain;
        let rule: &'a Rule = &chain[self.rules.len()].rule;
        let in_iface = self.iface(rule.in_iface());
        let out_iface = self.iface(rule.out_iface());
        let (destination, word) = self.address(rule.destination_ref());
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
        let summary = self.summary(rule.matches());
        let (gate, probe) = self.gate_and_probe(summary.is_some(), required, present);
        self.gate = gate;
        self.probe = probe;
        let mut shape = Shape {
            in_iface,
            out_iface,
            protocol,
            fragment: rule.fragment(),
            destination,
            summary,
            words: 0,
        };
        shape.words = shape.count_words();
        let shape = self.interner.shape(shape, &mut self.shapes);
        let start = at(&self.words);
        self.words.extend(word);
        if summary.is_some() {
            for list in &self.lists {
                self.words.extend_from_slice(list);
            }
        }
        let payload = if self.words.len() - start as usize == 1 {
            self.words.pop().unwrap_or(NONE)
        } else {
            start
        };
        self.rules.push(RuleKey { shape, payload });
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

    /// The form of `-d` and its payload word.
    fn address(&mut self, field: AddrRef<'a>) -> (AddrTag, Option<u32>) {
        match field {
            AddrRef::Absent => (AddrTag::Absent, None),
            AddrRef::Net(IpNet::V4(net)) => (
                AddrTag::V4(net.prefix_len()),
                Some(u32::from(net.network())),
            ),
            AddrRef::Net(IpNet::V6(net)) => {
                self.v6.push(V6Interval {
                    start: halves(u128::from(net.network())),
                    end: halves(u128::from(net.broadcast())),
                });
                (AddrTag::V6, Some(at(&self.v6) - 1))
            }
            AddrRef::Other(n) => (
                AddrTag::Other { negated: n.negated },
                Some(self.interner.addresses(&n.value)),
            ),
        }
    }

    /// The rule's matches as a [`Summary`], their port lists left in `lists`; `None` when
    /// one is of another form.
    fn summary(&mut self, matches: Matches<'a>) -> Option<Summary> {
        for list in &mut self.lists {
            list.clear();
        }
        let mut summary = Summary::default();
        for m in matches {
            match m.name {
                "comment" => {}
                "tcp" | "udp" if summary.port.is_none() => {
                    summary.port = Some(m.name == "udp");
                    for o in &m.options {
                        let list = match o.name {
                            "dport" => DPORT,
                            "sport" => SPORT,
                            _ => return None,
                        };
                        self.port_option(list, o)?;
                    }
                }
                "multiport" if !summary.multiport => {
                    summary.multiport = true;
                    for o in &m.options {
                        let list = match o.name {
                            "dports" => DPORTS,
                            "sports" => SPORTS,
                            "ports" => PORTS,
                            _ => return None,
                        };
                        self.port_option(list, o)?;
                    }
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
        for (len, list) in summary.lens.iter_mut().zip(&self.lists) {
            *len = u8::try_from(list.len()).ok()?;
        }
        Some(summary)
    }

    /// Fill port list `list` with option `o`; `None` when it is taken, negated or does not
    /// parse.
    fn port_option(&mut self, list: usize, o: OptRef<'_>) -> Option<()> {
        let list = &mut self.lists[list];
        if !list.is_empty() || o.negated {
            return None;
        }
        for item in o.args.first()?.split(',') {
            let (low, high) = parse_port_range(item)?;
            list.push(u32::from(low) << 16 | u32::from(high));
        }
        Some(())
    }

    /// The gate and the probe of a rule with these module bits, whose port lists are in
    /// `lists` when it has a summary.
    fn gate_and_probe(&self, summary: bool, required: u64, present: u64) -> (Gate, Probe) {
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
        if !summary {
            return (gate, probe);
        }
        let (dport, dports) = (&self.lists[DPORT], &self.lists[DPORTS]);
        probe.dport = span(dport);
        probe.dports = span(dports);
        let (ports, span) = match (dport.is_empty(), dports.is_empty()) {
            (false, _) => (TCP_UDP_PORT, probe.dport),
            (true, false) => (EITHER_PORT, probe.dports),
            (true, true) => return (gate, probe),
        };
        // A list's span fits 16 bits; should a malformed one not, the gate stays open.
        if let (Ok(low), Ok(high)) = (u16::try_from(span.0), u16::try_from(span.1)) {
            gate.ports = PortGate { ports, low, high };
        }
        (gate, probe)
    }

    /// Rule `index`'s payload words.
    fn words(&self, index: usize) -> &[u32] {
        let key = &self.rules[index];
        match self.shapes[key.shape as usize].words {
            0 => &[],
            1 => std::slice::from_ref(&key.payload),
            n => &self.words[key.payload as usize..key.payload as usize + usize::from(n)],
        }
    }

    /// Rule `index`'s port lists ([`DPORT`] …; each empty when not given) and its shape's
    /// summary; `None` when it has none.
    fn lists(&self, index: usize) -> Option<(Summary, [&[Range]; 5])> {
        let shape = &self.shapes[self.rules[index].shape as usize];
        let summary = shape.summary?;
        let mut rest = self.words(index);
        if shape.destination != AddrTag::Absent {
            rest = &rest[1..];
        }
        let mut lists: [&[Range]; 5] = [&[]; 5];
        for (list, len) in lists.iter_mut().zip(summary.lens) {
            let (head, tail) = rest.split_at(usize::from(len));
            *list = head;
            rest = tail;
        }
        Some((summary, lists))
    }

    /// Rule `index`'s tcp/udp `--dport` ranges and multiport `--dports` ranges (each empty
    /// when not given), from its summary; `None` when it has none.
    pub fn dport_lists(&self, index: usize) -> Option<(&[Range], &[Range])> {
        // Only the two lists are cut out (every rule is asked once or twice).
        let shape = &self.shapes[self.rules[index].shape as usize];
        let lens = shape.summary?.lens.map(usize::from);
        let dport = usize::from(shape.destination != AddrTag::Absent);
        let dports = dport + lens[DPORT] + lens[SPORT];
        let words = self.words(index);
        Some((
            &words[dport..dport + lens[DPORT]],
            &words[dports..dports + lens[DPORTS]],
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
    /// ends the chain for it (certain answers only), given what IPT003's index guarantees
    /// of the pairs it tests: `earlier` ends the chain, and its `-s` is absent or one
    /// network, not negated, holding `later`'s one network.
    pub fn covers(&self, earlier: usize, later: usize) -> bool {
        let wide = &self.shapes[self.rules[earlier].shape as usize];
        let narrow = &self.shapes[self.rules[later].shape as usize];
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
        if !self.destination_ok(wide.destination, narrow.destination, earlier, later) {
            return false;
        }
        match (self.lists(earlier), self.lists(later)) {
            (Some(w), Some(n)) => summary_implies(n, w),
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

    /// `-d` of the wide rule admits the narrow rule's: not given, the same list with the
    /// same negation, or one network containing the other's one network (same family).
    fn destination_ok(&self, a: AddrTag, b: AddrTag, earlier: usize, later: usize) -> bool {
        if a == AddrTag::Absent {
            return true;
        }
        // A given `-d` is each rule's first word.
        let (Some(&wa), Some(&wb)) = (self.words(earlier).first(), self.words(later).first())
        else {
            return false;
        };
        match (a, b) {
            (AddrTag::V4(la), AddrTag::V4(lb)) => {
                let end =
                    |start: u32, len: u8| start | u32::MAX.checked_shr(u32::from(len)).unwrap_or(0);
                wa <= wb && end(wb, lb) <= end(wa, la)
            }
            (AddrTag::V6, AddrTag::V6) => {
                let (a, b) = (&self.v6[wa as usize], &self.v6[wb as usize]);
                a.start <= b.start && b.end <= a.end
            }
            (AddrTag::Other { negated: na }, AddrTag::Other { negated: nb }) => {
                na == nb && wa == wb
            }
            _ => false,
        }
    }
}

/// (lowest low, highest high) of a port list's ranges; [`NO_SPAN`] for none.
fn span(list: &[Range]) -> (u32, u32) {
    if list.is_empty() {
        return NO_SPAN;
    }
    list.iter().fold((u32::MAX, 0), |(low, high), range| {
        let (a, b) = bounds(*range);
        (low.min(u32::from(a)), high.max(u32::from(b)))
    })
}

/// Whether the matches of a rule summarized as `narrow` imply those of one summarized as
/// `wide` (each with its port lists): [`match_implies`] for every match of `wide`, on the
/// summaries.
fn summary_implies(narrow: (Summary, [&[Range]; 5]), wide: (Summary, [&[Range]; 5])) -> bool {
    let ((n, nl), (w, wl)) = (narrow, wide);
    if let Some(udp) = w.port {
        // Only a match of the same name implies a tcp/udp match.
        if n.port != Some(udp)
            || !option_within(nl[DPORT], wl[DPORT])
            || !option_within(nl[SPORT], wl[SPORT])
        {
            return false;
        }
    }
    if w.multiport {
        // `-p tcp --dport 443` implies `-m multiport --dports 80,443`; so does a multiport
        // match whose lists are inside these.
        let by_port = n.port.is_some()
            && wl[PORTS].is_empty()
            && option_within(nl[DPORT], wl[DPORTS])
            && option_within(nl[SPORT], wl[SPORTS]);
        let by_multiport = || {
            n.multiport
                && option_within(nl[DPORTS], wl[DPORTS])
                && option_within(nl[SPORTS], wl[SPORTS])
                && option_within(nl[PORTS], wl[PORTS])
        };
        if !by_port && !by_multiport() {
            return false;
        }
    }
    states_within(n.conntrack, w.conntrack) && states_within(n.state, w.state)
}

/// A port option of the wide rule is implied: not given (empty), or the narrow rule has it
/// with every range inside one of the wide rule's.
fn option_within(narrow: &[Range], wide: &[Range]) -> bool {
    wide.is_empty()
        || (!narrow.is_empty()
            && narrow.iter().all(|n| {
                let (lo, hi) = bounds(*n);
                wide.iter().any(|w| {
                    let (a, b) = bounds(*w);
                    a <= lo && hi <= b
                })
            }))
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
