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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Neg<T> {
    /// `!` before the option.
    pub negated: bool,
    /// The value.
    pub value: T,
}

/// An address of `-s`/`-d`.
///
/// Kept to 24 bytes (the rare masked and host-name forms are boxed) so that a rule's single
/// address sits inline in its [`Addresses`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Address {
    /// A network (host bits already cleared, as iptables stores it).
    Net(IpNet),
    /// A non-contiguous dotted mask (`10.0.12.0/255.0.255.0`), kept as written by save.
    Masked(Box<Masked>),
    /// A host name, resolved by iptables at load time (gblint never resolves it).
    Host(Box<str>),
}

/// An address with a non-contiguous mask ([`Address::Masked`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Masked {
    /// The address with the mask applied.
    pub addr: std::net::IpAddr,
    /// The mask.
    pub mask: std::net::IpAddr,
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Net(net) => write!(f, "{}/{}", net.addr(), net.prefix_len()),
            Address::Masked(m) => write!(f, "{}/{}", m.addr, m.mask),
            Address::Host(host) => f.write_str(host),
        }
    }
}

/// The addresses of `-s`/`-d`, read as a slice: one inline (nearly every rule names a single
/// address, and a heap list per rule was a sizeable share of a large dump's memory), several
/// in a boxed slice.
#[derive(Clone, Debug)]
pub struct Addresses(AddressList);

#[derive(Clone, Debug)]
enum AddressList {
    One(Address),
    Many(Box<[Address]>),
}

impl From<Vec<Address>> for Addresses {
    fn from(mut list: Vec<Address>) -> Self {
        if list.len() == 1 {
            if let Some(one) = list.pop() {
                return Addresses(AddressList::One(one));
            }
        }
        Addresses(AddressList::Many(list.into_boxed_slice()))
    }
}

impl From<Address> for Addresses {
    fn from(one: Address) -> Self {
        Addresses(AddressList::One(one))
    }
}

impl std::ops::Deref for Addresses {
    type Target = [Address];

    fn deref(&self) -> &[Address] {
        match &self.0 {
            AddressList::One(one) => std::slice::from_ref(one),
            AddressList::Many(many) => many,
        }
    }
}

/// Equal when they list the same addresses, whatever the layout.
impl PartialEq for Addresses {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Addresses {}

impl std::hash::Hash for Addresses {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

/// A match, option or target name: the module spec's own `&'static str` for every name a spec
/// knows, an owned string only for the rest (options of an unknown module, a jump to a user
/// chain). Nearly every rule names only known modules, options and verdicts, so the model
/// keeps no heap string for them.
pub type Name = Cow<'static, str>;

/// One option of a match or target while its command is read, with its arguments in saved
/// form: what the modules' `finish` functions check and rewrite. Once the command is read,
/// the rule keeps its options packed ([`Rule::matches`], [`Rule::target`]) and hands out
/// [`OptRef`]s.
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

/// `-p`, `-i` or `-o` of a rule, as given (see [`Rule::protocol`]).
pub type Field<'r> = Neg<&'r str>;

/// The rule part of a command.
///
/// The core address fields are plain values; everything textual (interface names, the
/// protocol, every match, option, argument and the target) is packed into one record array
/// and one string per rule, read through [`Rule::matches`], [`Rule::target`],
/// [`Rule::in_iface`], [`Rule::out_iface`] and [`Rule::protocol`]. A rule used to hold a
/// vector per match, a vector per option and a string per argument: on a 100,000-rule dump
/// those allocations were most of gblint's memory.
#[derive(Clone, Debug, Default)]
pub struct Rule {
    /// `-s`, one entry per comma-separated address (iptables makes one rule of each).
    pub source: Option<Neg<Addresses>>,
    /// `-d`.
    pub destination: Option<Neg<Addresses>>,
    /// `-c P B` (boxed: rare, and every rule would pay for it inline).
    pub set_counters: Option<Box<(u64, u64)>>,
    body: Body,
}

/// A run of bytes of a rule's packed text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// What an [`Item`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Match,
    Target,
    Opt,
    /// The second and later arguments of the option before it.
    Arg,
}

/// One match, target, option or extra argument of a rule: names and values are spans of the
/// rule's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Item {
    /// Match, target or option name (empty for an argument).
    name: Span,
    /// An option's first argument, or an argument.
    value: Span,
    /// Where it was written.
    range: TextRange,
    /// A match or target: the items after it that belong to it (its options and their
    /// arguments). An option: its number of arguments (the first in `value`, the others in
    /// the `Arg` items after it).
    count: u16,
    kind: Kind,
    /// A match: loaded implicitly; a target: `-g`; an option: negated.
    flag: bool,
}

