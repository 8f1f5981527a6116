use gblint_diagnostics::Diagnostic;

use super::{botserver, env, url_host_port, value_range_in_line};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a `BOTSERVER_URL` whose port differs from the `PORT` the bot server unit
    /// listens on (`Environment=PORT=…` of `system.service`, or of the unit running
    /// `botserver`). Reports nothing when the bot server unit is not in the tree.
    ///
    /// ## Why is this bad
    /// The UI connects to a port nothing listens on: every page load fails with a connection
    /// refused, while each unit on its own looks fine.
    ///
    /// ## Example
    /// The bot server listens on 5858:
    ///
    /// `pragmatismo-system/etc/systemd/system/system.service`:
    /// ```ini
    /// [Service]
    /// Environment=PORT=5858
    /// ExecStart=/opt/gbo/bin/botserver
    /// ```
    /// and `ui.service` reaches it on 8080:
    ///
    /// `pragmatismo-system/etc/systemd/system/ui.service`:
    /// ```ini
    /// [Service]
    /// Environment=BOTSERVER_URL=http://localhost:8080
    /// ```
    ///
    /// ## Use instead
    ///
    /// `pragmatismo-system/etc/systemd/system/system.service`:
    /// ```ini
    /// [Service]
    /// Environment=PORT=5858
    /// ExecStart=/opt/gbo/bin/botserver
    /// ```
    /// `pragmatismo-system/etc/systemd/system/ui.service`:
    /// ```ini
    /// [Service]
    /// Environment=BOTSERVER_URL=http://localhost:5858
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: which of the two ports is right is a decision.
    pub struct BotserverPortMismatch {
        code: "SYD002",
        name: "botserver-port-mismatch",
        severity: Error,
        category: Correctness,
        fix: None,
        kind: Some(FileKind::Systemd),
    }
}

impl Rule for BotserverPortMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(server) = botserver(ctx) else { return };
        let Some(port) = env(server, "PORT") else {
            return;
        };
        let Ok(listening) = port.value.trim().parse::<u16>() else {
            return;
        };
        for unit in &ctx.deployment.units {
            let Some(url) = env(unit, "BOTSERVER_URL") else {
                continue;
            };
            let Some((_, _, url_port)) = url_host_port(&url.value) else {
                continue;
            };
            if url_port == listening {
                continue;
            }
            let Some((file, range)) = value_range_in_line(ctx, unit, url.source, "BOTSERVER_URL")
            else {
                continue;
            };
            let mut diagnostic = Self::META
                .diagnostic(file, range, format!("BOTSERVER_URL points at port {url_port}, but the bot server ({}) listens on PORT={listening}", server.name))
                .with_label("nothing listens on this port")
                .with_help(format!("use port {listening}, or change PORT in {}", server.name));
            if let Some((server_file, server_range)) =
                value_range_in_line(ctx, server, port.source, "PORT")
            {
                diagnostic =
                    diagnostic.with_secondary(server_file, server_range, "the bot server's port");
            }
            out.push(diagnostic);
        }
    }
}
