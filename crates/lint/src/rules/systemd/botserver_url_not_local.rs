use gblint_diagnostics::{Diagnostic, Edit, Fix};

use super::{botserver, env, url_host_port, value_range_in_line};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a unit whose `BOTSERVER_URL` is not a loopback URL (`http://localhost`,
    /// `http://127.0.0.1` or `http://[::1]`, any port).
    ///
    /// ## Why is this bad
    /// The web UI runs next to the bot server and must reach it over loopback. Through the
    /// external HTTPS URL every request makes a round trip through the proxy, and the
    /// WebSocket the chat uses is dropped by the proxy's timeouts: conversations stall.
    ///
    /// ## Example
    /// ```ini
    /// [Service]
    /// Environment=BOTSERVER_URL=https://api.pragmatismo.com.br
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [Service]
    /// Environment=BOTSERVER_URL=http://localhost:5858
    /// ```
    ///
    /// ## Fix safety
    /// The fix writes `http://localhost:<port>`, the port being the bot server unit's `PORT`
    /// (or the URL's own port when the bot server unit is not in the tree). It is safe: it
    /// restores the guide's prescribed value.
    pub struct BotserverUrlNotLocal {
        code: "SYD001",
        name: "botserver-url-not-local",
        severity: Error,
        category: Correctness,
        fix: Sometimes,
        kind: Some(FileKind::Systemd),
    }
}

impl Rule for BotserverUrlNotLocal {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let server_port = botserver(ctx)
            .and_then(|u| env(u, "PORT"))
            .and_then(|p| p.value.trim().parse::<u16>().ok());
        for unit in &ctx.deployment.units {
            let Some(url) = env(unit, "BOTSERVER_URL") else {
                continue;
            };
            let parsed = url_host_port(&url.value);
            let local = parsed.as_ref().is_some_and(|(scheme, host, _)| {
                scheme == "http" && matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]")
            });
            if local {
                continue;
            }
            let Some((file, range)) = value_range_in_line(ctx, unit, url.source, "BOTSERVER_URL")
            else {
                continue;
            };
            let port = server_port.or_else(|| {
                parsed
                    .as_ref()
                    .map(|(_, _, p)| *p)
                    .filter(|p| *p != 80 && *p != 443)
            });
            let mut diagnostic = Self::META
                .diagnostic(file, range, format!("BOTSERVER_URL is {}, not a loopback URL", url.value))
                .with_label("the UI must reach the bot server over loopback")
                .with_note("through the external URL the chat's WebSocket goes through the proxy and is dropped")
                .with_help("use http://localhost:<the bot server's PORT>");
            if let Some(port) = port {
                diagnostic = diagnostic.with_fix(Fix::safe(
                    format!("use http://localhost:{port}"),
                    vec![Edit::replacement(range, format!("http://localhost:{port}"))],
                ));
            }
            out.push(diagnostic);
        }
    }
}
