//! A parsed rule: the core fields iptables knows itself, then its matches and its target, each
//! option with its canonical (saved) arguments.

use std::borrow::Cow;
use std::fmt;

use gblint_diagnostics::TextRange;
use ipnet::IpNet;

use crate::names::KnownNames;

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
/// Everything textual (interface names, the protocol, every match, option, argument and the
/// target) is packed into one allocation per rule, records then text, read through
/// [`Rule::matches`], [`Rule::target`], [`Rule::in_iface`], [`Rule::out_iface`] and
/// [`Rule::protocol`]. A rule used to hold a vector per match, a vector per option and a
/// string per argument: on a 100,000-rule dump those allocations were most of gblint's
/// memory. The records are 16 bytes (offsets within the command rather than the file); a
/// name of the module tables (`conntrack`, `ctstate`, `ACCEPT`) is a number, not text.
///
/// `-s` and `-d` are read through [`Rule::source_ref`] and [`Rule::destination_ref`]: one
/// IPv4 network, not negated (nearly every address of a large dump) sits inline in five
/// bytes; any other form (IPv6, negated, several addresses, a non-contiguous mask, a host
/// name) is kept as parsed in a box shared with `-c`, which few rules have. The rule is 48
/// bytes (with the `Arc` counters 64, an allocator size class); with the addresses inline as
/// two 32-byte fields and records and text in two boxes it was 112.
#[derive(Clone, Debug, Default)]
pub struct Rule {
    body: Body,
    /// Everything rare: `-s`/`-d` when not one plain IPv4 network, and `-c P B`.
    rare: Option<Box<Rare>>,
    /// `-s` when it is one IPv4 network, not negated (see [`Rule::source`]): its address…
    source_addr: u32,
    /// `-d` likewise.
    destination_addr: u32,
    /// … and prefix lengths.
    source_len: u8,
    destination_len: u8,
    /// Which of `-s` and `-d` are held inline (`SOURCE_INLINE`, `DESTINATION_INLINE`).
    inline: u8,
}

/// The fields of a rule few rules have, boxed so that the others pay one pointer for them.
#[derive(Clone, Debug, Default)]
struct Rare {
    source: Option<Neg<Addresses>>,
    destination: Option<Neg<Addresses>>,
    set_counters: Option<(u64, u64)>,
}

impl Rare {
    /// Whether it holds nothing (the rule then keeps no box).
    fn is_empty(&self) -> bool {
        self.source.is_none() && self.destination.is_none() && self.set_counters.is_none()
    }
}

/// [`Rule::inline`] bits.
const SOURCE_INLINE: u8 = 1;
const DESTINATION_INLINE: u8 = 1 << 1;

/// `-s` or `-d` of a rule, borrowed ([`Rule::source_ref`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddrRef<'r> {
    /// Not given.
    Absent,
    /// One network, not negated: the common case, and the one indexes key on.
    Net(IpNet),
    /// Anything else: negated, several addresses, a masked address or a host name.
    Other(&'r Neg<Addresses>),
}

impl<'r> AddrRef<'r> {
    /// Whether the field was not given.
    pub fn is_absent(self) -> bool {
        self == AddrRef::Absent
    }

    /// The single network, when it is one not negated.
    pub fn net(self) -> Option<IpNet> {
        match self {
            AddrRef::Net(net) => Some(net),
            _ => None,
        }
    }

    /// As an owned field (no allocation for [`AddrRef::Net`]).
    pub fn to_owned(self) -> Option<Neg<Addresses>> {
        match self {
            AddrRef::Absent => None,
            AddrRef::Net(net) => Some(Neg {
                negated: false,
                value: Address::Net(net).into(),
            }),
            AddrRef::Other(neg) => Some(neg.clone()),
        }
    }
}

/// An inline IPv4 network.
fn v4(addr: u32, len: u8) -> IpNet {
    IpNet::V4(ipnet::Ipv4Net::new(addr.into(), len).unwrap_or_default())
}

/// A boxed field as an [`AddrRef`].
fn addr_ref(field: Option<&Neg<Addresses>>) -> AddrRef<'_> {
    match field {
        None => AddrRef::Absent,
        Some(neg) => match (neg.negated, &*neg.value) {
            (false, [Address::Net(net)]) => AddrRef::Net(*net),
            _ => AddrRef::Other(neg),
        },
    }
}

