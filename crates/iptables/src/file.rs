//! A whole restore file, line by line, as iptables-restore reads it: lossless (each line keeps
//! its byte range), with every problem found, classified as a syntax error (the line cannot be
//! read), a restore failure (it reads, but iptables-restore or the kernel refuses it) or a risk
//! (it loads, but probably not as meant).

use gblint_diagnostics::TextRange;

use crate::command::{parse_command, ChainNames, Command};
use crate::lexer::{words_into, Word};
use crate::rule::Family;

/// The tables iptables-restore accepts.
pub const TABLES: &[&str] = &["filter", "nat", "mangle", "raw", "security"];

/// Built-in chains of each table, in the order iptables-save prints them.
pub fn builtin_chains(table: &str) -> &'static [&'static str] {
    match table {
        "filter" => &["INPUT", "FORWARD", "OUTPUT"],
        "nat" => &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        "mangle" => &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        "raw" => &["PREROUTING", "OUTPUT"],
        "security" => &["INPUT", "FORWARD", "OUTPUT"],
        _ => &[],
    }
}

/// One of [`TABLES`], as a byte: every line records the table open at it ([`Line::table`]),
/// and a name per line (a shared string took 16 bytes) was a visible share of a large dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TableName {
    /// `filter`.
    Filter,
    /// `nat`.
    Nat,
    /// `mangle`.
    Mangle,
    /// `raw`.
    Raw,
    /// `security`.
    Security,
}

impl TableName {
    /// The table called `name`, if iptables-restore knows it.
    pub fn from_name(name: &str) -> Option<TableName> {
        Some(match name {
            "filter" => TableName::Filter,
            "nat" => TableName::Nat,
            "mangle" => TableName::Mangle,
            "raw" => TableName::Raw,
            "security" => TableName::Security,
            _ => return None,
        })
    }

    /// Its name, as in [`TABLES`].
    pub fn as_str(self) -> &'static str {
        match self {
            TableName::Filter => "filter",
            TableName::Nat => "nat",
            TableName::Mangle => "mangle",
            TableName::Raw => "raw",
            TableName::Security => "security",
        }
    }
}

/// Which iptables-save wrote the file, from its header comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `iptables-save vX` or `(legacy)`.
    Legacy,
    /// `iptables-save vX (nf_tables)`.
    Nft,
    /// No header (hand-written or generated restore input).
    Unknown,
}

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The line cannot be read as restore input.
    Syntax,
    /// iptables-restore (or the kernel, on commit) refuses it.
    Restore,
    /// It loads, but likely not as meant (or cannot be verified offline).
    Risk,
}

/// A problem on a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Kind.
    pub kind: ProblemKind,
    /// Message, with iptables' wording where known.
    pub message: String,
    /// Where.
    pub range: TextRange,
    /// 1-based line.
    pub line: u32,
}

/// What a line is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Empty.
    Blank,
    /// `#` in column 0.
    Comment,
    /// `*table` (one of [`TABLES`]).
    Table(&'static str),
    /// `:CHAIN POLICY [p:b]` (boxed: a file has few, and every line is as large as its
    /// largest kind).
    Chain(Box<ChainLine>),
    /// `COMMIT`.
    Commit,
    /// A command (`-A …`), inline: nearly every line of a large file is one, and a box per
    /// command cost a pointer and an allocation each.
    Command(Command),
    /// A `-4`/`-6` command for the other family (skipped by iptables-restore).
    OtherFamily,
    /// A line that could not be read (see the file's problems).
    Invalid,
}

/// A `:CHAIN POLICY [p:b]` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainLine {
    /// Chain name.
    pub name: String,
    /// `ACCEPT`, `DROP` or `-`.
    pub policy: String,
    /// Range of the chain name.
    pub name_range: TextRange,
}

/// One physical line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// 1-based number.
    pub number: u32,
    /// The line's bytes, without its newline.
    pub range: TextRange,
    /// What it is.
    pub kind: LineKind,
    /// The table open at this line (for commands and chain lines).
    pub table: Option<TableName>,
}

