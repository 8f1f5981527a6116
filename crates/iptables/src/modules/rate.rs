//! Rate, quota, sampling and time matches: limit, hashlimit, recent, quota, statistic, time.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::normalize::*;
use super::options::*;
use super::spec::{m, o, Arity, Ctx, ModuleSpec};
use crate::rule::{Family, Opt};
use crate::values::*;

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

/// `-m limit`.
pub(super) static LIMIT_MATCH: ModuleSpec = m(
    "limit",
    &[
        o(&["limit"], Arity::One, false, Some(limit_rate)),
        o(&["limit-burst"], Arity::One, false, Some(limit_burst)),
    ],
    Some(finish_limit),
);

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
            || matches!(&*o.name, "hashlimit-srcmask" | "hashlimit-dstmask") && a == Some(full))
    });
    Ok(())
}

/// `-m hashlimit`.
pub(super) static HASHLIMIT_MATCH: ModuleSpec = m(
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
);

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
    let start = arg(options, "timestart").map(str::to_owned);
    let stop = arg(options, "timestop").map(str::to_owned);
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

/// `-m time`.
pub(super) static TIME_MATCH: ModuleSpec = m(
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
);

fn seconds(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, U32)
}

/// The kernel keeps at most 255 timestamps per address.
fn hitcount(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    uint(value, 255)
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
        .filter(|o| commands.contains(&&*o.name))
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
            .rposition(|o| after.contains(&&*o.name))
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

/// `-m recent`.
pub(super) static RECENT_MATCH: ModuleSpec = m(
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
);

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

fn finish_statistic(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "mode")?;
    let random = arg(options, "mode") == Some("random");
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
        let n: u64 = arg(options, "every")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let p: u64 = arg(options, "packet")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if p > n - 1 {
            return Err("the --packet p must be 0 <= p <= n-1".into());
        }
    }
    Ok(())
}

/// `-m statistic`.
pub(super) static STATISTIC_MATCH: ModuleSpec = m(
    "statistic",
    &[
        o(&["mode"], Arity::One, false, Some(statistic_mode)),
        o(&["probability"], Arity::One, true, Some(probability)),
        o(&["every"], Arity::One, true, Some(every)),
        o(&["packet"], Arity::One, false, Some(uint32)),
    ],
    Some(finish_statistic),
);

fn finish_quota(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "quota")
}

/// `-m quota`.
pub(super) static QUOTA_MATCH: ModuleSpec = m(
    "quota",
    &[o(&["quota"], Arity::One, true, Some(uint64))],
    Some(finish_quota),
);
