//! IPT003's view of a rule: every string it compares replaced by an integer (interface, protocol,
//! option names and arguments interned per chain), every address by an interval of integers
//! and every port list by its parsed ranges, computed once per rule instead of once per pair
//! of rules. The comparisons in `Keys::covers` are the string comparisons they replace,
//! answer for answer (a differential test over the corpus and generated dumps holds them to
//! it).
//!
//! A chain's keys live in a few flat arenas (`Keys`): a rule's key is a fixed-size record
//! holding spans into them, instead of a vector of matches, a vector of options per match and
//! boxed slices per argument. On a 100,000-rule chain the vectors were most of IPT003's memory
//! (every key stays alive until the chain is done) and a good part of its allocations.

use std::collections::HashMap;

use gblint_iptables::ruleset::PlacedRule;
use gblint_iptables::values::parse_port_range;
use gblint_iptables::{Address, Args, Field, MatchRef, Neg, OptRef, Rule};
use ipnet::IpNet;

/// A map with foldhash's fixed-seed hasher (IPT003's interner and its indexes of earlier
/// rules): it hashes many short strings and string lists of one file, where SipHash's
/// resistance to chosen collisions buys nothing and cost a third of IPT003's time; the fixed
/// seed keeps every run's behaviour the same.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Gives each distinct string (or list of strings) a small integer.
#[derive(Default)]
pub struct Interner<'a> {
    strings: FastMap<&'a str, u32>,
    lists: FastMap<Args<'a>, u32>,
    addresses: FastMap<&'a [Address], u32>,
}

impl<'a> Interner<'a> {
    fn string(&mut self, text: &'a str) -> u32 {
        let next = self.strings.len() as u32;
        *self.strings.entry(text).or_insert(next)
    }

    fn list(&mut self, items: Args<'a>) -> u32 {
        let next = self.lists.len() as u32;
        *self.lists.entry(items).or_insert(next)
    }

    fn addresses(&mut self, list: &'a [Address]) -> u32 {
        let next = self.addresses.len() as u32;
        *self.addresses.entry(list).or_insert(next)
    }
}

/// A network as the interval of addresses it holds (host bits are cleared in the model, so
/// containment of networks is containment of intervals within one family). The bounds are
/// `u128`s split into (high, low) halves: tuples compare like the integers they make, and
/// the record stays 8-byte aligned (half the size of one holding `u128`s).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetInterval {
    v6: bool,
    start: (u64, u64),
    end: (u64, u64),
}

/// `value` as (high, low) halves.
fn halves(value: u128) -> (u64, u64) {
    ((value >> 64) as u64, value as u64)
}

impl NetInterval {
    fn of(net: &IpNet) -> Self {
        match net {
            IpNet::V4(n) => NetInterval {
                v6: false,
                start: (0, u64::from(u32::from(n.network()))),
                end: (0, u64::from(u32::from(n.broadcast()))),
            },
            IpNet::V6(n) => NetInterval {
                v6: true,
                start: halves(u128::from(n.network())),
                end: halves(u128::from(n.broadcast())),
            },
        }
    }

    /// `IpNet::contains` for networks: same family, `inner` inside `self`.
    fn contains(&self, inner: &NetInterval) -> bool {
        self.v6 == inner.v6 && self.start <= inner.start && inner.end <= self.end
    }
}

/// A run of entries of one of [`Keys`]' arenas.
#[derive(Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The index of an entry of an arena, `NONE` for an absent field.
const NONE: u32 = u32::MAX;

