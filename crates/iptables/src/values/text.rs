//! Free text and keyword lists.

use crate::lexer::save_quote;

/// Free text saved with iptables-save's quoting (`--comment`, `--log-prefix`), at most
/// `max` bytes.
pub fn text(value: &str, max: usize) -> Result<String, String> {
    if value.len() > max {
        return Err(format!("text longer than {max} bytes"));
    }
    Ok(save_quote(value))
}

/// A comma-separated list whose items must all be in `allowed` (case-insensitive), saved
/// upper-case in the order given.
pub fn keyword_list(text: &str, allowed: &[&str]) -> Result<String, String> {
    let mut out = Vec::new();
    for item in text.split(',') {
        let upper = item.to_ascii_uppercase();
        if !allowed.contains(&upper.as_str()) {
            return Err(format!("bad value `{item}'"));
        }
        out.push(upper);
    }
    Ok(out.join(","))
}
