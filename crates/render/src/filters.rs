//! Template filters, one per quoting rule of a target format. Values from the inventory are
//! already validated (no newlines, no braces in names), but quoting still goes through these
//! so a template never has to know a format's escaping rules.

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind};

/// Register every filter on `env`.
pub fn register(env: &mut Environment<'_>) {
    env.add_filter("comment", comment);
    env.add_filter("ljust", ljust);
    env.add_filter("caddy_quote", caddy_quote);
    env.add_filter("caddy_token", caddy_token);
    env.add_filter("zone_quote", zone_quote);
    env.add_filter("systemd_env", systemd_env);
    env.add_filter("systemd_value", systemd_value);
    env.add_filter("shell_quote", shell_quote);
    env.add_filter("toml_quote", toml_quote);
    env.add_filter("f2b_bool", f2b_bool);
    env.add_filter("human_seconds", human_seconds);
}

/// Each line of `text` as a comment: `prefix` and a space (just `prefix` for a blank line).
fn comment(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|line| {
            if line.trim().is_empty() {
                prefix.to_owned()
            } else {
                format!("{prefix} {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `value` padded with spaces to `width` characters (the zone file's columns).
fn ljust(value: &Value, width: usize) -> String {
    let text = value.to_string();
    format!("{text:<width$}")
}

/// A Caddyfile quoted token: `"…"` with `"` and `\` escaped, as the Caddyfile lexer reads it.
fn caddy_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A bare Caddyfile token; quoted when it holds a character the lexer would split on or
/// treat as syntax.
fn caddy_token(value: &str) -> String {
    let plain = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\\' | '{' | '}' | '#' | '`'));
    if plain {
        value.to_owned()
    } else {
        caddy_quote(value)
    }
}

/// A zone-file character string: `"…"` with `"` and `\` escaped (RFC 1035 §5.1).
fn zone_quote(value: &str) -> String {
    caddy_quote(value)
}

/// An `Environment=` assignment: `NAME=value`, quoted as one word when the value has
/// spaces or quotes, with `%` doubled (systemd specifiers) and `\`/`"` escaped.
fn systemd_env(var: &Value) -> Result<String, Error> {
    let name = var.get_attr("name")?;
    let value = var.get_attr("value")?;
    let (Some(name), Some(value)) = (name.as_str(), value.as_str()) else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "systemd_env expects {name, value} strings",
        ));
    };
    let value = value.replace('%', "%%");
    let assignment = format!("{name}={value}");
    if assignment
        .chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '\'' || c == '\\')
    {
        let escaped = assignment.replace('\\', "\\\\").replace('"', "\\\"");
        Ok(format!("\"{escaped}\""))
    } else {
        Ok(assignment)
    }
}

/// A free-text unit value (Description=): `%` doubled so systemd does not expand it.
fn systemd_value(value: &str) -> String {
    value.replace('%', "%%")
}

/// A double-quoted shell word for env files such as /etc/default/ufw.
fn shell_quote(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A TOML basic string.
fn toml_quote(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A fail2ban boolean, in the spelling fail2ban reads (`true`/`false`).
fn f2b_bool(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

/// Seconds in words for comments: 3600 → "one hour".
fn human_seconds(seconds: u64) -> String {
    let units = [
        (86_400, "day"),
        (3600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    for (size, unit) in units {
        if seconds >= size && seconds % size == 0 {
            let n = seconds / size;
            return if n == 1 {
                format!("one {unit}")
            } else {
                format!("{n} {unit}s")
            };
        }
    }
    format!("{seconds} seconds")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(caddy_quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(caddy_token("tls1.2"), "tls1.2");
        assert_eq!(caddy_token("a b"), "\"a b\"");
        assert_eq!(caddy_token("{x}"), "\"{x}\"");
        assert_eq!(shell_quote("DROP"), "\"DROP\"");
        assert_eq!(shell_quote(""), "\"\"");
        assert_eq!(toml_quote("a\"b"), "\"a\\\"b\"");
        assert_eq!(systemd_value("50%"), "50%%");
    }

    #[test]
    fn environment_assignments() {
        let plain = Value::from_serialize(serde_json::json!({"name": "PORT", "value": "5858"}));
        assert_eq!(systemd_env(&plain).expect("plain"), "PORT=5858");
        let spaced = Value::from_serialize(serde_json::json!({"name": "A", "value": "x y%"}));
        assert_eq!(systemd_env(&spaced).expect("spaced"), "\"A=x y%%\"");
    }

    #[test]
    fn words() {
        assert_eq!(human_seconds(3600), "one hour");
        assert_eq!(human_seconds(7200), "2 hours");
        assert_eq!(human_seconds(90), "90 seconds");
        assert_eq!(comment("a\n\nb", "#"), "# a\n#\n# b");
    }
}