/// The length of an arena as the start or end of a span (arenas of one chain stay far below
/// `u32::MAX` entries: each rule adds a handful).
fn at<T>(arena: &[T]) -> u32 {
    u32::try_from(arena.len()).unwrap_or(NONE)
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
#[derive(Clone, Copy, PartialEq, Eq)]
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
#[derive(Clone, Copy)]
struct ArgKey {
    /// The argument's text, interned.
    id: u32,
    /// Every comma-separated item parses as a port or range (then `parsed` holds them all).
    all_parse: bool,
    /// The items that parse, as ranges (in [`Keys`]' `ports`).
    parsed: Span,
    /// The comma-separated items, interned (state lists; in [`Keys`]' `items`).
    items: Span,
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
    /// In [`Keys`]' `options`.
    options: Span,
}

/// One rule, ready to be compared: a fixed-size record, its variable parts in [`Keys`]'
/// arenas.
struct RuleKey {
    /// One bit (interned name modulo 64) per match module the rule has.
    present: u64,
    /// One bit per match module a later rule must have for this rule to cover it: every
    /// module but `comment` (never compared) and `multiport` (a tcp/udp port also implies it).
    required: u64,
    /// In [`Keys`]' `matches`.
    matches: Span,
    /// In [`Keys`]' `ifaces` (`NONE`: not given).
    in_iface: u32,
    out_iface: u32,
    /// In [`Keys`]' `addresses` (`NONE`: not given).
    source: u32,
    destination: u32,
    protocol: Option<ProtoKey>,
    fragment: Option<bool>,
    terminal: bool,
}

/// Names of options IPT003 gives a meaning to, interned first so that their ids are fixed.
const DPORT: u32 = 0;
const SPORT: u32 = 1;
const DPORTS: u32 = 2;
const SPORTS: u32 = 3;
const FIXED: [&str; 4] = ["dport", "sport", "dports", "sports"];

/// Whether a rule ends the chain for the packets it matches.
pub fn is_terminal(rule: &Rule) -> bool {
    rule.target()
        .is_some_and(|t| t.goto || matches!(t.name, "ACCEPT" | "DROP" | "REJECT" | "RETURN"))
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

/// The keys of one chain's rules, by their index in the chain, with the interner and the
/// arenas they point into.
pub struct Keys<'a> {
    interner: Interner<'a>,
    rules: Vec<RuleKey>,
    ifaces: Vec<IfaceKey<'a>>,
    addresses: Vec<AddrKey>,
    matches: Vec<MatchKey>,
    options: Vec<OptKey>,
    ports: Vec<(u16, u16)>,
    items: Vec<u32>,
}

impl<'a> Keys<'a> {
    /// Room for the keys of `rules`, with IPT003's fixed names interned. Every arena gets
    /// its final size up front: a doubling vector leaves its old block behind in the
    /// allocator, and on a long chain those blocks are megabytes of peak memory.
    pub fn for_rules(rules: &[PlacedRule]) -> Self {
        let mut interner = Interner::default();
        for name in FIXED {
            interner.string(name);
        }
        let (mut ifaces, mut addresses, mut matches, mut options, mut items) = (0, 0, 0, 0, 0);
        for placed in rules {
            let rule = &placed.rule;
            ifaces +=
                usize::from(rule.in_iface().is_some()) + usize::from(rule.out_iface().is_some());
            addresses +=
                usize::from(rule.source.is_some()) + usize::from(rule.destination.is_some());
            matches += rule.matches().len();
            for m in rule.matches() {
                options += m.options.len();
                // Port and state lists: one entry per comma-separated item at most.
                items += m
                    .options
                    .iter()
                    .filter_map(|o| o.args.first())
                    .map(|arg| arg.bytes().filter(|b| *b == b',').count() + 1)
                    .sum::<usize>();
            }
        }
        Keys {
            interner,
            rules: Vec::with_capacity(rules.len()),
            ifaces: Vec::with_capacity(ifaces),
            addresses: Vec::with_capacity(addresses),
            matches: Vec::with_capacity(matches),
            options: Vec::with_capacity(options),
            ports: Vec::with_capacity(items),
            items: Vec::with_capacity(items),
        }
    }

    /// Key `rule` as the next rule of the chain; its index is the number of rules keyed before.
    pub fn push(&mut self, rule: &'a Rule) {
        let in_iface = self.iface(rule.in_iface());
        let out_iface = self.iface(rule.out_iface());
        let source = self.address(rule.source.as_ref());
        let destination = self.address(rule.destination.as_ref());
        let first = at(&self.matches);
        let (mut present, mut required) = (0u64, 0u64);
        for m in rule.matches() {
            let key = self.match_key(m);
            let bit = 1u64 << (key.name % 64);
            present |= bit;
            if !matches!(key.module, Module::Comment | Module::Multiport) {
                required |= bit;
            }
            self.matches.push(key);
        }
        let protocol = rule.protocol().map(|p| ProtoKey {
            negated: p.negated,
            id: self.interner.string(p.value),
            all: p.value == "all",
        });
        self.rules.push(RuleKey {
            present,
            required,
            matches: Span {
                start: first,
                end: at(&self.matches),
            },
            in_iface,
            out_iface,
            source,
            destination,
            protocol,
            fragment: rule.fragment,
            terminal: is_terminal(rule),
        });
    }

    fn iface(&mut self, field: Option<Field<'a>>) -> u32 {
        let Some(n) = field else { return NONE };
        let key = IfaceKey {
            negated: n.negated,
            id: self.interner.string(n.value),
            name: n.value,
        };
        self.ifaces.push(key);
        at(&self.ifaces) - 1
    }

    fn address(&mut self, field: Option<&'a Neg<Vec<Address>>>) -> u32 {
        let Some(n) = field else { return NONE };
        let key = AddrKey {
            negated: n.negated,
            id: self.interner.addresses(&n.value),
            single: single_net(Some(n)).map(|net| NetInterval::of(&net)),
        };
        self.addresses.push(key);
        at(&self.addresses) - 1
    }

    fn match_key(&mut self, m: MatchRef<'a>) -> MatchKey {
        let module = match m.name {
            "tcp" | "udp" => Module::TcpUdp,
            "multiport" => Module::Multiport,
            "comment" => Module::Comment,
            _ => Module::Other,
        };
        let name = self.interner.string(m.name);
        let start = at(&self.options);
        for o in m.options {
            let key = self.opt_key(m.name, o);
            self.options.push(key);
        }
        MatchKey {
            name,
            module,
            options: Span {
                start,
                end: at(&self.options),
            },
        }
    }

    fn opt_key(&mut self, module: &str, o: OptRef<'a>) -> OptKey {
        let role = match (module, o.name) {
            ("tcp" | "udp", "dport" | "sport") => Role::Port,
            ("multiport", "dports" | "sports" | "ports") => Role::Ports,
            ("conntrack", "ctstate") | ("state", "state") => Role::States,
            _ => Role::Other,
        };
        let first = match role {
            Role::Other => None,
            _ => o.args.first().map(|arg| {
                let id = self.interner.string(arg);
                let start = at(&self.ports);
                let mut all_parse = true;
                for item in arg.split(',') {
                    match parse_port_range(item) {
                        Some(range) => self.ports.push(range),
                        None => all_parse = false,
                    }
                }
                let parsed = Span {
                    start,
                    end: at(&self.ports),
                };
                let start = at(&self.items);
                if role == Role::States {
                    for item in arg.split(',') {
                        let id = self.interner.string(item);
                        self.items.push(id);
                    }
                }
                ArgKey {
                    id,
                    all_parse,
                    parsed,
                    items: Span {
                        start,
                        end: at(&self.items),
                    },
                }
            }),
        };
        OptKey {
            name: self.interner.string(o.name),
            negated: o.negated,
            args: self.interner.list(o.args),
            role,
            first,
        }
    }

    /// A necessary condition of `self.covers(earlier, later)` on one word each: the match
    /// modules the earlier rule needs ([`Keys::required`]) are among those `later` has
    /// ([`Keys::present`]). IPT003 tests it on a compact array before touching the keys.
    pub fn may_cover(required: u64, present: u64) -> bool {
        required & !present == 0
    }

    /// One bit per match module of rule `index` (its interned name modulo 64).
    pub fn present(&self, index: usize) -> u64 {
        self.rules[index].present
    }

    /// One bit per match module a later rule needs for rule `index` to cover it.
    pub fn required(&self, index: usize) -> u64 {
        self.rules[index].required
    }

    /// Whether every packet rule `later` matches is matched by rule `earlier` and `earlier`
    /// ends the chain for it (certain answers only).
    pub fn covers(&self, earlier: usize, later: usize) -> bool {
        let (wide, narrow) = (&self.rules[earlier], &self.rules[later]);
        // A match other than multiport is implied only by a match of the same module: a
        // module of `wide` the later rule lacks settles it before any field is compared.
        if !wide.terminal || !Self::may_cover(wide.required, narrow.present) {
            return false;
        }
        if !self.iface_ok(wide.in_iface, narrow.in_iface)
            || !self.iface_ok(wide.out_iface, narrow.out_iface)
        {
            return false;
        }
        match (&wide.protocol, &narrow.protocol) {
            (None, _) => {}
            (Some(a), _) if !a.negated && a.all => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
        if wide.fragment.is_some() && wide.fragment != narrow.fragment {
            return false;
        }
        for (a, b) in [
            (wide.source, narrow.source),
            (wide.destination, narrow.destination),
        ] {
            if a == NONE {
                continue;
            }
            if b == NONE {
                return false;
            }
            let (a, b) = (&self.addresses[a as usize], &self.addresses[b as usize]);
            if a.negated == b.negated && a.id == b.id {
                continue;
            }
            if a.negated || b.negated {
                return false;
            }
            let (Some(outer), Some(inner)) = (a.single, b.single) else {
                return false;
            };
            if !outer.contains(&inner) {
                return false;
            }
        }
        let narrow_matches = &self.matches[narrow.matches.range()];
        self.matches[wide.matches.range()].iter().all(|m| {
            m.module == Module::Comment || narrow_matches.iter().any(|n| self.match_implies(n, m))
        })
    }

    fn iface_ok(&self, a: u32, b: u32) -> bool {
        if a == NONE {
            return true;
        }
        if b == NONE {
            return false;
        }
        let (a, b) = (&self.ifaces[a as usize], &self.ifaces[b as usize]);
        if a.negated == b.negated && a.id == b.id {
            return true;
        }
        !a.negated
            && !b.negated
            && a.name
                .strip_suffix('+')
                .is_some_and(|p| b.name.trim_end_matches('+').starts_with(p))
    }

    /// Whether match `narrow` (of the later rule) implies match `wide` (of the earlier one).
    fn match_implies(&self, narrow: &MatchKey, wide: &MatchKey) -> bool {
        let narrow_options = &self.options[narrow.options.range()];
        let wide_options = &self.options[wide.options.range()];
        // `-p tcp --dport 443` implies `-m multiport --dports 80,443`.
        if wide.module == Module::Multiport && narrow.module == Module::TcpUdp {
            return wide_options.iter().all(|w| {
                let side = match w.name {
                    DPORTS => DPORT,
                    SPORTS => SPORT,
                    _ => return false,
                };
                !w.negated
                    && narrow_options
                        .iter()
                        .find(|o| o.name == side)
                        .is_some_and(|n| {
                            !n.negated
                                && match (&n.first, &w.first) {
                                    (Some(n), Some(w)) => self.ranges_within(n, w),
                                    _ => false,
                                }
                        })
            });
        }
        if narrow.name != wide.name {
            return false;
        }
        wide_options.iter().all(|w| {
            narrow_options.iter().any(|n| {
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
                    Role::Port | Role::Ports => self.ranges_within(narrow_arg, wide_arg),
                    Role::States => {
                        let wide_items = &self.items[wide_arg.items.range()];
                        self.items[narrow_arg.items.range()]
                            .iter()
                            .all(|s| wide_items.contains(s))
                    }
                    Role::Other => false,
                }
            })
        })
    }

    /// Every port range of `narrow` inside one range of `wide`.
    fn ranges_within(&self, narrow: &ArgKey, wide: &ArgKey) -> bool {
        // Same text, same ranges (when they parse).
        if narrow.id == wide.id {
            return narrow.all_parse;
        }
        let wide_ranges = &self.ports[wide.parsed.range()];
        narrow.all_parse
            && self.ports[narrow.parsed.range()]
                .iter()
                .all(|(lo, hi)| wide_ranges.iter().any(|(a, b)| a <= lo && hi <= b))
    }
}
