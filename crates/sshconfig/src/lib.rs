//! OpenSSH client configuration (`ssh_config(5)`): `Keyword args` or `Keyword=args` lines,
//! keywords in any case, arguments split on blanks with `"…"`/`'…'` quoting, `Host` and `Match`
//! blocks, and ssh's rule that the first value obtained for a host wins. Also what OpenSSH
//! 9.2's `ssh` refuses in its own words: an unknown keyword ("Bad configuration option",
//! unless `IgnoreUnknown` names it), a keyword without argument, extra arguments after
//! `HostName`, `User` or `Port`, and a numeric port out of range.
#![deny(missing_docs)]

mod keywords;

use gblint_diagnostics::TextRange;

pub use keywords::KEYWORDS;

/// A parsed configuration.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Every option line (`Host` and `Match` lines included), in order.
    pub lines: Vec<Line>,
    /// The blocks: index 0 is the part before the first `Host`/`Match`.
    pub blocks: Vec<Block>,
    /// What ssh refuses.
    pub errors: Vec<Error>,
}

/// One `Keyword args` line.
#[derive(Clone, Debug)]
pub struct Line {
    /// The keyword, lower-cased.
    pub keyword: String,
    /// The keyword as written.
    pub keyword_range: TextRange,
    /// The arguments, unquoted, with their ranges.
    pub args: Vec<(String, TextRange)>,
    /// The whole line.
    pub range: TextRange,
    /// The block it belongs to (index into [`Config::blocks`]).
    pub block: usize,
}

/// A `Host` or `Match` block.
#[derive(Clone, Debug)]
pub struct Block {
    /// What selects the hosts the block applies to.
    pub selector: Selector,
    /// Its header line (empty for the part before the first block).
    pub range: TextRange,
}

/// What a block applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// Before any `Host`/`Match`: every host.
    All,
    /// `Host` patterns (`!` negates, `*` and `?` glob).
    Host(Vec<String>),
    /// `Match` criteria, as written (only `Match all` is decided here).
    Match(Vec<String>),
}

/// Why ssh refuses the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The keyword or argument at fault.
    pub range: TextRange,
    /// ssh's words.
    pub message: String,
}

impl Block {
    /// Whether the block applies to `host` (`None`: undecidable here, a `Match` other than
    /// `all`).
    pub fn applies_to(&self, host: &str) -> Option<bool> {
        match &self.selector {
            Selector::All => Some(true),
            Selector::Host(patterns) => Some(host_matches(patterns, host)),
            Selector::Match(criteria) => {
                (criteria.len() == 1 && criteria[0].eq_ignore_ascii_case("all")).then_some(true)
            }
        }
    }
}

impl Config {
    /// The line that gives `keyword` its value for `host`: the first one in a block that
    /// applies (ssh keeps the first value it obtains). Blocks it cannot decide are skipped.
    pub fn lookup(&self, host: &str, keyword: &str) -> Option<&Line> {
        let keyword = keyword.to_ascii_lowercase();
        self.lines.iter().find(|line| {
            line.keyword == keyword && self.blocks[line.block].applies_to(host) == Some(true)
        })
    }

    /// The blocks whose `Host` line names `host` literally (not through a wildcard).
    pub fn host_blocks<'a>(&'a self, host: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.blocks
            .iter()
            .enumerate()
            .filter_map(move |(index, block)| match &block.selector {
                Selector::Host(patterns) if patterns.iter().any(|p| p == host) => Some(index),
                _ => None,
            })
    }
}

/// Whether `Host` patterns select `host`: one positive pattern matches and no negated one does.
pub fn host_matches(patterns: &[String], host: &str) -> bool {
    let mut matched = false;
    for pattern in patterns {
        if let Some(negated) = pattern.strip_prefix('!') {
            if glob(negated, host) {
                return false;
            }
        } else if glob(pattern, host) {
            matched = true;
        }
    }
    matched
}

/// ssh's `match_pattern`: `*` any run, `?` one character; case-insensitive for host names.
fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let text: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// Keywords ssh takes exactly one argument for (others are not counted here).
const SINGLE: [&str; 3] = ["hostname", "user", "port"];

/// Parse a client configuration.
pub fn parse(text: &str) -> Config {
    let mut config = Config {
        blocks: vec![Block {
            selector: Selector::All,
            range: TextRange::empty(0),
        }],
        ..Config::default()
    };
    let mut ignore_unknown: Vec<String> = Vec::new();
    let mut base = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let start = base;
        base += raw.len();
        let Some(parsed) = parse_line(line, start) else {
            continue;
        };
        let (keyword, keyword_range, args) = parsed;
        let range = TextRange::from_usize(start, start + line.len());
        let mut refuse = |range: TextRange, message: String| {
            config.errors.push(Error { range, message });
        };
        if !KEYWORDS.contains(&keyword.as_str()) {
            if !host_matches(&ignore_unknown, &keyword) {
                refuse(
                    keyword_range,
                    format!("Bad configuration option: {keyword}"),
                );
            }
            continue;
        }
        if args.is_empty() {
            let message = match keyword.as_str() {
                "host" => "Missing Host criteria".to_owned(),
                "match" => "Missing Match criteria".to_owned(),
                _ => format!("no argument after keyword \"{keyword}\""),
            };
            refuse(keyword_range, message);
            continue;
        }
        if SINGLE.contains(&keyword.as_str()) && args.len() > 1 {
            refuse(
                args[1].1,
                format!("keyword {keyword} extra arguments at end of line"),
            );
        }
        // ssh also takes a service name from /etc/services (`Port ssh`): only numbers are
        // judged here.
        let port = &args[0].0;
        let numeric = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
        if keyword == "port" && numeric && !port.parse::<u16>().is_ok_and(|p| p > 0) {
            refuse(args[0].1, format!("Bad port '{}'.", args[0].0));
        }
        if keyword == "ignoreunknown" && ignore_unknown.is_empty() {
            ignore_unknown = args[0]
                .0
                .split(',')
                .map(|p| p.to_ascii_lowercase())
                .collect();
        }
        if keyword == "host" || keyword == "match" {
            let words: Vec<String> = args.iter().map(|(word, _)| word.clone()).collect();
            config.blocks.push(Block {
                selector: if keyword == "host" {
                    Selector::Host(words)
                } else {
                    Selector::Match(words)
                },
                range,
            });
        }
        config.lines.push(Line {
            keyword,
            keyword_range,
            args,
            range,
            block: config.blocks.len() - 1,
        });
    }
    config
}

