//! RFC 1035 zone files ("master files", RFC 1035 §5), as CoreDNS's `file` and `auto` plugins
//! read them through miekg/dns: `$TTL` (RFC 2308), `$INCLUDE`, and BIND's `$GENERATE`.
//!
//! The linter needs two things from a zone: the records (to check that every Caddy site has
//! an address) and precise places for problems. So [`parse`] keeps the physical lines for a
//! byte-exact [`ZoneFile::print`], resolves owners the way a server would (`@`, relative
//! names, the carried-over owner of an indented line, `$ORIGIN` as it stands at that point)
//! and reports what a server would refuse as [`ZoneProblem`]s instead of stopping at the
//! first one. RDATA stays as written: only owners are made absolute.

mod lexer;
mod rdata;

use std::collections::HashMap;

use gblint_diagnostics::TextRange;

use lexer::{Kind, Token};
pub use rdata::{is_template_placeholder, parse_ttl};

/// A parsed zone file: its lines, its records and everything wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneFile {
    /// The physical lines, so the file can be printed back byte for byte.
    pub lines: Vec<ZoneLine>,
    /// Resource records in file order. `$GENERATE` is not expanded, so it adds none.
    pub records: Vec<Record>,
    /// What a server would reject or warn about, ordered by position.
    pub problems: Vec<ZoneProblem>,
    /// Whether the last line ends with a newline (the line table cannot say it otherwise).
    pub final_newline: bool,
    /// `$ORIGIN`, `$TTL`, `$INCLUDE` and `$GENERATE` lines in file order; the caller loads
    /// `$INCLUDE` files itself (see [`includes`]).
    pub directives: Vec<Directive>,
}

/// One physical line of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZoneLine {
    /// The line without its `\n` (a `\r` before it stays inside, so CRLF files print back).
    pub range: TextRange,
    /// 1-based line number.
    pub number: u32,
}

/// One resource record as the file states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Owner name: fully qualified, ASCII lower-case, with the trailing dot.
    pub owner: String,
    /// The TTL in effect: the record's own, else `$TTL`, else the last TTL stated on an
    /// earlier record (RFC 1035 §5.1); `None` when the file never says.
    pub ttl: Option<u32>,
    /// Class, upper-case: the record's own or the last one stated, `"IN"` by default.
    pub class: String,
    /// Type, upper-case (`"A"`, `"HTTPS"`, `"TYPE65534"`, …).
    pub rtype: String,
    /// RDATA words as written: quotes kept, names not made absolute.
    pub rdata: Vec<String>,
    /// Line where the entry starts.
    pub line: u32,
    /// The whole entry, parentheses and all continuation lines included.
    pub range: TextRange,
}

/// Something in the file that a DNS server would refuse or that breaks RFC 1034/1035.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneProblem {
    /// What is wrong, for a person.
    pub message: String,
    /// The word, bracket or entry concerned.
    pub range: TextRange,
    /// Line of `range`'s start.
    pub line: u32,
}

/// A `$` directive line that was understood (unknown ones are only problems).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The directive, upper-case: `"$ORIGIN"`, `"$TTL"`, `"$INCLUDE"` or `"$GENERATE"`.
    pub name: String,
    /// Its arguments as written.
    pub args: Vec<String>,
    /// The origin in effect just before the line; an `$INCLUDE` without an origin argument
    /// starts the included file with it.
    pub origin: String,
    /// Line where the directive starts.
    pub line: u32,
    /// The whole directive.
    pub range: TextRange,
}

