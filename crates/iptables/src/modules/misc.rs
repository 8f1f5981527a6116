//! Other matches: limit, recent, string, statistic, owner, cgroup, cpu, quota, mac, physdev,
//! sctp, policy, addrtype.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::conn::{keywords, module_address};
use super::values::{
    exclusive, has, new_opt, one_of, parse_uint, parse_uint_range, port_number, range_text,
    required, text, uint,
};
use super::{m, o, Arity, Ctx, ModuleSpec};
use crate::rule::{Family, Opt};

const U32: u64 = u32::MAX as u64;

/// XT_LIMIT_SCALE: rates are kept as the interval between packets in 1/10000 s.
const LIMIT_SCALE: u64 = 10_000;

/// `N/unit` (unit any prefix of second, minute, hour, day; per second when omitted) as the
/// kernel interval, as iptables' `parse_rate` computes it.
fn rate_interval(value: &str, scale: u64) -> Result<u64, String> {
    let bad = || format!("bad rate \"{value}\"");
    let (count, unit) = match value.split_once('/') {
        Some((c, u)) => (c, Some(u)),
        None => (value, None),
    };
    let mult = match unit {
        None => 1,
        Some("") => return Err(bad()),
        Some(u) => {
            let u = u.to_ascii_lowercase();
            if "second".starts_with(&u) {
                1
            } else if "minute".starts_with(&u) {
                60
            } else if "hour".starts_with(&u) {
                3600
            } else if "day".starts_with(&u) {
                86400
            } else {
                return Err(bad());
            }
        }
    };
    // atoi: leading digits only.
    let digits: String = count.chars().take_while(|c| c.is_ascii_digit()).collect();
    let count: u64 = digits.parse().map_err(|_| bad())?;
    if count == 0 {
        return Err(bad());
    }
    let interval = scale * mult / count;
    if interval == 0 {
        return Err(format!("Rate too fast \"{value}\""));
    }
    Ok(interval)
}

/// How iptables-save prints a rate interval (`print_rate`): the largest unit that still
/// divides it closely enough.
fn rate_text(interval: u64) -> String {
    const UNITS: [(&str, u64); 4] = [
        ("day", LIMIT_SCALE * 86400),
        ("hour", LIMIT_SCALE * 3600),
        ("min", LIMIT_SCALE * 60),
        ("sec", LIMIT_SCALE),
    ];
    let mut i = 1;
    while i < UNITS.len() {
        let mult = UNITS[i].1;
        if interval > mult || mult / interval < mult % interval {
            break;
        }
        i += 1;
    }
    let (name, mult) = UNITS[i - 1];
    format!("{}/{name}", mult / interval)
}

fn limit_rate(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    Ok(rate_text(rate_interval(value, LIMIT_SCALE)?))
}

fn limit_burst(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 10000)
}

/// The rate is always saved (3/hour by default); the burst only when not 5.
fn finish_limit(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if !has(options, "limit") {
        options.insert(0, new_opt("limit", &["3/hour"]));
    }
    options.retain(|o| !(o.name == "limit-burst" && o.args.first().is_some_and(|a| a == "5")));
    Ok(())
}

fn seconds(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, U32)
}

/// The kernel keeps at most 255 timestamps per address.
fn hitcount(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 255)
}

/// XT_HASHLIMIT_SCALE_v2: hashlimit (revision 2 on) keeps intervals in 1/1000000 s.
const HASHLIMIT_SCALE: u64 = 1_000_000;

/// A hashlimit rate: packets (`N/unit`, printed like limit's) or bytes (`Nb/s`, `Nkb/s`,
/// `Nmb/s`, kept as written).
fn hashlimit_rate(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let bad = || format!("bad rate \"{value}\"");
    let (count, unit) = value.split_once('/').unwrap_or((value, "sec"));
    let lower = count.to_ascii_lowercase();
    if lower.ends_with('b') {
        let digits = lower
            .trim_end_matches("kb")
            .trim_end_matches("mb")
            .trim_end_matches('b');
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || unit != "s" {
            return Err(bad());
        }
        return Ok(value.to_owned());
    }
    let interval = rate_interval(value, HASHLIMIT_SCALE)?;
    let _ = unit;
    const UNITS: [(&str, u64); 4] = [
        ("day", HASHLIMIT_SCALE * 86400),
        ("hour", HASHLIMIT_SCALE * 3600),
        ("min", HASHLIMIT_SCALE * 60),
        ("sec", HASHLIMIT_SCALE),
    ];
    let mut i = 1;
    while i < UNITS.len() {
        let mult = UNITS[i].1;
        if interval > mult || mult / interval < mult % interval {
            break;
        }
        i += 1;
    }
    let (name, mult) = UNITS[i - 1];
    Ok(format!("{}/{name}", mult / interval))
}

