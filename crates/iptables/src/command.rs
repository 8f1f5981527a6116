//! One command line of a restore file (`-A INPUT -p tcp --dport 22 -j ACCEPT`), parsed as
//! iptables' getopt loop does: short and long options anywhere, long options by any unique
//! prefix, `--opt=value`, `!` as its own word before the option it negates, modules loaded by
//! `-m` (and the protocol's match loaded implicitly by its first option), one `-j`/`-g`.

use std::net::IpAddr;

use gblint_diagnostics::TextRange;
use ipnet::IpNet;

use crate::lexer::Word;
use crate::modules::{self, Arity, Ctx, ModuleSpec};
use crate::rule::{Address, Family, Match, Neg, Opt, Rule, Target};

/// What a command does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `-A`.
    Append,
    /// `-I CHAIN [N]` (1-based; 1 when omitted).
    Insert(u32),
    /// `-D CHAIN N`.
    DeleteNumber(u32),
    /// `-D CHAIN rule-spec`.
    DeleteRule,
    /// `-R CHAIN N`.
    Replace(u32),
    /// `-N`.
    NewChain,
    /// `-X [CHAIN]`.
    DeleteChain,
    /// `-F [CHAIN]`.
    Flush,
    /// `-Z [CHAIN]`.
    Zero,
    /// `-P CHAIN POLICY`.
    Policy(String),
    /// `-E OLD NEW`.
    Rename(String),
    /// `-C` (check; changes nothing).
    Check,
}

/// A parsed command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// `[p:b]` prefix.
    pub counters: Option<(u64, u64)>,
    /// The operation.
    pub op: Op,
    /// The chain it applies to (empty for `-F`/`-X`/`-Z` without one).
    pub chain: String,
    /// Where the chain name is.
    pub chain_range: TextRange,
    /// The rule (empty for chain commands).
    pub rule: Rule,
    /// Where the rule's words are (whole command).
    pub range: TextRange,
}

/// Why a command line is refused, with iptables' wording where known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError {
    /// Message.
    pub message: String,
    /// Offending words.
    pub range: TextRange,
    /// The command is well-formed but iptables-restore or the kernel refuses it where it is
    /// used (a target outside its table or chains), rather than a syntax problem.
    pub placement: bool,
}

const CORE_LONG: &[(&str, char)] = &[
    ("append", 'A'),
    ("check", 'C'),
    ("delete", 'D'),
    ("replace", 'R'),
    ("insert", 'I'),
    ("list", 'L'),
    ("list-rules", 'S'),
    ("flush", 'F'),
    ("zero", 'Z'),
    ("new-chain", 'N'),
    ("delete-chain", 'X'),
    ("policy", 'P'),
    ("rename-chain", 'E'),
    ("source", 's'),
    ("src", 's'),
    ("destination", 'd'),
    ("dst", 'd'),
    ("protocol", 'p'),
    ("in-interface", 'i'),
    ("out-interface", 'o'),
    ("jump", 'j'),
    ("goto", 'g'),
    ("fragment", 'f'),
    ("match", 'm'),
    ("set-counters", 'c'),
    ("table", 't'),
    ("wait", 'w'),
    ("wait-interval", 'W'),
    ("ipv4", '4'),
    ("ipv6", '6'),
    ("verbose", 'v'),
    ("numeric", 'n'),
    ("exact", 'x'),
    ("line-numbers", '0'),
    ("modprobe", 'M'),
    ("help", 'h'),
    ("version", 'V'),
];

/// Protocol names iptables accepts with their numbers (save prints the name).
const PROTOCOLS: &[(&str, u8)] = &[
    ("tcp", 6),
    ("udp", 17),
    ("udplite", 136),
    ("icmp", 1),
    ("ipv6-icmp", 58),
    ("icmpv6", 58),
    ("esp", 50),
    ("ah", 51),
    ("sctp", 132),
    ("dccp", 33),
    ("gre", 47),
    ("igmp", 2),
    ("ipencap", 4),
    ("ipip", 94),
    ("ipcomp", 108),
    ("mobility-header", 135),
    ("pim", 103),
    ("rsvp", 46),
    ("ipv6-route", 43),
    ("ipv6-frag", 44),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("ipv6", 41),
    ("ospf", 89),
    ("vrrp", 112),
    ("l2tp", 115),
];

