//! Lines of a crontab, as Debian cron's `load_env` and `load_entry` read them.

use gblint_diagnostics::TextRange;

use crate::field::{parse_field, FieldKind, FieldSet};
use crate::{Crontab, Entry, EnvLine, Error, Kind, Schedule, Times};

const FIELDS: [FieldKind; 5] = [
    FieldKind::Minute,
    FieldKind::Hour,
    FieldKind::DayOfMonth,
    FieldKind::Month,
    FieldKind::DayOfWeek,
];

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// A cursor over one line: its text and the offset of its start in the file.
struct Cursor<'a> {
    line: &'a str,
    base: usize,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn skip_blanks(&mut self) {
        let rest = &self.line[self.at..];
        self.at += rest.len() - rest.trim_start_matches(is_blank).len();
    }

    /// The next blank-delimited word and its range in the file.
    fn word(&mut self) -> (&'a str, TextRange) {
        self.skip_blanks();
        let rest = &self.line[self.at..];
        let len = rest.find(is_blank).unwrap_or(rest.len());
        let word = &rest[..len];
        let range = TextRange::from_usize(self.base + self.at, self.base + self.at + len);
        self.at += len;
        (word, range)
    }

    fn rest(&self) -> &'a str {
        &self.line[self.at..]
    }

    fn range_to_end(&self) -> TextRange {
        TextRange::from_usize(self.base + self.at, self.base + self.line.len())
    }
}

pub(crate) fn parse(text: &str, kind: Kind) -> Crontab {
    let mut crontab = Crontab::default();
    let mut base = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        parse_line(line, base, kind, &mut crontab);
        base += raw.len();
    }
    if !text.is_empty() && !text.ends_with('\n') {
        crontab.errors.push(Error {
            range: TextRange::from_usize(text.len(), text.len()),
            message: "Missing newline before EOF".to_owned(),
        });
    }
    crontab
}

fn parse_line(line: &str, base: usize, kind: Kind, crontab: &mut Crontab) {
    let trimmed = line.trim_start_matches(is_blank);
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return;
    }
    let line_range = TextRange::from_usize(base, base + line.len());
    if let Some((name, value)) = env_line(trimmed) {
        crontab.env.push(EnvLine {
            name,
            value,
            range: line_range,
        });
        return;
    }
    let mut cursor = Cursor { line, base, at: 0 };
    let schedule = if trimmed.starts_with('@') {
        let (word, range) = cursor.word();
        match macro_times(&word[1..]) {
            Some(schedule) => (schedule, range),
            None => return refuse(crontab, range, "bad time specifier"),
        }
    } else {
        let mut sets = [FieldSet::default(); 5];
        let mut stars = [false; 5];
        let mut first = None;
        let mut last = TextRange::empty(0);
        for (index, kind) in FIELDS.into_iter().enumerate() {
            let (word, range) = cursor.word();
            first.get_or_insert(range);
            last = range;
            match parse_field(kind, word) {
                Ok((set, star)) => {
                    sets[index] = set;
                    stars[index] = star;
                }
                Err(message) => return refuse(crontab, range, message),
            }
        }
        let [minute, hour, day_of_month, month, day_of_week] = sets;
        let times = Times {
            minute,
            hour,
            day_of_month,
            month,
            day_of_week,
            dom_star: stars[2],
            dow_star: stars[4],
        };
        let range = first.map_or(last, |first| first.cover(last));
        (Schedule::Times(times), range)
    };
    // cron's "common typo" check: a sixth time field where the command (or user) belongs.
    cursor.skip_blanks();
    if cursor.rest().starts_with('*') {
        let range = cursor.word().1;
        return refuse(crontab, range, "bad command");
    }
    let user = match kind {
        Kind::User => None,
        Kind::System => {
            let (word, range) = cursor.word();
            if word.is_empty() {
                return refuse(crontab, range, "bad command");
            }
            // A path where the user belongs: the user field was forgotten.
            if word.contains('/') {
                return refuse(crontab, range, "bad username");
            }
            cursor.skip_blanks();
            if cursor.rest().starts_with('*') {
                let range = cursor.word().1;
                return refuse(crontab, range, "bad command");
            }
            Some((word.to_owned(), range))
        }
    };
    cursor.skip_blanks();
    let (schedule, schedule_range) = schedule;
    crontab.entries.push(Entry {
        range: line_range,
        schedule,
        schedule_range,
        user,
        command: cursor.rest().to_owned(),
        command_range: cursor.range_to_end(),
    });
}

fn refuse(crontab: &mut Crontab, range: TextRange, message: &str) {
    crontab.errors.push(Error {
        range,
        message: message.to_owned(),
    });
}

/// `NAME=value` (or `NAME = value`, a quoted name or value) as `load_env` takes it: the name
/// runs to a blank or `=`, and `=` must come next.
fn env_line(line: &str) -> Option<(String, String)> {
    let (name, rest) = if let Some(quote) = line.chars().next().filter(|c| *c == '"' || *c == '\'')
    {
        let end = line[1..].find(quote)? + 1;
        (&line[1..end], &line[end + 1..])
    } else {
        let end = line
            .find(|c: char| is_blank(c) || c == '=')
            .unwrap_or(line.len());
        (&line[..end], &line[end..])
    };
    let value = rest.trim_start_matches(is_blank).strip_prefix('=')?;
    let value = value.trim_matches(is_blank);
    let value = ['"', '\'']
        .iter()
        .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
        .unwrap_or(value);
    Some((name.to_owned(), value.to_owned()))
}

/// The five fields an `@macro` stands for (cron's names are case-sensitive).
fn macro_times(name: &str) -> Option<Schedule> {
    let fields = match name {
        "reboot" => return Some(Schedule::Reboot),
        "yearly" | "annually" => "0 0 1 1 *",
        "monthly" => "0 0 1 * *",
        "weekly" => "0 0 * * 0",
        "daily" | "midnight" => "0 0 * * *",
        "hourly" => "0 * * * *",
        _ => return None,
    };
    let mut words = fields.split(' ');
    let mut next = |kind| parse_field(kind, words.next().unwrap_or("*")).ok();
    let (minute, _) = next(FieldKind::Minute)?;
    let (hour, _) = next(FieldKind::Hour)?;
    let (day_of_month, dom_star) = next(FieldKind::DayOfMonth)?;
    let (month, _) = next(FieldKind::Month)?;
    let (day_of_week, dow_star) = next(FieldKind::DayOfWeek)?;
    Some(Schedule::Times(Times {
        minute,
        hour,
        day_of_month,
        month,
        day_of_week,
        dom_star,
        dow_star,
    }))
}