fn hashlimit_burst(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if let Some(v) = parse_uint(value, 10000) {
        return Ok(v.to_string());
    }
    let lower = value.to_ascii_lowercase();
    let digits = lower
        .trim_end_matches("kb")
        .trim_end_matches("mb")
        .trim_end_matches('b');
    if lower.ends_with('b') && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(value.to_owned());
    }
    Err(format!("bad --hashlimit-burst \"{value}\""))
}

fn hashlimit_mode(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let names = ["srcip", "srcport", "dstip", "dstport"];
    let mut seen = [false; 4];
    for item in value.split(',') {
        match names.iter().position(|n| *n == item) {
            Some(i) => seen[i] = true,
            None => return Err(format!("Invalid mode \"{value}\"")),
        }
    }
    Ok(names
        .iter()
        .zip(seen)
        .filter(|(_, s)| *s)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(","))
}

fn hashlimit_name(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.is_empty() || value.len() > 255 {
        return Err(format!("Bad --hashlimit-name \"{value}\""));
    }
    Ok(value.to_owned())
}

fn hashlimit_mask(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let max = match ctx.family {
        Family::V4 => 32,
        Family::V6 => 128,
    };
    uint(value, max)
}

/// One of --hashlimit-upto/--hashlimit-above and --hashlimit-name are required; the burst is
/// always saved (5 by default); default table settings and masks are left out.
fn finish_hashlimit(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["hashlimit-upto", "hashlimit-above"])?;
    required(options, "hashlimit-name")?;
    let full = match ctx.family {
        Family::V4 => "32",
        Family::V6 => "128",
    };
    if !has(options, "hashlimit-burst") {
        let at = options
            .iter()
            .position(|o| o.name == "hashlimit-upto" || o.name == "hashlimit-above")
            .map_or(0, |i| i + 1);
        options.insert(at, new_opt("hashlimit-burst", &["5"]));
    }
    options.retain(|o| {
        let a = o.args.first().map(String::as_str);
        !(o.name == "hashlimit-htable-gcinterval" && a == Some("1000")
            || o.name == "hashlimit-htable-expire" && a == Some("10000")
            || o.name == "hashlimit-htable-size" && a == Some("0")
            || o.name == "hashlimit-htable-max" && a == Some("0")
            || matches!(o.name.as_str(), "hashlimit-srcmask" | "hashlimit-dstmask")
                && a == Some(full))
    });
    Ok(())
}

/// `hh:mm[:ss]` saved as `hh:mm:ss`.
fn daytime(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let bad = || format!("invalid time \"{value}\" specified, should be hh:mm[:ss] format");
    let parts: Vec<&str> = value.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad());
    }
    let field = |i: usize, max: u64| -> Result<u64, String> {
        match parts.get(i) {
            None => Ok(0),
            Some(p) if !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u64>().ok().filter(|v| *v <= max).ok_or_else(bad)
            }
            Some(_) => Err(bad()),
        }
    };
    Ok(format!(
        "{:02}:{:02}:{:02}",
        field(0, 23)?,
        field(1, 59)?,
        field(2, 59)?
    ))
}

