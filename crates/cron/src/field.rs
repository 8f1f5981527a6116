//! One time field (`0,5-10/2`, `*/15`, `mon-fri`) with nom, following Debian cron's
//! `get_list`/`get_range`/`get_number`: a number is a run of letters and digits (so `5x` is
//! refused, not read as 5), names only in the month and weekday fields (three letters, any
//! case), a step only after `*` or a range and never 0, and whatever follows the list up to
//! the next blank is ignored (`1-5-7` is 1-5).

use nom::bytes::complete::take_while1;
use nom::combinator::cut;
use nom::{IResult, Parser};

/// Which field: its bounds, names and cron's word for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// 0–59.
    Minute,
    /// 0–23.
    Hour,
    /// 1–31.
    DayOfMonth,
    /// 1–12, `jan`–`dec`.
    Month,
    /// 0–7 (0 and 7 are Sunday), `sun`–`sat`.
    DayOfWeek,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 8] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl FieldKind {
    /// The smallest and largest values.
    pub fn bounds(self) -> (u32, u32) {
        match self {
            FieldKind::Minute => (0, 59),
            FieldKind::Hour => (0, 23),
            FieldKind::DayOfMonth => (1, 31),
            FieldKind::Month => (1, 12),
            FieldKind::DayOfWeek => (0, 7),
        }
    }

    /// cron's refusal for this field.
    pub fn error(self) -> &'static str {
        match self {
            FieldKind::Minute => "bad minute",
            FieldKind::Hour => "bad hour",
            FieldKind::DayOfMonth => "bad day-of-month",
            FieldKind::Month => "bad month",
            FieldKind::DayOfWeek => "bad day-of-week",
        }
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            FieldKind::Month => &MONTHS,
            FieldKind::DayOfWeek => &DAYS,
            _ => &[],
        }
    }

    /// The value a number or name stands for, if it is one this field takes.
    fn value(self, token: &str) -> Option<u32> {
        let (low, high) = self.bounds();
        let value = if token.bytes().all(|b| b.is_ascii_digit()) {
            token.parse::<u32>().ok()?
        } else {
            let index = self
                .names()
                .iter()
                .position(|name| name.eq_ignore_ascii_case(token))?;
            // Month names start at 1, weekday names at 0.
            u32::try_from(index).ok()? + low
        };
        (low..=high).contains(&value).then_some(value)
    }
}

/// A set of values of one field (bit n = value n).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldSet(pub u64);

impl FieldSet {
    /// Whether `value` is in the set.
    pub fn contains(self, value: u32) -> bool {
        value < 64 && self.0 & (1 << value) != 0
    }

    /// Whether no value is.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn insert(&mut self, value: u32) {
        self.0 |= 1 << value;
    }
}

/// One `a`, `a-b`, `*`, with an optional `/step`, as written.
enum Range<'a> {
    Star(Option<&'a str>),
    Single(&'a str, Option<&'a str>),
    Span(&'a str, &'a str, Option<&'a str>),
}

fn token(input: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii_alphanumeric()).parse(input)
}

/// `/step` after `*` or a range: once a `/` is there, a number must follow.
fn step(input: &str) -> IResult<&str, Option<&str>> {
    match input.strip_prefix('/') {
        Some(rest) => cut(token)
            .parse(rest)
            .map(|(rest, step)| (rest, Some(step))),
        None => Ok((input, None)),
    }
}

fn range(input: &str) -> IResult<&str, Range<'_>> {
    if let Some(rest) = input.strip_prefix('*') {
        // `*-5` is `*`: cron reads no range after `*`, and skips the rest of the field.
        let (rest, step) = step(rest)?;
        return Ok((rest, Range::Star(step)));
    }
    let (rest, from) = token(input)?;
    if let Some(rest) = rest.strip_prefix('-') {
        let (rest, to) = cut(token).parse(rest)?;
        let (rest, step) = step(rest)?;
        return Ok((rest, Range::Span(from, to, step)));
    }
    let (rest, step) = step(rest)?;
    Ok((rest, Range::Single(from, step)))
}

/// Comma-separated ranges; a `,` commits to another range. What follows the list up to the
/// next blank is ignored, as cron skips it.
fn list(input: &str) -> IResult<&str, Vec<Range<'_>>> {
    let (mut rest, first) = range(input)?;
    let mut ranges = vec![first];
    while let Some(after) = rest.strip_prefix(',') {
        let (after, next) = cut(range).parse(after)?;
        ranges.push(next);
        rest = after;
    }
    Ok((rest, ranges))
}

/// Parse one field's text (up to the next blank) into its set, and whether it began with
/// `*`. `Err` when cron refuses it.
pub fn parse_field(kind: FieldKind, text: &str) -> Result<(FieldSet, bool), &'static str> {
    let (_, ranges) = list(text).map_err(|_| kind.error())?;
    let (low, high) = kind.bounds();
    let mut set = FieldSet::default();
    for range in &ranges {
        let (from, to, step) = match *range {
            Range::Star(step) => (low, high, step),
            // cron takes a step only after `*` or a range.
            Range::Single(_, Some(_)) => return Err(kind.error()),
            Range::Single(value, None) => {
                let value = kind.value(value).ok_or(kind.error())?;
                (value, value, None)
            }
            Range::Span(from, to, step) => (
                kind.value(from).ok_or(kind.error())?,
                kind.value(to).ok_or(kind.error())?,
                step,
            ),
        };
        let step = match step {
            None => 1,
            Some(step) => match step.parse::<u32>() {
                Ok(0) | Err(_) => return Err(kind.error()),
                Ok(step) => step,
            },
        };
        // cron accepts a reversed range (`22-2`); read it as wrapping past the top.
        let values: Vec<u32> = if from <= to {
            (from..=to).collect()
        } else {
            (from..=high).chain(low..=to).collect()
        };
        for value in values.into_iter().step_by(step as usize) {
            set.insert(value);
        }
    }
    if kind == FieldKind::DayOfWeek && set.contains(7) {
        set.0 &= !(1 << 7);
        set.insert(0);
    }
    Ok((set, text.starts_with('*')))
}
