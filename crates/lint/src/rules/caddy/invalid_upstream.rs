use gblint_caddyfile::address::split_host_port;
use gblint_caddyfile::{CToken, Directive};
use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::format::Format;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks the upstreams of every `reverse_proxy` (its arguments and `to` lines): there must
    /// be at least one (unless a `dynamic` source provides them), each port must be a number
    /// from 1 to 65535 (or a `low-high` range of such numbers), and an upstream URL may carry
    /// only a scheme, a host and a port.
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
    /// 	reverse_proxy http://10.16.164.10:58590
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
        format: Some(Format::Caddyfile),
    }
}

impl Rule for InvalidUpstream {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.caddyfiles {
            let model = &doc.caddyfile.model;
            let mut proxies: Vec<&Directive> = Vec::new();
            for site in &model.sites {
                proxies.extend(
                    site.walk()
                        .into_iter()
                        .filter(|d| d.name() == "reverse_proxy"),
                );
            }
            for route in &model.named_routes {
                let mut stack: Vec<&Directive> = route.directives.iter().collect();
                while let Some(directive) = stack.pop() {
                    if directive.name() == "reverse_proxy" {
                        proxies.push(directive);
                    }
                    stack.extend(directive.block.iter());
                }
            }
            for proxy in proxies {
                check_proxy(proxy, out);
            }
        }
    }
}

fn check_proxy(proxy: &Directive, out: &mut Vec<Diagnostic>) {
    let mut upstreams: Vec<&CToken> = Vec::new();
    let mut args = proxy.args.iter().peekable();
    if let Some(first) = args.peek() {
        if first.text == "*" || first.text.starts_with('/') || first.text.starts_with('@') {
            args.next();
        }
    }
    upstreams.extend(args);
    for to in proxy.sub("to") {
        upstreams.extend(to.args.iter());
    }
    let dynamic = proxy.sub("dynamic").next().is_some();
    if upstreams.is_empty() && !dynamic {
        out.push(
            InvalidUpstream::META
                .diagnostic(
                    proxy.file(),
                    proxy.name.range,
                    "`reverse_proxy` has no upstream",
                )
                .with_label("proxies to nothing")
                .with_note("Caddy accepts this and answers every request with 502 Bad Gateway")
                .with_help(
                    "add the backend address, e.g. `reverse_proxy http://10.16.164.10:5858`",
                ),
        );
    }
    for upstream in upstreams {
        if let Err(problem) = check_upstream(&upstream.text) {
            out.push(
                InvalidUpstream::META
                    .diagnostic(
                        upstream.file,
                        upstream.range,
                        format!("invalid upstream `{}`: {problem}", upstream.text),
                    )
                    .with_label("this upstream")
                    .with_note(
                        "`caddy validate` does not catch this; the site fails at request time",
                    )
                    .with_help(
                        "write upstreams as [scheme://]host:port with a port from 1 to 65535",
                    ),
            );
        }
    }
}

/// Check one upstream address; placeholders and unix sockets are left alone.
fn check_upstream(text: &str) -> Result<(), String> {
    if text.contains('{') || text.starts_with("unix/") || text.starts_with("unix+h2c/") {
        return Ok(());
    }
    let mut rest = text;
    if let Some((scheme, after)) = text.split_once("://") {
        if !matches!(scheme, "http" | "https" | "h2c" | "h3") {
            return Err(format!("unsupported scheme `{scheme}://`"));
        }
        rest = after;
        if let Some(slash) = rest.find(['/', '?', '#']) {
            return Err(format!(
                "`{}` after the host: upstream URLs may only have a scheme, host and port",
                &rest[slash..]
            ));
        }
    } else if text.contains('/') {
        return Err("upstream addresses cannot contain a path".into());
    }
    if rest.contains('<') || rest.contains('>') {
        return Err("an unfilled template placeholder".into());
    }
    let port = match split_host_port(rest) {
        // An empty host (`:8080`) means localhost.
        Some((_, port)) => port,
        None => {
            if rest.matches(':').count() > 1 && !rest.starts_with('[') {
                return Err("an IPv6 address needs brackets, e.g. [::1]:8080".into());
            }
            return Ok(());
        }
    };
    if port.is_empty() {
        return Err("empty port after `:`".into());
    }
    for part in port.splitn(2, '-') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("port `{port}` is not a number"));
        }
        match part.parse::<u64>() {
            Ok(0) => return Err("port 0 is not a valid upstream port".into()),
            Ok(n) if n > 65535 => return Err(format!("port {n} is out of range (1-65535)")),
            Ok(_) => {}
            Err(_) => return Err(format!("port {part} is out of range (1-65535)")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_upstream;

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
    }
}