/// `YYYY[-MM[-DD[Thh[:mm[:ss]]]]]` saved in full.
fn date(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let bad = || {
        format!(
            "invalid date \"{value}\" specified, should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]] format"
        )
    };
    let (day, time) = match value.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (value, None),
    };
    let num = |p: &str, min: u64, max: u64| -> Result<u64, String> {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        p.parse::<u64>()
            .ok()
            .filter(|v| (min..=max).contains(v))
            .ok_or_else(bad)
    };
    let d: Vec<&str> = day.split('-').collect();
    if d.len() > 3 {
        return Err(bad());
    }
    let year = num(d[0], 1970, 2038)?;
    let month = d.get(1).map_or(Ok(1), |m| num(m, 1, 12))?;
    let mday = d.get(2).map_or(Ok(1), |m| num(m, 1, 31))?;
    let (h, mi, se) = match time {
        None => (0, 0, 0),
        Some(t) => {
            let t: Vec<&str> = t.split(':').collect();
            if t.len() > 3 {
                return Err(bad());
            }
            (
                num(t[0], 0, 23)?,
                t.get(1).map_or(Ok(0), |m| num(m, 0, 59))?,
                t.get(2).map_or(Ok(0), |m| num(m, 0, 59))?,
            )
        }
    };
    Ok(format!(
        "{year:04}-{month:02}-{mday:02}T{h:02}:{mi:02}:{se:02}"
    ))
}