/// The packed text of a rule (see [`Rule`]).
#[derive(Clone, Debug)]
struct Body {
    /// Matches in order, each followed by its options; then the target and its options.
    items: Box<[Item]>,
    /// Every name and argument, one after the other.
    text: Box<str>,
    in_iface: Option<Neg<Span>>,
    out_iface: Option<Neg<Span>>,
    protocol: Option<Neg<Span>>,
    /// Index of the target's item (`NO_TARGET`: none).
    target: u16,
    /// `-f` (negated flag): here rather than in [`Rule`], where it took a padded word.
    fragment: Option<bool>,
}

const NO_TARGET: u16 = u16::MAX;

/// No matches, no target.
impl Default for Body {
    fn default() -> Self {
        Body {
            items: Box::default(),
            text: Box::default(),
            in_iface: None,
            out_iface: None,
            protocol: None,
            target: NO_TARGET,
            fragment: None,
        }
    }
}

impl Body {
    fn str(&self, span: Span) -> &str {
        &self.text[span.range()]
    }

    fn field(&self, field: Option<Neg<Span>>) -> Option<Field<'_>> {
        field.map(|f| Neg {
            negated: f.negated,
            value: self.str(f.value),
        })
    }

    fn end_of_matches(&self) -> usize {
        if self.target == NO_TARGET {
            self.items.len()
        } else {
            usize::from(self.target)
        }
    }
}

/// Builds a rule's packed text (the command parser's last step).
pub(crate) struct RuleBuilder {
    items: Vec<Item>,
    text: String,
    in_iface: Option<Neg<Span>>,
    out_iface: Option<Neg<Span>>,
    protocol: Option<Neg<Span>>,
    target: u16,
}

/// A length or offset of a rule's packed text or record array: a line is at most 10,240 bytes
/// and its saved form a few times that, far below the integer types' limits.
fn small<T: TryFrom<usize> + Default>(value: usize) -> T {
    T::try_from(value).unwrap_or_default()
}

impl RuleBuilder {
    /// Room for exactly `items` records and `text` bytes (see [`Self::size`]).
    pub(crate) fn with_capacity(items: usize, text: usize) -> Self {
        RuleBuilder {
            items: Vec::with_capacity(items),
            text: String::with_capacity(text),
            in_iface: None,
            out_iface: None,
            protocol: None,
            target: NO_TARGET,
        }
    }

    /// The records and text bytes a match or target with `options` takes.
    pub(crate) fn size(name: &str, options: &[Opt]) -> (usize, usize) {
        let mut items = 1;
        let mut text = name.len();
        for o in options {
            items += 1 + o.args.len().saturating_sub(1);
            text += o.name.len() + o.args.iter().map(String::len).sum::<usize>();
        }
        (items, text)
    }

    fn push_str(&mut self, value: &str) -> Span {
        let start = small(self.text.len());
        self.text.push_str(value);
        Span {
            start,
            end: small(self.text.len()),
        }
    }

    fn field(&mut self, field: Option<Neg<&str>>) -> Option<Neg<Span>> {
        field.map(|f| Neg {
            negated: f.negated,
            value: self.push_str(f.value),
        })
    }

    /// `-i`, `-o` and `-p`.
    pub(crate) fn fields(
        &mut self,
        in_iface: Option<Neg<&str>>,
        out_iface: Option<Neg<&str>>,
        protocol: Option<Neg<&str>>,
    ) {
        self.in_iface = self.field(in_iface);
        self.out_iface = self.field(out_iface);
        self.protocol = self.field(protocol);
    }

    fn push_head(&mut self, kind: Kind, name: &str, flag: bool, range: TextRange, options: &[Opt]) {
        let head = self.items.len();
        let name = self.push_str(name);
        self.items.push(Item {
            name,
            value: Span::default(),
            range,
            count: 0,
            kind,
            flag,
        });
        for o in options {
            let name = self.push_str(&o.name);
            let mut args = o.args.iter();
            let value = args
                .next()
                .map_or_else(Span::default, |first| self.push_str(first));
            self.items.push(Item {
                name,
                value,
                range: o.range,
                count: small(o.args.len()),
                kind: Kind::Opt,
                flag: o.negated,
            });
            for arg in args {
                let value = self.push_str(arg);
                self.items.push(Item {
                    name: Span::default(),
                    value,
                    range: o.range,
                    count: 0,
                    kind: Kind::Arg,
                    flag: false,
                });
            }
        }
        self.items[head].count = small(self.items.len() - head - 1);
    }