struct Parser<'a> {
    words: &'a [Word],
    index: usize,
}

/// The target with its spec (when known) and its options with their spec indices.
type LoadedTarget = (Target, Option<&'static ModuleSpec>, Vec<(usize, Opt)>);

struct Loaded {
    spec: Option<&'static ModuleSpec>,
    name: String,
    options: Vec<(usize, Opt)>,
    implicit: bool,
    range: TextRange,
}

fn err<T>(message: impl Into<String>, range: TextRange) -> Result<T, CommandError> {
    Err(CommandError {
        message: message.into(),
        range,
        placement: false,
    })
}

impl Parser<'_> {
    fn next_word(&mut self) -> Option<&Word> {
        let word = self.words.get(self.index);
        if word.is_some() {
            self.index += 1;
        }
        word
    }

    /// The next word when it can be an optional argument (does not start with `-` or `!`).
    fn optional_word(&mut self) -> Option<&Word> {
        let word = self.words.get(self.index)?;
        if word.value.starts_with('-') || word.value.starts_with('!') {
            return None;
        }
        self.index += 1;
        Some(word)
    }
}

/// Parse the words of one command line (after any `[p:b]` prefix and `-4`/`-6` marker).
pub fn parse_command(
    words: &[Word],
    family: Family,
    table: &str,
    counters: Option<(u64, u64)>,
) -> Result<Command, CommandError> {
    let range = match (words.first(), words.last()) {
        (Some(first), Some(last)) => first.range.cover(last.range),
        _ => return err("no command specified", TextRange::empty(0)),
    };
    let mut p = Parser { words, index: 0 };
    let mut op: Option<Op> = None;
    let mut chain = String::new();
    let mut chain_range = TextRange::empty(range.start());
    let mut rule = Rule::default();
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut target: Option<LoadedTarget> = None;
    let mut invert: Option<TextRange> = None;
    let mut protocol: Option<String> = None;

    while let Some(word) = p.next_word().cloned() {
        let value = word.value.as_str();
        if value == "!" {
            if invert.is_some() {
                return err("multiple `!' flags not allowed", word.range);
            }
            invert = Some(word.range);
            continue;
        }
        // Identify the option and any value written in the same word.
        let (option, attached): (OptionRef, Option<String>) = if let Some(long) =
            value.strip_prefix("--").filter(|l| !l.is_empty())
        {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            match resolve_long(name, &loaded, target.as_ref().map(|t| t.1).unwrap_or(None)) {
                Resolved::Found(option) => (option, inline),
                Resolved::Ambiguous => {
                    return err(format!("option '--{name}' is ambiguous"), word.range)
                }
                Resolved::Unknown => {
                    // The protocol's own match is loaded by its first option (`-p tcp --dport`).
                    let implicit = protocol
                        .as_deref()
                        .and_then(modules::implicit_match_for)
                        .and_then(|m| modules::find_match(m, family));
                    let already = implicit.is_some_and(|spec| {
                        loaded
                            .iter()
                            .any(|l| l.spec.is_some_and(|s| std::ptr::eq(s, spec)))
                    });
                    match implicit.filter(|_| !already) {
                        Some(spec) if option_in(spec, name).is_some() => {
                            loaded.push(Loaded {
                                spec: Some(spec),
                                name: spec.name.to_owned(),
                                options: Vec::new(),
                                implicit: true,
                                range: word.range,
                            });
                            match resolve_long(name, &loaded, target.as_ref().and_then(|t| t.1)) {
                                Resolved::Found(option) => (option, inline),
                                _ => {
                                    return err(format!("unknown option \"--{name}\""), word.range)
                                }
                            }
                        }
                        _ => {
                            // Options of an opaque (unknown) module or target are kept as written.
                            if let Some(opaque) = loaded.iter_mut().rev().find(|l| l.spec.is_none())
                            {
                                let negated = invert.take().is_some();
                                let mut args: Vec<String> = inline.into_iter().collect();
                                while let Some(next) = p.optional_word() {
                                    args.push(next.value.clone());
                                }
                                let index = opaque.options.len();
                                opaque.options.push((
                                    index,
                                    Opt {
                                        name: name.to_owned(),
                                        negated,
                                        args,
                                        range: word.range,
                                    },
                                ));
                                continue;
                            }
                            if let Some((t, None, options)) = target.as_mut().filter(|t| {
                                t.1.is_none() && modules::is_target_extension(&t.0.name)
                            }) {
                                let negated = invert.take().is_some();
                                let mut args: Vec<String> = inline.into_iter().collect();
                                while let Some(next) = p.optional_word() {
                                    args.push(next.value.clone());
                                }
                                let _ = t;
                                let index = options.len();
                                options.push((
                                    index,
                                    Opt {
                                        name: name.to_owned(),
                                        negated,
                                        args,
                                        range: word.range,
                                    },
                                ));
                                continue;
                            }
                            return err(format!("unknown option \"--{name}\""), word.range);
                        }
                    }
                }
            }
        } else if value.len() >= 2 && value.starts_with('-') && !value[1..].starts_with('-') {
            let letter = value[1..].chars().next().expect("one char");
            let rest = &value[1 + letter.len_utf8()..];
            (
                OptionRef::Core(letter),
                (!rest.is_empty()).then(|| rest.to_owned()),
            )
        } else {
            return err(format!("Bad argument `{value}'"), word.range);
        };

        match option {
            OptionRef::Core(letter) => {
                let negated = invert.take();
                let take = |p: &mut Parser<'_>,
                            attached: Option<String>|
                 -> Result<(String, TextRange), CommandError> {
                    match attached {
                        Some(v) => Ok((v, word.range)),
                        None => match p.next_word() {
                            Some(next) => Ok((next.value.clone(), next.range)),
                            None => err(
                                format!("option \"{}\" requires an argument", word.value),
                                word.range,
                            ),
                        },
                    }
                };
                if let Some(neg) = negated {
                    if !matches!(letter, 's' | 'd' | 'i' | 'o' | 'p' | 'f') {
                        let what = if letter == 'm' {
                            "unexpected ! flag before --match".to_owned()
                        } else {
                            format!("cannot have ! before -{letter}")
                        };
                        return err(what, neg.cover(word.range));
                    }
                }
                let set_op = |op: &mut Option<Op>, new: Op| -> Result<(), CommandError> {
                    if op.is_some() {
                        return err("Cannot use more than one command option", word.range);
                    }
                    *op = Some(new);
                    Ok(())
                };
                match letter {
                    'A' | 'C' | 'D' | 'R' | 'I' | 'N' | 'P' | 'E' => {
                        let (name, at) = take(&mut p, attached)?;
                        if name.starts_with('-') {
                            return err("chain name not allowed to start with `-'", at);
                        }
                        chain = name;
                        chain_range = at;
                        let new = match letter {
                            'A' => Op::Append,
                            'C' => Op::Check,
                            'N' => Op::NewChain,
                            'I' => match p.optional_word() {
                                Some(n) => Op::Insert(rule_number(&n.value, n.range)?),
                                None => Op::Insert(1),
                            },
                            'D' => match p.optional_word() {
                                Some(n) => Op::DeleteNumber(rule_number(&n.value, n.range)?),
                                None => Op::DeleteRule,
                            },
                            'R' => match p.optional_word() {
                                Some(n) => Op::Replace(rule_number(&n.value, n.range)?),
                                None => return err("-R requires a rule number", word.range),
                            },
                            'P' => match p.optional_word() {
                                Some(policy) => Op::Policy(policy.value.clone()),
                                None => return err("-P requires a chain and a policy", word.range),
                            },
                            _ => match p.optional_word() {
                                Some(new) => Op::Rename(new.value.clone()),
                                None => {
                                    return err(
                                        "-E requires old-chain-name and new-chain-name",
                                        word.range,
                                    )
                                }
                            },
                        };
                        set_op(&mut op, new)?;
                    }
                    'X' | 'F' | 'Z' => {
                        let name = attached
                            .map(|v| (v, word.range))
                            .or_else(|| p.optional_word().map(|w| (w.value.clone(), w.range)));
                        if let Some((name, at)) = name {
                            chain = name;
                            chain_range = at;
                        }
                        set_op(
                            &mut op,
                            match letter {
                                'X' => Op::DeleteChain,
                                'F' => Op::Flush,
                                _ => Op::Zero,
                            },
                        )?;
                    }
                    's' | 'd' => {
                        let (text, at) = take(&mut p, attached)?;
                        let field = if letter == 's' {
                            &mut rule.source
                        } else {
                            &mut rule.destination
                        };
                        if field.is_some() {
                            return err(
                                format!("multiple -{letter} flags not allowed"),
                                word.range,
                            );
                        }
                        let addresses =
                            parse_addresses(&text, family).map_err(|message| CommandError {
                                message,
                                range: at,
                                placement: false,
                            })?;
                        *field = Some(Neg {
                            negated: negated.is_some(),
                            value: addresses,
                        });
                    }
                    'i' | 'o' => {
                        let (name, at) = take(&mut p, attached)?;
                        if name.len() > 15 {
                            return err(
                                format!(
                                    "interface name `{name}' must be shorter than IFNAMSIZ (15)"
                                ),
                                at,
                            );
                        }
                        let field = if letter == 'i' {
                            &mut rule.in_iface
                        } else {
                            &mut rule.out_iface
                        };
                        if field.is_some() {
                            return err(
                                format!("multiple -{letter} flags not allowed"),
                                word.range,
                            );
                        }
                        *field = Some(Neg {
                            negated: negated.is_some(),
                            value: name,
                        });
                    }
                    'p' => {
                        let (name, at) = take(&mut p, attached)?;
                        if rule.protocol.is_some() {
                            return err("multiple -p flags not allowed", word.range);
                        }
                        let canonical =
                            canonical_protocol(&name, family).map_err(|message| CommandError {
                                message,
                                range: at,
                                placement: false,
                            })?;
                        if negated.is_some() && canonical == "all" {
                            return err("rule would never match protocol", at);
                        }
                        protocol = Some(canonical.clone());
                        rule.protocol = Some(Neg {
                            negated: negated.is_some(),
                            value: canonical,
                        });
                    }
                    'f' => {
                        if family == Family::V6 {
                            return err("unknown option \"-f\"", word.range);
                        }
                        rule.fragment = Some(negated.is_some());
                    }
                    'm' => {
                        let (name, at) = take(&mut p, attached)?;
                        let spec = modules::find_match(&name, family);
                        if spec.is_none() && modules::find_match(&name, other(family)).is_some() {
                            return err(
                                format!("Couldn't load match `{name}':No such file or directory"),
                                at,
                            );
                        }
                        loaded.push(Loaded {
                            spec,
                            name: spec.map_or(name.clone(), |s| s.name.to_owned()),
                            options: Vec::new(),
                            implicit: false,
                            range: word.range.cover(at),
                        });
                    }
                    'j' | 'g' => {
                        let (name, at) = take(&mut p, attached)?;
                        if target.is_some() {
                            return err("multiple -j flags not allowed", word.range);
                        }
                        let spec = if letter == 'j' {
                            modules::find_target(&name, family)
                        } else {
                            None
                        };
                        target = Some((
                            Target {
                                name,
                                goto: letter == 'g',
                                options: Vec::new(),
                                range: word.range.cover(at),
                            },
                            spec,
                            Vec::new(),
                        ));
                    }
                    'c' => {
                        let (first, at) = take(&mut p, attached)?;
                        let (packets, bytes) = match first.split_once(',') {
                            Some((a, b)) => (a.to_owned(), b.to_owned()),
                            None => match p.optional_word() {
                                Some(next) => (first.clone(), next.value.clone()),
                                None => return err("-c requires packet and byte counter", at),
                            },
                        };
                        match (packets.parse::<u64>(), bytes.parse::<u64>()) {
                            (Ok(pk), Ok(by)) => rule.set_counters = Some((pk, by)),
                            _ => return err("-c packet counter not numeric", at),
                        }
                    }
                    't' => {
                        return err(
                            "The -t option (seen in line …) cannot be used in iptables-restore",
                            word.range,
                        )
                    }
                    '4' | '6' | 'v' | 'n' | 'x' | '0' | 'w' | 'W' | 'M' => {
                        if matches!(letter, 'w' | 'W' | 'M') && attached.is_none() {
                            let _ = p.optional_word();
                        }
                    }
                    _ => return err(format!("unknown option \"{}\"", word.value), word.range),
                }
            }
            OptionRef::Module {
                module,
                option: index,
            } => {
                let negated = invert.take();
                let (spec, options) = if module == usize::MAX {
                    let t = target.as_mut().expect("target option needs a target");
                    (t.1.expect("known target"), &mut t.2)
                } else {
                    let l = &mut loaded[module];
                    (l.spec.expect("known module"), &mut l.options)
                };
                let option_spec = &spec.options[index];
                if negated.is_some() && !option_spec.invert {
                    return err(
                        format!("unexpected ! flag before --{}", option_spec.names[0]),
                        word.range,
                    );
                }
                let ctx = Ctx {
                    family,
                    protocol: protocol.as_deref(),
                    table,
                    chain: &chain,
                };
                let normalize = |text: &str, at: TextRange| -> Result<String, CommandError> {
                    match option_spec.normalize {
                        Some(f) => f(text, &ctx).map_err(|message| CommandError {
                            message: format!("{}: {message}", spec.name),
                            range: at,
                            placement: false,
                        }),
                        None => Ok(text.to_owned()),
                    }
                };
                let mut args = Vec::new();
                match option_spec.arity {
                    Arity::Zero => {
                        if attached.is_some() {
                            return err(
                                format!(
                                    "option '--{}' doesn't allow an argument",
                                    option_spec.names[0]
                                ),
                                word.range,
                            );
                        }
                    }
                    Arity::One | Arity::Two => {
                        let (first, at) = match attached {
                            Some(v) => (v, word.range),
                            None => match p.next_word() {
                                Some(next) => (next.value.clone(), next.range),
                                None => {
                                    return err(
                                        format!(
                                            "option \"--{}\" requires an argument",
                                            option_spec.names[0]
                                        ),
                                        word.range,
                                    )
                                }
                            },
                        };
                        args.push(normalize(&first, at)?);
                        if option_spec.arity == Arity::Two {
                            match p.next_word() {
                                Some(next) => {
                                    let (v, r) = (next.value.clone(), next.range);
                                    args.push(normalize(&v, r)?);
                                }
                                None => {
                                    return err(
                                        format!("--{} requires two args", option_spec.names[0]),
                                        word.range,
                                    )
                                }
                            }
                        }
                    }
                    Arity::Optional => {
                        let value = attached
                            .map(|v| (v, word.range))
                            .or_else(|| p.optional_word().map(|w| (w.value.clone(), w.range)));
                        if let Some((v, at)) = value {
                            args.push(normalize(&v, at)?);
                        }
                    }
                }
                if !spec.ordered && options.iter().any(|(i, _)| *i == index) {
                    return err(
                        format!(
                            "{}: \"--{}\" option may only be specified once",
                            spec.name, option_spec.names[0]
                        ),
                        word.range,
                    );
                }
                options.push((
                    index,
                    Opt {
                        name: option_spec.names[0].to_owned(),
                        negated: negated.is_some(),
                        args,
                        range: word.range,
                    },
                ));
            }
        }
    }
    if let Some(neg) = invert {
        return err("! not allowed at the end of a rule", neg);
    }
    let Some(op) = op else {
        return err("no command specified", range);
    };

    // Finish modules with the final protocol.
    let ctx = Ctx {
        family,
        protocol: protocol.as_deref(),
        table,
        chain: &chain,
    };
    for module in loaded {
        let mut options: Vec<(usize, Opt)> = module.options;
        if module.spec.is_some_and(|s| !s.ordered) {
            options.sort_by_key(|(i, _)| *i);
        }
        let mut options: Vec<Opt> = options.into_iter().map(|(_, o)| o).collect();
        if let Some(spec) = module.spec {
            if let Some(finish) = spec.finish {
                finish(&mut options, &ctx).map_err(|message| CommandError {
                    message: format!("{}: {message}", spec.name),
                    range: module.range,
                    placement: false,
                })?;
            }
            check_protocol_match(spec.name, protocol.as_deref(), family, module.range)?;
            check_placement(spec, table, &chain, module.range)?;
        }
        rule.matches.push(Match {
            name: module.name,
            options,
            implicit: module.implicit,
            range: module.range,
        });
    }
    if let Some((mut t, spec, options)) = target {
        let mut options = options;
        if spec.is_some() {
            options.sort_by_key(|(i, _)| *i);
        }
        t.options = options.into_iter().map(|(_, o)| o).collect();
        if let Some(spec) = spec {
            if let Some(finish) = spec.finish {
                finish(&mut t.options, &ctx).map_err(|message| CommandError {
                    message: format!("{}: {message}", spec.name),
                    range: t.range,
                    placement: false,
                })?;
            }
            check_placement(spec, table, &chain, t.range)?;
        }
        let range = t.range;
        rule.target = Some(t);
        modules::check_rule(&rule, &chain).map_err(|message| CommandError {
            message,
            range,
            placement: true,
        })?;
    }
    Ok(Command {
        counters,
        op,
        chain,
        chain_range,
        rule,
        range,
    })
}

