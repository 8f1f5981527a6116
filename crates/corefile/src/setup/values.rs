//! Values block options must have, as each plugin's setup parses them (CoreDNS 1.14.7): Go
//! integers, durations, rcode and class names, with the messages the setup returns. Only
//! checks that need nothing but the text are here (no regular expressions, templates,
//! expressions or files).

use crate::lexer::Token;

use super::{go_duration_nanos, go_quote, Found};

/// Response codes miekg/dns knows by name (`StringToRcode`), upper case.
const RCODES: &[&str] = &[
    "NOERROR",
    "FORMERR",
    "SERVFAIL",
    "NXDOMAIN",
    "NOTIMP",
    "REFUSED",
    "YXDOMAIN",
    "YXRRSET",
    "NXRRSET",
    "NOTAUTH",
    "NOTZONE",
    "DSOTYPENI",
    "BADSIG",
    "BADVERS",
    "BADKEY",
    "BADTIME",
    "BADMODE",
    "BADNAME",
    "BADALG",
    "BADTRUNC",
    "BADCOOKIE",
];

const MINUTE: i128 = 60_000_000_000;

fn err(message: String, token: &Token) -> Option<Found> {
    Some((message, token.range))
}

fn parse_error(message: String, token: &Token) -> Option<Found> {
    err(format!("Error during parsing: {message}"), token)
}

/// `strconv.Atoi` (a 64-bit int); `Err` is Go's message.
fn atoi(token: &Token) -> Result<i64, String> {
    token
        .text
        .parse::<i64>()
        .ok()
        .filter(|_| !token.text.starts_with('+') || token.text.len() > 1)
        .ok_or_else(|| {
            format!(
                "strconv.Atoi: parsing {}: invalid syntax",
                go_quote(&token.text)
            )
        })
}

/// `strconv.ParseUint(s, 10, 32)`.
fn parse_uint32(token: &Token) -> Result<u32, String> {
    if !token.text.bytes().all(|b| b.is_ascii_digit()) || token.text.is_empty() {
        return Err(format!(
            "strconv.ParseUint: parsing {}: invalid syntax",
            go_quote(&token.text)
        ));
    }
    token.text.parse::<u32>().map_err(|_| {
        format!(
            "strconv.ParseUint: parsing {}: value out of range",
            go_quote(&token.text)
        )
    })
}

/// `time.ParseDuration`; `Err` is Go's message.
fn duration(token: &Token) -> Result<i128, String> {
    go_duration_nanos(&token.text)
        .ok_or_else(|| format!("time: invalid duration {}", go_quote(&token.text)))
}

