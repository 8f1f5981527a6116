//! IPT003's view of a rule: every string it compares replaced by an integer (interface, protocol,
//! option names and arguments interned per chain), every address by an interval of integers
//! and every port list by its parsed ranges, computed once per rule instead of once per pair
//! of rules. The comparisons in `RuleKey::covers` are the string comparisons they replace,
//! answer for answer (a differential test over the corpus and generated dumps holds them to
//! it).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use gblint_iptables::values::parse_port_range;
use gblint_iptables::{Address, Match, Neg, Opt, Rule};
use ipnet::IpNet;

/// FNV-1a: the interner hashes many short strings of one file, where SipHash's resistance to
/// chosen collisions buys nothing and costs a third of IPT003's time.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// A map hashed with FNV-1a (IPT003's interner and its indexes of earlier rules).
pub type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Gives each distinct string (or list of strings) a small integer.
#[derive(Default)]
pub struct Interner<'a> {
    strings: FnvMap<&'a str, u32>,
    lists: FnvMap<&'a [String], u32>,
    addresses: FnvMap<&'a [Address], u32>,
}

impl<'a> Interner<'a> {
    fn string(&mut self, text: &'a str) -> u32 {
        let next = self.strings.len() as u32;
        *self.strings.entry(text).or_insert(next)
    }

    fn list(&mut self, items: &'a [String]) -> u32 {
        let next = self.lists.len() as u32;
        *self.lists.entry(items).or_insert(next)
    }

    fn addresses(&mut self, list: &'a [Address]) -> u32 {
        let next = self.addresses.len() as u32;
        *self.addresses.entry(list).or_insert(next)
    }
}

/// A network as the interval of addresses it holds (host bits are cleared in the model, so
/// containment of networks is containment of intervals within one family).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetInterval {
    v6: bool,
    start: u128,
    end: u128,
}

impl NetInterval {
    fn of(net: &IpNet) -> Self {
        match net {
            IpNet::V4(n) => NetInterval {
                v6: false,
                start: u128::from(u32::from(n.network())),
                end: u128::from(u32::from(n.broadcast())),
            },
            IpNet::V6(n) => NetInterval {
                v6: true,
                start: u128::from(n.network()),
                end: u128::from(n.broadcast()),
            },
        }
    }

    /// `IpNet::contains` for networks: same family, `inner` inside `self`.
    fn contains(&self, inner: &NetInterval) -> bool {
        self.v6 == inner.v6 && self.start <= inner.start && inner.end <= self.end
    }
}

/// `-i`/`-o`.
struct IfaceKey<'a> {
    negated: bool,
    id: u32,
    name: &'a str,
}

/// `-s`/`-d`: the whole list (for equality) and the single network, when it is one.
struct AddrKey {
    negated: bool,
    id: u32,
    single: Option<NetInterval>,
}

/// `-p`.
#[derive(PartialEq, Eq)]
struct ProtoKey {
    negated: bool,
    id: u32,
    all: bool,
}

/// What an option is to IPT003.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `--dport`/`--sport` of tcp or udp.
    Port,
    /// `--dports`/`--sports`/`--ports` of multiport.
    Ports,
    /// `--ctstate` of conntrack, `--state` of state.
    States,
    Other,
}

/// The first argument of a port or state option, parsed.
struct ArgKey {
    /// The argument's text, interned.
    id: u32,
    /// Every comma-separated item parses as a port or range (`None` otherwise).
    ranges: Option<Box<[(u16, u16)]>>,
    /// The items that parse, as ranges.
    parsed: Box<[(u16, u16)]>,
    /// The comma-separated items, interned (state lists).
    items: Box<[u32]>,
}

struct OptKey {
    name: u32,
    negated: bool,
    args: u32,
    role: Role,
    first: Option<ArgKey>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Module {
    TcpUdp,
    Multiport,
    Comment,
    Other,
}

struct MatchKey {
    name: u32,
    module: Module,
    options: Vec<OptKey>,
}

/// One rule, ready to be compared.
pub struct RuleKey<'a> {
    terminal: bool,
    /// One bit (interned name modulo 64) per match module the rule has.
    present: u64,
    /// One bit per match module a later rule must have for this rule to cover it: every
    /// module but `comment` (never compared) and `multiport` (a tcp/udp port also implies it).
    required: u64,
    in_iface: Option<IfaceKey<'a>>,
    out_iface: Option<IfaceKey<'a>>,
    protocol: Option<ProtoKey>,
    fragment: Option<bool>,
    source: Option<AddrKey>,
    destination: Option<AddrKey>,
    matches: Vec<MatchKey>,
}

