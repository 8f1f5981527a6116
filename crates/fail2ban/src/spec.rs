//! `filter =` and `action =` items: `name[k=v, k2="v 2"][k3='x']`, read as fail2ban's
//! `helpers.extractOptions` and `splitWithOptions` do. Their regular expressions are written
//! here as `nom` parsers, one combinator per part of the pattern, so the accepted and rejected
//! texts match; the error messages are fail2ban's, with its positions counted in characters.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_until, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::{eof, opt, peek, recognize};
use nom::multi::many0;
use nom::sequence::{delimited, preceded, terminated};
use nom::{IResult, Parser};

use crate::ini::{is_py_space, py_repr};

/// One filter or action reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterSpec {
    /// The name before `[`, as fail2ban takes it (not stripped: `sshd [x=1]` names the
    /// file `filter.d/sshd .conf`).
    pub name: String,
    /// Arguments in first-seen order; a repeated key keeps its first place and last value,
    /// as a Python dict does. Keys and values are stripped.
    pub args: Vec<(String, String)>,
}

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '.'
}

/// Parses one `name[k=v, …]` item; the error text is fail2ban's (`Invalid filter
/// definition …: <this>`).
pub fn parse_spec(text: &str) -> Result<FilterSpec, String> {
    // OPTION_CRE = ^([^\[]+)(?:\[(.*)\])?\s*$ (DOTALL)
    let (name, options) = match text.find('[') {
        None if !text.is_empty() => (text, None),
        Some(open) if open > 0 => {
            let tail = text[open..].trim_end_matches(is_py_space);
            if tail.len() < 2 || !tail.ends_with(']') {
                return Err("unexpected option syntax".to_string());
            }
            (&text[..open], Some(&tail[1..tail.len() - 1]))
        }
        _ => return Err("unexpected option syntax".to_string()),
    };
    let mut args: Vec<(String, String)> = Vec::new();
    if let Some(options) = options {
        for (key, value) in extract_options(options)? {
            match args.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => args.push((key, value)),
            }
        }
    }
    Ok(FilterSpec {
        name: name.to_string(),
        args,
    })
}

/// `\s*`, as Python's `re` reads it.
fn spaces(input: &str) -> IResult<&str, &str> {
    take_while(is_py_space)(input)
}

/// `[\w\-_\.]+`.
fn key(input: &str) -> IResult<&str, &str> {
    take_while1(is_key_char)(input)
}

/// `"…"` or `'…'` (the text between the quotes), else `[^,\]]*`: an unclosed quote is part
/// of a bare value.
fn value(input: &str) -> IResult<&str, &str> {
    alt((
        delimited(char('"'), take_until("\""), char('"')),
        delimited(char('\''), take_until("'"), char('\'')),
        take_while(|c| c != ',' && c != ']'),
    ))
    .parse(input)
}

/// `KEY=VALUE`.
fn assignment(input: &str) -> IResult<&str, (&str, &str)> {
    (terminated(key, char('=')), value).parse(input)
}

/// What separates two options: `,`, or `]` and `[` with only spaces between (`a=1][b=2`).
fn separator(input: &str) -> IResult<&str, &str> {
    alt((tag(","), recognize((char(']'), spaces, char('['))))).parse(input)
}

/// `OPTION_EXTRACT_CRE.finditer` over the text between the brackets: each match is
/// `\s*KEY=VALUE` followed by the end, a separator, or nothing else.
fn extract_options(text: &str) -> Result<Vec<(String, String)>, String> {
    // fail2ban counts positions in characters.
    let at = |rest: &str| text[..text.len() - rest.len()].chars().count();
    let excerpt = |rest: &str| rest.chars().take(25).collect::<String>();
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        if let Ok((after, (key, value))) = preceded(spaces, assignment).parse(rest) {
            rest = if after.is_empty() || after == "\n" {
                after
            } else if let Ok((next, _)) = separator(after) {
                next
            } else {
                return Err(format!(
                    "unexpected syntax at {} after option {}: {}",
                    at(after),
                    py_repr(key),
                    excerpt(after)
                ));
            };
            out.push((
                key.trim_matches(is_py_space).to_string(),
                value.trim_matches(is_py_space).to_string(),
            ));
            continue;
        }
        // `,?\s*$`: the end.
        if (opt(char(',')), spaces, eof).parse(rest).is_ok() {
            return Ok(out);
        }
        return Err(format!(
            "expected option, wrong syntax at {}: {}",
            at(rest),
            excerpt(rest)
        ));
    }
}

/// Splits an `action =` value into its items as `splitWithOptions` does: whitespace and
/// line breaks separate items, except inside a well-formed `[…]` argument list (quoted
/// values may hold spaces, commas and `]`). A malformed item (`joho[foo`) stays one
/// whitespace-delimited word, so `parse_spec` reports it. Items are stripped; empty ones
/// are dropped.
pub fn split_actions(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut rest = text;
    while let Some(first) = rest.chars().next() {
        if is_py_space(first) {
            rest = &rest[first.len_utf8()..];
            continue;
        }
        let Ok((after, item)) = action_item(rest) else {
            // `action_item` always takes the first non-space character.
            break;
        };
        let item = item.trim_matches(is_py_space);
        if !item.is_empty() {
            items.push(item.to_string());
        }
        rest = after;
    }
    items
}

/// One item of an action list: `NAME\s*[OPTIONS]` or a bare `NAME`, each followed by a space
/// or the end; else (a malformed item) `\S+`.
fn action_item(input: &str) -> IResult<&str, &str> {
    let name = || take_while1(|c: char| c != '[' && !is_py_space(c));
    let ends = || peek(alt((eof, take_while1(is_py_space))));
    alt((
        terminated(recognize((name(), spaces, char('['), bracket_list)), ends()),
        terminated(name(), ends()),
        take_while1(|c: char| !is_py_space(c)),
    ))
    .parse(input)
}

/// `\s*(?:KEY=(?:"…"|'…'|[^,\]]*)\s*(?:,|\]\s*\[)?\s*)*\]` from just after the `[`.
fn bracket_list(input: &str) -> IResult<&str, &str> {
    recognize((
        spaces,
        many0((assignment, spaces, opt(separator), spaces)),
        char(']'),
    ))
    .parse(input)
}