    /// The next match.
    pub(crate) fn push_match(
        &mut self,
        name: &str,
        implicit: bool,
        range: TextRange,
        options: &[Opt],
    ) {
        self.push_head(Kind::Match, name, implicit, range, options);
    }

    /// The target (after every match).
    pub(crate) fn push_target(
        &mut self,
        name: &str,
        goto: bool,
        range: TextRange,
        options: &[Opt],
    ) {
        self.target = small(self.items.len());
        self.push_head(Kind::Target, name, goto, range, options);
    }

    /// The rule, with its address fields.
    pub(crate) fn finish(
        self,
        source: Option<Neg<Addresses>>,
        destination: Option<Neg<Addresses>>,
        fragment: Option<bool>,
        set_counters: Option<Box<(u64, u64)>>,
    ) -> Rule {
        Rule {
            source,
            destination,
            set_counters,
            body: Body {
                items: self.items.into_boxed_slice(),
                text: self.text.into_boxed_str(),
                in_iface: self.in_iface,
                out_iface: self.out_iface,
                protocol: self.protocol,
                target: self.target,
                fragment,
            },
        }
    }
}

impl Rule {
    /// `-i`.
    pub fn in_iface(&self) -> Option<Field<'_>> {
        self.body.field(self.body.in_iface)
    }

    /// `-o`.
    pub fn out_iface(&self) -> Option<Field<'_>> {
        self.body.field(self.body.out_iface)
    }

    /// `-f`: `Some(negated)` when given.
    pub fn fragment(&self) -> Option<bool> {
        self.body.fragment
    }

    /// `-p`, canonical (`tcp`, `udp`, `ipv6-icmp`, a number, or `all`).
    pub fn protocol(&self) -> Option<Field<'_>> {
        self.body.field(self.body.protocol)
    }

    /// The matches, in order.
    pub fn matches(&self) -> Matches<'_> {
        Matches {
            body: &self.body,
            at: 0,
            end: self.body.end_of_matches(),
        }
    }

    /// The first match called `name`.
    pub fn find_match(&self, name: &str) -> Option<MatchRef<'_>> {
        self.matches().find(|m| m.name == name)
    }

    /// `-j`/`-g`.
    pub fn target(&self) -> Option<TargetRef<'_>> {
        if self.body.target == NO_TARGET {
            return None;
        }
        let at = usize::from(self.body.target);
        let item = &self.body.items[at];
        Some(TargetRef {
            name: self.body.str(item.name),
            goto: item.flag,
            range: item.range,
            options: Options::of(&self.body, at),
        })
    }

    /// Rename the target (`-E` renames the chains rules jump to).
    pub fn set_target_name(&mut self, name: &str) {
        if self.body.target == NO_TARGET {
            return;
        }
        let mut text = String::with_capacity(self.body.text.len() + name.len());
        text.push_str(&self.body.text);
        let start = small(text.len());
        text.push_str(name);
        let span = Span {
            start,
            end: small(text.len()),
        };
        self.body.text = text.into_boxed_str();
        self.body.items[usize::from(self.body.target)].name = span;
    }
}

/// Rules are equal when they read the same, whatever the layout of their packed text.
impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
            && self.destination == other.destination
            && self.fragment() == other.fragment()
            && self.set_counters == other.set_counters
            && self.in_iface() == other.in_iface()
            && self.out_iface() == other.out_iface()
            && self.protocol() == other.protocol()
            && self.matches().eq(other.matches())
            && self.target() == other.target()
    }
}

impl Eq for Rule {}

/// A rule's matches ([`Rule::matches`]).
#[derive(Clone)]
pub struct Matches<'r> {
    body: &'r Body,
    at: usize,
    end: usize,
}

impl<'r> Iterator for Matches<'r> {
    type Item = MatchRef<'r>;