impl ZoneFile {
    /// The file text rebuilt from the line table: equal to `text`, byte for byte, when `text`
    /// is the text this file was parsed from.
    pub fn print(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(text.get(line.range.as_range()).unwrap_or_default());
        }
        if self.final_newline {
            out.push('\n');
        }
        out
    }

    /// The SOA record owned by `origin` (any case, trailing dot optional), i.e. the apex SOA
    /// CoreDNS requires for a zone with that origin.
    pub fn soa(&self, origin: &str) -> Option<&Record> {
        let origin = normalise(origin);
        self.records
            .iter()
            .find(|r| r.rtype == "SOA" && r.owner == origin)
    }

    /// Whether `name` (any case, trailing dot optional) owns an A, AAAA or CNAME record, the
    /// records that make a host name resolve.
    pub fn has_address(&self, name: &str) -> bool {
        let name = normalise(name);
        self.records
            .iter()
            .any(|r| r.owner == name && is_address(r))
    }

    /// Whether a wildcard A, AAAA or CNAME record answers for `name` (RFC 4592, simplified).
    ///
    /// A wildcard only covers names that do not exist, so `name` must own no records and have
    /// no records below it (an empty non-terminal exists too). The wildcard that applies is
    /// the one directly under the closest existing ancestor: `*.b.example.` does not answer
    /// `x.a.b.example.` when `a.b.example.` exists.
    pub fn wildcard_covers(&self, name: &str) -> bool {
        let name = normalise(name);
        if name.is_empty() || self.exists(&name) {
            return false;
        }
        let mut ancestor = parent(&name);
        while let Some(candidate) = ancestor {
            if self.exists(candidate) {
                let wildcard = if candidate == "." {
                    "*.".to_owned()
                } else {
                    format!("*.{candidate}")
                };
                return self
                    .records
                    .iter()
                    .any(|r| r.owner == wildcard && is_address(r));
            }
            ancestor = parent(candidate);
        }
        false
    }

    /// Whether `name` owns records or has records below it.
    fn exists(&self, name: &str) -> bool {
        self.records.iter().any(|r| {
            r.owner == name
                || name == "."
                || r.owner
                    .strip_suffix(name)
                    .is_some_and(|head| head.ends_with('.'))
        })
    }
}

/// The `$INCLUDE` lines: file name (surrounding quotes removed), origin argument made
/// absolute against the origin in effect at that line (or `None`: the included file then
/// starts with [`Directive::origin`]), and the directive's range. The parser never reads
/// files, so the caller decides how to resolve and load them.
pub fn includes(file: &ZoneFile) -> Vec<(String, Option<String>, TextRange)> {
    file.directives
        .iter()
        .filter(|d| d.name == "$INCLUDE")
        .filter_map(|d| {
            let name = d.args.first()?;
            let origin = d
                .args
                .get(1)
                .map(|o| absolute_name(o, &d.origin).unwrap_or_else(|| o.to_ascii_lowercase()));
            Some((unquote(name).to_owned(), origin, d.range))
        })
        .collect()
}

/// Parse `text` as a zone file whose starting `$ORIGIN` is `origin` (the zone CoreDNS loads
/// it for; any case, trailing dot optional, `""` when unknown). Never fails and never
/// panics: whatever cannot be understood becomes a [`ZoneProblem`].
pub fn parse(text: &str, origin: &str) -> ZoneFile {
    let (lines, final_newline) = split_lines(text);
    let mut parser = Parser {
        text,
        line_starts: lines.iter().map(|l| l.range.start()).collect(),
        origin: normalise(origin),
        default_ttl: None,
        last_ttl: None,
        last_class: "IN".to_owned(),
        owner: Owner::None,
        records: Vec::new(),
        problems: Vec::new(),
        directives: Vec::new(),
    };
    parser.run(&lexer::tokenize(text));
    parser.check_cname_exclusivity();
    let mut problems = parser.problems;
    problems.sort_by_key(|p| p.range.start());
    ZoneFile {
        lines,
        records: parser.records,
        problems,
        final_newline,
        directives: parser.directives,
    }
}

/// Split at `\n` only; a file ending in `\n` has no empty last line, `final_newline` says so.
fn split_lines(text: &str) -> (Vec<ZoneLine>, bool) {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut number = 1u32;
    for (i, byte) in text.bytes().enumerate() {
        if byte == b'\n' {
            lines.push(ZoneLine {
                range: TextRange::from_usize(start, i),
                number,
            });
            number = number.saturating_add(1);
            start = i + 1;
        }
    }
    if start < text.len() {
        lines.push(ZoneLine {
            range: TextRange::from_usize(start, text.len()),
            number,
        });
    }
    (lines, text.ends_with('\n'))
}

