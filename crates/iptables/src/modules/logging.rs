//! Logging and notification targets: LOG, NFLOG, AUDIT, LED, IDLETIMER.

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::normalize::*;
use super::options::*;
use super::spec::{o, t, target_option, Arity, Ctx, ModuleSpec};
use crate::rule::Opt;
use crate::values::*;

fn log_level(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    let names = [
        "emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
    ];
    if let Some(index) = names.iter().position(|n| *n == value) {
        return Ok(index.to_string());
    }
    match value {
        "panic" => Ok("0".into()),
        "err" => Ok("3".into()),
        "warn" => Ok("4".into()),
        _ => number(value, 7).map_err(|_| format!("log-level `{value}' unknown")),
    }
}

fn log_prefix(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.len() > 29 {
        return Err("Maximum prefix length 29 for --log-prefix".into());
    }
    text(value, 29)
}

/// LOG saves the prefix only when not empty and the level only when not 4 (warning).
fn finish_log(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    options.retain(|o| {
        !(o.name == "log-level" && o.args[0] == "4"
            || o.name == "log-prefix" && o.args[0] == "\"\"")
    });
    Ok(())
}

/// `-j LOG`.
pub(super) static LOG_TARGET: ModuleSpec = t(
    "LOG",
    &[
        target_option(&["log-prefix"], Arity::One, Some(log_prefix)),
        target_option(&["log-level"], Arity::One, Some(log_level)),
        target_option(&["log-tcp-sequence"], Arity::Zero, None),
        target_option(&["log-tcp-options"], Arity::Zero, None),
        target_option(&["log-ip-options"], Arity::Zero, None),
        target_option(&["log-uid"], Arity::Zero, None),
        target_option(&["log-macdecode"], Arity::Zero, None),
    ],
    Some(finish_log),
);

/// NFLOG keeps at most 63 bytes of prefix (longer ones are cut).
fn nflog_prefix(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.contains('\n') {
        return Err("Newlines not allowed in --log-prefix".into());
    }
    let mut end = value.len().min(63);
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    text(&value[..end], 63)
}

/// NFLOG leaves out group 0, threshold 0 and an empty prefix.
fn finish_nflog(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    if options.iter().any(|o| o.name == "nflog-size")
        && options.iter().any(|o| o.name == "nflog-range")
    {
        return Err("--nflog-size and --nflog-range cannot be combined".into());
    }
    options.retain(|o| {
        !(matches!(&*o.name, "nflog-group" | "nflog-threshold") && o.args[0] == "0"
            || o.name == "nflog-prefix" && o.args[0] == "\"\"")
    });
    Ok(())
}

/// `-j NFLOG`.
pub(super) static NFLOG_TARGET: ModuleSpec = t(
    "NFLOG",
    &[
        target_option(&["nflog-prefix"], Arity::One, Some(nflog_prefix)),
        target_option(&["nflog-group"], Arity::One, Some(|v, _| uint(v, 65535))),
        target_option(
            &["nflog-size"],
            Arity::One,
            Some(|v, _| uint(v, u64::from(u32::MAX))),
        ),
        target_option(
            &["nflog-range"],
            Arity::One,
            Some(|v, _| uint(v, u64::from(u32::MAX))),
        ),
        target_option(
            &["nflog-threshold"],
            Arity::One,
            Some(|v, _| uint(v, 65535)),
        ),
    ],
    Some(finish_nflog),
);

fn audit_type(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    match value {
        "accept" | "drop" | "reject" => Ok(value.to_owned()),
        _ => Err(format!("Bad action type value \"{value}\"")),
    }
}

fn finish_audit(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "type")
}

/// `-j AUDIT`.
pub(super) static AUDIT_TARGET: ModuleSpec = t(
    "AUDIT",
    &[o(&["type"], Arity::One, false, Some(audit_type))],
    Some(finish_audit),
);

fn led_id(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.is_empty() || value.len() > 27 {
        return Err(format!("Bad --led-trigger-id \"{value}\""));
    }
    Ok(format!("\"{value}\""))
}

fn led_delay(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value == "inf" {
        return Ok(value.to_owned());
    }
    uint(value, U32)
}

fn finish_led(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "led-trigger-id")?;
    options.retain(|o| !(o.name == "led-delay" && o.args[0] == "0"));
    Ok(())
}

/// `-j LED`.
pub(super) static LED_TARGET: ModuleSpec = t(
    "LED",
    &[
        o(&["led-trigger-id"], Arity::One, false, Some(led_id)),
        o(&["led-delay"], Arity::One, false, Some(led_delay)),
        o(&["led-always-blink"], Arity::Zero, false, None),
    ],
    Some(finish_led),
);

fn idletimer_label(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    if value.is_empty() || value.len() > 27 {
        return Err(format!("Bad --label \"{value}\""));
    }
    Ok(value.to_owned())
}

fn finish_idletimer(options: &mut Vec<Opt>, _: &Ctx<'_>) -> Result<(), String> {
    required(options, "timeout")?;
    required(options, "label")
}

/// `-j IDLETIMER`.
pub(super) static IDLETIMER_TARGET: ModuleSpec = t(
    "IDLETIMER",
    &[
        o(&["timeout"], Arity::One, false, Some(uint32)),
        o(&["label"], Arity::One, false, Some(idletimer_label)),
        o(&["alarm"], Arity::Zero, false, None),
    ],
    Some(finish_idletimer),
);
