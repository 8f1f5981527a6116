//! What each stock plugin's setup function refuses: argument counts, block options and their
//! argument counts, and a few argument values — read from `plugin/*/setup.go` of CoreDNS
//! 1.14.7 and written down as a table ([`SPECS`]), with the plugins' own error wording.
//!
//! CoreDNS hands each plugin a token dispenser. Three ways of reading arguments matter,
//! because they decide which token an error names and what happens to extra tokens:
//!
//! * `RemainingArgs` reads the rest of the line; a count error names its last token
//!   ([`Read::Rest`]).
//! * `NextArg` in a loop reads one token at a time; a missing one names the last token read,
//!   an extra one names itself ([`Read::Strict`]).
//! * Reading one token (or none) and returning leaves the rest of the line to the block loop,
//!   which reads the next token as the next option name ([`Read::One`], [`Read::None`]):
//!   `max_fails 3 4` is `max_fails 3` then an option called `4`.
//!
//! The `acl` plugin has its own module ([`crate::acl`]); `docs/coredns-plugins.md` lists what
//! is and is not modelled.

use gblint_diagnostics::TextRange;

use crate::lexer::{next_on_new_line, Token};
use crate::parser::Directive;

/// How a plugin or option reads its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// The rest of the line at once; a count error names the last token.
    Rest,
    /// One token at a time up to the maximum; an extra token is an error naming it.
    Strict,
    /// Exactly one token; further tokens on the line are read as the next option.
    One,
    /// No token; the rest of the line is read as the next option.
    None,
}

/// An error message, as the plugin builds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    /// `c.ArgErr()`: "Wrong argument count or unexpected line ending after '…'".
    ArgErr,
    /// `c.Err(…)`: the text after "Error during parsing: ".
    Parse(&'static str),
    /// `errors.New(…)`: the text alone.
    Plain(&'static str),
}

/// What a plugin does with a block option it does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unknown {
    /// `c.ArgErr()` naming the option (`cache`, `template`).
    ArgErr,
    /// `c.Errf("unknown property '%s'")`.
    Property,
    /// `c.Errf("unknown option: %s")` (`prometheus`).
    OptionColon,
    /// `fmt.Errorf("invalid option %q")` (`bind`).
    InvalidOption,
    /// `c.SyntaxErr("Unknown field …")` (`errors`).
    Field,
    /// An inline hosts-file line until a `fallthrough` has been read (`hosts`).
    Inline,
}

/// Checks on argument values the plugin makes while parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// Not checked.
    Any,
    /// `net.SplitHostPort` must accept the first argument.
    HostPort,
    /// Each argument a Go duration (`time.ParseDuration`).
    Durations,
    /// The first argument one of these words; else `c.Errf` with the message, `{}` standing
    /// for the argument.
    OneOf(&'static [&'static str], &'static str),
}

/// A block option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opt {
    /// Its name.
    pub name: &'static str,
    /// Fewest arguments.
    pub min: usize,
    /// Most arguments (`None`: no limit).
    pub max: Option<usize>,
    /// Argument counts within `min..=max` that are refused all the same (`auto`'s
    /// `directory DIR REGEXP` without a template).
    pub holes: &'static [usize],
    /// How it reads them.
    pub read: Read,
    /// The error for too few.
    pub few: Msg,
    /// The error for too many.
    pub many: Msg,
    /// Value checks.
    pub value: Value,
}

/// A plugin's setup, as far as it is modelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The directive name.
    pub plugin: &'static str,
    /// Fewest arguments on the directive's line.
    pub min: usize,
    /// Most arguments.
    pub max: Option<usize>,
    /// How they are read ([`Read::Strict`] with `max` 0: not even a `{` may follow).
    pub read: Read,
    /// The error for too few.
    pub few: Msg,
    /// The error for too many.
    pub many: Msg,
    /// Value checks on the directive's arguments.
    pub value: Value,
    /// Whether the plugin reads a block at all (when not, a block is ignored by CoreDNS).
    pub block: bool,
    /// The block options.
    pub opts: &'static [Opt],
    /// What an unknown option gets.
    pub unknown: Unknown,
}