fn other(family: Family) -> Family {
    match family {
        Family::V4 => Family::V6,
        Family::V6 => Family::V4,
    }
}

/// A protocol match (`-m tcp`) needs the same `-p`.
fn check_protocol_match(
    name: &str,
    protocol: Option<&str>,
    family: Family,
    range: TextRange,
) -> Result<(), CommandError> {
    let needs = match name {
        "tcp" | "udp" | "sctp" | "dccp" | "udplite" | "esp" => name,
        "ah" if family == Family::V4 => name,
        "icmp" if family == Family::V4 => "icmp",
        "icmp6" => "ipv6-icmp",
        _ => return Ok(()),
    };
    if protocol == Some(needs) {
        Ok(())
    } else {
        err(
            format!("{name} match: protocol must be `-p {needs}' (and not negated)"),
            range,
        )
    }
}

/// Targets restricted to tables or built-in chains (DNAT outside nat, REJECT in PREROUTING).
fn check_placement(
    spec: &ModuleSpec,
    table: &str,
    chain: &str,
    range: TextRange,
) -> Result<(), CommandError> {
    let placement = |message: String| {
        Err(CommandError {
            message,
            range,
            placement: true,
        })
    };
    let kind = match spec.kind {
        modules::Kind::Match => "match",
        modules::Kind::Target => "target",
    };
    if !spec.tables.is_empty() && !spec.tables.contains(&table) {
        return placement(format!(
            "{} {kind} is only valid in the {} table",
            spec.name,
            spec.tables.join("/")
        ));
    }
    let builtin = matches!(
        chain,
        "INPUT" | "OUTPUT" | "FORWARD" | "PREROUTING" | "POSTROUTING"
    );
    if builtin && !spec.chains.is_empty() && !spec.chains.contains(&chain) {
        return placement(format!(
            "{} {kind} is only valid in the {} chains",
            spec.name,
            spec.chains.join("/")
        ));
    }
    Ok(())
}

