use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports `admin off` in the global options block.
    ///
    /// ## Why is this bad
    /// `caddy reload` and every tool that changes Caddy at run time (the General Bots
    /// deployment adds runtime sites through `127.0.0.1:2019`) talk to the admin API. With it
    /// off, a configuration change needs a full restart, which drops every open connection
    /// and WebSocket.
    ///
    /// ## Example
    /// ```caddyfile
    /// {
    /// 	admin off
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Keep the default (admin on `localhost:2019`), or bind it explicitly to loopback:
    /// ```caddyfile
    /// {
    /// 	admin localhost:2019
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: turning the admin API back on is a security decision.
    pub struct AdminApiDisabled {
        code: "CDY005",
        name: "admin-api-disabled",
        severity: Warning,
        category: Correctness,
        fix: None,
        kind: Some(FileKind::Caddyfile),
    }
}

impl Rule for AdminApiDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.caddyfiles {
            let Some(global) = &doc.caddyfile.model.global else {
                continue;
            };
            for admin in global.option("admin") {
                if let Some(off) = admin.args().first().filter(|arg| &*arg.text == "off") {
                    out.push(
                        Self::META
                            .diagnostic(off.file(), admin.name.range().cover(off.range()), "the admin API is disabled (`admin off`)")
                            .with_label("reloads need the admin API")
                            .with_note("`caddy reload` and run-time route changes POST to the admin API; without it every change is a restart")
                            .with_help("remove `admin off`, or bind the API to loopback: `admin localhost:2019`"),
                    );
                }
            }
        }
    }
}
