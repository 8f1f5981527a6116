use gblint_diagnostics::Diagnostic;

use super::{origin, runs, value};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a jail with `ignoreself = false` whose `ignoreip` does not cover both
    /// 127.0.0.1/8 and ::1: the machine can then ban its own loopback addresses.
    ///
    /// ## Why is this bad
    /// fail2ban's iptables actions insert their REJECT rules above everything else. Once
    /// 127.0.0.1 is banned (a local health check that keeps getting 404, a local script that
    /// fails to log in), local services cannot reach each other — Valkey, the bot server's
    /// own API — until the ban expires.
    ///
    /// ## Example
    /// ```ini
    /// [DEFAULT]
    /// ignoreself = false
    /// ignoreip = 10.0.0.0/8
    ///
    /// [sshd]
    /// enabled = true
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// [DEFAULT]
    /// ignoreip = 127.0.0.1/8 ::1 10.0.0.0/8
    ///
    /// [sshd]
    /// enabled = true
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct LoopbackBannable {
        code: "F2B005",
        name: "loopback-bannable",
        severity: Warning,
        category: Security,
        fix: None,
        kind: Some(FileKind::Fail2ban),
    }
}

impl Rule for LoopbackBannable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.fail2ban {
            for jail in doc.config.jail_views() {
                let name = &jail.name;
                // A jail fail2ban does not run bans nobody.
                if !runs(doc, jail) {
                    continue;
                }
                let self_ignored = value(jail, "ignoreself")
                    .and_then(|v| gblint_fail2ban::parse_bool(&v))
                    .unwrap_or(true);
                if self_ignored {
                    continue;
                }
                let ignoreip = value(jail, "ignoreip").unwrap_or_default();
                let entries: Vec<&str> = ignoreip
                    .split([' ', ',', '\n'])
                    .filter(|s| !s.is_empty())
                    .collect();
                let v4 = entries.iter().any(|e| {
                    matches!(
                        *e,
                        "127.0.0.1/8" | "127.0.0.0/8" | "127.0.0.1/0" | "0.0.0.0/0"
                    )
                });
                let v6 = entries
                    .iter()
                    .any(|e| matches!(*e, "::1" | "::1/128" | "::/0"));
                if v4 && v6 {
                    continue;
                }
                let Some(at) = jail.get("ignoreself").and_then(|v| origin(doc, v)) else {
                    continue;
                };
                out.push(
                    Self::META
                        .diagnostic(at.0, at.1, format!("[{name}] can ban loopback: ignoreself is false and ignoreip lacks {}", if v4 { "::1" } else if v6 { "127.0.0.1/8" } else { "127.0.0.1/8 and ::1" }))
                        .with_label("loopback is not protected")
                        .with_help("add `127.0.0.1/8 ::1` to ignoreip (or keep ignoreself = true)"),
                );
            }
        }
    }
}
