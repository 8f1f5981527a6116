//! Checks over a module instance's options, shared by the `finish` functions of every family
//! (which options were given, required and exclusive ones, defaults iptables-save prints).

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::spec::Ctx;
use crate::rule::Opt;

/// Drop option `name` when it is not negated and covers the whole range `full` (iptables-save
/// leaves out a range that matches everything).
pub fn drop_full_range(options: &mut Vec<Opt>, name: &str, full: &str) {
    options
        .retain(|o| !(o.name == name && !o.negated && o.args.first().is_some_and(|a| a == full)));
}

/// Whether an option called `name` was given.
pub fn has(options: &[Opt], name: &str) -> bool {
    options.iter().any(|o| o.name == name)
}

/// How many of `names` were given.
pub fn count(options: &[Opt], names: &[&str]) -> usize {
    options.iter().filter(|o| names.contains(&&*o.name)).count()
}

/// The first argument of option `name`, if given.
pub fn arg<'a>(options: &'a [Opt], name: &str) -> Option<&'a str> {
    options
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| o.args.first())
        .map(String::as_str)
}

/// A new option with canonical arguments (for defaults iptables-save prints).
pub fn new_opt(name: &'static str, args: &[&str]) -> Opt {
    Opt {
        name: crate::rule::Name::Borrowed(name),
        negated: false,
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        range: Default::default(),
    }
}

/// Refuse more than one of `names` (`--a` and `--b` cannot be combined).
pub fn exclusive(options: &[Opt], names: &[&str]) -> Result<(), String> {
    let given: Vec<&str> = names.iter().copied().filter(|n| has(options, n)).collect();
    if given.len() > 1 {
        return Err(format!(
            "option \"--{}\" cannot be used together with \"--{}\"",
            given[1], given[0]
        ));
    }
    Ok(())
}

/// Require exactly one of `names`.
pub fn one_of(options: &[Opt], names: &[&str]) -> Result<(), String> {
    exclusive(options, names)?;
    if count(options, names) == 0 {
        let list: Vec<String> = names.iter().map(|n| format!("--{n}")).collect();
        return Err(format!("one of {} is required", list.join(", ")));
    }
    Ok(())
}

/// Require option `name`.
pub fn required(options: &[Opt], name: &str) -> Result<(), String> {
    if has(options, name) {
        Ok(())
    } else {
        Err(format!("option \"--{name}\" must be specified"))
    }
}

pub(super) fn require_an_option(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if options.is_empty() {
        Err("an option is required".into())
    } else {
        Ok(())
    }
}

pub(super) fn require_one_or_more(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if options.is_empty() {
        Err("you must specify one or more options".into())
    } else {
        Ok(())
    }
}

pub(super) fn needs_protocol(ctx: &Ctx<'_>, names: &[&str], shown: &str) -> Result<(), String> {
    if ctx.protocol.is_some_and(|p| names.contains(&p)) {
        Ok(())
    } else {
        Err(format!("protocol must be `-p {shown}' (and not negated)"))
    }
}

pub(super) fn target_needs_protocol(
    ctx: &Ctx<'_>,
    names: &[&str],
    what: &str,
) -> Result<(), String> {
    if ctx.protocol.is_some_and(|p| names.contains(&p)) {
        Ok(())
    } else {
        Err(format!("{what} can only be used with {}", names.join("/")))
    }
}