    fn next(&mut self) -> Option<MatchRef<'r>> {
        if self.at >= self.end {
            return None;
        }
        let at = self.at;
        let item = &self.body.items[at];
        self.at += 1 + usize::from(item.count);
        Some(MatchRef {
            name: self.body.str(item.name),
            implicit: item.flag,
            range: item.range,
            options: Options::of(self.body, at),
        })
    }

    // Exact, as `ExactSizeIterator` requires: the matches left, counted by walking their
    // records (a rule has a handful).
    fn size_hint(&self) -> (usize, Option<usize>) {
        let mut at = self.at;
        let mut count = 0;
        while at < self.end {
            at += 1 + usize::from(self.body.items[at].count);
            count += 1;
        }
        (count, Some(count))
    }
}

impl ExactSizeIterator for Matches<'_> {}

impl<'r> Matches<'r> {
    /// Whether the rule has no match.
    pub fn is_empty(&self) -> bool {
        self.at >= self.end
    }
}

/// A match module instance (`-m tcp --dport 22`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchRef<'r> {
    /// Module name (`tcp`).
    pub name: &'r str,
    /// Loaded implicitly by `-p tcp --dport …` (no `-m tcp` written).
    pub implicit: bool,
    /// Where `-m NAME` (or the first option of an implicit match) was written.
    pub range: TextRange,
    /// Options, in saved order.
    pub options: Options<'r>,
}

impl<'r> MatchRef<'r> {
    /// The option called `name`, if given.
    pub fn opt(&self, name: &str) -> Option<OptRef<'r>> {
        self.options.find(name)
    }
}

/// `-j TARGET` or `-g CHAIN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetRef<'r> {
    /// Target or chain name.
    pub name: &'r str,
    /// `-g` (goto) rather than `-j`.
    pub goto: bool,
    /// Where `-j NAME` was written.
    pub range: TextRange,
    /// Target options, in saved order.
    pub options: Options<'r>,
}

impl<'r> TargetRef<'r> {
    /// The option called `name`, if given.
    pub fn opt(&self, name: &str) -> Option<OptRef<'r>> {
        self.options.find(name)
    }
}

/// The options of a match or target.
#[derive(Clone, Copy)]
pub struct Options<'r> {
    body: &'r Body,
    start: usize,
    end: usize,
}

impl<'r> Options<'r> {
    /// The options of the match or target at item `head`.
    fn of(body: &'r Body, head: usize) -> Self {
        Options {
            body,
            start: head + 1,
            end: head + 1 + usize::from(body.items[head].count),
        }
    }

    /// In order.
    pub fn iter(&self) -> OptionIter<'r> {
        OptionIter {
            body: self.body,
            at: self.start,
            end: self.end,
        }
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.start >= self.end
    }

    /// The option called `name`, if given.
    pub fn find(&self, name: &str) -> Option<OptRef<'r>> {
        self.iter().find(|o| o.name == name)
    }
}

impl PartialEq for Options<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Options<'_> {}

impl std::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'r> IntoIterator for Options<'r> {
    type Item = OptRef<'r>;
    type IntoIter = OptionIter<'r>;

    fn into_iter(self) -> OptionIter<'r> {
        self.iter()
    }
}

impl<'r> IntoIterator for &Options<'r> {
    type Item = OptRef<'r>;
    type IntoIter = OptionIter<'r>;

    fn into_iter(self) -> OptionIter<'r> {
        self.iter()
    }
}

/// The options of a match or target, in order ([`Options::iter`]).
#[derive(Clone)]
pub struct OptionIter<'r> {
    body: &'r Body,
    at: usize,
    end: usize,
}

impl<'r> Iterator for OptionIter<'r> {
    type Item = OptRef<'r>;

    fn next(&mut self) -> Option<OptRef<'r>> {
        if self.at >= self.end {
            return None;
        }
        let at = self.at;
        let item = &self.body.items[at];
        let count = usize::from(item.count);
        self.at += 1 + count.saturating_sub(1);
        Some(OptRef {
            name: self.body.str(item.name),
            negated: item.flag,
            range: item.range,
            args: Args {
                body: self.body,
                at,
                len: count,
            },
        })
    }
}

/// One option of a match or target, with its arguments in saved form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OptRef<'r> {
    /// Canonical long name, without dashes (`dport`).
    pub name: &'r str,
    /// `!` before it.
    pub negated: bool,
    /// Where it was written.
    pub range: TextRange,
    /// Arguments, canonical (already quoted for save where the module quotes).
    pub args: Args<'r>,
}