/// A name as the API compares names: trimmed, ASCII lower-case, trailing dot added.
fn normalise(name: &str) -> String {
    let name = name.trim().to_ascii_lowercase();
    if name.is_empty() || rdata::is_absolute(&name) {
        name
    } else {
        name + "."
    }
}

/// `word` as an absolute lower-case name: `@` is the origin, a relative name gets the origin
/// appended. `None` when that needs an origin and there is none.
fn absolute_name(word: &str, origin: &str) -> Option<String> {
    if word == "@" {
        return (!origin.is_empty()).then(|| origin.to_owned());
    }
    let lower = word.to_ascii_lowercase();
    if rdata::is_absolute(&lower) {
        return Some(lower);
    }
    match origin {
        "" => None,
        "." => Some(lower + "."),
        origin => Some(format!("{lower}.{origin}")),
    }
}

/// The parent of an absolute name (`a.b.` → `b.`, `b.` → `.`, `.` → none), stepping over
/// escaped dots.
fn parent(name: &str) -> Option<&str> {
    if name == "." || name.is_empty() {
        return None;
    }
    let bytes = name.as_bytes();
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'\\' => i += 2,
            b'.' => {
                let rest = name.get(i + 1..)?;
                return Some(if rest.is_empty() { "." } else { rest });
            }
            _ => i += 1,
        }
    }
    None
}

fn is_address(record: &Record) -> bool {
    matches!(record.rtype.as_str(), "A" | "AAAA" | "CNAME")
}

fn unquote(word: &str) -> &str {
    word.strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .unwrap_or(word)
}

/// The owner an indented line reuses.
#[derive(Clone)]
enum Owner {
    /// No entry yet: an indented record has nothing to reuse.
    None,
    /// The last owner could not be resolved; that was reported already.
    Bad,
    /// The last owner, absolute.
    Name(String),
}

/// Parsing state that changes along the file, as a server reading it top to bottom keeps it.
struct Parser<'a> {
    text: &'a str,
    line_starts: Vec<u32>,
    origin: String,
    default_ttl: Option<u32>,
    last_ttl: Option<u32>,
    last_class: String,
    owner: Owner,
    records: Vec<Record>,
    problems: Vec<ZoneProblem>,
    directives: Vec<Directive>,
}

impl<'a> Parser<'a> {
    /// Group tokens into entries: a newline ends an entry unless a `(` is still open.
    fn run(&mut self, tokens: &[Token]) {
        let mut entry: Vec<Token> = Vec::new();
        let mut open: Vec<TextRange> = Vec::new();
        for token in tokens {
            match token.kind {
                Kind::Comment => {}
                Kind::Newline => {
                    if open.is_empty() {
                        self.entry(&entry);
                        entry.clear();
                    }
                }
                Kind::Open => {
                    if !open.is_empty() {
                        self.problem("nested `(`: parentheses do not nest", token.range);
                    }
                    open.push(token.range);
                    entry.push(*token);
                }
                Kind::Close => {
                    if open.pop().is_some() {
                        entry.push(*token);
                    } else {
                        self.problem("`)` without a matching `(`", token.range);
                    }
                }
                Kind::Word => {
                    if token.unterminated_quote {
                        self.problem(
                            "unterminated quoted string (a `\"` is still open at the end of the line)",
                            token.range,
                        );
                    }
                    entry.push(*token);
                }
            }
        }
        if let Some(&first) = open.first() {
            self.problem(
                "unbalanced parentheses: this `(` is never closed, so the entry runs to the end of the file",
                first,
            );
        }
        self.entry(&entry);
    }