/// A field's single IPv4 network not negated, as an address and prefix length.
fn inline_v4(field: &Option<Neg<Addresses>>) -> Option<(u32, u8)> {
    match field {
        Some(Neg {
            negated: false,
            value,
        }) if value.len() == 1 => match &value[0] {
            Address::Net(IpNet::V4(net)) => Some((u32::from(net.addr()), net.prefix_len())),
            _ => None,
        },
        _ => None,
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

impl Kind {
    fn from_byte(byte: u8) -> Kind {
        match byte {
            0 => Kind::Match,
            1 => Kind::Target,
            2 => Kind::Opt,
            _ => Kind::Arg,
        }
    }

    fn byte(self) -> u8 {
        match self {
            Kind::Match => 0,
            Kind::Target => 1,
            Kind::Opt => 2,
            Kind::Arg => 3,
        }
    }
}

/// Set in an encoded [`Item`]'s kind byte when its name is a known one ([`Item::known`]).
/// Kept out of the name's length, whose 16 bits a text name may use whole.
const KNOWN_NAME: u8 = 1 << 7;

/// The bytes of an [`Item`] in a rule's data.
const ITEM_BYTES: usize = 16;

/// The bytes of the record count at the start of a rule's data.
const COUNT_BYTES: usize = 2;

/// One match, target, option or extra argument of a rule: its name and value are runs of
/// the rule's text, the value right after the name (empty names and values included; a
/// known name is a number instead, see [`Item::known`]), and
/// where it was written is an offset and a length from the start of its command (a line is
/// at most 10,240 bytes, see [`crate::command::parse_command`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Item {
    /// Where the name starts in the text (the value, for a known name).
    start: u32,
    /// The length of the match, target or option name (0 for an argument), or the name's
    /// number when [`Self::known`].
    name_len: u16,
    /// The length of an option's first argument, or of an argument (0 for a match or
    /// target).
    value_len: u16,
    /// Where it was written: from the command's start ([`Body::base`]), and how long.
    at: u16,
    len: u16,
    /// A match or target: the items after it that belong to it (its options and their
    /// arguments). An option: its number of arguments (the first in the value, the others
    /// in the `Arg` items after it).
    count: u16,
    kind: Kind,
    /// The name is one the module tables know ([`crate::names`]): `name_len` is its number
    /// and the text does not hold it.
    known: bool,
    /// A match: loaded implicitly; a target: `-g`; an option: negated.
    flag: bool,
}

impl Item {
    /// Its bytes in a rule's data (little-endian fields in declaration order).
    fn encode(&self) -> [u8; ITEM_BYTES] {
        let mut bytes = [0; ITEM_BYTES];
        bytes[0..4].copy_from_slice(&self.start.to_le_bytes());
        bytes[4..6].copy_from_slice(&self.name_len.to_le_bytes());
        bytes[6..8].copy_from_slice(&self.value_len.to_le_bytes());
        bytes[8..10].copy_from_slice(&self.at.to_le_bytes());
        bytes[10..12].copy_from_slice(&self.len.to_le_bytes());
        bytes[12..14].copy_from_slice(&self.count.to_le_bytes());
        bytes[14] = self.kind.byte() | if self.known { KNOWN_NAME } else { 0 };
        bytes[15] = u8::from(self.flag);
        bytes
    }

    /// Back from [`Item::encode`]'s bytes.
    fn decode(bytes: &[u8; ITEM_BYTES]) -> Item {
        let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
        Item {
            start: u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
            name_len: u16_at(4),
            value_len: u16_at(6),
            at: u16_at(8),
            len: u16_at(10),
            count: u16_at(12),
            kind: Kind::from_byte(bytes[14] & !KNOWN_NAME),
            known: bytes[14] & KNOWN_NAME != 0,
            flag: bytes[15] != 0,
        }
    }

    /// How many bytes of the text its name takes (none for a known name).
    fn text_name_len(&self) -> usize {
        if self.known {
            0
        } else {
            usize::from(self.name_len)
        }
    }
}

/// `-i`, `-o`, `-p` and `-f` given / negated, one bit each (see [`Body::flags`]).
const IN_GIVEN: u8 = 1;
const IN_NEGATED: u8 = 1 << 1;
const OUT_GIVEN: u8 = 1 << 2;
const OUT_NEGATED: u8 = 1 << 3;
const PROTOCOL_GIVEN: u8 = 1 << 4;
const PROTOCOL_NEGATED: u8 = 1 << 5;
const FRAGMENT_GIVEN: u8 = 1 << 6;
const FRAGMENT_NEGATED: u8 = 1 << 7;
/// The given and negated bits of `-i`, `-o` and `-p`, in their text order.
const FIELD_BITS: [(u8, u8); 3] = [
    (IN_GIVEN, IN_NEGATED),
    (OUT_GIVEN, OUT_NEGATED),
    (PROTOCOL_GIVEN, PROTOCOL_NEGATED),
];

/// The packed text of a rule (see [`Rule`]).
#[derive(Clone, Debug, Default)]
struct Body {
    /// One allocation: the number of records (two bytes, little-endian; kept here rather
    /// than in a field, which made the rule a size class larger), the records of
    /// [`ITEM_BYTES`] each (the target and its options first when there is one, then the
    /// matches in order, each followed by its options), then the text: `-i`, `-o` and `-p` (in that order, each as long as
    /// [`Self::lengths`] says), then every name not known by number and every argument, one
    /// after the other. Records and text in separate boxes cost a second allocation and a
    /// second 16-byte pointer per rule (on 100,000 rules ~2.4 MB).
    data: Box<[u8]>,
    /// Where the command starts in the file: the items' positions are offsets from it.
    base: u32,
    /// The lengths of `-i`, `-o` and `-p` at the start of the text (an interface name is at
    /// most 15 bytes, a canonical protocol name a few more).
    lengths: [u8; 3],
    /// Which of `-i`, `-o`, `-p` and `-f` were given, and which negated (`IN_GIVEN`, …).
    flags: u8,
}

impl Body {
    /// How many records there are.
    fn len(&self) -> usize {
        match *self.data {
            [low, high, ..] => usize::from(u16::from_le_bytes([low, high])),
            _ => 0,
        }
    }

    /// Record `at` (below [`Self::len`]).
    fn item(&self, at: usize) -> Item {
        let start = COUNT_BYTES + at * ITEM_BYTES;
        let bytes = self
            .data
            .get(start..start + ITEM_BYTES)
            .and_then(|bytes| <&[u8; ITEM_BYTES]>::try_from(bytes).ok());
        bytes.map(Item::decode).unwrap_or(Item {
            start: 0,
            name_len: 0,
            value_len: 0,
            at: 0,
            len: 0,
            count: 0,
            kind: Kind::Arg,
            known: false,
            flag: false,
        })
    }

    /// The text after the records.
    fn text(&self) -> &[u8] {
        self.data
            .get(COUNT_BYTES + self.len() * ITEM_BYTES..)
            .unwrap_or_default()
    }

    /// A run of the text (empty if out of range or not UTF-8, which the builder never
    /// makes: it copies the text from `&str`s, whole).
    fn slice(&self, start: usize, len: usize) -> &str {
        self.text()
            .get(start..start + len)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    fn name(&self, item: &Item) -> &str {
        if item.known {
            return crate::names::name(item.name_len);
        }
        self.slice(item.start as usize, usize::from(item.name_len))
    }

    fn value(&self, item: &Item) -> &str {
        self.slice(
            item.start as usize + item.text_name_len(),
            usize::from(item.value_len),
        )
    }

    fn range(&self, item: &Item) -> TextRange {
        let start = self.base.saturating_add(u32::from(item.at));
        TextRange::new(start, start.saturating_add(u32::from(item.len)))
    }

    /// `-i` (0), `-o` (1) or `-p` (2).
    fn field(&self, which: usize) -> Option<Field<'_>> {
        let (given, negated) = FIELD_BITS[which];
        if self.flags & given == 0 {
            return None;
        }
        let start: usize = self.lengths[..which].iter().map(|&l| usize::from(l)).sum();
        Some(Neg {
            negated: self.flags & negated != 0,
            value: self.slice(start, usize::from(self.lengths[which])),
        })
    }

    /// The items of the target and its options (empty without a target).
    fn target_items(&self) -> usize {
        if self.len() == 0 {
            return 0;
        }
        match self.item(0) {
            item if item.kind == Kind::Target => 1 + usize::from(item.count),
            _ => 0,
        }
    }
}

/// Builds a rule's packed text (the command parser's last step).
pub(crate) struct RuleBuilder {
    items: Vec<Item>,
    text: String,
    base: u32,
    lengths: [u8; 3],
    flags: u8,
    /// The module tables' names by number, when the caller has them.
    known: Option<&'static KnownNames>,
}

/// A length or offset of a rule's packed text or record array: a command is at most 65,535
/// bytes (`parse_command` refuses a longer one; a restore file's lines are at most 10,240), so
/// every name, value, count and position within it fits 16 bits. A name given to
/// [`Rule::set_target_name`] past that reads back empty.
fn small<T: TryFrom<usize> + Default>(value: usize) -> T {
    T::try_from(value).unwrap_or_default()
}

impl RuleBuilder {
    /// Room for `items` records and `text` bytes (see [`Self::size`]), for a command that
    /// starts at `base`; names `known` numbers are kept as numbers.
    pub(crate) fn with_capacity(
        items: usize,
        text: usize,
        base: u32,
        known: Option<&'static KnownNames>,
    ) -> Self {
        RuleBuilder {
            items: Vec::with_capacity(items),
            text: String::with_capacity(text),
            base,
            lengths: [0; 3],
            flags: 0,
            known,
        }
    }

    /// The records and text bytes a match or target with `options` takes at most (known
    /// names take none).
    pub(crate) fn size(name: &str, options: &[Opt]) -> (usize, usize) {
        let mut items = 1;
        let mut text = name.len();
        for o in options {
            items += 1 + o.args.len().saturating_sub(1);
            text += o.name.len() + o.args.iter().map(String::len).sum::<usize>();
        }
        (items, text)
    }

    /// Where `range` is, from the command's start.
    fn offset(&self, range: TextRange) -> (u16, u16) {
        (
            small(range.start().saturating_sub(self.base) as usize),
            small(range.len() as usize),
        )
    }

    /// `-i`, `-o` and `-p` (first in the text, in that order).
    pub(crate) fn fields(
        &mut self,
        in_iface: Option<Neg<&str>>,
        out_iface: Option<Neg<&str>>,
        protocol: Option<Neg<&str>>,
    ) {
        for (which, field) in [in_iface, out_iface, protocol].into_iter().enumerate() {
            if let Some(field) = field {
                let (given, negated) = FIELD_BITS[which];
                self.flags |= given;
                if field.negated {
                    self.flags |= negated;
                }
                self.lengths[which] = small(field.value.len());
                self.text.push_str(field.value);
            }
        }
    }

    /// `-f`.
    pub(crate) fn fragment(&mut self, fragment: Option<bool>) {
        if let Some(negated) = fragment {
            self.flags |= FRAGMENT_GIVEN;
            if negated {
                self.flags |= FRAGMENT_NEGATED;
            }
        }
    }

    /// A record whose name and value are pushed onto the text now.
    fn push(
        &mut self,
        kind: Kind,
        name: &Name,
        value: &str,
        range: TextRange,
        count: u16,
        flag: bool,
    ) {
        let start = small(self.text.len());
        // Only a name from a table (`Cow::Borrowed`) may be known: the others (user chains,
        // unknown modules) are not looked up.
        let known = match (self.known, name) {
            (Some(known), Cow::Borrowed(name)) if !name.is_empty() => known.id_of_static(name),
            _ => None,
        };
        let name_len = match known {
            Some(id) => id,
            // A name of up to 65,535 bytes (a command is at most that long: see
            // `parse_command`).
            None => {
                self.text.push_str(name);
                small(name.len())
            }
        };
        self.text.push_str(value);
        let (at, len) = self.offset(range);
        self.items.push(Item {
            start,
            name_len,
            value_len: small(value.len()),
            at,
            len,
            count,
            kind,
            known: known.is_some(),
            flag,
        });
    }

    fn push_head(
        &mut self,
        kind: Kind,
        name: &Name,
        flag: bool,
        range: TextRange,
        options: &[Opt],
    ) {
        let head = self.items.len();
        self.push(kind, name, "", range, 0, flag);
        for o in options {
            let mut args = o.args.iter();
            let first = args.next().map_or("", String::as_str);
            self.push(
                Kind::Opt,
                &o.name,
                first,
                o.range,
                small(o.args.len()),
                o.negated,
            );
            for arg in args {
                self.push(Kind::Arg, &Name::Borrowed(""), arg, o.range, 0, false);
            }
        }
        self.items[head].count = small(self.items.len() - head - 1);
    }

    /// The next match.
    pub(crate) fn push_match(
        &mut self,
        name: &Name,
        implicit: bool,
        range: TextRange,
        options: &[Opt],
    ) {
        self.push_head(Kind::Match, name, implicit, range, options);
    }

    /// The target (before every match: see [`Body::data`]).
    pub(crate) fn push_target(
        &mut self,
        name: &Name,
        goto: bool,
        range: TextRange,
        options: &[Opt],
    ) {
        self.push_head(Kind::Target, name, goto, range, options);
    }

    /// The rule, with its address fields.
    pub(crate) fn finish(
        self,
        source: Option<Neg<Addresses>>,
        destination: Option<Neg<Addresses>>,
        set_counters: Option<Box<(u64, u64)>>,
    ) -> Rule {
        let mut rule = Rule {
            body: Body {
                data: pack(&self.items, self.text.as_bytes()),
                base: self.base,
                lengths: self.lengths,
                flags: self.flags,
            },
            ..Rule::default()
        };
        // Placed directly (not through the setters): every rule of a file passes here.
        let mut rare = Rare::default();
        match inline_v4(&source) {
            Some((addr, len)) => {
                (rule.source_addr, rule.source_len) = (addr, len);
                rule.inline |= SOURCE_INLINE;
            }
            None => rare.source = source,
        }
        match inline_v4(&destination) {
            Some((addr, len)) => {
                (rule.destination_addr, rule.destination_len) = (addr, len);
                rule.inline |= DESTINATION_INLINE;
            }
            None => rare.destination = destination,
        }
        rare.set_counters = set_counters.map(|counters| *counters);
        if !rare.is_empty() {
            rule.rare = Some(Box::new(rare));
        }
        rule
    }
}

/// A rule's data: the number of `items`, the items encoded, then `text`, in one exact
/// allocation (a record count fits 16 bits: a line of at most 10,240 bytes has fewer words).
fn pack(items: &[Item], text: &[u8]) -> Box<[u8]> {
    let mut data = Vec::with_capacity(COUNT_BYTES + items.len() * ITEM_BYTES + text.len());
    data.extend_from_slice(&small::<u16>(items.len()).to_le_bytes());
    for item in items {
        data.extend_from_slice(&item.encode());
    }
    data.extend_from_slice(text);
    data.into_boxed_slice()
}

impl Rule {
    /// `-s`, one entry per comma-separated address (iptables makes one rule of each); built
    /// on the fly (no allocation for one network).
    pub fn source(&self) -> Option<Neg<Addresses>> {
        self.source_ref().to_owned()
    }

    /// `-d`.
    pub fn destination(&self) -> Option<Neg<Addresses>> {
        self.destination_ref().to_owned()
    }

    /// `-s`, borrowed.
    pub fn source_ref(&self) -> AddrRef<'_> {
        if self.inline & SOURCE_INLINE != 0 {
            return AddrRef::Net(v4(self.source_addr, self.source_len));
        }
        addr_ref(self.rare.as_ref().and_then(|r| r.source.as_ref()))
    }

    /// `-d`, borrowed.
    pub fn destination_ref(&self) -> AddrRef<'_> {
        if self.inline & DESTINATION_INLINE != 0 {
            return AddrRef::Net(v4(self.destination_addr, self.destination_len));
        }
        addr_ref(self.rare.as_ref().and_then(|r| r.destination.as_ref()))
    }

    /// Replace `-s`.
    pub fn set_source(&mut self, field: Option<Neg<Addresses>>) {
        let inline = inline_v4(&field);
        (self.source_addr, self.source_len) = inline.unwrap_or_default();
        self.inline =
            (self.inline & !SOURCE_INLINE) | if inline.is_some() { SOURCE_INLINE } else { 0 };
        let boxed = if inline.is_some() { None } else { field };
        self.set_rare(|r| r.source = boxed);
    }

    /// Replace `-d`.
    pub fn set_destination(&mut self, field: Option<Neg<Addresses>>) {
        let inline = inline_v4(&field);
        (self.destination_addr, self.destination_len) = inline.unwrap_or_default();
        self.inline = (self.inline & !DESTINATION_INLINE)
            | if inline.is_some() {
                DESTINATION_INLINE
            } else {
                0
            };
        let boxed = if inline.is_some() { None } else { field };
        self.set_rare(|r| r.destination = boxed);
    }

    /// `-c P B`.
    pub fn set_counters(&self) -> Option<(u64, u64)> {
        self.rare.as_ref().and_then(|r| r.set_counters)
    }

    /// Change the rare fields, keeping the box only while something is in it.
    fn set_rare(&mut self, change: impl FnOnce(&mut Rare)) {
        match &mut self.rare {
            Some(rare) => {
                change(rare);
                if rare.is_empty() {
                    self.rare = None;
                }
            }
            None => {
                let mut rare = Rare::default();
                change(&mut rare);
                if !rare.is_empty() {
                    self.rare = Some(Box::new(rare));
                }
            }
        }
    }

    /// `-i`.
    pub fn in_iface(&self) -> Option<Field<'_>> {
        self.body.field(0)
    }

    /// `-o`.
    pub fn out_iface(&self) -> Option<Field<'_>> {
        self.body.field(1)
    }

    /// `-f`: `Some(negated)` when given.
    pub fn fragment(&self) -> Option<bool> {
        (self.body.flags & FRAGMENT_GIVEN != 0).then_some(self.body.flags & FRAGMENT_NEGATED != 0)
    }

    /// `-p`, canonical (`tcp`, `udp`, `ipv6-icmp`, a number, or `all`).
    pub fn protocol(&self) -> Option<Field<'_>> {
        self.body.field(2)
    }

    /// The matches, in order.
    pub fn matches(&self) -> Matches<'_> {
        Matches {
            body: &self.body,
            at: self.body.target_items(),
            end: self.body.len(),
        }
    }

    /// The first match called `name`.
    pub fn find_match(&self, name: &str) -> Option<MatchRef<'_>> {
        self.matches().find(|m| m.name == name)
    }

    /// `-j`/`-g`.
    pub fn target(&self) -> Option<TargetRef<'_>> {
        if self.body.len() == 0 {
            return None;
        }
        let item = self.body.item(0);
        if item.kind != Kind::Target {
            return None;
        }
        Some(TargetRef {
            name: self.body.name(&item),
            goto: item.flag,
            range: self.body.range(&item),
            options: Options::of(&self.body, 0),
        })
    }

    /// Rename the target (`-E` renames the chains rules jump to).
    pub fn set_target_name(&mut self, name: &str) {
        if self.body.target_items() == 0 {
            return;
        }
        let mut items: Vec<Item> = (0..self.body.len()).map(|at| self.body.item(at)).collect();
        let mut text = self.body.text().to_vec();
        let start = small(text.len());
        text.extend_from_slice(name.as_bytes());
        let target = &mut items[0];
        target.start = start;
        target.name_len = small(name.len());
        target.known = false;
        target.value_len = 0;
        self.body.data = pack(&items, &text);
    }
}

