//! Packet-path evaluation: follow one symbolic packet through the hooks and tables it crosses
//! and say whether it can be dropped, and by which rules.
//!
//! Matches are evaluated in three-valued logic: a condition gblint can decide for the packet
//! (interface, protocol, ports, conntrack state, `addrtype`, addresses that decide it) is true
//! or false; one it cannot (`limit`, `recent`, `set`, an unknown module, an address of a
//! non-loopback local interface) is *unknown*, and evaluation forks both ways. A drop reached
//! on every path is certain; one reached only through forks is possible ("may").

use gblint_diagnostics::TextRange;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::rule::{AddrRef, Address, Family, MatchRef, Rule, TargetRef};
use crate::ruleset::{Chain, Ruleset};
use crate::values::parse_port_range;

/// Three-valued truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    /// Decided true.
    True,
    /// Decided false.
    False,
    /// gblint cannot decide.
    Unknown,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }

    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    fn from(value: bool) -> Tri {
        if value {
            Tri::True
        } else {
            Tri::False
        }
    }
}

/// An interface as the packet sees it at a hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Iface {
    /// `lo`.
    Loopback,
    /// Some interface that is not `lo` (its name unknown).
    Other,
    /// No interface at this hook (`-i` in OUTPUT, `-o` in INPUT).
    Absent,
}

/// An address class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addr {
    /// 127.0.0.1 / ::1.
    Loopback,
    /// An address of this host that is not a loopback address (reached over `lo` too).
    Local,
    /// A remote address.
    Remote,
}

/// Connection tracking state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CtState {
    /// First packet.
    New,
    /// A reply or later packet.
    Established,
    /// `CT --notrack` applied.
    Untracked,
}

/// The symbolic packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    /// Family.
    pub family: Family,
    /// Source class.
    pub src: Addr,
    /// Destination class.
    pub dst: Addr,
    /// Source port (`None` = unknown ephemeral port).
    pub sport: Option<u16>,
    /// Destination port (`None` = unknown).
    pub dport: Option<u16>,
    /// TCP flags when known (SYN = 0x02).
    pub tcp_flags: Option<u8>,
    /// Conntrack state.
    pub ctstate: CtState,
    /// Whether the mark is known to be 0 (no MARK target ran).
    pub mark_zero: bool,
}

/// Which way the packet is going at a hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Leaving: `-o` is the interface, `-i` is absent.
    Out(Iface),
    /// Arriving: `-i` is the interface, `-o` is absent.
    In(Iface),
}

/// One table/chain the packet crosses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hook {
    /// Table.
    pub table: &'static str,
    /// Built-in chain.
    pub chain: &'static str,
    /// Direction and interface.
    pub direction: Direction,
}

/// A loopback TCP connection to `port` (client and server on this host), as
/// docs/iptables.md ("The path of a loopback connection") describes: OUTPUT side then INPUT
/// side, never FORWARD; nat only for NEW.
pub fn loopback_hooks() -> Vec<Hook> {
    let out = Direction::Out(Iface::Loopback);
    let inn = Direction::In(Iface::Loopback);
    vec![
        Hook {
            table: "raw",
            chain: "OUTPUT",
            direction: out,
        },
        Hook {
            table: "mangle",
            chain: "OUTPUT",
            direction: out,
        },
        Hook {
            table: "nat",
            chain: "OUTPUT",
            direction: out,
        },
        Hook {
            table: "filter",
            chain: "OUTPUT",
            direction: out,
        },
        Hook {
            table: "security",
            chain: "OUTPUT",
            direction: out,
        },
        Hook {
            table: "mangle",
            chain: "POSTROUTING",
            direction: out,
        },
        Hook {
            table: "raw",
            chain: "PREROUTING",
            direction: inn,
        },
        Hook {
            table: "mangle",
            chain: "PREROUTING",
            direction: inn,
        },
        Hook {
            table: "mangle",
            chain: "INPUT",
            direction: inn,
        },
        Hook {
            table: "filter",
            chain: "INPUT",
            direction: inn,
        },
        Hook {
            table: "security",
            chain: "INPUT",
            direction: inn,
        },
    ]
}