fn rule_number(text: &str, range: TextRange) -> Result<u32, CommandError> {
    match text.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => err(format!("Invalid rule number `{text}'"), range),
    }
}

enum OptionRef {
    Core(char),
    /// `module` is an index into the loaded matches, or `usize::MAX` for the target.
    Module {
        module: usize,
        option: usize,
    },
}

enum Resolved {
    Found(OptionRef),
    Ambiguous,
    Unknown,
}

fn option_in(spec: &ModuleSpec, name: &str) -> Option<usize> {
    spec.options
        .iter()
        .position(|o| o.names.contains(&name))
        .or_else(|| {
            let candidates: Vec<usize> = spec
                .options
                .iter()
                .enumerate()
                .filter(|(_, o)| o.names.iter().any(|n| n.starts_with(name)))
                .map(|(i, _)| i)
                .collect();
            (candidates.len() == 1).then(|| candidates[0])
        })
}

/// getopt_long over the core options and every loaded module's options: an exact name wins,
/// else a unique prefix.
fn resolve_long(name: &str, loaded: &[Loaded], target: Option<&'static ModuleSpec>) -> Resolved {
    let mut exact = None;
    let mut prefixed: Vec<(OptionRef, &str)> = Vec::new();
    for (long, letter) in CORE_LONG {
        if *long == name {
            exact = Some(OptionRef::Core(*letter));
        } else if long.starts_with(name) {
            prefixed.push((OptionRef::Core(*letter), long));
        }
    }
    let modules = loaded
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.spec.map(|s| (i, s)))
        .chain(target.map(|t| (usize::MAX, t)));
    for (module, spec) in modules {
        for (index, option) in spec.options.iter().enumerate() {
            for long in option.names {
                if *long == name {
                    if exact.is_none() {
                        exact = Some(OptionRef::Module {
                            module,
                            option: index,
                        });
                    }
                } else if long.starts_with(name) {
                    prefixed.push((
                        OptionRef::Module {
                            module,
                            option: index,
                        },
                        long,
                    ));
                }
            }
        }
    }
    if let Some(found) = exact {
        return Resolved::Found(found);
    }
    // Aliases of one option (sport/source-port) are one candidate.
    let mut distinct: Vec<OptionRef> = Vec::new();
    for (candidate, _) in prefixed {
        let same = distinct.iter().any(|d| match (d, &candidate) {
            (OptionRef::Core(a), OptionRef::Core(b)) => a == b,
            (
                OptionRef::Module {
                    module: a,
                    option: x,
                },
                OptionRef::Module {
                    module: b,
                    option: y,
                },
            ) => a == b && x == y,
            _ => false,
        });
        if !same {
            distinct.push(candidate);
        }
    }
    match distinct.len() {
        0 => Resolved::Unknown,
        1 => Resolved::Found(distinct.pop().expect("one")),
        _ => Resolved::Ambiguous,
    }
}