    /// Interpret one entry: a directive or a record.
    fn entry(&mut self, tokens: &[Token]) {
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return;
        };
        let range = first.range.cover(last.range);
        let line = self.line_of(range.start());
        let words: Vec<(&'a str, TextRange)> = tokens
            .iter()
            .filter(|t| t.kind == Kind::Word)
            .map(|t| (self.slice(t.range), t.range))
            .collect();
        let Some(&(head, head_range)) = words.first() else {
            return;
        };
        if head.starts_with('$') {
            self.directive(&words, range, line);
            return;
        }
        // RFC 1035 §5.1: an entry whose line starts with a blank reuses the last owner.
        let blank_owner = first.kind == Kind::Open || !self.at_line_start(first.range.start());
        let (owner, rest) = if blank_owner {
            if matches!(self.owner, Owner::None) {
                self.problem(
                    "this line starts with a blank but no earlier record gives an owner to reuse",
                    head_range,
                );
                self.owner = Owner::Bad;
            }
            (self.owner.clone(), &words[..])
        } else {
            self.name_problem(head, head_range);
            self.owner = match absolute_name(head, &self.origin) {
                Some(name) => Owner::Name(name),
                None => Owner::Bad,
            };
            (self.owner.clone(), &words[1..])
        };

        // `[TTL] [class] type` with TTL and class in either order.
        let mut ttl = None;
        let mut saw_ttl = false;
        let mut class = None;
        let mut index = 0;
        let (rtype, rtype_range) = loop {
            let Some(&(word, word_range)) = rest.get(index) else {
                self.problem("missing record type", range);
                return;
            };
            if class.is_none() && rdata::is_class(word) {
                class = Some(word.to_ascii_uppercase());
            } else if !saw_ttl && word.starts_with(|c: char| c.is_ascii_digit()) {
                saw_ttl = true;
                ttl = parse_ttl(word);
                if ttl.is_none() {
                    self.problem(
                        format!("`{word}` is not a valid TTL (seconds, or units like 1h30m)"),
                        word_range,
                    );
                }
            } else {
                break (word.to_ascii_uppercase(), word_range);
            }
            index += 1;
        };
        if !rdata::is_known_type(&rtype) {
            self.problem(format!("unknown record type `{rtype}`"), rtype_range);
        }
        let fields: Vec<rdata::Field<'_>> = rest
            .get(index + 1..)
            .unwrap_or_default()
            .iter()
            .map(|&(text, range)| rdata::Field { text, range })
            .collect();
        for (message, at) in rdata::check(&rtype, &fields, !self.origin.is_empty(), range) {
            self.problem(message, at);
        }

        if ttl.is_some() {
            self.last_ttl = ttl;
        }
        let class = match class {
            Some(class) => {
                self.last_class.clone_from(&class);
                class
            }
            None => self.last_class.clone(),
        };
        if let Owner::Name(owner) = owner {
            self.records.push(Record {
                owner,
                ttl: ttl.or(self.default_ttl).or(self.last_ttl),
                class,
                rtype,
                rdata: fields.iter().map(|f| f.text.to_owned()).collect(),
                line,
                range,
            });
        }
    }