fn monthdays(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let mut seen = [false; 32];
    for item in value.split(',') {
        match parse_uint(item, 31) {
            Some(d) if d >= 1 => seen[d as usize] = true,
            _ => return Err(format!("Illegal monthday value \"{item}\"")),
        }
    }
    Ok((1..=31)
        .filter(|d| seen[*d])
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(","))
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn weekdays(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let mut seen = [false; 7];
    for item in value.split(',') {
        let index = match parse_uint(item, 7) {
            Some(d) if d >= 1 => Some(d as usize - 1),
            _ => WEEKDAYS.iter().position(|w| {
                item.len() >= 2
                    && w.to_ascii_lowercase()
                        .starts_with(&item.to_ascii_lowercase())
            }),
        };
        match index {
            Some(i) => seen[i] = true,
            None => return Err(format!("No, {item} is not a day")),
        }
    }
    Ok(WEEKDAYS
        .iter()
        .zip(seen)
        .filter(|(_, s)| *s)
        .map(|(w, _)| *w)
        .collect::<Vec<_>>()
        .join(","))
}

/// Defaults are left out: the whole day, every month day and weekday, the epoch and
/// 2038-01-19T03:14:07; the day range prints in full when either end is given.
fn finish_time(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    exclusive(options, &["localtz", "kerneltz"])?;
    // `--utc` is the default (libxt_time excludes it with the other two), never saved.
    exclusive(options, &["utc", "localtz"])?;
    exclusive(options, &["utc", "kerneltz"])?;
    let start = super::values::arg(options, "timestart").map(str::to_owned);
    let stop = super::values::arg(options, "timestop").map(str::to_owned);
    if start.is_some() || stop.is_some() {
        let start = start.unwrap_or_else(|| "00:00:00".into());
        let stop = stop.unwrap_or_else(|| "23:59:59".into());
        options.retain(|o| o.name != "timestart" && o.name != "timestop");
        if !(start == "00:00:00" && stop == "23:59:59") {
            options.insert(0, new_opt("timestop", &[&stop]));
            options.insert(0, new_opt("timestart", &[&start]));
        }
    }
    let all_days: String = (1..=31)
        .map(|d: u32| d.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let all_week = WEEKDAYS.join(",");
    options.retain(|o| {
        let a = o.args.first().map(String::as_str);
        !(o.name == "monthdays" && !o.negated && a == Some(all_days.as_str())
            || o.name == "weekdays" && !o.negated && a == Some(all_week.as_str())
            || o.name == "datestart" && a == Some("1970-01-01T00:00:00")
            || o.name == "datestop" && a == Some("2038-01-19T03:14:07")
            || o.name == "localtz"
            || o.name == "utc")
    });
    Ok(())
}

fn recent_name(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.is_empty() || value.len() > 199 {
        return Err(format!("Bad recent name \"{value}\""));
    }
    Ok(value.to_owned())
}

fn recent_mask(value: &str, ctx: &Ctx<'_>) -> Result<String, String> {
    let parsed: std::net::IpAddr = value
        .parse()
        .map_err(|_| format!("Bad recent mask \"{value}\""))?;
    match (ctx.family, parsed) {
        (Family::V4, std::net::IpAddr::V4(_)) | (Family::V6, std::net::IpAddr::V6(_)) => {
            Ok(parsed.to_string())
        }
        _ => Err(format!("Bad recent mask \"{value}\"")),
    }
}

/// One of --set/--rcheck/--update/--remove; the list name (DEFAULT), the mask (all ones) and
/// the address side (--rsource) are always saved.
fn finish_recent(options: &mut Vec<Opt>, ctx: &Ctx<'_>) -> Result<(), String> {
    let commands = ["set", "rcheck", "update", "remove"];
    if options
        .iter()
        .filter(|o| commands.contains(&o.name.as_str()))
        .count()
        != 1
    {
        return Err("you must specify one of `--set', `--rcheck', `--update' or `--remove'".into());
    }
    exclusive(options, &["rsource", "rdest"])?;
    let checks = has(options, "rcheck") || has(options, "update");
    for name in ["seconds", "hitcount", "rttl", "reap"] {
        if has(options, name) && !checks {
            return Err(format!(
                "--{name} can only be used with --rcheck or --update"
            ));
        }
    }
    if has(options, "reap") && !has(options, "seconds") {
        return Err("--reap requires --seconds".into());
    }
    let pos = |options: &Vec<Opt>, after: &[&str]| {
        options
            .iter()
            .rposition(|o| after.contains(&o.name.as_str()))
            .map_or(0, |i| i + 1)
    };
    if !has(options, "name") {
        let at = pos(
            options,
            &[
                "set", "rcheck", "update", "remove", "seconds", "reap", "hitcount", "rttl",
            ],
        );
        options.insert(at, new_opt("name", &["DEFAULT"]));
    }
    if !has(options, "mask") {
        let full = match ctx.family {
            Family::V4 => "255.255.255.255",
            Family::V6 => "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        };
        let at = pos(options, &["name"]);
        options.insert(at, new_opt("mask", &[full]));
    }
    if !has(options, "rsource") && !has(options, "rdest") {
        options.push(new_opt("rsource", &[]));
    }
    Ok(())
}

/// The pattern of `--string` (as written) or `--hex-string` (`|41 42|` blocks and `\x`
/// literals), at most 128 bytes.
fn string_bytes(value: &str, hex: bool) -> Result<Vec<u8>, String> {
    const MAX: usize = 128;
    let too_long = || format!("STRING too long \"{value}\"");
    if !hex {
        if value.len() > MAX {
            return Err(too_long());
        }
        return Ok(value.as_bytes().to_vec());
    }
    let s = value.as_bytes();
    if s.is_empty() {
        return Err("STRING must contain at least one char".into());
    }
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_hex = false;
    while i < s.len() {
        if out.len() >= MAX {
            return Err(too_long());
        }
        let mut literal = false;
        if s[i] == b'\\' && !in_hex {
            literal = true;
        } else if s[i] == b'\\' {
            return Err("Cannot include literals in hex data".into());
        } else if s[i] == b'|' {
            if in_hex {
                in_hex = false;
            } else {
                in_hex = true;
                while s.get(i + 1) == Some(&b' ') {
                    i += 1;
                }
            }
            if i + 1 >= s.len() {
                break;
            }
            i += 1;
        }
        if literal {
            let Some(&next) = s.get(i + 1) else {
                return Err("Bad literal placement at end of string".into());
            };
            out.push(next);
            i += 2;
        } else if in_hex {
            if i + 1 >= s.len() {
                return Err("Odd number of hex digits".into());
            }
            if i + 2 >= s.len() {
                return Err("Invalid hex block".into());
            }
            let pair = std::str::from_utf8(&s[i..i + 2]).unwrap_or("");
            let byte = u8::from_str_radix(pair, 16)
                .ok()
                .filter(|_| pair.bytes().all(|b| b.is_ascii_hexdigit()))
                .ok_or_else(|| format!("Invalid hex char '{}'", s[i] as char))?;
            out.push(byte);
            i += if s.get(i + 2) == Some(&b' ') { 3 } else { 2 };
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn string_pattern(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    string_bytes(value, false).map(|_| value.to_owned())
}

fn hex_pattern(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    string_bytes(value, true).map(|_| value.to_owned())
}

fn string_algo(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "bm" | "kmp" => Ok(value.to_owned()),
        _ => Err(format!("unknown algorithm \"{value}\"")),
    }
}

fn uint16(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 65535)
}

/// The pattern is saved as `--string "…"` when every byte is printable (and the last is not a
/// backslash), else as `--hex-string "|…|"`; --from 0 and --to 65535 are defaults.
fn finish_string(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["string", "hex-string"])
        .map_err(|_| "You must specify `--string' or `--hex-string'".to_owned())?;
    required(options, "algo")?;
    for option in options.iter_mut() {
        if option.name != "string" && option.name != "hex-string" {
            continue;
        }
        let bytes = string_bytes(&option.args[0], option.name == "hex-string")?;
        let printable = bytes.iter().all(|b| (0x20..0x7f).contains(b))
            && bytes.last().is_some_and(|b| *b != b'\\');
        if printable {
            let mut out = String::from("\"");
            for &b in &bytes {
                if b == b'"' || b == b'\\' {
                    out.push('\\');
                }
                out.push(b as char);
            }
            out.push('"');
            option.name = "string".into();
            option.args = vec![out];
        } else {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            option.name = "hex-string".into();
            option.args = vec![format!("\"|{hex}|\"")];
        }
    }
    options.retain(|o| {
        !(o.name == "from" && o.args[0] == "0" || o.name == "to" && o.args[0] == "65535")
    });
    Ok(())
}

fn statistic_mode(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "random" | "nth" => Ok(value.to_owned()),
        _ => Err(format!("Bad mode \"{value}\"")),
    }
}

/// A probability is kept as a 31-bit fraction and printed with 11 decimals.
fn probability(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let p: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("Bad probability \"{value}\""))?;
    if !(0.0..=1.0).contains(&p) {
        return Err(format!("Value \"{value}\" out of range (0-1)"));
    }
    let scale = f64::from(0x8000_0000u32);
    Ok(format!("{:.11}", (p * scale).round() / scale))
}

fn every(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match parse_uint(value, U32) {
        Some(v) if v >= 1 => Ok(v.to_string()),
        _ => Err(format!("Value \"{value}\" out of range (1-{U32})")),
    }
}

fn finish_statistic(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "mode")?;
    let random = super::values::arg(options, "mode") == Some("random");
    if has(options, "probability") && (has(options, "every") || has(options, "packet")) {
        return Err("--probability cannot be used with --every or --packet".into());
    }
    if random {
        if !has(options, "probability") {
            return Err("--probability must be specified when using random mode".into());
        }
    } else {
        if !has(options, "every") || !has(options, "packet") {
            return Err("--every and --packet must be specified when using nth mode".into());
        }
        let n: u64 = super::values::arg(options, "every")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let p: u64 = super::values::arg(options, "packet")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if p > n - 1 {
            return Err("the --packet p must be 0 <= p <= n-1".into());
        }
    }
    Ok(())
}