/// The number of a protocol in saved form (`tcp` → 6, `all` → 0).
pub fn protocol_number(canonical: &str) -> Option<u8> {
    if canonical == "all" {
        return Some(0);
    }
    PROTOCOLS
        .iter()
        .find(|(name, _)| *name == canonical)
        .map(|(_, n)| *n)
        .or_else(|| canonical.parse().ok())
}

/// `-p` value in saved form.
pub fn canonical_protocol(text: &str, family: Family) -> Result<String, String> {
    let lower = text.to_ascii_lowercase();
    if lower == "all" || lower == "0" {
        return Ok("all".into());
    }
    if lower == "icmpv6" || (lower == "ipv6-icmp") {
        return Ok("ipv6-icmp".into());
    }
    // iptables' own names for 135; /etc/protocols calls it mobility-header.
    if lower == "mh" || lower == "ipv6-mh" {
        return Ok("mobility-header".into());
    }
    if let Some((name, _)) = PROTOCOLS.iter().find(|(name, _)| *name == lower) {
        let _ = family;
        return Ok((*name).to_owned());
    }
    if let Ok(number) = lower.parse::<u8>() {
        if let Some((name, _)) = PROTOCOLS
            .iter()
            .find(|(name, n)| *n == number && *name != "icmpv6")
        {
            return Ok((*name).to_owned());
        }
        return Ok(number.to_string());
    }
    Err(format!("unknown protocol \"{text}\" specified"))
}