/// Rules are equal when they read the same, whatever the layout of their packed text.
impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.source_ref() == other.source_ref()
            && self.destination_ref() == other.destination_ref()
            && self.fragment() == other.fragment()
            && self.set_counters() == other.set_counters()
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
        let item = self.body.item(at);
        self.at += 1 + usize::from(item.count);
        Some(MatchRef {
            name: self.body.name(&item),
            implicit: item.flag,
            range: self.body.range(&item),
            options: Options::of(self.body, at),
        })
    }

    // Exact, as `ExactSizeIterator` requires: the matches left, counted by walking their
    // records (a rule has a handful).
    fn size_hint(&self) -> (usize, Option<usize>) {
        let mut at = self.at;
        let mut count = 0;
        while at < self.end {
            at += 1 + usize::from(self.body.item(at).count);
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
            end: head + 1 + usize::from(body.item(head).count),
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
        let item = self.body.item(at);
        let count = usize::from(item.count);
        self.at += 1 + count.saturating_sub(1);
        Some(OptRef {
            name: self.body.name(&item),
            negated: item.flag,
            range: self.body.range(&item),
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
        (index < self.len).then(|| self.body.value(&self.body.item(self.at + index)))
    }

    /// The first argument.
    pub fn first(&self) -> Option<&'r str> {
        self.get(0)
    }

    /// In order.
    pub fn iter(&self) -> impl Iterator<Item = &'r str> + Clone + 'r {
        let (body, at) = (self.body, self.at);
        (0..self.len).map(move |i| body.value(&body.item(at + i)))
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
    fn known_names_are_numbers_and_the_rest_is_text_that_reads_back() {
        // An unknown module is a finding (a risk), but its rule is kept as written.
        let text = "*filter\n:INPUT ACCEPT [0:0]\n:web - [0:0]\n-A INPUT -m conntrack \
                    --ctstate NEW -m comment --comment \"é ü\" -m mystery --odd 1 -j web\n\
                    COMMIT\n";
        let file = parse(text, Family::V4);
        let r = match &file.lines[3].kind {
            LineKind::Command(command) => Rule::clone(&command.rule),
            other => panic!("not a command: {other:?}"),
        };
        // `conntrack`, `ctstate`, `comment` (twice) are table names: not in the text, which
        // holds the arguments, the unknown module's names and the chain target.
        let text = std::str::from_utf8(r.body.text()).expect("UTF-8 text");
        assert!(
            !text.contains("conntrack") && !text.contains("ctstate"),
            "{text}"
        );
        assert!(text.contains("mystery") && text.contains("odd") && text.contains("web"));
        let names: Vec<&str> = r.matches().map(|m| m.name).collect();
        assert_eq!(names, ["conntrack", "comment", "mystery"]);
        let m = r.find_match("conntrack").expect("conntrack");
        assert_eq!(m.opt("ctstate").and_then(|o| o.args.first()), Some("NEW"));
        let comment = r.find_match("comment").and_then(|m| m.opt("comment"));
        assert_eq!(comment.and_then(|o| o.args.first()), Some("\"é ü\""));
        let odd = r.find_match("mystery").and_then(|m| m.opt("odd"));
        assert_eq!(odd.and_then(|o| o.args.first()), Some("1"));
        assert_eq!(r.target().map(|t| t.name), Some("web"));
        // Renaming the target re-packs the rule; everything else reads as before.
        let mut renamed = r.clone();
        renamed.set_target_name("other");
        assert_eq!(renamed.target().map(|t| t.name), Some("other"));
        assert_eq!(
            renamed.matches().collect::<Vec<_>>(),
            r.matches().collect::<Vec<_>>()
        );
    }

    #[test]
    fn positions_are_read_back_in_the_file_past_a_counters_prefix() {
        let text = "*filter\n:INPUT ACCEPT [0:0]\n[3:4] -A INPUT -p tcp ! --dport 22 \
                    -m conntrack --ctstate NEW -j LOG --log-prefix x\nCOMMIT\n";
        let file = parse(text, Family::V4);
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        let LineKind::Command(command) = &file.lines[2].kind else {
            panic!("not a command: {:?}", file.lines[2].kind);
        };
        assert_eq!(command.counters(), Some((3, 4)));
        let r = &command.rule;
        let at = |range: TextRange| &text[range.as_range()];
        let tcp = r.find_match("tcp").expect("tcp");
        assert_eq!(at(tcp.range), "--dport");
        assert_eq!(at(tcp.opt("dport").expect("dport").range), "--dport");
        let conntrack = r.find_match("conntrack").expect("conntrack");
        assert_eq!(at(conntrack.range), "-m conntrack");
        assert_eq!(
            at(conntrack.opt("ctstate").expect("ctstate").range),
            "--ctstate"
        );
        let target = r.target().expect("target");
        assert_eq!(at(target.range), "-j LOG");
        let prefix = target.opt("log-prefix").expect("log-prefix");
        assert_eq!(
            (at(prefix.range), prefix.args.first()),
            ("--log-prefix", Some("x"))
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

    /// The rule of the one command in `text` (a whole file of `family`), whatever problems
    /// the file has (a host name is a risk, not a refusal).
    fn only_rule(text: &str, family: Family) -> Rule {
        let file = parse(text, family);
        file.lines
            .iter()
            .find_map(|line| match &line.kind {
                LineKind::Command(command) => Some(Rule::clone(&command.rule)),
                _ => None,
            })
            .expect("a command")
    }

    #[test]
    fn every_address_form_is_kept_as_parsed_inline_or_boxed() {
        let v4 = |spec: &str| {
            only_rule(
                &format!("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT {spec}\nCOMMIT\n"),
                Family::V4,
            )
        };
        // (spec, canonical form, whether `-s` sits inline)
        let cases = [
            ("-s 10.0.0.5/24 -j DROP", "-s 10.0.0.0/24 -j DROP", true),
            (
                "-s 1.2.3.4 -d 0.0.0.0/0 -j DROP",
                "-s 1.2.3.4/32 -d 0.0.0.0/0 -j DROP",
                true,
            ),
            ("! -s 10.0.0.0/8 -j DROP", "! -s 10.0.0.0/8 -j DROP", false),
            (
                "-s 10.0.0.1,10.0.0.2 -j DROP",
                "-s 10.0.0.1/32 -j DROP",
                false,
            ),
            (
                "-d 10.0.12.0/255.0.255.0 -j DROP",
                "-d 10.0.12.0/255.0.255.0 -j DROP",
                false,
            ),
            ("-s example.com -j DROP", "-s example.com -j DROP", false),
        ];
        for (spec, canonical, inline) in cases {
            let rule = v4(spec);
            assert_eq!(crate::printer::specs(&rule)[0], canonical, "{spec}");
            assert_eq!(rule.inline & SOURCE_INLINE != 0, inline, "{spec}");
            // What the setters store reads back the same, through either path.
            let mut copy = rule.clone();
            copy.set_source(rule.source());
            copy.set_destination(rule.destination());
            assert_eq!(copy, rule, "{spec}");
            assert_eq!(copy.source(), rule.source(), "{spec}");
            assert_eq!(crate::printer::specs(&copy), crate::printer::specs(&rule));
        }
        let list = v4("-s 10.0.0.1,10.0.0.2 -j DROP");
        assert_eq!(crate::printer::specs(&list).len(), 2);
        assert!(matches!(list.source_ref(), AddrRef::Other(n) if n.value.len() == 2));
        assert!(matches!(v4("! -s 1.2.3.4 -j DROP").source_ref(), AddrRef::Other(n) if n.negated));
        assert_eq!(v4("-j DROP").source_ref(), AddrRef::Absent);
        assert!(v4("-j DROP").rare.is_none() && v4("-s 1.2.3.4 -j DROP").rare.is_none());
        // An IPv6 network is one network too, kept in the box.
        let v6 = only_rule(
            "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 2001:db8::1/32 -j DROP\nCOMMIT\n",
            Family::V6,
        );
        assert_eq!(
            v6.source_ref().net(),
            Some("2001:db8::/32".parse::<IpNet>().expect("net"))
        );
        assert_eq!(crate::printer::specs(&v6)[0], "-s 2001:db8::/32 -j DROP");
        // `-c` shares the box with the rare addresses and survives their change.
        let mut counted = v4("-c 3 4 -s 1.2.3.4 -j DROP");
        assert_eq!(counted.set_counters(), Some((3, 4)));
        counted.set_source(None);
        counted.set_destination(v4("! -d 10.0.0.0/8 -j DROP").destination());
        assert_eq!(counted.set_counters(), Some((3, 4)));
        assert!(counted.source_ref().is_absent());
        counted.set_destination(None);
        assert_eq!(counted.set_counters(), Some((3, 4)));
        let mut plain = v4("-s 1.2.3.4 -j DROP");
        plain.set_source(v4("! -s 1.2.3.4 -j DROP").source());
        plain.set_source(v4("-s 1.2.3.4 -j DROP").source());
        assert!(plain.rare.is_none(), "an emptied box is dropped");
    }
}
