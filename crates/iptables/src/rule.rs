//! A parsed rule: the core fields iptables knows itself, then its matches and its target, each
//! option with its canonical (saved) arguments.

use std::borrow::Cow;
use std::fmt;

use gblint_diagnostics::TextRange;
use ipnet::IpNet;

/// IPv4 (`iptables`) or IPv6 (`ip6tables`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// rules.v4.
    V4,
    /// rules.v6.
    V6,
}

impl Family {
    /// `iptables` or `ip6tables`.
    pub fn tool(self) -> &'static str {
        match self {
            Family::V4 => "iptables",
            Family::V6 => "ip6tables",
        }
    }
}

/// A value that may be negated with `!`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Neg<T> {
    /// `!` before the option.
    pub negated: bool,
    /// The value.
    pub value: T,
}

/// An address of `-s`/`-d`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Address {
    /// A network (host bits already cleared, as iptables stores it).
    Net(IpNet),
    /// A non-contiguous dotted mask (`10.0.12.0/255.0.255.0`), kept as written by save.
    Masked {
        /// The address with the mask applied.
        addr: std::net::IpAddr,
        /// The mask.
        mask: std::net::IpAddr,
    },
    /// A host name, resolved by iptables at load time (gblint never resolves it).
    Host(String),
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Net(net) => write!(f, "{}/{}", net.addr(), net.prefix_len()),
            Address::Masked { addr, mask } => write!(f, "{addr}/{mask}"),
            Address::Host(host) => f.write_str(host),
        }
    }
}

/// A match, option or target name: the module spec's own `&'static str` for every name a spec
/// knows, an owned string only for the rest (options of an unknown module, a jump to a user
/// chain). Nearly every rule names only known modules, options and verdicts, so the model
/// keeps no heap string for them.
pub type Name = Cow<'static, str>;

/// One option of a match or target, with its arguments in saved form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opt {
    /// Canonical long name, without dashes (`dport`).
    pub name: Name,
    /// `!` before it.
    pub negated: bool,
    /// Arguments, canonical (already quoted for save where the module quotes).
    pub args: Vec<String>,
    /// Where it was written.
    pub range: TextRange,
}

/// A match module instance (`-m tcp --dport 22`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Module name (`tcp`).
    pub name: Name,
    /// Options, in saved order.
    pub options: Vec<Opt>,
    /// Loaded implicitly by `-p tcp --dport …` (no `-m tcp` written).
    pub implicit: bool,
    /// Where `-m NAME` (or the first option of an implicit match) was written.
    pub range: TextRange,
}

impl Match {
    /// The option called `name`, if given.
    pub fn opt(&self, name: &str) -> Option<&Opt> {
        self.options.iter().find(|o| o.name == name)
    }
}

/// `-j TARGET` or `-g CHAIN`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Target or chain name.
    pub name: Name,
    /// `-g` (goto) rather than `-j`.
    pub goto: bool,
    /// Target options, in saved order.
    pub options: Vec<Opt>,
    /// Where `-j NAME` was written.
    pub range: TextRange,
}

impl Target {
    /// The option called `name`, if given.
    pub fn opt(&self, name: &str) -> Option<&Opt> {
        self.options.iter().find(|o| o.name == name)
    }
}

/// The rule part of a command.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rule {
    /// `-s`, one entry per comma-separated address (iptables makes one rule of each).
    pub source: Option<Neg<Vec<Address>>>,
    /// `-d`.
    pub destination: Option<Neg<Vec<Address>>>,
    /// `-i`.
    pub in_iface: Option<Neg<String>>,
    /// `-o`.
    pub out_iface: Option<Neg<String>>,
    /// `-p`, canonical (`tcp`, `udp`, `ipv6-icmp`, a number, or `all`).
    pub protocol: Option<Neg<String>>,
    /// `-f` (negated flag).
    pub fragment: Option<bool>,
    /// Matches in order.
    pub matches: Vec<Match>,
    /// Target.
    pub target: Option<Target>,
    /// `-c P B`.
    pub set_counters: Option<(u64, u64)>,
}

impl Rule {
    /// The first match called `name`.
    pub fn find_match(&self, name: &str) -> Option<&Match> {
        self.matches.iter().find(|m| m.name == name)
    }
}
