use gblint_caddyfile::address::{find_scheme_separator, split_host_port};
use gblint_caddyfile::env::EmptyPlaceholder;
use gblint_caddyfile::{CaddyToken, Directive};
use gblint_diagnostics::{Category, Diagnostic, FileId, Severity, SourceMap};

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks the upstreams of every `reverse_proxy` (its arguments and `to` lines): there must
    /// be at least one (unless a `dynamic` source provides them), each port must be a number
    /// from 1 to 65535 (or a `low-high` range of such numbers), and an upstream URL may carry
    /// only a scheme, a host and a port.
    ///
    /// Only what `caddy adapt` refuses is category `load`: an upstream URL (`scheme://…`) with a
    /// path, query or fragment or a non-numeric port, and a `to` line with no argument. The
    /// rest (no upstream at all, a bad port in `host:port`, port 0 or above 65535) Caddy loads,
    /// and every request then fails: those findings are category `correctness`. When the
    /// upstream came from a `{$VAR}` placeholder that is unset or empty where gblint runs, the
    /// finding names the variable and is a warning: the machine Caddy runs on may set it.
    ///
    /// ## Why is this bad
    /// `caddy validate` accepts `reverse_proxy 10.0.0.1:notaport`, a port of 99999 and a
    /// `reverse_proxy` with no upstream at all; the site then answers 502 for every request.
    /// In the General Bots proxy the upstreams are written by hand from the container table
    /// (`http://<container-ip>:<port>`), so a placeholder left in or a typo in a port is the
    /// common failure.
    ///
    /// ## Example
    /// ```caddyfile
    /// chat.example.com {
    /// 	reverse_proxy http://<container-ip>:<port>
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```caddyfile
    /// chat.example.com {
    /// 	reverse_proxy http://10.16.164.10:5859
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the right port is not in the file.
    pub struct InvalidUpstream {
        code: "CDY011",
        name: "invalid-upstream",
        severity: Error,
        category: Load,
        fix: None,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for InvalidUpstream {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.caddyfiles {
            let model = &doc.caddyfile.model;
            let empty_env = &doc.caddyfile.empty_env;
            // One stack and one upstream list for the whole file, not a `Site::walk` vector
            // per site and an upstream vector per proxy.
            let mut stack: Vec<&Directive> = Vec::new();
            let mut upstreams: Vec<&CaddyToken> = Vec::new();
            // Sites depth first in file order (as `Site::walk`), then named routes.
            for site in &model.sites {
                stack.extend(site.directives.iter().rev());
                while let Some(directive) = stack.pop() {
                    if directive.name() == "reverse_proxy" {
                        check_proxy(directive, &mut upstreams, empty_env, ctx.sources, out);
                    }
                    stack.extend(directive.block().iter().rev());
                }
            }
            for route in &model.named_routes {
                stack.extend(route.directives.iter());
                while let Some(directive) = stack.pop() {
                    if directive.name() == "reverse_proxy" {
                        check_proxy(directive, &mut upstreams, empty_env, ctx.sources, out);
                    }
                    stack.extend(directive.block().iter());
                }
            }
        }
    }
}

fn check_proxy<'a>(
    proxy: &'a Directive,
    upstreams: &mut Vec<&'a CaddyToken>,
    empty_env: &[(FileId, EmptyPlaceholder)],
    sources: &SourceMap,
    out: &mut Vec<Diagnostic>,
) {
    upstreams.clear();
    let mut args = proxy.args().iter().peekable();
    if let Some(first) = args.peek() {
        if &*first.text == "*" || first.text.starts_with('/') || first.text.starts_with('@') {
            args.next();
        }
    }
    upstreams.extend(args);
    for to in proxy.sub("to") {
        if to.args().is_empty() {
            // Caddy's `to` takes at least one argument (`d.ArgErr()`): refused at adapt time,
            // also when the only argument was a placeholder that expanded to nothing.
            let unset = line_placeholders(to, empty_env, sources);
            let mut diagnostic = InvalidUpstream::META
                .diagnostic(
                    to.file(),
                    to.name.range(),
                    "Wrong argument count or unexpected line ending after 'to'",
                )
                .with_label("no upstream after `to`")
                .with_note("`caddy adapt` and `caddy validate` refuse this");
            if let Some(text) = describe(&unset) {
                diagnostic = diagnostic.with_help(format!(
                    "{text}: set it, or give a default as `{{$NAME:default}}`"
                ));
            }
            out.push(diagnostic);
        }
        upstreams.extend(to.args().iter());
    }
    let dynamic = proxy.sub("dynamic").next().is_some();
    if upstreams.is_empty() && !dynamic && proxy.sub("to").next().is_none() {
        let unset = line_placeholders(proxy, empty_env, sources);
        let mut diagnostic = InvalidUpstream::META.diagnostic(
            proxy.file(),
            proxy.name.range(),
            "`reverse_proxy` has no upstream",
        );
        // Caddy adapts and validates this; the site answers 502 at request time.
        diagnostic.category = Category::Correctness;
        diagnostic = match describe(&unset) {
            Some(text) => {
                // The upstream is meant to come from the environment of the machine: name the
                // variable rather than call the file broken.
                diagnostic.severity = Severity::Warning;
                diagnostic.message = format!("`reverse_proxy` has no upstream: {text}");
                diagnostic
                    .with_label("upstream from the environment")
                    .with_note("Caddy accepts this; with the variable unset every request is answered with 502 Bad Gateway")
                    .with_help("make sure the variable is set where Caddy runs, or give a default as `{$NAME:default}`")
            }
            None => diagnostic
                .with_label("proxies to nothing")
                .with_note("Caddy accepts this and answers every request with 502 Bad Gateway")
                .with_help(
                    "add the backend address, e.g. `reverse_proxy http://10.16.164.10:5858`",
                ),
        };
        out.push(diagnostic);
    }
    for upstream in upstreams.drain(..) {
        let Err(problem) = check_upstream(&upstream.text) else {
            continue;
        };
        let unset: Vec<&EmptyPlaceholder> = empty_env
            .iter()
            .filter(|(file, placeholder)| {
                // An empty expansion leaves the token ending where the placeholder starts.
                *file == upstream.file()
                    && placeholder.range.start() >= upstream.range().start()
                    && placeholder.range.start() <= upstream.range().end()
            })
            .map(|(_, placeholder)| placeholder)
            .collect();
        let mut diagnostic = InvalidUpstream::META
            .diagnostic(
                upstream.file(),
                upstream.range(),
                format!("invalid upstream `{}`: {}", upstream.text, problem.message),
            )
            .with_label("this upstream");
        if problem.refused {
            diagnostic =
                diagnostic.with_note("`caddy adapt` and `caddy validate` refuse this upstream");
        } else {
            diagnostic.category = Category::Correctness;
            diagnostic = diagnostic
                .with_note("`caddy validate` does not catch this; the site fails at request time");
        }
        if let Some(text) = describe(&unset) {
            if !problem.refused {
                diagnostic.severity = Severity::Warning;
            }
            diagnostic.message = format!("{} ({text})", diagnostic.message);
            diagnostic = diagnostic.with_help(
                "make sure the variable is set where Caddy runs, or give a default as `{$NAME:default}`",
            );
        } else {
            diagnostic = diagnostic
                .with_help("write upstreams as [scheme://]host:port with a port from 1 to 65535");
        }
        out.push(diagnostic);
    }
}