/// A connection arriving from another machine (for exposure checks).
pub fn inbound_hooks() -> Vec<Hook> {
    let inn = Direction::In(Iface::Other);
    vec![
        Hook {
            table: "raw",
            chain: "PREROUTING",
            direction: inn,
        },
        Hook {
            table: "mangle",
            chain: "PREROUTING",
            direction: inn,
        },
        Hook {
            table: "nat",
            chain: "PREROUTING",
            direction: inn,
        },
        Hook {
            table: "mangle",
            chain: "INPUT",
            direction: inn,
        },
        Hook {
            table: "filter",
            chain: "INPUT",
            direction: inn,
        },
        Hook {
            table: "security",
            chain: "INPUT",
            direction: inn,
        },
    ]
}

/// A rule or policy on a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// 1-based line in the file.
    pub line: u32,
    /// Range of the command (or of the policy line).
    pub range: TextRange,
    /// `table/chain`.
    pub place: String,
    /// What happened (`jump to ufw-user-input`, `DROP`, `policy DROP`, `assumed to match`).
    pub what: String,
    /// The input of an assembly the rule or policy came from (`PlacedRule::source`).
    pub source: u32,
}

/// How a path ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// Passed every hook.
    Delivered,
    /// Dropped or rejected.
    Dropped,
}

/// One way through the hooks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    /// The rules that decided it, in order.
    pub steps: Vec<Step>,
    /// How it ended.
    pub end: End,
    /// No unknown condition was assumed on the way.
    pub certain: bool,
}

/// The outcome of following a packet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Paths that dropped (at most [`MAX_KEPT`] kept; see `dropped_count`).
    pub dropped: Vec<Path>,
    /// Number of dropping paths.
    pub dropped_count: usize,
    /// Paths that got through (at most [`MAX_KEPT`] kept).
    pub delivered: Vec<Path>,
    /// Number of delivered paths.
    pub delivered_count: usize,
    /// The search hit its bound: the verdict is incomplete.
    pub incomplete: bool,
}

impl Verdict {
    /// Every path drops.
    pub fn always_dropped(&self) -> bool {
        self.dropped_count > 0 && self.delivered_count == 0 && !self.incomplete
    }

    /// Some path drops.
    pub fn may_drop(&self) -> bool {
        self.dropped_count > 0
    }
}

/// Paths kept per verdict.
pub const MAX_KEPT: usize = 16;
/// Bound on explored states per evaluation.
pub const MAX_STATES: usize = 50_000;
/// Deepest chain nesting followed.
const MAX_DEPTH: usize = 64;

#[derive(Clone)]
struct Branch {
    packet: Packet,
    steps: Vec<Step>,
    certain: bool,
    /// A jump was not followed (nesting deeper than [`MAX_DEPTH`], or a chain already on the
    /// stack): where this branch ends is not known, so the verdict is incomplete.
    truncated: bool,
}

/// Follow `packet` through `hooks` in `ruleset`.
pub fn evaluate(ruleset: &Ruleset, hooks: &[Hook], packet: &Packet) -> Verdict {
    let mut verdict = Verdict::default();
    let mut budget = MAX_STATES;
    let mut branches = vec![Branch {
        packet: packet.clone(),
        steps: Vec::new(),
        certain: true,
        truncated: false,
    }];
    for hook in hooks {
        // nat sees only the first packet of a connection.
        if hook.table == "nat" && packet.ctstate != CtState::New {
            continue;
        }
        let Some(chain) = ruleset.table(hook.table).and_then(|t| t.chain(hook.chain)) else {
            continue;
        };
        let mut next = Vec::new();
        for branch in branches {
            for (end, branch) in run_chain(ruleset, hook, chain, branch, &mut budget) {
                verdict.incomplete |= branch.truncated;
                match end {
                    ChainEnd::Continue => next.push(branch),
                    ChainEnd::Drop => record(
                        &mut verdict.dropped,
                        &mut verdict.dropped_count,
                        Path {
                            steps: branch.steps,
                            end: End::Dropped,
                            certain: branch.certain,
                        },
                    ),
                }
            }
            if budget == 0 {
                verdict.incomplete = true;
            }
        }
        branches = next;
        if branches.is_empty() {
            break;
        }
    }
    for branch in branches {
        record(
            &mut verdict.delivered,
            &mut verdict.delivered_count,
            Path {
                steps: branch.steps,
                end: End::Delivered,
                certain: branch.certain,
            },
        );
    }
    verdict
}

