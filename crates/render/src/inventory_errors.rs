//! serde's messages about an inventory, said the way gblint.toml's errors say them: the key
//! (`caddy.vhosts[2].port`), what was expected before what was found, and a did-you-mean for
//! a mistyped key.

use gblint_lint::settings::did_you_mean;

/// The message for a deserialization error, with the key path serde_path_to_error tracked.
pub(crate) fn describe(err: &serde_path_to_error::Error<toml::de::Error>) -> String {
    let path = key_path(err);
    let message = err.inner().message().trim().replace('\n', " ");
    if let Some(rest) = message.strip_prefix("unknown field `") {
        return unknown_key(rest, &path);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("missing key `{key}` {}", place(&path));
    }
    let reworded = ["invalid value: ", "invalid type: "]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split_once(", expected "))
        .map(|(found, expected)| format!("expected {expected}, found {found}"));
    let message = reworded.unwrap_or(message);
    if path.is_empty() {
        message
    } else {
        format!("{path}: {message}")
    }
}

/// `a.b[2].c`, without the markers toml uses internally for spanned values.
fn key_path(err: &serde_path_to_error::Error<toml::de::Error>) -> String {
    let text = err.path().to_string();
    if text == "." {
        return String::new();
    }
    text.split('.')
        .filter(|segment| !segment.starts_with("$__"))
        .collect::<Vec<_>>()
        .join(".")
}

/// "in [host]" or "at the top level".
fn place(table: &str) -> String {
    if table.is_empty() {
        "at the top level".to_owned()
    } else {
        format!("in [{table}]")
    }
}

/// From serde's "unknown field `x`, expected one of `a`, `b`" (after the first backtick).
fn unknown_key(rest: &str, path: &str) -> String {
    let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
    // The path may already end with the unknown key.
    let table = path
        .strip_suffix(key)
        .map(|t| t.trim_end_matches('.'))
        .unwrap_or(path);
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let hint = did_you_mean(key, candidates.iter().copied());
    if hint.is_empty() && !candidates.is_empty() {
        format!(
            "unknown key `{key}` {}; expected one of {}",
            place(table),
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!("unknown key `{key}` {}{hint}", place(table))
    }
}