/// Placeholders that expand to nothing on the directive's own line (its name's line), in its
/// file: where an upstream written as `{$VAR}` went.
fn line_placeholders<'a>(
    directive: &Directive,
    empty_env: &'a [(FileId, EmptyPlaceholder)],
    sources: &SourceMap,
) -> Vec<&'a EmptyPlaceholder> {
    let file = directive.file();
    let text = sources.get(file).text();
    let start = directive.name.range().end() as usize;
    let end = text[start.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |offset| start + offset);
    empty_env
        .iter()
        .filter(|(placeholder_file, placeholder)| {
            *placeholder_file == file
                && placeholder.range.start() as usize >= start
                && placeholder.range.end() as usize <= end
        })
        .map(|(_, placeholder)| placeholder)
        .collect()
}

/// "`{$A}` is unset, `{$B}` is empty", or `None` when there is nothing to say.
fn describe(placeholders: &[&EmptyPlaceholder]) -> Option<String> {
    if placeholders.is_empty() {
        return None;
    }
    let parts: Vec<String> = placeholders
        .iter()
        .map(|placeholder| {
            let state = if placeholder.set { "empty" } else { "unset" };
            format!("`{{${}}}` is {state}", placeholder.name)
        })
        .collect();
    Some(parts.join(", "))
}