const fn opt(name: &'static str, min: usize, max: Option<usize>, read: Read) -> Opt {
    Opt {
        name,
        min,
        max,
        holes: &[],
        read,
        few: Msg::ArgErr,
        many: Msg::ArgErr,
        value: Value::Any,
    }
}

const fn spec(plugin: &'static str, min: usize, max: Option<usize>) -> Spec {
    Spec {
        plugin,
        min,
        max,
        read: Read::Rest,
        few: Msg::ArgErr,
        many: Msg::ArgErr,
        value: Value::Any,
        block: true,
        opts: &[],
        unknown: Unknown::Property,
    }
}

const ANY: Option<usize> = None;

/// The modelled plugins.
pub const SPECS: &[Spec] = &[
    // plugin/file/setup.go: `file DBFILE [ZONES...]`.
    Spec {
        opts: &[
            opt("fallthrough", 0, ANY, Read::Rest),
            Opt {
                few: Msg::Plain("reload duration value is expected"),
                ..opt("reload", 1, ANY, Read::Rest)
            },
            opt("reload_by_mtime", 0, Some(0), Read::None),
            opt("upstream", 0, ANY, Read::Rest),
        ],
        ..spec("file", 1, ANY)
    },
    // plugin/auto/setup.go: `auto [ZONES...]`, `directory DIR [REGEXP TEMPLATE]`.
    Spec {
        opts: &[
            Opt {
                holes: &[2],
                ..opt("directory", 1, Some(3), Read::Strict)
            },
            Opt {
                few: Msg::Plain("reload duration value is expected"),
                ..opt("reload", 1, ANY, Read::Rest)
            },
            opt("upstream", 0, ANY, Read::Rest),
        ],
        ..spec("auto", 0, ANY)
    },
    // plugin/cache/setup.go: `cache [TTL] [ZONES...]`.
    Spec {
        opts: &[
            opt("success", 1, ANY, Read::Rest),
            opt("denial", 1, ANY, Read::Rest),
            opt("prefetch", 1, Some(3), Read::Rest),
            opt("serve_stale", 0, Some(5), Read::Rest),
            opt("serve_stale_policy", 1, Some(1), Read::Rest),
            opt("servfail", 1, Some(1), Read::Rest),
            opt("disable", 1, ANY, Read::Rest),
            opt("keepttl", 0, Some(0), Read::Rest),
        ],
        unknown: Unknown::ArgErr,
        ..spec("cache", 0, ANY)
    },
    // plugin/errors/setup.go: `errors [stdout]`.
    Spec {
        value: Value::OneOf(&["stdout"], "invalid log file: {}"),
        opts: &[
            opt("stacktrace", 0, Some(0), Read::None),
            opt("consolidate", 2, Some(4), Read::Rest),
        ],
        unknown: Unknown::Field,
        ..spec("errors", 0, Some(1))
    },
    // plugin/log/setup.go: `log [NAMES...] [FORMAT]`.
    Spec {
        opts: &[opt("class", 1, ANY, Read::Rest)],
        ..spec("log", 0, ANY)
    },
    // plugin/forward/setup.go: `forward FROM TO...`.
    Spec {
        opts: &[
            opt("except", 1, ANY, Read::Rest),
            opt("max_fails", 1, Some(1), Read::One),
            opt("max_connect_attempts", 1, Some(1), Read::One),
            opt("health_check", 1, ANY, Read::Rest),
            opt("force_tcp", 0, Some(0), Read::Strict),
            opt("prefer_udp", 0, Some(0), Read::Strict),
            opt("tls", 0, Some(3), Read::Rest),
            opt("tls_servername", 1, Some(1), Read::One),
            opt("expire", 1, Some(1), Read::One),
            opt("max_age", 1, Some(1), Read::One),
            opt("max_idle_conns", 1, Some(1), Read::One),
            opt("read_timeout", 1, Some(1), Read::One),
            opt("doh_method", 1, Some(1), Read::One),
            Opt {
                value: Value::OneOf(
                    &["random", "round_robin", "sequential"],
                    "unknown policy '{}'",
                ),
                ..opt("policy", 1, Some(1), Read::One)
            },
            opt("max_concurrent", 1, Some(1), Read::One),
            opt("next", 1, ANY, Read::Rest),
            opt("next_on_nodata", 0, Some(0), Read::Strict),
            opt("failfast_all_unhealthy_upstreams", 0, Some(0), Read::Rest),
            opt("failover", 1, ANY, Read::Rest),
            opt("resolver", 1, ANY, Read::Rest),
            opt("source_address", 1, Some(1), Read::One),
        ],
        ..spec("forward", 2, ANY)
    },
    // plugin/bind/setup.go: `bind ADDRESS|IFACE...`.
    Spec {
        few: Msg::Plain("at least one address or interface name is expected"),
        opts: &[Opt {
            few: Msg::Plain(
                "at least one address or interface must be given to except subdirective",
            ),
            ..opt("except", 1, ANY, Read::Rest)
        }],
        unknown: Unknown::InvalidOption,
        ..spec("bind", 1, ANY)
    },
    // plugin/reload/setup.go: `reload [INTERVAL] [JITTER]`; reads no block.
    Spec {
        value: Value::Durations,
        block: false,
        ..spec("reload", 0, Some(2))
    },
    // plugin/health/setup.go: `health [ADDRESS]`.
    Spec {
        value: Value::HostPort,
        opts: &[opt("lameduck", 1, Some(1), Read::Rest)],
        ..spec("health", 0, Some(1))
    },
    // plugin/ready/setup.go: `ready [ADDRESS]`.
    Spec {
        value: Value::HostPort,
        opts: &[Opt {
            value: Value::OneOf(
                &["until-ready", "continuously"],
                "monitor type '{}' not supported",
            ),
            ..opt("monitor", 1, Some(1), Read::Rest)
        }],
        ..spec("ready", 0, Some(1))
    },
    // plugin/metrics/setup.go: `prometheus [ADDRESS]`.
    Spec {
        value: Value::HostPort,
        opts: &[
            opt("runtime_metrics", 0, Some(0), Read::Rest),
            opt("tls", 1, Some(1), Read::Rest),
        ],
        unknown: Unknown::OptionColon,
        ..spec("prometheus", 0, Some(1))
    },
    // plugin/hosts/setup.go: `hosts [FILE [ZONES...]]`; other lines are inline entries.
    Spec {
        opts: &[
            opt("fallthrough", 0, ANY, Read::Rest),
            opt("fallthrough_unsupported", 0, Some(0), Read::Rest),
            opt("no_reverse", 0, Some(0), Read::None),
            Opt {
                few: Msg::Parse("ttl needs a time in second"),
                ..opt("ttl", 1, ANY, Read::Rest)
            },
            Opt {
                few: Msg::Parse("reload needs a duration (zero seconds to disable)"),
                many: Msg::Parse("reload needs a duration (zero seconds to disable)"),
                ..opt("reload", 1, Some(1), Read::Rest)
            },
        ],
        unknown: Unknown::Inline,
        ..spec("hosts", 0, ANY)
    },
    // plugin/template/setup.go: `template CLASS TYPE [ZONES...]`.
    Spec {
        opts: &[
            opt("match", 1, ANY, Read::Rest),
            opt("answer", 1, ANY, Read::Rest),
            opt("additional", 1, ANY, Read::Rest),
            opt("authority", 1, ANY, Read::Rest),
            opt("var", 2, ANY, Read::Rest),
            opt("expr", 1, ANY, Read::Rest),
            opt("rcode", 1, Some(1), Read::One),
            opt("ederror", 1, Some(2), Read::Rest),
            opt("fallthrough", 0, ANY, Read::Rest),
            opt("upstream", 0, ANY, Read::Rest),
        ],
        unknown: Unknown::ArgErr,
        ..spec("template", 2, ANY)
    },
    // plugin/view/setup.go: `view NAME`.
    Spec {
        opts: &[opt("expr", 0, ANY, Read::Rest)],
        ..spec("view", 1, Some(1))
    },
    // plugin/whoami/setup.go and plugin/loop/setup.go: no arguments, not even a block.
    Spec {
        read: Read::Strict,
        block: false,
        ..spec("whoami", 0, Some(0))
    },
    Spec {
        read: Read::Strict,
        block: false,
        ..spec("loop", 0, Some(0))
    },
];

