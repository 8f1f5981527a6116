//! Free text: the comment match (an annotation) and the string match (payload search).

// Finish functions share one signature (`Finish`), so some take a `Vec` they only read.
#![allow(clippy::ptr_arg)]

use super::normalize::*;
use super::options::*;
use super::spec::{m, o, Arity, Ctx, ModuleSpec};
use crate::rule::Opt;
use crate::values::*;

fn comment(value: &str, _: &Ctx<'_>) -> Result<String, String> {
    text(value, 255)
}

/// `-m comment`.
pub(super) static COMMENT_MATCH: ModuleSpec = m(
    "comment",
    &[o(&["comment"], Arity::One, false, Some(comment))],
    Some(require_an_option),
);

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

/// `-m string`.
pub(super) static STRING_MATCH: ModuleSpec = m(
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
);