/// Arguments of a line, with their ranges.
type Args = Vec<(String, TextRange)>;

/// A line's keyword (lower-cased, with its range) and arguments; `None` for blank lines and
/// comments.
fn parse_line(line: &str, base: usize) -> Option<(String, TextRange, Args)> {
    let blank = |c: char| c == ' ' || c == '\t';
    let content = line.trim_start_matches(blank);
    if content.is_empty() || content.starts_with('#') {
        return None;
    }
    let offset = line.len() - content.len();
    let keyword_len = content
        .find(|c: char| blank(c) || c == '=')
        .unwrap_or(content.len());
    let keyword = content[..keyword_len].to_ascii_lowercase();
    let keyword_range = TextRange::from_usize(base + offset, base + offset + keyword_len);
    // Blanks, at most one `=`, blanks.
    let mut at = offset + keyword_len;
    let rest = &line[at..];
    at += rest.len() - rest.trim_start_matches(blank).len();
    if line[at..].starts_with('=') {
        at += 1;
        let rest = &line[at..];
        at += rest.len() - rest.trim_start_matches(blank).len();
    }
    Some((keyword, keyword_range, split_args(line, at, base)))
}

/// ssh's `argv_split`: blank-separated words, `"…"` and `'…'` group, `#` at a word start ends
/// the line.
fn split_args(line: &str, mut at: usize, base: usize) -> Args {
    let bytes = line.as_bytes();
    let mut args = Vec::new();
    while at < bytes.len() {
        if bytes[at] == b' ' || bytes[at] == b'\t' {
            at += 1;
            continue;
        }
        if bytes[at] == b'#' {
            break;
        }
        let start = at;
        let mut word = String::new();
        while at < bytes.len() && bytes[at] != b' ' && bytes[at] != b'\t' {
            let c = bytes[at];
            if c == b'"' || c == b'\'' {
                let close = line[at + 1..]
                    .find(c as char)
                    .map_or(line.len(), |i| at + 1 + i);
                word.push_str(&line[at + 1..close]);
                at = (close + 1).min(line.len());
            } else {
                let ch = line[at..].chars().next().unwrap_or(' ');
                word.push(ch);
                at += ch.len_utf8();
            }
        }
        args.push((word, TextRange::from_usize(base + start, base + at)));
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "# runner\nHost pragmatismo-system system\n    HostName 10.16.164.10\n    User gbuser\n\nHost *\n    HostName=wrong\n    IdentityFile ~/.ssh/id_ed25519\n";

    #[test]
    fn first_value_wins_per_host() {
        let config = parse(CONFIG);
        assert!(config.errors.is_empty(), "{:?}", config.errors);
        let line = config
            .lookup("pragmatismo-system", "HostName")
            .expect("hostname");
        assert_eq!(line.args[0].0, "10.16.164.10");
        assert_eq!(&CONFIG[line.args[0].1.as_range()], "10.16.164.10");
        assert_eq!(
            config.lookup("other", "hostname").expect("h").args[0].0,
            "wrong"
        );
        assert_eq!(config.host_blocks("system").count(), 1);
    }

    /// Verdicts of OpenSSH 9.2p1's `ssh -G -F FILE x` on these lines.
    #[test]
    fn refusals_in_ssh_words() {
        let cases = [
            ("Foo bar\n", Some("Bad configuration option: foo")),
            (
                "Host x\n  HostName\n",
                Some("no argument after keyword \"hostname\""),
            ),
            (
                "HostName=a b\n",
                Some("keyword hostname extra arguments at end of line"),
            ),
            ("Port 70000\n", Some("Bad port '70000'.")),
            ("Port ssh\n", None),
            ("IgnoreUnknown foo*\nFooBar 1\n", None),
            ("Host x\n  ProxyJump alm\n  SetEnv A=b\n", None),
            ("tag x\n", Some("Bad configuration option: tag")),
        ];
        for (text, verdict) in cases {
            let config = parse(text);
            assert_eq!(
                config.errors.first().map(|e| e.message.as_str()),
                verdict,
                "{text:?}"
            );
        }
    }

    #[test]
    fn patterns() {
        let p = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(host_matches(&p(&["*-system"]), "pragmatismo-system"));
        assert!(!host_matches(&p(&["*", "!*-system"]), "pragmatismo-system"));
        assert!(host_matches(&p(&["pr?gmatismo-*"]), "pragmatismo-proxy"));
    }
}