fn record(list: &mut Vec<Path>, count: &mut usize, path: Path) {
    *count += 1;
    // Keep certain paths first, then the shortest.
    if list.len() < MAX_KEPT {
        list.push(path);
    } else if path.certain && !list.iter().all(|p| p.certain) {
        if let Some(slot) = list.iter_mut().find(|p| !p.certain) {
            *slot = path;
        }
    }
}

enum ChainEnd {
    Continue,
    Drop,
}

struct State {
    /// Chain names and next rule index; the first is the built-in chain.
    frames: Vec<(String, usize)>,
    branch: Branch,
}

fn place(hook: &Hook, chain: &str) -> String {
    format!("{}/{chain}", hook.table)
}

fn run_chain(
    ruleset: &Ruleset,
    hook: &Hook,
    base: &Chain,
    branch: Branch,
    budget: &mut usize,
) -> Vec<(ChainEnd, Branch)> {
    let table = ruleset.table(hook.table).expect("table exists");
    let mut out = Vec::new();
    let mut work = vec![State {
        frames: vec![(base.name.clone(), 0)],
        branch,
    }];
    while let Some(mut state) = work.pop() {
        loop {
            if *budget == 0 {
                // Give up on this path: it counts as undecided, not as delivered.
                state.branch.certain = false;
                out.push((ChainEnd::Drop, state.branch));
                break;
            }
            *budget -= 1;
            let Some((chain_name, index)) = state.frames.last().cloned() else {
                out.push(policy_end(hook, base, state.branch));
                break;
            };
            let Some(chain) = table.chain(&chain_name) else {
                state.branch.certain = false;
                state.frames.pop();
                continue;
            };
            if chain.opaque && !chain.builtin && index == 0 {
                // Rules gblint cannot see: they may drop, or return.
                let mut dropped = state.branch.clone();
                dropped.certain = false;
                dropped.steps.push(Step { line: 0, range: TextRange::empty(0), place: place(hook, &chain_name), what: format!("chain {chain_name} has rules gblint cannot see (loaded elsewhere); assumed to drop"), source: 0 });
                out.push((ChainEnd::Drop, dropped));
                state.branch.certain = false;
            }
            let Some(placed) = chain.rules.get(index) else {
                // End of chain: RETURN to the caller, or the policy of the built-in chain.
                state.frames.pop();
                if state.frames.is_empty() {
                    out.push(policy_end(hook, base, state.branch));
                    break;
                }
                continue;
            };
            state.frames.last_mut().expect("frame").1 += 1;
            let direction = hook.direction;
            match rule_matches(&placed.rule, &state.branch.packet, direction) {
                Tri::False => continue,
                Tri::Unknown => {
                    // Fork: this copy assumes the rule did not match.
                    let mut skipped = State {
                        frames: state.frames.clone(),
                        branch: state.branch.clone(),
                    };
                    skipped.branch.certain = false;
                    work.push(skipped);
                    state.branch.certain = false;
                    state.branch.steps.push(Step {
                        line: placed.line,
                        range: placed.range,
                        place: place(hook, &chain_name),
                        what: "assumed to match (gblint cannot decide this rule's conditions)"
                            .into(),
                        source: placed.source,
                    });
                }
                Tri::True => {}
            }
            let step = |what: String| Step {
                line: placed.line,
                range: placed.range,
                place: place(hook, &chain_name),
                what,
                source: placed.source,
            };
            let Some(target) = placed.rule.target() else {
                continue;
            };
            match apply_target(target, &mut state.branch.packet, hook) {
                Effect::Continue => {}
                Effect::Accept => {
                    state.branch.steps.push(step(format!(
                        "{} (this table lets it through)",
                        target.name
                    )));
                    out.push((ChainEnd::Continue, state.branch));
                    break;
                }
                Effect::Drop => {
                    state.branch.steps.push(step(target.name.to_string()));
                    out.push((ChainEnd::Drop, state.branch));
                    break;
                }
                Effect::Undecided => {
                    state.branch.certain = false;
                    state.branch.steps.push(step(format!(
                        "{} (verdict decided outside iptables)",
                        target.name
                    )));
                    let mut dropped = state.branch.clone();
                    dropped
                        .steps
                        .last_mut()
                        .expect("step")
                        .what
                        .push_str("; assumed to drop");
                    out.push((ChainEnd::Drop, dropped));
                    out.push((ChainEnd::Continue, state.branch));
                    break;
                }
                Effect::Return => {
                    state.frames.pop();
                    if state.frames.is_empty() {
                        out.push(policy_end(hook, base, state.branch));
                        break;
                    }
                }
                Effect::Jump(name, goto) => {
                    if state.frames.len() >= MAX_DEPTH
                        || state.frames.iter().any(|(n, _)| *n == name)
                    {
                        state.branch.certain = false;
                        state.branch.truncated = true;
                        continue;
                    }
                    state.branch.steps.push(step(format!(
                        "{} {name}",
                        if goto { "goto" } else { "jump to" }
                    )));
                    if goto {
                        // `-g`: a RETURN from the target goes back to the last `-j` caller.
                        if state.frames.len() == 1 {
                            state.frames.push((name, 0));
                            state.frames[0].1 = usize::MAX;
                        } else {
                            *state.frames.last_mut().expect("frame") = (name, 0);
                        }
                    } else {
                        state.frames.push((name, 0));
                    }
                }
            }
        }
    }
    out
}