/// `ID` or `ID-ID` of users or groups; only `root` is resolved by name (gblint never reads
/// the passwd or group database); other names are kept as written.
fn owner_id(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let one = |part: &str| -> Result<String, String> {
        if part == "root" {
            return Ok("0".into());
        }
        match parse_uint(part, U32 - 1) {
            Some(v) => Ok(v.to_string()),
            None if !part.is_empty()
                && !part.starts_with('-')
                && part.bytes().any(|b| !b.is_ascii_digit()) =>
            {
                Ok(part.to_owned())
            }
            None => Err(format!("Invalid user or group \"{value}\"")),
        }
    };
    if let Some((a, b)) = value.split_once('-').filter(|(a, _)| !a.is_empty()) {
        if let (Some(low), Some(high)) = (parse_uint(a, U32 - 1), parse_uint(b, U32 - 1)) {
            if low > high {
                return Err(format!("Invalid range \"{value}\""));
            }
            return Ok(range_text(low, high).replace(':', "-"));
        }
    }
    one(value)
}

fn finish_owner(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if options.is_empty() {
        return Err("owner: at least one option is required".into());
    }
    if let Some(suppl) = options.iter().find(|o| o.name == "suppl-groups") {
        if suppl.negated {
            return Err("--suppl-groups cannot be negated".into());
        }
        let gid_first = options
            .iter()
            .find(|o| o.name == "gid-owner")
            .is_some_and(|g| g.range.start() <= suppl.range.start());
        if !gid_first {
            return Err("--suppl-groups requires --gid-owner".into());
        }
    }
    Ok(())
}

fn cgroup_path(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    text(value, 4095)
}

fn uint32(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, U32)
}

fn uint64(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, u64::MAX)
}

fn finish_cgroup(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    one_of(options, &["path", "cgroup"])
}

fn finish_cpu(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "cpu")
}