/// Names of options IPT003 gives a meaning to, interned first so that their ids are fixed.
const DPORT: u32 = 0;
const SPORT: u32 = 1;
const DPORTS: u32 = 2;
const SPORTS: u32 = 3;
const FIXED: [&str; 4] = ["dport", "sport", "dports", "sports"];

/// A fresh interner with IPT003's fixed names.
pub fn interner<'a>() -> Interner<'a> {
    let mut interner = Interner::default();
    for name in FIXED {
        interner.string(name);
    }
    interner
}

/// Whether a rule ends the chain for the packets it matches.
pub fn is_terminal(rule: &Rule) -> bool {
    rule.target.as_ref().is_some_and(|t| {
        t.goto || matches!(t.name.as_str(), "ACCEPT" | "DROP" | "REJECT" | "RETURN")
    })
}

/// The single network of `-s`/`-d` when it is one, not negated.
pub fn single_net(field: Option<&Neg<Vec<Address>>>) -> Option<IpNet> {
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

impl<'a> RuleKey<'a> {
    /// The key of `rule`, with its strings interned in `interner`.
    pub fn new(rule: &'a Rule, interner: &mut Interner<'a>) -> Self {
        let iface = |field: &'a Option<Neg<String>>, interner: &mut Interner<'a>| {
            field.as_ref().map(|n| IfaceKey {
                negated: n.negated,
                id: interner.string(&n.value),
                name: &n.value,
            })
        };
        let address = |field: &'a Option<Neg<Vec<Address>>>, interner: &mut Interner<'a>| {
            field.as_ref().map(|n| AddrKey {
                negated: n.negated,
                id: interner.addresses(&n.value),
                single: single_net(Some(n)).map(|net| NetInterval::of(&net)),
            })
        };
        let matches: Vec<MatchKey> = rule
            .matches
            .iter()
            .map(|m| match_key(m, interner))
            .collect();
        let bit = |m: &MatchKey| 1u64 << (m.name % 64);
        RuleKey {
            terminal: is_terminal(rule),
            present: matches.iter().map(bit).fold(0, |a, b| a | b),
            required: matches
                .iter()
                .filter(|m| !matches!(m.module, Module::Comment | Module::Multiport))
                .map(bit)
                .fold(0, |a, b| a | b),
            in_iface: iface(&rule.in_iface, interner),
            out_iface: iface(&rule.out_iface, interner),
            protocol: rule.protocol.as_ref().map(|p| ProtoKey {
                negated: p.negated,
                id: interner.string(&p.value),
                all: p.value == "all",
            }),
            fragment: rule.fragment,
            source: address(&rule.source, interner),
            destination: address(&rule.destination, interner),
            matches,
        }
    }

    /// A necessary condition of `self.covers(later)` on one word each: the match modules
    /// `self` needs (see [`RuleKey::required`]) are among those `later` has
    /// ([`RuleKey::present`]). IPT003 tests it on a compact array before touching the keys.
    pub fn may_cover(required: u64, present: u64) -> bool {
        required & !present == 0
    }

    /// One bit per match module of the rule (its interned name modulo 64).
    pub fn present(&self) -> u64 {
        self.present
    }

    /// One bit per match module a later rule needs for this one to cover it.
    pub fn required(&self) -> u64 {
        self.required
    }

    /// Whether every packet `later` matches is matched by `self` (an earlier rule) and `self`
    /// ends the chain for it (certain answers only).
    pub fn covers(&self, later: &RuleKey<'_>) -> bool {
        // A match other than multiport is implied only by a match of the same module: a
        // module of `self` the later rule lacks settles it before any field is compared.
        if !self.terminal || !Self::may_cover(self.required, later.present) {
            return false;
        }
        if !iface_ok(self.in_iface.as_ref(), later.in_iface.as_ref())
            || !iface_ok(self.out_iface.as_ref(), later.out_iface.as_ref())
        {
            return false;
        }
        match (&self.protocol, &later.protocol) {
            (None, _) => {}
            (Some(a), _) if !a.negated && a.all => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
        if self.fragment.is_some() && self.fragment != later.fragment {
            return false;
        }
        for (a, b) in [
            (&self.source, &later.source),
            (&self.destination, &later.destination),
        ] {
            match (a, b) {
                (None, _) => {}
                (Some(a), Some(b)) if a.negated == b.negated && a.id == b.id => {}
                (Some(a), Some(b)) if !a.negated && !b.negated => {
                    let (Some(outer), Some(inner)) = (a.single, b.single) else {
                        return false;
                    };
                    if !outer.contains(&inner) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        self.matches.iter().all(|m| {
            m.module == Module::Comment || later.matches.iter().any(|n| match_implies(n, m))
        })
    }
}

fn match_key<'a>(m: &'a Match, interner: &mut Interner<'a>) -> MatchKey {
    let module = match m.name.as_str() {
        "tcp" | "udp" => Module::TcpUdp,
        "multiport" => Module::Multiport,
        "comment" => Module::Comment,
        _ => Module::Other,
    };
    MatchKey {
        name: interner.string(&m.name),
        module,
        options: m
            .options
            .iter()
            .map(|o| opt_key(m.name.as_str(), o, interner))
            .collect(),
    }
}

fn opt_key<'a>(module: &str, o: &'a Opt, interner: &mut Interner<'a>) -> OptKey {
    let role = match (module, o.name.as_str()) {
        ("tcp" | "udp", "dport" | "sport") => Role::Port,
        ("multiport", "dports" | "sports" | "ports") => Role::Ports,
        ("conntrack", "ctstate") | ("state", "state") => Role::States,
        _ => Role::Other,
    };
    let first = match role {
        Role::Other => None,
        _ => o.args.first().map(|arg| ArgKey {
            id: interner.string(arg),
            ranges: arg.split(',').map(parse_port_range).collect(),
            parsed: arg.split(',').filter_map(parse_port_range).collect(),
            items: if role == Role::States {
                arg.split(',').map(|s| interner.string(s)).collect()
            } else {
                Box::new([])
            },
        }),
    };
    OptKey {
        name: interner.string(&o.name),
        negated: o.negated,
        args: interner.list(&o.args),
        role,
        first,
    }
}

fn iface_ok(a: Option<&IfaceKey<'_>>, b: Option<&IfaceKey<'_>>) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(a), Some(b)) if a.negated == b.negated && a.id == b.id => true,
        (Some(a), Some(b)) if !a.negated && !b.negated => a
            .name
            .strip_suffix('+')
            .is_some_and(|p| b.name.trim_end_matches('+').starts_with(p)),
        _ => false,
    }
}