fn policy_end(hook: &Hook, base: &Chain, mut branch: Branch) -> (ChainEnd, Branch) {
    let step = |what: String| Step {
        line: base.policy_line.unwrap_or(0),
        range: TextRange::empty(0),
        place: place(hook, &base.name),
        what,
        source: base.policy_source,
    };
    match base.policy.as_deref() {
        Some("DROP") => {
            branch.steps.push(step("policy DROP".into()));
            (ChainEnd::Drop, branch)
        }
        Some(_) => (ChainEnd::Continue, branch),
        None => {
            // A fragment loaded on top of rules gblint cannot see: the policy is unknown.
            branch.certain = false;
            (ChainEnd::Continue, branch)
        }
    }
}

enum Effect {
    Continue,
    Accept,
    Drop,
    Undecided,
    Return,
    Jump(String, bool),
}

fn apply_target(target: TargetRef<'_>, packet: &mut Packet, hook: &Hook) -> Effect {
    match target.name {
        "ACCEPT" => Effect::Accept,
        "DROP" | "REJECT" => Effect::Drop,
        "RETURN" => Effect::Return,
        "QUEUE" | "NFQUEUE" => Effect::Undecided,
        "CT" | "NOTRACK" => {
            if target.name == "NOTRACK" || target.opt("notrack").is_some() {
                packet.ctstate = CtState::Untracked;
            }
            Effect::Continue
        }
        "MARK" | "CONNMARK" => {
            packet.mark_zero = false;
            Effect::Continue
        }
        "DNAT" | "REDIRECT" if hook.table == "nat" => {
            let port = target
                .opt("to-ports")
                .or_else(|| target.opt("to-destination"))
                .and_then(|o| o.args.first())
                .and_then(|a| {
                    a.rsplit_once(':')
                        .map(|(_, p)| p)
                        .or_else(|| (target.name == "REDIRECT").then_some(a))
                })
                .and_then(parse_port_range);
            packet.dport = match port {
                Some((low, high)) if low == high => Some(low),
                Some(_) => None,
                None => packet.dport,
            };
            Effect::Accept
        }
        "SNAT" | "MASQUERADE" | "DNAT" | "REDIRECT" => Effect::Accept,
        name if crate::ruleset::is_standard_or_extension(name) => Effect::Continue,
        name => Effect::Jump(name.to_owned(), target.goto),
    }
}

