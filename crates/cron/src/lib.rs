//! crontab files as Debian's cron (3.0pl1) reads them: environment lines, schedule lines with
//! five time fields or an `@macro`, the user field of system crontabs (`/etc/crontab`,
//! `/etc/cron.d/*`), and the refusals cron reports in its own words ("bad minute", "bad
//! time specifier", …). Also the frequency of a systemd timer's `OnCalendar=` ([`calendar`]).
//!
//! cron refuses a whole file for one bad line (`Syntax error, this crontab file will be
//! ignored`), and for a missing final newline: [`Crontab::errors`] lists every such reason.
#![deny(missing_docs)]

pub mod calendar;
mod field;
mod line;
#[cfg(test)]
mod tests;

use gblint_diagnostics::TextRange;

pub use field::{parse_field, FieldKind, FieldSet};

/// Which kind of crontab a file is: the user field exists only in system crontabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `/etc/crontab` and `/etc/cron.d/*`: a user name follows the schedule.
    System,
    /// `/var/spool/cron/crontabs/<user>` (what `crontab -e` writes): no user field.
    User,
}

/// A parsed crontab.
#[derive(Clone, Debug, Default)]
pub struct Crontab {
    /// Schedule lines, in order.
    pub entries: Vec<Entry>,
    /// Environment lines (`NAME=value`), in order.
    pub env: Vec<EnvLine>,
    /// Why cron refuses the file; empty when it loads it.
    pub errors: Vec<Error>,
}

/// One schedule line.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The whole line, without its newline.
    pub range: TextRange,
    /// When it runs.
    pub schedule: Schedule,
    /// The time fields (or the `@macro`).
    pub schedule_range: TextRange,
    /// The user it runs as (system crontabs), with its range.
    pub user: Option<(String, TextRange)>,
    /// The command, as written (cron hands it to `/bin/sh -c`; `%` starts its standard input).
    pub command: String,
    /// The command's range.
    pub command_range: TextRange,
}

/// An environment line.
#[derive(Clone, Debug)]
pub struct EnvLine {
    /// The name.
    pub name: String,
    /// The value, unquoted.
    pub value: String,
    /// The line.
    pub range: TextRange,
}

/// Why cron refuses a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Where: the field at fault, or the end of the file.
    pub range: TextRange,
    /// cron's words: `bad minute`, `bad time specifier`, `Missing newline before EOF`, …
    pub message: String,
}

/// When a line runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// `@reboot`: once, when cron starts after boot.
    Reboot,
    /// Time fields (an `@daily`-style macro is stored as its five fields).
    Times(Times),
}

impl Schedule {
    /// Whether it runs on every day of the year (at least once a day).
    pub fn at_least_daily(&self) -> bool {
        match self {
            Schedule::Reboot => false,
            Schedule::Times(times) => times.every_day(),
        }
    }
}

/// The five time fields as sets, with cron's `*` flags for the two day fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Times {
    /// Minutes 0–59.
    pub minute: FieldSet,
    /// Hours 0–23.
    pub hour: FieldSet,
    /// Days of the month 1–31.
    pub day_of_month: FieldSet,
    /// Months 1–12.
    pub month: FieldSet,
    /// Days of the week 0–6 (Sunday is 0; a written 7 is folded onto it).
    pub day_of_week: FieldSet,
    /// The day-of-month field began with `*`.
    pub dom_star: bool,
    /// The day-of-week field began with `*`.
    pub dow_star: bool,
}

impl Times {
    /// Whether cron runs it on a day: when either day field began with `*`, both must match;
    /// otherwise either may (cron's `DOM_STAR`/`DOW_STAR` rule).
    pub fn runs_on(&self, month: u32, day_of_month: u32, day_of_week: u32) -> bool {
        if !self.month.contains(month) {
            return false;
        }
        let dom = self.day_of_month.contains(day_of_month);
        let dow = self.day_of_week.contains(day_of_week % 7);
        if self.dom_star || self.dow_star {
            dom && dow
        } else {
            dom || dow
        }
    }

    /// Whether it runs at least once on every day: some minute of some hour, and every
    /// combination of month, day of month and weekday matches.
    pub fn every_day(&self) -> bool {
        if self.minute.is_empty() || self.hour.is_empty() {
            return false;
        }
        (1..=12).all(|month| (1..=31).all(|dom| (0..7).all(|dow| self.runs_on(month, dom, dow))))
    }
}

/// Parse a crontab of `kind`.
pub fn parse(text: &str, kind: Kind) -> Crontab {
    line::parse(text, kind)
}