fn finish_quota(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "quota")
}

/// Six hex bytes separated by `:`, saved upper-case.
fn mac_address(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let parts: Vec<&str> = value.split(':').collect();
    let ok = parts.len() == 6
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_hexdigit()));
    if !ok {
        return Err(format!("Bad mac address \"{value}\""));
    }
    Ok(parts
        .iter()
        .map(|p| format!("{:02X}", u8::from_str_radix(p, 16).unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(":"))
}

fn finish_mac(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "mac-source")
}

fn interface(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.len() > 15 {
        return Err(format!(
            "interface name `{value}' must be shorter than IFNAMSIZ (15)"
        ));
    }
    Ok(value.to_owned())
}

fn finish_physdev(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if options.is_empty() {
        return Err("PHYSDEV: no physdev option specified".into());
    }
    Ok(())
}

fn sctp_ports(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let (low, high) = parse_uint_range(value, 65535, Some(|p| port_number(p).map(u64::from)))
        .map_err(|_| format!("invalid port/service `{value}' specified"))?;
    Ok(range_text(low, high))
}

fn addr_type(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    keywords(
        value,
        &[
            "UNSPEC",
            "UNICAST",
            "LOCAL",
            "BROADCAST",
            "ANYCAST",
            "MULTICAST",
            "BLACKHOLE",
            "UNREACHABLE",
            "PROHIBIT",
            "THROW",
            "NAT",
            "XRESOLVE",
        ],
        "address type",
        false,
    )
}

fn finish_addrtype(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    exclusive(options, &["limit-iface-in", "limit-iface-out"])
}

fn policy_dir(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "in" | "out" => Ok(value.to_owned()),
        _ => Err(format!("policy match: invalid dir \"{value}\"")),
    }
}

fn policy_pol(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "none" | "ipsec" => Ok(value.to_owned()),
        _ => Err(format!("policy match: invalid policy \"{value}\"")),
    }
}

fn policy_spi(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    parse_uint(value, U32)
        .map(|v| format!("{v:#x}"))
        .ok_or_else(|| format!("policy match: invalid spi \"{value}\""))
}

fn policy_proto(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value.to_ascii_lowercase().as_str() {
        "esp" | "50" => Ok("esp".into()),
        "ah" | "51" => Ok("ah".into()),
        "ipcomp" | "108" => Ok("ipcomp".into()),
        _ => Err(format!(
            "policy match: protocol must be ah/esp/ipcomp, got \"{value}\""
        )),
    }
}

fn policy_mode(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "transport" | "tunnel" => Ok(value.to_owned()),
        _ => Err(format!("policy match: invalid mode \"{value}\"")),
    }
}

/// Options are kept as written: `--dir`, `--pol`, `--strict`, then policy elements separated
/// by `--next`, each saved in the order reqid, spi, proto, mode, tunnel-dst, tunnel-src.
fn finish_policy(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    const HEAD: [&str; 3] = ["dir", "pol", "strict"];
    const ELEMENT: [&str; 6] = ["reqid", "spi", "proto", "mode", "tunnel-dst", "tunnel-src"];
    let mut head: Vec<Opt> = Vec::new();
    let mut elements: Vec<Vec<Opt>> = vec![Vec::new()];
    for option in options.drain(..) {
        if HEAD.contains(&option.name.as_str()) {
            if head.iter().any(|h| h.name == option.name) {
                return Err(format!(
                    "policy match: \"--{}\" option may only be specified once",
                    option.name
                ));
            }
            head.push(option);
        } else if option.name == "next" {
            if elements.last().is_some_and(Vec::is_empty) {
                return Err("policy match: empty policy element".into());
            }
            elements.push(Vec::new());
        } else {
            let element = elements.last_mut().expect("one element");
            if element.iter().any(|e| e.name == option.name) {
                return Err(format!("policy match: double --{} option", option.name));
            }
            element.push(option);
        }
    }
    if elements.last().is_some_and(Vec::is_empty) {
        elements.pop();
        if !elements.is_empty() {
            return Err("policy match: empty policy element".into());
        }
    }
    if elements.len() > 4 {
        return Err("policy match: maximum policy depth reached".into());
    }
    if !head.iter().any(|h| h.name == "dir") {
        return Err("policy match: neither --dir in nor --dir out specified".into());
    }
    let none = head
        .iter()
        .any(|h| h.name == "pol" && h.args.first().is_some_and(|a| a == "none"));
    if none && !elements.is_empty() {
        return Err("policy match: policy none but --strict or policy elements given".into());
    }
    let strict = head.iter().any(|h| h.name == "strict");
    if strict && elements.is_empty() {
        return Err("policy match: --strict without any policy element".into());
    }
    for element in &mut elements {
        let tunnel = element
            .iter()
            .any(|e| e.name == "mode" && e.args.first().is_some_and(|a| a == "tunnel"));
        if !tunnel && element.iter().any(|e| e.name.starts_with("tunnel-")) {
            return Err(
                "policy match: --tunnel-src/--tunnel-dst is only valid in tunnel mode".into(),
            );
        }
        element.sort_by_key(|e| ELEMENT.iter().position(|n| *n == e.name));
    }
    head.sort_by_key(|h| HEAD.iter().position(|n| *n == h.name));
    options.extend(head);
    let count = elements.len();
    for (i, element) in elements.into_iter().enumerate() {
        options.extend(element);
        if i + 1 < count {
            options.push(new_opt("next", &[]));
        }
    }
    Ok(())
}