fn iface_matches(pattern: &str, iface: Iface) -> Tri {
    let (prefix, wildcard) = match pattern.strip_suffix('+') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    match iface {
        Iface::Loopback => Tri::from(if wildcard {
            "lo".starts_with(prefix)
        } else {
            pattern == "lo"
        }),
        Iface::Absent => Tri::from(wildcard && prefix.is_empty()),
        Iface::Other => {
            if wildcard && prefix.is_empty() {
                Tri::True
            } else if pattern == "lo" {
                Tri::False
            } else {
                Tri::Unknown
            }
        }
    }
}

fn loopback_net(family: Family) -> IpNet {
    match family {
        Family::V4 => IpNet::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)), 8).expect("valid"),
        Family::V6 => IpNet::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 128).expect("valid"),
    }
}

fn loopback_addr(family: Family) -> IpAddr {
    match family {
        Family::V4 => IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)),
        Family::V6 => IpAddr::V6(Ipv6Addr::LOCALHOST),
    }
}

fn address_matches(address: &Address, class: Addr, family: Family) -> Tri {
    match address {
        Address::Net(net) => {
            if net.prefix_len() == 0 {
                return Tri::True;
            }
            match class {
                Addr::Loopback => Tri::from(net.contains(&loopback_addr(family))),
                Addr::Local | Addr::Remote => {
                    // A network inside the loopback range cannot hold a non-loopback address.
                    if loopback_net(family).contains(net) {
                        Tri::False
                    } else {
                        Tri::Unknown
                    }
                }
            }
        }
        Address::Masked(_) | Address::Host(_) => Tri::Unknown,
    }
}

fn port_in(list: &str, port: Option<u16>) -> Tri {
    let Some(port) = port else {
        return if list.split(',').any(|r| r == "0:65535") {
            Tri::True
        } else {
            Tri::Unknown
        };
    };
    Tri::from(
        list.split(',')
            .filter_map(parse_port_range)
            .any(|(low, high)| low <= port && port <= high),
    )
}

fn with_negation(value: Tri, negated: bool) -> Tri {
    if negated {
        value.not()
    } else {
        value
    }
}

fn match_matches(m: MatchRef<'_>, packet: &Packet, tcp: bool) -> Tri {
    let mut result = Tri::True;
    for option in &m.options {
        let first = option.args.first().unwrap_or("");
        let value = match (m.name, option.name) {
            ("comment", _) => Tri::True,
            ("tcp" | "udp", "dport") => port_in(first, packet.dport),
            ("tcp" | "udp", "sport") => port_in(first, packet.sport),
            ("tcp", "tcp-flags") => match (packet.tcp_flags, option.args.get(1)) {
                (Some(flags), Some(comp)) => {
                    let bits = |list: &str| -> u8 {
                        list.split(',')
                            .map(|f| match f {
                                "FIN" => 1,
                                "SYN" => 2,
                                "RST" => 4,
                                "PSH" => 8,
                                "ACK" => 16,
                                "URG" => 32,
                                "ALL" => 63,
                                _ => 0,
                            })
                            .fold(0, |a, b| a | b)
                    };
                    Tri::from(flags & bits(first) == bits(comp))
                }
                _ => Tri::Unknown,
            },
            ("multiport", "dports") => port_in(first, packet.dport),
            ("multiport", "sports") => port_in(first, packet.sport),
            ("multiport", "ports") => {
                match (port_in(first, packet.dport), port_in(first, packet.sport)) {
                    (Tri::True, _) | (_, Tri::True) => Tri::True,
                    (Tri::False, Tri::False) => Tri::False,
                    _ => Tri::Unknown,
                }
            }
            ("conntrack", "ctstate") | ("state", "state") => {
                let state = match packet.ctstate {
                    CtState::New => "NEW",
                    CtState::Established => "ESTABLISHED",
                    CtState::Untracked => "UNTRACKED",
                };
                Tri::from(first.split(',').any(|s| s == state))
            }
            ("conntrack", "ctproto") => Tri::from(tcp && matches!(first, "tcp" | "6")),
            ("addrtype", "dst-type") | ("addrtype", "src-type") => {
                let class = if option.name == "dst-type" {
                    packet.dst
                } else {
                    packet.src
                };
                match class {
                    Addr::Loopback | Addr::Local => {
                        Tri::from(first.split(',').any(|t| t == "LOCAL"))
                    }
                    Addr::Remote => {
                        if first.split(',').all(|t| t == "LOCAL") {
                            Tri::False
                        } else {
                            Tri::Unknown
                        }
                    }
                }
            }
            ("addrtype", _) => Tri::True,
            ("mark" | "connmark", "mark") if packet.mark_zero => {
                let (v, m) = first.split_once('/').unwrap_or((first, "0xffffffff"));
                let parse = |t: &str| u32::from_str_radix(t.trim_start_matches("0x"), 16).ok();
                match (parse(v), parse(m)) {
                    (Some(v), Some(_)) => Tri::from(v == 0),
                    _ => Tri::Unknown,
                }
            }
            ("physdev", _) => Tri::False,
            ("icmp" | "icmp6", _) => Tri::False,
            _ => Tri::Unknown,
        };
        result = result.and(with_negation(value, option.negated));
        if result == Tri::False {
            break;
        }
    }
    if m.options.is_empty() && !matches!(m.name, "tcp" | "udp" | "comment") {
        return Tri::Unknown;
    }
    result
}