/// The value checks of `plugin`'s option `option` with its arguments `args` (their count is
/// already checked).
pub fn check(plugin: &str, option: &str, args: &[&Token]) -> Option<Found> {
    match (plugin, option) {
        ("cache", "success" | "denial") => cache_capacity(args),
        ("cache", "prefetch") => cache_prefetch(args),
        ("cache", "servfail") => match duration(args[0]) {
            Err(e) => err(e, args[0]),
            Ok(d) if d < 0 => err("invalid negative ttl for servfail".into(), args[0]),
            Ok(d) if d > 5 * MINUTE => err(
                "caching SERVFAIL responses over 5 minutes is not permitted".into(),
                args[0],
            ),
            Ok(_) => None,
        },
        ("cache", "serve_stale") => {
            let first = args.first()?;
            match duration(first) {
                Err(e) => return err(e, first),
                Ok(d) if d < 0 => {
                    return err("invalid negative duration for serve_stale".into(), first)
                }
                Ok(_) => {}
            }
            let mode = args.get(1)?;
            let lower = mode.text.to_ascii_lowercase();
            (lower != "immediate" && lower != "verify").then(|| {
                (
                    format!("invalid value for serve_stale refresh mode: {lower}"),
                    mode.range,
                )
            })
        }
        ("cache", "serve_stale_policy") => (!args[0].text.eq_ignore_ascii_case("prefer_positive"))
            .then(|| {
                (
                    format!("invalid serve_stale_policy: {}", args[0].text),
                    args[0].range,
                )
            }),
        ("cache", "disable") => {
            (args[0].text != "success" && args[0].text != "denial").then(|| {
                (
                    "cache type for disable must be \"success\" or \"denial\"".to_owned(),
                    args[0].range,
                )
            })
        }
        ("forward", "max_fails" | "max_connect_attempts") => {
            parse_uint32(args[0]).err().and_then(|e| err(e, args[0]))
        }
        ("forward", "max_idle_conns" | "max_concurrent") => match atoi(args[0]) {
            Err(e) => err(e, args[0]),
            Ok(n) if n < 0 => err(format!("{option} can't be negative: {n}"), args[0]),
            Ok(_) => None,
        },
        ("forward", "expire" | "max_age") => match duration(args[0]) {
            Err(e) => err(e, args[0]),
            Ok(d) if d < 0 => err(
                format!("{option} can't be negative: {}", args[0].text),
                args[0],
            ),
            Ok(_) => None,
        },
        ("forward", "read_timeout") => match duration(args[0]) {
            Err(e) => err(e, args[0]),
            Ok(d) if d <= 0 => err(
                format!("read_timeout must be positive: {}", args[0].text),
                args[0],
            ),
            Ok(_) => None,
        },
        ("forward", "health_check") => forward_health_check(args),
        ("forward", "doh_method") => (args[0].text != "POST" && args[0].text != "GET").then(|| {
            (
                "doh_method must be either POST or GET".to_owned(),
                args[0].range,
            )
        }),
        ("forward", "next" | "failover") => args.iter().find_map(|a| {
            let upper = a.text.to_ascii_uppercase();
            if !RCODES.contains(&upper.as_str()) {
                err(format!("{} is not a valid rcode", a.text), a)
            } else if option == "failover" && upper == "NOERROR" {
                err("NoError cannot be used in failover".into(), a)
            } else {
                None
            }
        }),
        ("forward", "resolver") => args.iter().find_map(|a| {
            let host = split_host(&a.text);
            host.parse::<std::net::IpAddr>().is_err().then(|| {
                (
                    format!(
                        "resolver must be an IP address or IP:port: {}",
                        go_quote(&a.text)
                    ),
                    a.range,
                )
            })
        }),
        ("forward", "source_address") => {
            args[0].text.parse::<std::net::IpAddr>().is_err().then(|| {
                (
                    format!("Error during parsing: invalid IP address: {}", args[0].text),
                    args[0].range,
                )
            })
        }
        ("health", "lameduck") => duration(args[0]).err().and_then(|e| {
            err(
                format!(
                    "unable to parse lameduck duration value: '{}' : {e}",
                    args[0].text
                ),
                args[0],
            )
        }),
        ("hosts", "ttl") => match atoi(args[0]) {
            Err(_) => parse_error("ttl needs a number of second".into(), args[0]),
            Ok(n) if !(1..=65535).contains(&n) => {
                parse_error("ttl provided is invalid".into(), args[0])
            }
            Ok(_) => None,
        },
        ("hosts", "reload") => match duration(args[0]) {
            Err(_) => parse_error(
                format!("invalid duration for reload '{}'", args[0].text),
                args[0],
            ),
            Ok(d) if d < 0 => parse_error(
                format!("invalid negative duration for reload '{}'", args[0].text),
                args[0],
            ),
            Ok(_) => None,
        },
        // fileParse wraps the error in `plugin/file:` itself, and setup wraps it again.
        ("file", "reload") => duration(args[0])
            .err()
            .and_then(|e| err(format!("plugin/file: {e}"), args[0])),
        ("auto", "reload") => match duration(args[0]) {
            Err(e) => err(format!("plugin/file: {e}"), args[0]),
            Ok(d) if d < 0 => err("plugin/file: invalid duration".into(), args[0]),
            Ok(_) => None,
        },
        ("log", "class") => args.iter().find_map(|a| {
            (!["all", "success", "denial", "error"].contains(&a.text.as_str()))
                .then(|| (format!("invalid Class: {}", a.text), a.range))
        }),
        ("template", "rcode") => (!RCODES.contains(&args[0].text.as_str())).then(|| {
            (
                format!("Error during parsing: unknown rcode {}", args[0].text),
                args[0].range,
            )
        }),
        ("errors", "consolidate") => errors_consolidate(args),
        _ => None,
    }
}