/// Other matches.
pub static MATCHES: &[ModuleSpec] = &[
    m(
        "limit",
        &[
            o(&["limit"], Arity::One, false, Some(limit_rate)),
            o(&["limit-burst"], Arity::One, false, Some(limit_burst)),
        ],
        Some(finish_limit),
    ),
    m(
        "hashlimit",
        &[
            o(
                &["hashlimit-upto", "hashlimit"],
                Arity::One,
                false,
                Some(hashlimit_rate),
            ),
            o(
                &["hashlimit-above"],
                Arity::One,
                false,
                Some(hashlimit_rate),
            ),
            o(
                &["hashlimit-burst"],
                Arity::One,
                false,
                Some(hashlimit_burst),
            ),
            o(&["hashlimit-mode"], Arity::One, false, Some(hashlimit_mode)),
            o(&["hashlimit-name"], Arity::One, false, Some(hashlimit_name)),
            o(&["hashlimit-htable-size"], Arity::One, false, Some(uint32)),
            o(&["hashlimit-htable-max"], Arity::One, false, Some(uint32)),
            o(
                &["hashlimit-htable-gcinterval"],
                Arity::One,
                false,
                Some(uint32),
            ),
            o(
                &["hashlimit-htable-expire"],
                Arity::One,
                false,
                Some(uint32),
            ),
            o(
                &["hashlimit-srcmask"],
                Arity::One,
                false,
                Some(hashlimit_mask),
            ),
            o(
                &["hashlimit-dstmask"],
                Arity::One,
                false,
                Some(hashlimit_mask),
            ),
            o(&["hashlimit-rate-match"], Arity::Zero, false, None),
            o(
                &["hashlimit-rate-interval"],
                Arity::One,
                false,
                Some(uint32),
            ),
        ],
        Some(finish_hashlimit),
    ),
    m(
        "time",
        &[
            o(&["timestart"], Arity::One, false, Some(daytime)),
            o(&["timestop"], Arity::One, false, Some(daytime)),
            o(&["monthdays"], Arity::One, true, Some(monthdays)),
            o(&["weekdays"], Arity::One, true, Some(weekdays)),
            o(&["datestart"], Arity::One, false, Some(date)),
            o(&["datestop"], Arity::One, false, Some(date)),
            o(&["localtz"], Arity::Zero, false, None),
            o(&["kerneltz"], Arity::Zero, false, None),
            o(&["contiguous"], Arity::Zero, false, None),
            o(&["utc"], Arity::Zero, false, None),
        ],
        Some(finish_time),
    ),
    m(
        "recent",
        &[
            o(&["set"], Arity::Zero, true, None),
            o(&["rcheck"], Arity::Zero, true, None),
            o(&["update"], Arity::Zero, true, None),
            o(&["remove"], Arity::Zero, true, None),
            o(&["seconds"], Arity::One, false, Some(seconds)),
            o(&["reap"], Arity::Zero, false, None),
            o(&["hitcount"], Arity::One, false, Some(hitcount)),
            o(&["rttl"], Arity::Zero, false, None),
            o(&["name"], Arity::One, false, Some(recent_name)),
            o(&["mask"], Arity::One, false, Some(recent_mask)),
            o(&["rsource"], Arity::Zero, false, None),
            o(&["rdest"], Arity::Zero, false, None),
        ],
        Some(finish_recent),
    ),
    m(
        "string",
        &[
            o(&["string"], Arity::One, true, Some(string_pattern)),
            o(&["hex-string"], Arity::One, true, Some(hex_pattern)),
            o(&["algo"], Arity::One, false, Some(string_algo)),
            o(&["from"], Arity::One, false, Some(uint16)),
            o(&["to"], Arity::One, false, Some(uint16)),
            o(&["icase"], Arity::Zero, false, None),
        ],
        Some(finish_string),
    ),
    m(
        "statistic",
        &[
            o(&["mode"], Arity::One, false, Some(statistic_mode)),
            o(&["probability"], Arity::One, true, Some(probability)),
            o(&["every"], Arity::One, true, Some(every)),
            o(&["packet"], Arity::One, false, Some(uint32)),
        ],
        Some(finish_statistic),
    ),
    ModuleSpec {
        chains: &["OUTPUT", "POSTROUTING"],
        ..m(
            "owner",
            &[
                o(&["socket-exists"], Arity::Zero, true, None),
                o(&["uid-owner"], Arity::One, true, Some(owner_id)),
                o(&["gid-owner"], Arity::One, true, Some(owner_id)),
                o(&["suppl-groups"], Arity::Zero, true, None),
            ],
            Some(finish_owner),
        )
    },
    m(
        "cgroup",
        &[
            o(&["path"], Arity::One, true, Some(cgroup_path)),
            o(&["cgroup"], Arity::One, true, Some(uint32)),
        ],
        Some(finish_cgroup),
    ),
    m(
        "cpu",
        &[o(&["cpu"], Arity::One, true, Some(uint32))],
        Some(finish_cpu),
    ),
    m(
        "quota",
        &[o(&["quota"], Arity::One, true, Some(uint64))],
        Some(finish_quota),
    ),
    ModuleSpec {
        chains: &["PREROUTING", "INPUT", "FORWARD"],
        ..m(
            "mac",
            &[o(&["mac-source"], Arity::One, true, Some(mac_address))],
            Some(finish_mac),
        )
    },
    m(
        "physdev",
        &[
            o(&["physdev-is-in"], Arity::Zero, true, None),
            o(&["physdev-in"], Arity::One, true, Some(interface)),
            o(&["physdev-is-out"], Arity::Zero, true, None),
            o(&["physdev-out"], Arity::One, true, Some(interface)),
            o(&["physdev-is-bridged"], Arity::Zero, true, None),
        ],
        Some(finish_physdev),
    ),
    m(
        "sctp",
        &[
            o(
                &["sport", "source-port"],
                Arity::One,
                true,
                Some(sctp_ports),
            ),
            o(
                &["dport", "destination-port"],
                Arity::One,
                true,
                Some(sctp_ports),
            ),
            o(&["chunk-types"], Arity::Two, true, None),
        ],
        None,
    ),
    m(
        "addrtype",
        &[
            o(&["src-type"], Arity::One, true, Some(addr_type)),
            o(&["dst-type"], Arity::One, true, Some(addr_type)),
            o(&["limit-iface-in"], Arity::Zero, false, None),
            o(&["limit-iface-out"], Arity::Zero, false, None),
        ],
        Some(finish_addrtype),
    ),
    ModuleSpec {
        ordered: true,
        ..m(
            "policy",
            &[
                o(&["dir"], Arity::One, false, Some(policy_dir)),
                o(&["pol"], Arity::One, false, Some(policy_pol)),
                o(&["strict"], Arity::Zero, false, None),
                o(&["reqid"], Arity::One, true, Some(uint32)),
                o(&["spi"], Arity::One, true, Some(policy_spi)),
                o(&["proto"], Arity::One, true, Some(policy_proto)),
                o(&["mode"], Arity::One, true, Some(policy_mode)),
                o(&["tunnel-src"], Arity::One, true, Some(module_address)),
                o(&["tunnel-dst"], Arity::One, true, Some(module_address)),
                o(&["next"], Arity::Zero, false, None),
            ],
            Some(finish_policy),
        )
    },
];
