//! How often a systemd timer fires, for the rules that want a job "at least daily": the
//! calendar events of `OnCalendar=` (systemd.time(7)) and the time spans of
//! `OnUnitActiveSec=`/`OnUnitInactiveSec=`. Only what decides the question is modelled; an
//! expression this does not understand is not called daily.

/// Whether an `OnCalendar=` expression fires on every day: `minutely`, `hourly`, `daily`
/// (any case), or `[weekdays] [date] [time]` whose weekdays (if given) are all seven and whose
/// date (if given) has `*` for month and day.
pub fn calendar_at_least_daily(spec: &str) -> bool {
    let spec = spec.trim();
    let lower = spec.to_ascii_lowercase();
    match lower.as_str() {
        "minutely" | "hourly" | "daily" => return true,
        "weekly" | "monthly" | "yearly" | "annually" | "quarterly" | "semiannually" => {
            return false
        }
        _ => {}
    }
    let mut parts = spec.split_whitespace().peekable();
    let Some(first) = parts.peek().copied() else {
        return false;
    };
    if first
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
    {
        if !all_weekdays(first) {
            return false;
        }
        parts.next();
    }
    let mut seen_time = false;
    for part in parts {
        if part.contains(':') {
            seen_time = true;
            continue;
        }
        if part.contains('-') {
            // `[year-]month-day`: month and day must be `*` (a year of `*` or none).
            let fields: Vec<&str> = part.split('-').collect();
            let fields = match fields.as_slice() {
                [_, month, day] => [*month, *day],
                [month, day] => [*month, *day],
                _ => return false,
            };
            if fields.iter().any(|f| *f != "*") || fields[0].contains('~') {
                return false;
            }
            if let [year, _, _] = part.split('-').collect::<Vec<_>>().as_slice() {
                if *year != "*" {
                    return false;
                }
            }
            continue;
        }
        // A time zone (`UTC`, `Europe/Lisbon`) changes when, not how often.
        if part
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_+".contains(c))
        {
            continue;
        }
        return false;
    }
    // A date alone means 00:00:00; a time alone means every day.
    let _ = seen_time;
    true
}

/// Whether a weekday list (`Mon..Sun`, `Mon-Fri,Sat,Sun`) names all seven days.
fn all_weekdays(list: &str) -> bool {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let index = |name: &str| {
        let name = name.to_ascii_lowercase();
        DAYS.iter().position(|day| name.starts_with(day))
    };
    let mut seen = [false; 7];
    for item in list.split(',') {
        let (from, to) = match item.split_once("..").or_else(|| item.split_once('-')) {
            Some((from, to)) => (index(from), index(to)),
            None => (index(item), index(item)),
        };
        let (Some(from), Some(to)) = (from, to) else {
            return false;
        };
        let mut day = from;
        loop {
            seen[day] = true;
            if day == to {
                break;
            }
            day = (day + 1) % 7;
        }
    }
    seen.iter().all(|s| *s)
}

/// A systemd time span (`1d`, `12h 30min`, `86400`) in seconds; `None` when it is not one.
pub fn span_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if number_len == 0 {
            return None;
        }
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = rest[number_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "" | "s" | "sec" | "second" | "seconds" => 1.0,
            "us" | "usec" => 1e-6,
            "ms" | "msec" => 1e-3,
            "m" | "min" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hour" | "hours" => 3600.0,
            "d" | "day" | "days" => 86400.0,
            "w" | "week" | "weeks" => 604_800.0,
            "M" | "month" | "months" => 2_629_800.0,
            "y" | "year" | "years" => 31_557_600.0,
            _ => return None,
        };
        total += number * scale;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_frequencies() {
        for daily in [
            "daily",
            "Hourly",
            "*-*-* 03:00:00",
            "03:15",
            "*-*-*",
            "Mon..Sun 02:00",
            "*-*-* 04:00 UTC",
        ] {
            assert!(calendar_at_least_daily(daily), "{daily}");
        }
        for not in [
            "weekly",
            "Mon *-*-* 03:00",
            "Mon-Fri 02:00",
            "*-*-01 03:00",
            "2026-*-* 03:00",
            "*-02-* 03:00",
            "*-*~03",
        ] {
            assert!(!calendar_at_least_daily(not), "{not}");
        }
    }

    #[test]
    fn spans() {
        assert_eq!(span_seconds("1d"), Some(86400.0));
        assert_eq!(span_seconds("12h 30min"), Some(45000.0));
        assert_eq!(span_seconds("90"), Some(90.0));
        assert_eq!(span_seconds("1 fortnight"), None);
    }
}
