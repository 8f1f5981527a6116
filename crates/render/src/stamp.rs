//! The inventory's fixed time stamp: rendered files carry dates (iptables-save headers, zone
//! serials), and taking them from the inventory instead of the clock is what makes a
//! re-render byte-identical.

use jiff::civil::{Date, DateTime};

/// Parse `YYYY-MM-DDTHH:MM:SS` (or with a space instead of `T`).
pub fn parse(text: &str) -> Option<DateTime> {
    text.replacen(' ', "T", 1).parse::<DateTime>().ok()
}

/// As iptables-save prints it: `Thu Nov 26 10:00:00 2026`.
pub fn iptables(stamp: DateTime) -> String {
    stamp.strftime("%a %b %e %H:%M:%S %Y").to_string()
}

/// The default zone serial of a render on that date: `YYYYMMDD01`.
pub fn default_serial(stamp: DateTime) -> u64 {
    let date = stamp.date();
    u64::from(date.year().unsigned_abs()) * 1_000_000
        + u64::from(date.month().unsigned_abs()) * 10_000
        + u64::from(date.day().unsigned_abs()) * 100
        + 1
}

/// Whether `serial` reads as `YYYYMMDDNN` with a real date.
pub fn is_serial(serial: u64) -> bool {
    let (date, _nn) = (serial / 100, serial % 100);
    let (year, month, day) = (date / 10_000, (date / 100) % 100, date % 100);
    (1970..=9999).contains(&year)
        && i16::try_from(year).is_ok_and(|y| {
            i8::try_from(month)
                .is_ok_and(|m| i8::try_from(day).is_ok_and(|d| Date::new(y, m, d).is_ok()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let stamp = parse("2026-11-26T10:00:00").expect("stamp");
        assert_eq!(iptables(stamp), "Thu Nov 26 10:00:00 2026");
        assert_eq!(default_serial(stamp), 2026112601);
        assert!(is_serial(2026112601));
        assert!(!is_serial(1_700_000_000));
        assert!(!is_serial(2026133101));
    }
}