/// Whether `rule` matches `packet` at a hook going `direction`.
pub fn rule_matches(rule: &Rule, packet: &Packet, direction: Direction) -> Tri {
    let (iif, oif) = match direction {
        Direction::Out(i) => (Iface::Absent, i),
        Direction::In(i) => (i, Iface::Absent),
    };
    let mut result = Tri::True;
    if let Some(iface) = rule.in_iface() {
        result = result.and(with_negation(
            iface_matches(iface.value, iif),
            iface.negated,
        ));
    }
    if let Some(iface) = rule.out_iface() {
        result = result.and(with_negation(
            iface_matches(iface.value, oif),
            iface.negated,
        ));
    }
    if result == Tri::False {
        return result;
    }
    let tcp = match rule.protocol() {
        None => true,
        Some(p) => {
            let is_tcp = matches!(p.value, "tcp" | "all");
            result = result.and(with_negation(Tri::from(is_tcp), p.negated));
            is_tcp && !p.negated
        }
    };
    if rule.fragment() == Some(false) {
        result = Tri::False;
    }
    for (field, class) in [
        (rule.source_ref(), packet.src),
        (rule.destination_ref(), packet.dst),
    ] {
        let (negated, value) = match field {
            AddrRef::Absent => continue,
            // One network, not negated: read in place (no list to build).
            AddrRef::Net(net) => (
                false,
                address_matches(&Address::Net(net), class, packet.family),
            ),
            AddrRef::Other(neg) => (
                neg.negated,
                neg.value
                    .iter()
                    .map(|a| address_matches(a, class, packet.family))
                    .fold(Tri::False, |acc, t| match (acc, t) {
                        (Tri::True, _) | (_, Tri::True) => Tri::True,
                        (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
                        _ => Tri::False,
                    }),
            ),
        };
        result = result.and(with_negation(value, negated));
    }
    if result == Tri::False {
        return result;
    }
    for m in rule.matches() {
        result = result.and(match_matches(m, packet, tcp));
        if result == Tri::False {
            break;
        }
    }
    result
}

/// The first packet of a TCP connection to `port` on this host over `lo`.
pub fn loopback_syn(family: Family, port: u16, src: Addr) -> Packet {
    Packet {
        family,
        src,
        dst: src,
        sport: None,
        dport: Some(port),
        tcp_flags: Some(0x02),
        ctstate: CtState::New,
        mark_zero: true,
    }
}

/// The server's reply on that connection.
pub fn loopback_reply(family: Family, port: u16, src: Addr) -> Packet {
    Packet {
        family,
        src,
        dst: src,
        sport: Some(port),
        dport: None,
        tcp_flags: None,
        ctstate: CtState::Established,
        mark_zero: true,
    }
}

/// The first packet of a connection to `port` from another machine.
pub fn inbound_syn(family: Family, port: u16) -> Packet {
    Packet {
        family,
        src: Addr::Remote,
        dst: Addr::Local,
        sport: None,
        dport: Some(port),
        tcp_flags: Some(0x02),
        ctstate: CtState::New,
        mark_zero: true,
    }
}