/// The host part of `host:port` (`net.SplitHostPort` when it succeeds, else the whole text).
fn split_host(text: &str) -> &str {
    if let Some(rest) = text.strip_prefix('[') {
        if let Some((host, port)) = rest.split_once(']') {
            if port.starts_with(':') && !port[1..].contains(':') {
                return host;
            }
        }
        return text;
    }
    match text.split_once(':') {
        Some((host, port)) if !port.contains(':') => host,
        _ => text,
    }
}

/// `health_check DURATION [no_rec] [domain NAME]`.
fn forward_health_check(args: &[&Token]) -> Option<Found> {
    match duration(args[0]) {
        Err(e) => return err(e, args[0]),
        Ok(d) if d < 0 => return err(format!("health_check can't be negative: {d}"), args[0]),
        Ok(_) => {}
    }
    let mut rest = args[1..].iter();
    while let Some(option) = rest.next() {
        match option.text.as_str() {
            "no_rec" => {}
            "domain" => {
                if rest.next().is_none() {
                    return parse_error(
                        "Wrong argument count or unexpected line ending after 'domain'".into(),
                        option,
                    );
                }
            }
            other => return err(format!("health_check: unknown option {other}"), option),
        }
    }
    None
}

/// `consolidate DURATION REGEXP [LEVEL] [show_first]` (the regular expression is not checked).
fn errors_consolidate(args: &[&Token]) -> Option<Found> {
    if let Err(e) = duration(args[0]) {
        return parse_error(e, args[0]);
    }
    let mut level = false;
    let mut show_first = false;
    for arg in &args[2..] {
        match arg.text.as_str() {
            "warning" | "error" | "info" | "debug" => {
                if level {
                    return parse_error("multiple log levels specified in consolidate".into(), arg);
                }
                if show_first {
                    return parse_error(
                        "log level must come before show_first in consolidate".into(),
                        arg,
                    );
                }
                level = true;
            }
            "show_first" => show_first = true,
            other => return parse_error(format!("unknown option in consolidate: {other}"), arg),
        }
    }
    None
}

fn cache_capacity(args: &[&Token]) -> Option<Found> {
    if let Err(e) = atoi(args[0]) {
        return err(e, args[0]);
    }
    if let Some(ttl) = args.get(1) {
        match atoi(ttl) {
            Err(e) => return err(e, ttl),
            Ok(n) if n <= 0 => {
                return err(format!("cache TTL can not be zero or negative: {n}"), ttl)
            }
            Ok(_) => {}
        }
    }
    let min = args.get(2)?;
    match atoi(min) {
        Err(e) => err(e, min),
        Ok(n) if n < 0 => err(format!("cache min TTL can not be negative: {n}"), min),
        Ok(_) => None,
    }
}

fn cache_prefetch(args: &[&Token]) -> Option<Found> {
    match atoi(args[0]) {
        Err(e) => return err(e, args[0]),
        Ok(n) if n < 0 => return err(format!("prefetch amount should be positive: {n}"), args[0]),
        Ok(_) => {}
    }
    if let Some(d) = args.get(1) {
        if let Err(e) = duration(d) {
            return err(e, d);
        }
    }
    let pct = args.get(2)?;
    let Some(number) = pct.text.strip_suffix('%') else {
        let last = pct.text.chars().last().unwrap_or(' ');
        return err(
            format!("last character of percentage should be `%`, but is: '{last}'"),
            pct,
        );
    };
    match number.parse::<i64>() {
        Err(_) => err(
            format!("strconv.Atoi: parsing {}: invalid syntax", go_quote(number)),
            pct,
        ),
        Ok(n) if !(10..=90).contains(&n) => err(
            format!("percentage should fall in range [10, 90]: {n}"),
            pct,
        ),
        Ok(_) => None,
    }
}