/// A parsed restore file.
#[derive(Clone, Debug)]
pub struct RulesFile {
    /// Every line, in order.
    pub lines: Vec<Line>,
    /// Every problem found.
    pub problems: Vec<Problem>,
    /// The family it was read as.
    pub family: Family,
    /// Which tool wrote it.
    pub dialect: Dialect,
    /// Whether the text ends with a newline.
    pub final_newline: bool,
}

impl RulesFile {
    /// The text again, from the line ranges: `print(parse(x)) == x`.
    pub fn print(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for (i, line) in self.lines.iter().enumerate() {
            out.push_str(&text[line.range.as_range()]);
            if i + 1 < self.lines.len() || self.final_newline {
                out.push('\n');
            }
        }
        out
    }

    /// Problems of a kind.
    pub fn problems_of(&self, kind: ProblemKind) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.kind == kind)
    }
}

/// Match extensions of iptables 1.8.9 that gblint keeps opaque (no spec), so an unknown name
/// can be told from a real one.
const OTHER_MATCHES: &[&str] = &[
    "bpf",
    "cgroup",
    "cluster",
    "connbytes",
    "connlabel",
    "cpu",
    "devgroup",
    "dst",
    "ecn",
    "hbh",
    "helper",
    "ipcomp",
    "ipv6header",
    "ipvs",
    "nfacct",
    "osf",
    "pkttype",
    "policy",
    "quota",
    "rateest",
    "realm",
    "rpfilter",
    "rt",
    "socket",
    "srh",
    "statistic",
    "string",
    "time",
    "u32",
    "frag",
    "mh",
    "esp",
    "ah",
    "eui64",
    "dscp",
    "tos",
    "ttl",
    "hl",
    "length",
    "tcpmss",
    "sctp",
    "dccp",
    "hashlimit",
    "connlimit",
    "iprange",
    "l2tp",
];

/// Longest line iptables-restore reads.
const MAX_LINE: usize = 10240;
/// Longest argument.
const MAX_WORD: usize = 1023;

/// Parse restore input for `family`.
pub fn parse(text: &str, family: Family) -> RulesFile {
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let mut table: Option<(TableName, u32)> = None;
    let mut chains = ChainNames::default();
    // One word vector for every line.
    let mut buffer = Vec::with_capacity(16);
    let final_newline = text.is_empty() || text.ends_with('\n');
    let body = text.strip_suffix('\n').unwrap_or(text);
    let mut dialect = Dialect::Unknown;
    let mut offset = 0usize;
    // Counted first (the text is in memory): the line vector is allocated once, exactly.
    // Newlines are found with memchr's vector search, as the line index does.
    let count = if text.is_empty() {
        0
    } else {
        memchr::memchr_iter(b'\n', body.as_bytes()).count() + 1
    };
    lines.reserve_exact(count);
    let mut rest = body;
    for index in 0..count {
        let raw = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(at) => {
                let line = &rest[..at];
                rest = &rest[at + 1..];
                line
            }
            None => std::mem::take(&mut rest),
        };
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let range = TextRange::from_usize(offset, offset + raw.len());
        let has_newline = index + 1 < count || final_newline;
        offset += raw.len() + 1;
        let mut problem = |kind: ProblemKind, message: String, at: TextRange| {
            problems.push(Problem {
                kind,
                message,
                range: at,
                line: number,
            })
        };
        let kind = classify(
            raw,
            range,
            has_newline,
            family,
            &mut table,
            &mut dialect,
            number,
            &mut chains,
            &mut buffer,
            &mut problem,
        );
        lines.push(Line {
            number,
            range,
            kind,
            table: table.map(|(name, _)| name),
        });
    }
    if let Some((name, _)) = &table {
        let end = TextRange::empty(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let last = u32::try_from(lines.len()).unwrap_or(u32::MAX);
        problems.push(Problem {
            kind: ProblemKind::Restore,
            message: format!(
                "COMMIT expected at line {}: table `{}' is never committed",
                last + 1,
                name.as_str()
            ),
            range: end,
            line: last.max(1),
        });
    }
    if !final_newline {
        let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
        problems.push(Problem {
            kind: ProblemKind::Restore,
            message: "the last line has no newline: iptables-legacy-restore fails on it".into(),
            range: TextRange::empty(end),
            line: u32::try_from(lines.len()).unwrap_or(u32::MAX),
        });
    }
    RulesFile {
        lines,
        problems,
        family,
        dialect,
        final_newline,
    }
}