/// DNS classes `template` accepts (miekg/dns `StringToClass`).
const CLASSES: &[&str] = &["IN", "CS", "CH", "HS", "NONE", "ANY"];

/// A refusal: CoreDNS's message (without its `Corefile:LINE - ` prefix) and the token it is
/// about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupError {
    /// `plugin/NAME: …`.
    pub message: String,
    /// The token named (or the directive's name).
    pub range: TextRange,
}

/// The spec of a plugin, when it is modelled.
pub fn spec_of(plugin: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.plugin == plugin)
}

/// Check one directive against its plugin's setup. `None` when it passes or is not modelled.
pub fn check(directive: &Directive) -> Option<SetupError> {
    let name = directive.name.text.as_str();
    let error = match name {
        "loadbalance" => loadbalance(directive),
        "rewrite" => rewrite(directive),
        _ => {
            let spec = spec_of(name)?;
            check_spec(spec, directive)
        }
    }?;
    Some(SetupError {
        message: format!("plugin/{name}: {}", error.0),
        range: error.1,
    })
}

type Found = (String, TextRange);

fn render(msg: Msg, named: &Token) -> String {
    match msg {
        Msg::ArgErr if named.text == "{" => {
            "Error during parsing: Unexpected token '{', expecting argument".to_owned()
        }
        Msg::ArgErr => format!(
            "Error during parsing: Wrong argument count or unexpected line ending after '{}'",
            named.text
        ),
        Msg::Parse(text) => format!("Error during parsing: {text}"),
        Msg::Plain(text) => text.to_owned(),
    }
}