/// What is wrong with an upstream, and whether Caddy refuses it at adapt time.
#[derive(Debug, PartialEq, Eq)]
struct Problem {
    message: String,
    /// `caddy adapt` refuses it (it parses `scheme://` upstreams as URLs: no path, query or
    /// fragment, a numeric port); otherwise Caddy loads it and the request fails.
    refused: bool,
}

fn accepted(message: impl Into<String>) -> Problem {
    Problem {
        message: message.into(),
        refused: false,
    }
}

fn refused(message: impl Into<String>) -> Problem {
    Problem {
        message: message.into(),
        refused: true,
    }
}

/// Check one upstream address; placeholders and unix sockets are left alone.
fn check_upstream(text: &str) -> Result<(), Problem> {
    if is_plain_host_port(text) {
        return Ok(());
    }
    check_upstream_fully(text)
}

/// [`check_upstream`] without its shortcut for a plain `host:port`.
fn check_upstream_fully(text: &str) -> Result<(), Problem> {
    if has(text, b'{') || text.starts_with("unix/") || text.starts_with("unix+h2c/") {
        return Ok(());
    }
    let mut rest = text;
    // One byte pass (`contains("://")` then `split_once("://")` set up a substring searcher
    // twice per upstream).
    let separator = find_scheme_separator(text);
    let is_url = separator.is_some();
    if let Some(at) = separator {
        let scheme = &text[..at];
        rest = &text[at + 3..];
        if let Some(slash) = rest.find(['/', '?', '#']) {
            return Err(refused(format!(
                "`{}` after the host: upstream URLs may only have a scheme, host and port",
                &rest[slash..]
            )));
        }
        if !matches!(scheme, "http" | "https" | "h2c" | "h3") {
            return Err(accepted(format!("unsupported scheme `{scheme}://`")));
        }
    } else if has(text, b'/') {
        return Err(accepted("upstream addresses cannot contain a path"));
    }
    let port = split_host_port(rest).map(|(_, port)| port);
    if rest.bytes().any(|b| b == b'<' || b == b'>') {
        // Go's URL parser refuses a non-numeric port; a bracketed host alone gets through.
        let bad_port = port.is_some_and(|port| !port.bytes().all(|b| b.is_ascii_digit()));
        let message = "an unfilled template placeholder";
        return Err(if is_url && bad_port {
            refused(message)
        } else {
            accepted(message)
        });
    }
    let port = match port {
        // An empty host (`:8080`) means localhost.
        Some(port) => port,
        None => {
            if rest.matches(':').count() > 1 && !rest.starts_with('[') {
                return Err(accepted("an IPv6 address needs brackets, e.g. [::1]:8080"));
            }
            return Ok(());
        }
    };
    if port.is_empty() {
        return Err(accepted("empty port after `:`"));
    }
    for part in port.splitn(2, '-') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            let message = format!("port `{port}` is not a number");
            // A URL's port must be digits (Go's url.Parse); `host:port` is only split later.
            return Err(if is_url && !port.bytes().all(|b| b.is_ascii_digit()) {
                refused(message)
            } else {
                accepted(message)
            });
        }
        match part.parse::<u64>() {
            Ok(0) => return Err(accepted("port 0 is not a valid upstream port")),
            Ok(n) if n > 65535 => {
                return Err(accepted(format!("port {n} is out of range (1-65535)")))
            }
            Ok(_) => {}
            Err(_) => return Err(accepted(format!("port {part} is out of range (1-65535)"))),
        }
    }
    Ok(())
}