    /// `$ORIGIN`, `$TTL`, `$INCLUDE`, `$GENERATE`; anything else starting with `$` is a
    /// problem and is not recorded.
    fn directive(&mut self, words: &[(&str, TextRange)], range: TextRange, line: u32) {
        let Some((&(head, head_range), args)) = words.split_first() else {
            return;
        };
        let name = head.to_ascii_uppercase();
        let origin = self.origin.clone();
        // Malformed directives are reported and not recorded, so callers only see usable ones.
        let usable = match (name.as_str(), args) {
            ("$ORIGIN", [(word, at)]) => {
                self.name_problem(word, *at);
                if let Some(origin) = absolute_name(word, &self.origin) {
                    self.origin = origin;
                }
                true
            }
            ("$ORIGIN", _) => {
                self.problem("$ORIGIN takes exactly one domain name", range);
                false
            }
            ("$TTL", [(word, at)]) => match parse_ttl(word) {
                Some(ttl) => {
                    self.default_ttl = Some(ttl);
                    true
                }
                // The previous $TTL stays in effect.
                None => {
                    self.problem(
                        format!("`{word}` is not a valid TTL (seconds, or units like 1h30m)"),
                        *at,
                    );
                    false
                }
            },
            ("$TTL", _) => {
                self.problem("$TTL takes exactly one TTL", range);
                false
            }
            ("$INCLUDE", [_]) => true,
            ("$INCLUDE", [_, (word, at)]) => {
                self.name_problem(word, *at);
                true
            }
            ("$INCLUDE", _) => {
                self.problem("$INCLUDE takes a file name and an optional origin", range);
                false
            }
            // BIND's range generator: recorded for the caller, not expanded here.
            ("$GENERATE", _) => true,
            _ => {
                self.problem(
                    format!(
                        "unknown directive `{head}` (expected $ORIGIN, $TTL, $INCLUDE or $GENERATE)"
                    ),
                    head_range,
                );
                false
            }
        };
        if !usable {
            return;
        }
        self.directives.push(Directive {
            name,
            args: args.iter().map(|(w, _)| (*w).to_owned()).collect(),
            origin,
            line,
            range,
        });
    }

    /// RFC 1034 §3.6.2 (and RFC 2181 §10.1): a CNAME owner has no other data, except the
    /// DNSSEC records that sign it, and there is at most one CNAME per owner.
    fn check_cname_exclusivity(&mut self) {
        let mut by_owner: HashMap<&str, Vec<&Record>> = HashMap::new();
        for record in &self.records {
            by_owner.entry(&record.owner).or_default().push(record);
        }
        let mut found = Vec::new();
        for record in self.records.iter().filter(|r| r.rtype == "CNAME") {
            let group = by_owner
                .get(record.owner.as_str())
                .map_or(&[][..], Vec::as_slice);
            let mut others: Vec<&str> = group
                .iter()
                .map(|r| r.rtype.as_str())
                .filter(|t| !matches!(*t, "CNAME" | "RRSIG" | "NSEC"))
                .collect();
            others.sort_unstable();
            others.dedup();
            if !others.is_empty() {
                found.push((
                    format!(
                        "`{}` has a CNAME and other data ({}); a CNAME owner can have no other records (RFC 1034 §3.6.2)",
                        record.owner,
                        others.join(", ")
                    ),
                    record.range,
                ));
            }
            let first_cname = group.iter().find(|r| r.rtype == "CNAME");
            if first_cname.is_some_and(|first| first.range != record.range) {
                found.push((
                    format!(
                        "`{}` has more than one CNAME record (RFC 2181 §10.1)",
                        record.owner
                    ),
                    record.range,
                ));
            }
        }
        for (message, range) in found {
            self.problem(message, range);
        }
    }

    /// Report an owner or origin name that is malformed or needs an origin that is unknown.
    fn name_problem(&mut self, word: &str, at: TextRange) {
        let problem =
            rdata::check_escapes(word).or_else(|| rdata::check_name(word, !self.origin.is_empty()));
        if let Some(message) = problem {
            self.problem(message, at);
        }
    }

    fn problem(&mut self, message: impl Into<String>, range: TextRange) {
        let line = self.line_of(range.start());
        self.problems.push(ZoneProblem {
            message: message.into(),
            range,
            line,
        });
    }

    /// The text of `range`, borrowed from the input (not from the parser, which keeps changing).
    fn slice(&self, range: TextRange) -> &'a str {
        self.text.get(range.as_range()).unwrap_or_default()
    }

    fn at_line_start(&self, offset: u32) -> bool {
        offset == 0
            || usize::try_from(offset - 1)
                .ok()
                .and_then(|i| self.text.as_bytes().get(i))
                == Some(&b'\n')
    }

    /// 1-based line of a byte offset.
    fn line_of(&self, offset: u32) -> u32 {
        let index = self.line_starts.partition_point(|&start| start <= offset);
        u32::try_from(index).unwrap_or(u32::MAX).max(1)
    }
}

#[cfg(test)]
mod tests;
