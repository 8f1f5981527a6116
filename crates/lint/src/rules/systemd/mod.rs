//! systemd rules (`SYD`).

/// SYD002: the UI's BOTSERVER_URL port differs from the bot server's PORT.
pub mod botserver_port_mismatch;
/// SYD001: BOTSERVER_URL is not a loopback URL.
pub mod botserver_url_not_local;
/// SYD003: General Bots services running as root.
pub mod service_runs_as_root;
/// SYD000: unit files systemd cannot read.
pub mod syntax_error;
/// SYD004: keys systemd does not know.
pub mod unknown_key;

use gblint_diagnostics::{FileId, TextRange};
use gblint_systemd::MergedValue;

use crate::context::Context;
use crate::deployment::UnitDoc;

/// An environment variable of a unit with where its value is written.
pub struct EnvValue<'a> {
    /// The unit.
    pub unit: &'a UnitDoc,
    /// The value.
    pub value: String,
    /// The `Environment=` line it came from.
    pub source: &'a MergedValue,
}

/// The effective value of `name` in a unit's `Environment=` lines.
pub fn env<'a>(unit: &'a UnitDoc, name: &str) -> Option<EnvValue<'a>> {
    unit.merged
        .environment()
        .into_iter()
        .rev()
        .find(|(n, _, _)| n == name)
        .map(|(_, value, source)| EnvValue {
            unit,
            value,
            source,
        })
}

/// The bytes of `NAME=value` inside an `Environment=` line: the value's own range.
pub fn value_range_in_line(
    ctx: &Context<'_>,
    unit: &UnitDoc,
    source: &MergedValue,
    name: &str,
) -> Option<(FileId, TextRange)> {
    let file = unit.file_of(&source.file)?;
    let text = ctx.sources.get(file).text();
    let line = &text[source.value_range.as_range()];
    let key = format!("{name}=");
    let start = line.find(&key)? + key.len();
    let rest = &line[start..];
    let end = rest.find([' ', '\t', '"', '\'']).unwrap_or(rest.len());
    let base = source.value_range.start() as usize + start;
    Some((file, TextRange::from_usize(base, base + end)))
}

/// Whether a unit runs General Bots software: its binary lives under /opt/gbo, or it is one
/// of the tenant's role units.
pub fn is_general_bots(unit: &UnitDoc) -> bool {
    let exec = unit
        .merged
        .values("Service", "ExecStart")
        .iter()
        .any(|v| v.value.contains("/opt/gbo/"));
    exec || matches!(
        unit.name.as_str(),
        "system.service" | "ui.service" | "proxy.service" | "dns.service"
    )
}

/// The bot server unit of the deployment: `system.service`, or a unit whose ExecStart runs
/// `botserver`.
pub fn botserver<'a>(ctx: &'a Context<'_>) -> Option<&'a UnitDoc> {
    ctx.deployment
        .units
        .iter()
        .find(|u| {
            u.merged
                .values("Service", "ExecStart")
                .iter()
                .any(|v| v.value.contains("botserver"))
        })
        .or_else(|| {
            ctx.deployment
                .units
                .iter()
                .find(|u| u.name == "system.service")
        })
}

/// Host and port of an `http(s)://host[:port]/…` URL (the scheme's port when not written).
pub fn url_host_port(url: &str) -> Option<(String, String, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let default = match scheme {
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        _ => return None,
    };
    if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        let port = after
            .strip_prefix(':')
            .map_or(Some(default), |p| p.parse().ok())?;
        return Some((scheme.to_owned(), format!("[{host}]"), port));
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Some((scheme.to_owned(), host.to_owned(), port.parse().ok()?)),
        None => Some((scheme.to_owned(), authority.to_owned(), default)),
    }
}