/// `-s`/`-d`: comma-separated addresses, each `addr[/len|/dotted-mask]` or a host name.
pub fn parse_addresses(text: &str, family: Family) -> Result<Vec<Address>, String> {
    text.split(',')
        .map(|item| parse_address(item, family))
        .collect()
}

fn parse_address(text: &str, family: Family) -> Result<Address, String> {
    let (addr_text, mask_text) = match text.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (text, None),
    };
    let max = match family {
        Family::V4 => 32,
        Family::V6 => 128,
    };
    // libxtables reads IPv4 numbers its own way (`172.16.0`, octal and hex parts).
    let numeric = match family {
        Family::V4 => crate::numeric::ipv4(addr_text, false).map(IpAddr::V4),
        Family::V6 => addr_text.parse::<IpAddr>().ok(),
    };
    let addr: IpAddr = match numeric {
        Some(addr) => addr,
        None => {
            let hostname = !addr_text.is_empty()
                && addr_text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
                && addr_text.bytes().any(|b| b.is_ascii_alphabetic());
            if hostname && mask_text.is_none_or(|m| m.parse::<u8>().is_ok_and(|m| m <= max)) {
                return Ok(Address::Host(text.to_owned()));
            }
            return Err(format!("host/network `{addr_text}' not found"));
        }
    };
    if matches!(
        (family, addr),
        (Family::V4, IpAddr::V6(_)) | (Family::V6, IpAddr::V4(_))
    ) {
        return Err(format!("host/network `{addr_text}' not found"));
    }
    let prefix = match mask_text {
        None => max,
        Some(m) if !m.contains(['.', ':']) => crate::numeric::c_unsigned(m, u32::from(max))
            .and_then(|p| u8::try_from(p).ok())
            .ok_or_else(|| format!("invalid mask `{m}' specified"))?,
        Some(m) => {
            let mask: IpAddr = match family {
                Family::V4 => crate::numeric::ipv4(m, true).map(IpAddr::V4),
                Family::V6 => m.parse().ok(),
            }
            .ok_or_else(|| format!("invalid mask `{m}' specified"))?;
            match contiguous_prefix(mask) {
                Some(p) => p,
                None => {
                    let masked = apply_mask(addr, mask);
                    return Ok(Address::Masked { addr: masked, mask });
                }
            }
        }
    };
    let net = IpNet::new(addr, prefix).map_err(|_| format!("invalid mask `{prefix}' specified"))?;
    Ok(Address::Net(net.trunc()))
}

fn contiguous_prefix(mask: IpAddr) -> Option<u8> {
    let (bits, width) = match mask {
        IpAddr::V4(m) => (u128::from(u32::from(m)) << 96, 32u32),
        IpAddr::V6(m) => (u128::from(m), 128u32),
    };
    let ones = bits.leading_ones();
    (bits.checked_shl(ones).unwrap_or(0) == 0 && ones <= width).then_some(ones as u8)
}

fn apply_mask(addr: IpAddr, mask: IpAddr) -> IpAddr {
    match (addr, mask) {
        (IpAddr::V4(a), IpAddr::V4(m)) => IpAddr::V4((u32::from(a) & u32::from(m)).into()),
        (IpAddr::V6(a), IpAddr::V6(m)) => IpAddr::V6((u128::from(a) & u128::from(m)).into()),
        (a, _) => a,
    }
}