/// The arguments of an option.
#[derive(Clone, Copy)]
pub struct Args<'r> {
    body: &'r Body,
    /// The option's item.
    at: usize,
    len: usize,
}

impl<'r> Args<'r> {
    /// How many.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Argument `index`.
    pub fn get(&self, index: usize) -> Option<&'r str> {
        (index < self.len).then(|| self.body.str(self.body.items[self.at + index].value))
    }

    /// The first argument.
    pub fn first(&self) -> Option<&'r str> {
        self.get(0)
    }

    /// In order.
    pub fn iter(&self) -> impl Iterator<Item = &'r str> + Clone + 'r {
        let (body, at) = (self.body, self.at);
        (0..self.len).map(move |i| body.str(body.items[at + i].value))
    }
}

impl std::ops::Index<usize> for Args<'_> {
    type Output = str;

    fn index(&self, index: usize) -> &str {
        self.get(index).expect("argument index in range")
    }
}

impl PartialEq for Args<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Args<'_> {}

impl std::hash::Hash for Args<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.len);
        for arg in self.iter() {
            arg.hash(state);
        }
    }
}

impl std::fmt::Debug for Args<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::{parse, LineKind};

    fn rule(line: &str) -> Rule {
        let text = format!("*filter\n:INPUT ACCEPT [0:0]\n:web - [0:0]\n{line}\nCOMMIT\n");
        let file = parse(&text, Family::V4);
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        match &file.lines[3].kind {
            LineKind::Command(command) => Rule::clone(&command.rule),
            other => panic!("not a command: {other:?}"),
        }
    }

    #[test]
    fn an_empty_rule_has_no_match_and_no_target() {
        let empty = Rule::default();
        assert!(empty.target().is_none());
        assert_eq!(empty.matches().len(), 0);
        assert!(empty.in_iface().is_none() && empty.protocol().is_none());
    }

    #[test]
    fn the_packed_rule_reads_back_every_name_and_argument() {
        let r = rule(
            "-A FORWARD -i eth0 ! -o lo -p tcp --tcp-flags SYN,ACK SYN ! --dport 22 \
             -m comment --comment \"a b\" -j LOG --log-prefix x",
        );
        assert_eq!(
            r.in_iface(),
            Some(Neg {
                negated: false,
                value: "eth0"
            })
        );
        assert_eq!(
            r.out_iface(),
            Some(Neg {
                negated: true,
                value: "lo"
            })
        );
        assert_eq!(r.protocol().map(|p| p.value), Some("tcp"));
        let matches: Vec<MatchRef<'_>> = r.matches().collect();
        assert_eq!(r.matches().len(), 2);
        assert_eq!((matches[0].name, matches[0].implicit), ("tcp", true));
        let options: Vec<OptRef<'_>> = matches[0].options.iter().collect();
        assert_eq!(matches[0].options.len(), 2);
        let flags = matches[0].opt("tcp-flags").expect("tcp-flags");
        assert_eq!(flags.args.iter().collect::<Vec<_>>(), ["SYN,ACK", "SYN"]);
        assert_eq!((flags.args.len(), &flags.args[1]), (2, "SYN"));
        let dport = options.iter().find(|o| o.name == "dport").expect("dport");
        assert!(dport.negated);
        assert_eq!(dport.args.first(), Some("22"));
        assert_eq!(dport.args.get(1), None);
        assert_eq!(matches[1].name, "comment");
        assert_eq!(
            r.find_match("comment")
                .and_then(|m| m.opt("comment"))
                .and_then(|o| o.args.first()),
            Some("\"a b\"")
        );
        let target = r.target().expect("target");
        assert_eq!((target.name, target.goto), ("LOG", false));
        assert_eq!(
            target.opt("log-prefix").and_then(|o| o.args.first()),
            Some("x")
        );
    }

    #[test]
    fn a_renamed_target_reads_the_new_name_and_equals_a_rule_written_with_it() {
        let mut renamed = rule("-A INPUT -p udp --dport 53 -j web");
        renamed.set_target_name("dns");
        assert_eq!(renamed.target().map(|t| t.name), Some("dns"));
        let written = rule("-A INPUT -p udp --dport 53 -j dns");
        assert_eq!(renamed, written);
        assert_ne!(renamed, rule("-A INPUT -p udp --dport 54 -j dns"));
    }
}