/// Whether match `narrow` (of the later rule) implies match `wide` (of the earlier one).
fn match_implies(narrow: &MatchKey, wide: &MatchKey) -> bool {
    // `-p tcp --dport 443` implies `-m multiport --dports 80,443`.
    if wide.module == Module::Multiport && narrow.module == Module::TcpUdp {
        return wide.options.iter().all(|w| {
            let side = match w.name {
                DPORTS => DPORT,
                SPORTS => SPORT,
                _ => return false,
            };
            !w.negated
                && narrow
                    .options
                    .iter()
                    .find(|o| o.name == side)
                    .is_some_and(|n| {
                        !n.negated
                            && match (&n.first, &w.first) {
                                (Some(n), Some(w)) => ranges_within(n, w),
                                _ => false,
                            }
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
            let (Some(narrow_arg), Some(wide_arg)) = (&n.first, &w.first) else {
                return false;
            };
            match w.role {
                Role::Port | Role::Ports => ranges_within(narrow_arg, wide_arg),
                Role::States => narrow_arg.items.iter().all(|s| wide_arg.items.contains(s)),
                Role::Other => false,
            }
        })
    })
}

/// Every port range of `narrow` inside one range of `wide`.
fn ranges_within(narrow: &ArgKey, wide: &ArgKey) -> bool {
    // Same text, same ranges (when they parse).
    if narrow.id == wide.id {
        return narrow.ranges.is_some();
    }
    narrow.ranges.as_ref().is_some_and(|ranges| {
        ranges
            .iter()
            .all(|(lo, hi)| wide.parsed.iter().any(|(a, b)| a <= lo && hi <= b))
    })
}