/// Whether a `{` follows the directive's arguments on its own line.
fn opens_block(directive: &Directive, args: usize) -> Option<&Token> {
    directive
        .tokens
        .get(args)
        .filter(|t| t.text == "{" && !next_on_new_line(&directive.name, t))
}

fn check_spec(spec: &Spec, directive: &Directive) -> Option<Found> {
    let args = directive.args();
    if let Some(found) = count(
        &directive.name,
        &args,
        spec.min,
        spec.max,
        &[],
        spec.read,
        spec.few,
        spec.many,
    ) {
        return Some(found);
    }
    // `whoami {`: `NextArg` reads the brace itself.
    if spec.read == Read::Strict && spec.max == Some(args.len()) {
        if let Some(brace) = opens_block(directive, args.len()) {
            return Some((render(Msg::ArgErr, brace), brace.range));
        }
    }
    if let Some(found) = value(spec.value, &args) {
        return Some(found);
    }
    if let Some(found) = special_args(spec.plugin, &args) {
        return Some(found);
    }
    if !spec.block {
        return None;
    }
    let lines = directive.block_lines();
    // A nested block inside an option is not modelled: leave the directive alone.
    if lines
        .iter()
        .flatten()
        .any(|t| t.text == "{" || t.text == "}")
    {
        return None;
    }
    let mut fallthrough = false;
    for line in lines {
        let mut rest: &[&Token] = &line;
        while let Some((key, tail)) = rest.split_first() {
            let Some(opt) = spec.opts.iter().find(|o| o.name == key.text) else {
                match spec.unknown {
                    Unknown::Inline if !fallthrough => break,
                    other => return Some(unknown(other, key)),
                }
            };
            if opt.name == "fallthrough" {
                fallthrough = true;
            }
            let read = match opt.read {
                Read::One => tail.len().min(1),
                Read::None => 0,
                Read::Rest | Read::Strict => tail.len(),
            };
            let taken = &tail[..read];
            if let Some(found) = count(
                key, taken, opt.min, opt.max, opt.holes, opt.read, opt.few, opt.many,
            ) {
                return Some(found);
            }
            if let Some(found) = value(opt.value, taken) {
                return Some(found);
            }
            if let Some(found) = values::check(spec.plugin, opt.name, taken) {
                return Some(found);
            }
            rest = &tail[read..];
        }
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn count(
    key: &Token,
    args: &[&Token],
    min: usize,
    max: Option<usize>,
    holes: &[usize],
    read: Read,
    few: Msg,
    many: Msg,
) -> Option<Found> {
    let n = args.len();
    let last = args.last().copied().unwrap_or(key);
    if n < min || holes.contains(&n) {
        return Some((render(few, last), last.range));
    }
    match max {
        Some(max) if n > max => {
            // `NextArg` stops at the first extra token; `RemainingArgs` read them all.
            let named = if read == Read::Strict {
                args[max]
            } else {
                last
            };
            Some((render(many, named), named.range))
        }
        _ => None,
    }
}

fn unknown(kind: Unknown, key: &Token) -> Found {
    let text = &key.text;
    let message = match kind {
        Unknown::ArgErr => render(Msg::ArgErr, key),
        Unknown::Property | Unknown::Inline => {
            format!("Error during parsing: unknown property '{text}'")
        }
        Unknown::OptionColon => format!("Error during parsing: unknown option: {text}"),
        Unknown::InvalidOption => format!("invalid option {}", go_quote(text)),
        Unknown::Field => {
            format!("Syntax error: Unexpected token '{text}', expecting 'Unknown field {text}'")
        }
    };
    (message, key.range)
}

fn go_quote(text: &str) -> String {
    format!("{text:?}")
}

fn value(check: Value, args: &[&Token]) -> Option<Found> {
    match check {
        Value::Any => None,
        Value::HostPort => {
            let arg = args.first()?;
            split_host_port(&arg.text)
                .err()
                .map(|e| (format!("address {}: {e}", arg.text), arg.range))
        }
        Value::Durations => args.iter().find_map(|arg| {
            (!is_go_duration(&arg.text)).then(|| {
                (
                    format!("time: invalid duration {}", go_quote(&arg.text)),
                    arg.range,
                )
            })
        }),
        Value::OneOf(words, message) => {
            let arg = args.first()?;
            (!words.contains(&arg.text.as_str())).then(|| {
                (
                    format!("Error during parsing: {}", message.replace("{}", &arg.text)),
                    arg.range,
                )
            })
        }
    }
}

/// Argument checks that are not a count or a word list.
fn special_args(plugin: &str, args: &[&Token]) -> Option<Found> {
    match plugin {
        "template" => {
            let class = args.first()?;
            if !CLASSES.contains(&class.text.as_str()) {
                return Some((
                    format!("Error during parsing: invalid query class {}", class.text),
                    class.range,
                ));
            }
            let qtype = args.get(1)?;
            if qtype.text != "ANY" && !crate::acl::QTYPES.contains(&qtype.text.as_str()) {
                return Some((
                    format!("Error during parsing: invalid RR class {}", qtype.text),
                    qtype.range,
                ));
            }
            None
        }
        "forward" => args.iter().skip(1).find_map(|to| {
            // parseStanza: `https://HOST/PATH` — the path is fixed to /dns-query.
            let host = to.text.strip_prefix("https://")?;
            host.contains('/').then(|| {
                (
                    format!("paths are not allowed in HTTPS upstream addresses (the /dns-query path is used by default): {}", to.text),
                    to.range,
                )
            })
        }),
        "cache" => {
            let ttl = args.first()?;
            match ttl.text.parse::<i64>() {
                Ok(n) if n <= 0 => Some((
                    format!("cache TTL can not be zero or negative: {n}"),
                    ttl.range,
                )),
                _ => None,
            }
        }
        "reload" => {
            // Interval at least 2s; jitter 0 or at least 1s (durations already checked).
            let interval = args.first()?;
            if go_duration_nanos(&interval.text).is_some_and(|n| n < 2_000_000_000) {
                return Some((
                    "interval value must be greater or equal to 2s".to_owned(),
                    interval.range,
                ));
            }
            let jitter = args.get(1)?;
            match go_duration_nanos(&jitter.text) {
                Some(n) if n != 0 && n < 1_000_000_000 => Some((
                    "jitter value must be 0 or greater or equal to 1s".to_owned(),
                    jitter.range,
                )),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `loadbalance [round_robin | weighted WEIGHTFILE]` (plugin/loadbalance/setup.go).
fn loadbalance(directive: &Directive) -> Option<Found> {
    let args = directive.args();
    let lines = directive.block_lines();
    let keys: Vec<&Token> = lines.iter().filter_map(|l| l.first().copied()).collect();
    let allowed: &[&str] = match args.first().map(|t| t.text.as_str()) {
        None => &["prefer"],
        Some("round_robin") => {
            if let Some(extra) = args.get(1) {
                return Some((
                    "Error during parsing: unknown property for round_robin".to_owned(),
                    extra.range,
                ));
            }
            &["prefer"]
        }
        Some("weighted") => {
            if args.len() < 2 {
                return Some((
                    "Error during parsing: missing weight file argument".to_owned(),
                    args[0].range,
                ));
            }
            if args.len() > 2 {
                return Some((
                    "Error during parsing: unexpected argument(s)".to_owned(),
                    args[2].range,
                ));
            }
            &["reload"]
        }
        Some(_) => {
            return Some((format!("unknown policy: {}", args[0].text), args[0].range));
        }
    };
    keys.into_iter()
        .find(|k| !allowed.contains(&k.text.as_str()))
        .map(|k| unknown(Unknown::Property, k))
}

/// `rewrite [continue|stop] TYPE ARGS...` — the rule type and the fixed-arity ones
/// (plugin/rewrite/rewrite.go `newRule`).
fn rewrite(directive: &Directive) -> Option<Found> {
    let mut args: Vec<&Token> = directive.args();
    if args.len() < 2 {
        // With fewer than two arguments on the line, every token of the block is one.
        let lines = directive.block_lines();
        args.extend(lines.into_iter().flatten());
    }
    let Some(first) = args.first() else {
        return Some((
            "no rule type specified for rewrite".to_owned(),
            directive.name.range,
        ));
    };
    let mode = first.text.to_ascii_lowercase();
    let (rule, count) = if mode == "continue" || mode == "stop" {
        let Some(rule) = args.get(1) else {
            return Some((
                format!("{mode} rule must begin with a rule type"),
                first.range,
            ));
        };
        (rule, args.len() - 1)
    } else {
        (first, args.len())
    };
    let kind = rule.text.to_ascii_lowercase();
    match kind.as_str() {
        "answer" => Some((
            "response rewrites must begin with a name rule".to_owned(),
            rule.range,
        )),
        "class" | "type" if count != 3 => Some((
            format!("{kind} rules must have exactly two arguments"),
            rule.range,
        )),
        "name" | "class" | "type" | "edns0" | "ttl" | "cname" | "rcode" => None,
        _ => Some((
            format!("invalid rule type {}", go_quote(&first.text)),
            rule.range,
        )),
    }
}

/// `net.SplitHostPort`'s refusals.
fn split_host_port(text: &str) -> Result<(), &'static str> {
    if let Some(rest) = text.strip_prefix('[') {
        let Some(end) = rest.find(']') else {
            return Err("missing ']' in address");
        };
        return match &rest[end + 1..] {
            "" => Err("missing port in address"),
            after if after.starts_with(':') && !after[1..].contains(':') => Ok(()),
            after if after.starts_with(':') => Err("too many colons in address"),
            _ => Err("missing port in address"),
        };
    }
    match text.matches(':').count() {
        0 => Err("missing port in address"),
        1 if text.contains('[') || text.contains(']') => Err("unexpected '[' in address"),
        1 => Ok(()),
        _ => Err("too many colons in address"),
    }
}

/// Whether Go's `time.ParseDuration` accepts `text`.
pub fn is_go_duration(text: &str) -> bool {
    go_duration_nanos(text).is_some()
}

/// Go's `time.ParseDuration`, in nanoseconds (`None` when refused; overflow is not modelled).
pub fn go_duration_nanos(text: &str) -> Option<i128> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_end];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor: f64 = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total += number.parse::<f64>().ok()? * factor;
    }
    #[allow(clippy::cast_possible_truncation)]
    let nanos = total as i128;
    Some(if negative { -nanos } else { nanos })
}

#[cfg(test)]
mod tests;
mod values;