#[allow(clippy::too_many_arguments)]
fn classify<'s>(
    raw: &'s str,
    range: TextRange,
    has_newline: bool,
    family: Family,
    table: &mut Option<(TableName, u32)>,
    dialect: &mut Dialect,
    number: u32,
    chains: &mut ChainNames,
    buffer: &mut Vec<Word<'s>>,
    problem: &mut dyn FnMut(ProblemKind, String, TextRange),
) -> LineKind {
    if raw.is_empty() {
        return LineKind::Blank;
    }
    if raw.len() > MAX_LINE {
        problem(
            ProblemKind::Syntax,
            format!(
                "line is {} bytes, longer than iptables-restore's {MAX_LINE}",
                raw.len()
            ),
            range,
        );
        return LineKind::Invalid;
    }
    if raw.ends_with('\r') {
        problem(ProblemKind::Restore, "line ends with a carriage return (CRLF): iptables-restore reads it as part of the line".into(), TextRange::new(range.end() - 1, range.end()));
        return LineKind::Invalid;
    }
    if let Some(comment) = raw.strip_prefix('#') {
        if *dialect == Dialect::Unknown && comment.starts_with(" Generated by ") {
            *dialect = if comment.contains("(nf_tables)") {
                Dialect::Nft
            } else {
                Dialect::Legacy
            };
        }
        return LineKind::Comment;
    }
    if let Some(rest) = raw.strip_prefix('*') {
        if table.is_some() {
            problem(
                ProblemKind::Syntax,
                format!("`*{rest}' inside a table: COMMIT the open table first"),
                range,
            );
            return LineKind::Invalid;
        }
        let name = rest.split([' ', '\t']).next().unwrap_or("");
        let Some(id) = TableName::from_name(name) else {
            problem(
                ProblemKind::Syntax,
                format!("table name '{name}' invalid"),
                range,
            );
            return LineKind::Invalid;
        };
        *table = Some((id, number));
        return LineKind::Table(id.as_str());
    }
    if raw == "COMMIT" {
        if table.take().is_none() {
            problem(
                ProblemKind::Restore,
                "COMMIT without an open table".into(),
                range,
            );
            return LineKind::Invalid;
        }
        return LineKind::Commit;
    }
    if raw.starts_with("COMMIT") {
        problem(ProblemKind::Restore, "`COMMIT' must be alone on its line (trailing characters make iptables-restore read a command)".into(), range);
        return LineKind::Invalid;
    }
    let Some((table_name, _)) = table.as_ref() else {
        problem(
            ProblemKind::Restore,
            "rule outside a table: no `*table' line is open".into(),
            range,
        );
        return LineKind::Invalid;
    };
    let table_name: &str = table_name.as_str();
    words_into(buffer, raw, range.start() as usize, has_newline);
    let words = buffer;
    if let Some(long) = words.iter().find(|w| w.value.len() > MAX_WORD) {
        problem(
            ProblemKind::Syntax,
            "Parameter too long!".into(),
            long.range,
        );
        return LineKind::Invalid;
    }
    for word in words.iter() {
        if word.unterminated {
            problem(ProblemKind::Risk, "unterminated `\"': the quote runs to the end of the line and takes everything after it (the rule loads without what follows)".into(), word.range);
        } else if !word.quoted
            && word.value.starts_with('\'')
            && word.value.ends_with('\'')
            && word.value.len() > 1
        {
            problem(ProblemKind::Risk, format!("single quotes are not quotes for iptables-restore: the value is `{}' with the quotes", word.value), word.range);
        }
    }
    if let Some(rest) = raw.strip_prefix(':') {
        let parts: Vec<&str> = rest.split([' ', '\t']).filter(|p| !p.is_empty()).collect();
        let name = parts.first().copied().unwrap_or("");
        let name_range = TextRange::from_usize(
            range.start() as usize + 1,
            range.start() as usize + 1 + name.len(),
        );
        if name.is_empty() || name.len() > 28 {
            problem(
                ProblemKind::Syntax,
                format!("invalid chain name `{name}'"),
                range,
            );
            return LineKind::Invalid;
        }
        let policy = parts.get(1).copied().unwrap_or("");
        let builtin = builtin_chains(table_name).contains(&name);
        let valid_policy = if builtin {
            matches!(policy, "ACCEPT" | "DROP" | "-")
        } else {
            policy == "-"
        };
        if !valid_policy {
            problem(
                ProblemKind::Restore,
                format!("Bad policy name `{policy}' for chain `{name}'"),
                range,
            );
            return LineKind::Invalid;
        }
        if policy == "-" {
            // iptables-restore reads nothing after a `-' policy (not even with -c).
            if let Some(extra) = parts.get(2).filter(|word| parse_counters(word).is_none()) {
                problem(
                    ProblemKind::Risk,
                    format!("`{extra}' after the `-' policy is ignored: a user-defined chain has no policy, its packets return to the calling chain"),
                    range,
                );
            }
        } else if let Some(counters) = parts.get(2) {
            if parse_counters(counters).is_none() {
                // Only `iptables-restore -c` reads them (and then fails).
                problem(
                    ProblemKind::Risk,
                    format!(
                        "invalid policy counters `{counters}' (iptables-restore -c refuses them)"
                    ),
                    range,
                );
            }
        }
        return LineKind::Chain(Box::new(ChainLine {
            name: name.to_owned(),
            policy: policy.to_owned(),
            name_range,
        }));
    }
    let mut counters = None;
    if raw.starts_with('[') {
        let first = words.first().map(|w| w.value.clone()).unwrap_or_default();
        match parse_counters(&first) {
            Some(c) => {
                counters = Some(c);
                words.remove(0);
            }
            None => {
                problem(
                    ProblemKind::Risk,
                    format!("bad counters `{first}' (iptables-restore -c refuses them)"),
                    range,
                );
                words.remove(0);
            }
        }
    }
    if words.is_empty() {
        problem(
            ProblemKind::Restore,
            "no command specified (a line of blanks is not an empty line)".into(),
            range,
        );
        return LineKind::Invalid;
    }
    match &*words[0].value {
        "-4" | "--ipv4" => {
            if family == Family::V6 {
                return LineKind::OtherFamily;
            }
            words.remove(0);
        }
        "-6" | "--ipv6" => {
            if family == Family::V4 {
                return LineKind::OtherFamily;
            }
            words.remove(0);
        }
        _ => {}
    }
    if let Some(hash) = words.iter().find(|w| w.value.starts_with('#') && !w.quoted) {
        problem(
            ProblemKind::Syntax,
            format!(
                "Bad argument `{}': `#' starts a comment only in the first column",
                hash.value
            ),
            hash.range,
        );
        return LineKind::Invalid;
    }
    match parse_command(words, family, table_name, counters, chains) {
        Ok(command) => {
            if table_name == "nat" && command.rule.target().is_some_and(|t| t.name == "DROP") {
                let at = command.rule.target().map_or(range, |t| t.range);
                problem(ProblemKind::Restore, "The \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.".into(), at);
            }
            for m in command.rule.matches() {
                if crate::modules::find_match(m.name, family).is_none()
                    && !OTHER_MATCHES.contains(&m.name)
                {
                    problem(ProblemKind::Risk, format!("unknown match `{}': iptables 1.8.9 has no such extension (`Couldn't load match`)", m.name), m.range);
                }
            }
            for field in [command.rule.source_ref(), command.rule.destination_ref()]
                .into_iter()
                .filter_map(|field| match field {
                    crate::rule::AddrRef::Other(neg) => Some(neg),
                    _ => None,
                })
            {
                for address in field.value.iter() {
                    if let crate::rule::Address::Host(host) = address {
                        problem(ProblemKind::Risk, format!("`{host}' is a host name: iptables-restore resolves it with DNS at load time (boot may have no DNS yet), and gblint cannot check it"), command.range);
                    }
                }
            }
            LineKind::Command(command)
        }
        Err(error) => {
            let kind = if error.placement {
                ProblemKind::Restore
            } else {
                ProblemKind::Syntax
            };
            problem(kind, error.message, error.range);
            LineKind::Invalid
        }
    }
}

fn parse_counters(text: &str) -> Option<(u64, u64)> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    let (a, b) = inner.split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}