/// Whether `text` is `host:port` with nothing [`check_upstream`] could object to, decided in
/// one pass over its bytes (nearly every upstream: `10.0.0.1:8080`). It has exactly one `:`,
/// none of `{ / [ ] < >` (so no placeholder, socket, scheme, path or brackets), and after the
/// `:` one or more digits whose value is a port from 1 to 65535 — the text the full check
/// splits into that host and port and accepts. Anything else goes through the full check.
fn is_plain_host_port(text: &str) -> bool {
    let mut colon = None;
    for (at, byte) in text.bytes().enumerate() {
        match byte {
            b':' if colon.is_none() => colon = Some(at),
            b':' | b'{' | b'/' | b'[' | b']' | b'<' | b'>' => return false,
            _ => {}
        }
    }
    let Some(colon) = colon else {
        return false;
    };
    let port = &text.as_bytes()[colon + 1..];
    if port.is_empty() {
        return false;
    }
    let mut value = 0u32;
    for &byte in port {
        if !byte.is_ascii_digit() {
            return false;
        }
        value = value
            .saturating_mul(10)
            .saturating_add(u32::from(byte - b'0'));
    }
    (1..=65535).contains(&value)
}

/// Whether `text` holds `byte`: upstreams are a few bytes long, where a plain loop is cheaper
/// than `str::contains` setting up its search.
fn has(text: &str, byte: u8) -> bool {
    text.bytes().any(|b| b == byte)
}

#[cfg(test)]
mod tests {
    use super::{check_upstream, check_upstream_fully, is_plain_host_port};

    #[test]
    fn the_shortcut_accepts_only_what_the_full_check_accepts() {
        let hosts = [
            "10.0.0.1", "", "x", "a:b", "[::1]", "::1", "h{x}", "a/b", "<ip>", "é",
        ];
        let ports = [
            "",
            "0",
            "1",
            "80",
            "08080",
            "65535",
            "65536",
            "99999999999999999999",
            "8000-8010",
            "x",
            "1:2",
            "+1",
            " 1",
        ];
        let mut shortcuts = 0;
        for host in hosts {
            for port in ports {
                let text = format!("{host}:{port}");
                if is_plain_host_port(&text) {
                    shortcuts += 1;
                    assert_eq!(check_upstream_fully(&text), Ok(()), "{text}");
                }
                assert_eq!(check_upstream(&text), check_upstream_fully(&text), "{text}");
            }
        }
        // 10.0.0.1, x, é and the empty host with 1, 80, 08080 and 65535.
        assert_eq!(shortcuts, 16);
    }

    #[test]
    fn upstream_forms() {
        for ok in [
            "localhost:8080",
            "http://10.0.0.1:5858",
            "10.0.0.1",
            ":8080",
            "https://backend",
            "[::1]:80",
            "h2c://x:1",
            "{env.UP}",
            "unix//run/x.sock",
            "x:8000-8010",
        ] {
            assert_eq!(check_upstream(ok), Ok(()), "{ok}");
        }
        for bad in [
            "10.0.0.1:notaport",
            "10.0.0.2:99999",
            "http://x:0",
            "http://<container-ip>:<port>",
            "http://x:80/api",
            "ftp://x:21",
            "x:",
        ] {
            assert!(check_upstream(bad).is_err(), "{bad}");
        }
        // What `caddy adapt` 2.6.2 refuses (the rest it loads, and requests fail).
        for (text, is_refused) in [
            ("http://x:80/api", true),
            ("http://x:80?a", true),
            ("http://x:<port>", true),
            ("http://<container-ip>:<port>", true),
            ("http://<container-ip>:5858", false),
            ("x:80/api", false),
            ("10.0.0.1:notaport", false),
            ("http://x:0", false),
            ("ftp://x:21", false),
        ] {
            assert_eq!(
                check_upstream(text).map_err(|p| p.refused),
                Err(is_refused),
                "{text}"
            );
        }
    }
}
