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
struct Fnv(u64);

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

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Gives each distinct string (or list of strings) a small integer.
#[derive(Default)]
pub struct Interner<'a> {
    strings: FnvMap<&'a str, u32>,
    lists: FnvMap<Vec<&'a str>, u32>,
    addresses: FnvMap<&'a [Address], u32>,
}

impl<'a> Interner<'a> {
    fn string(&mut self, text: &'a str) -> u32 {
        let next = self.strings.len() as u32;
        *self.strings.entry(text).or_insert(next)
    }

    fn list(&mut self, items: &'a [String]) -> u32 {
        let key: Vec<&'a str> = items.iter().map(String::as_str).collect();
        let next = self.lists.len() as u32;
        *self.lists.entry(key).or_insert(next)
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
        RuleKey {
            terminal: is_terminal(rule),
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
            matches: rule
                .matches
                .iter()
                .map(|m| match_key(m, interner))
                .collect(),
        }
    }

    /// Whether every packet `later` matches is matched by `self` (an earlier rule) and `self`
    /// ends the chain for it (certain answers only).
    pub fn covers(&self, later: &RuleKey<'_>) -> bool {
        if !self.terminal {
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
