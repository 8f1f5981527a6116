//! What a name or path from the inventory may look like. Names become folder and file names
//! of the rendered tree, and paths become files inside a machine folder, so these checks are
//! what keeps every output under `--out`: no `..`, no absolute file names, no separators in
//! names, nothing that a config format would read as syntax.

/// A path segment made from an inventory name (tenant, role, service): lowercase letters,
/// digits, `-`, `_` and inner dots, starting with a letter or digit, at most 63 bytes.
pub fn is_segment(name: &str) -> bool {
    let bytes = name.as_bytes();
    !name.is_empty()
        && name.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && !name.contains("..")
        && !name.ends_with('.')
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
}

/// A DNS host name without the final dot: labels of letters, digits and inner hyphens.
pub fn is_hostname(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// An absolute DNS name (with the final dot).
pub fn is_absolute_name(name: &str) -> bool {
    name.strip_suffix('.').is_some_and(is_hostname)
}

/// An owner name relative to a zone (`@`, `www`, `drive-api`, `_dmarc`, `*.stage`).
pub fn is_owner(name: &str) -> bool {
    name == "@" || is_hostname(name.strip_prefix("*.").unwrap_or(name)) || name == "*"
}

/// An absolute path on a machine: `/`-separated plain segments (no `.`, `..` or empty
/// segment) of characters that need no quoting in any of the formats.
pub fn is_safe_abs_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    !rest.is_empty()
        && rest.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+' | b'@')
                })
        })
}

/// One word of a config value: printable ASCII without spaces, quotes or braces.
pub fn is_word(value: &str) -> bool {
    !value.is_empty()
        && value.bytes().all(|b| {
            b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'\\' | b'{' | b'}' | b'#' | b';')
        })
}

/// A single-line value: no control characters at all.
pub fn is_line(value: &str) -> bool {
    !value.chars().any(char::is_control)
}

/// A comment: lines of text without other control characters.
pub fn is_comment(value: &str) -> bool {
    !value.chars().any(|c| c.is_control() && c != '\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cannot_escape() {
        assert!(is_segment("pragmatismo"));
        assert!(is_segment("table-editor"));
        assert!(!is_segment(".."));
        assert!(!is_segment("../../etc"));
        assert!(!is_segment("a/b"));
        assert!(!is_segment("/etc"));
        assert!(!is_segment(""));
        assert!(!is_segment("A"));
    }

    #[test]
    fn paths_stay_inside_the_machine() {
        assert!(is_safe_abs_path("/opt/gbo/conf/config"));
        assert!(!is_safe_abs_path("opt/gbo"));
        assert!(!is_safe_abs_path("/opt/../etc/passwd"));
        assert!(!is_safe_abs_path("/opt//gbo"));
        assert!(!is_safe_abs_path("/opt/gbo dir"));
        assert!(!is_safe_abs_path("/"));
    }

    #[test]
    fn dns_names() {
        assert!(is_hostname("drive-api.pragmatismo.com.br"));
        assert!(!is_hostname("a..b"));
        assert!(!is_hostname("a b"));
        assert!(is_absolute_name("ns1.ddsites.com.br."));
        assert!(!is_absolute_name("ns1.ddsites.com.br"));
        assert!(is_owner("@") && is_owner("drive-api") && !is_owner("a b"));
    }
}
