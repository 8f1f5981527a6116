use gblint_diagnostics::{Diagnostic, TextRange};

use super::{origin, runs, value};
use crate::context::Context;
use crate::declare_rule;
use crate::deployment::Fail2banDoc;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// On the LXD host (machine `host`), requires a jail fail2ban runs on SSH: a jail named
    /// `sshd` (or one whose `filter` is `sshd`) that is enabled and not skipped for a missing
    /// filter or action. Judged when the host's fail2ban folder is in the tree.
    ///
    /// ## Why is this bad
    /// SSH with key authentication is the only administrative way into the host, and the host
    /// holds every container. The operations guide runs fail2ban on the host for SSH: without
    /// the jail, password and key scanners get unlimited attempts and fill the journal.
    ///
    /// ## Example
    ///
    /// `host/etc/fail2ban/jail.local`:
    /// ```ini
    /// [sshd]
    /// enabled = false
    /// ```
    ///
    /// ## Use instead
    ///
    /// `host/etc/fail2ban/jail.local`:
    /// ```ini
    /// [sshd]
    /// enabled  = true
    /// maxretry = 3
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: enabling a jail is a decision about the host's SSH server.
    pub struct HostSshdJailMissing {
        code: "F2B007",
        name: "host-sshd-jail-missing",
        severity: Error,
        category: Policy,
        fix: None,
        kind: Some(FileKind::Fail2ban),
    }
}

impl Rule for HostSshdJailMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in docs_of_role(ctx, "host") {
            let sshd_jails: Vec<_> = doc
                .config
                .jail_views()
                .iter()
                .filter(|jail| {
                    jail.name == "sshd"
                        || value(jail, "filter").is_some_and(|f| filter_name(&f) == "sshd")
                })
                .collect();
            if sshd_jails.iter().any(|jail| runs(doc, jail)) {
                continue;
            }
            // Point at the `enabled` that switches the jail off, else at the start of the
            // folder's jail.local (or its first file).
            let at = sshd_jails
                .iter()
                .find_map(|jail| jail.get("enabled").and_then(|v| origin(doc, v)))
                .or_else(|| {
                    doc.file_of("jail.local")
                        .or_else(|| doc.files.values().next().map(|(f, _)| *f))
                        .map(|file| (file, TextRange::empty(0)))
                });
            let Some((file, range)) = at else { continue };
            let message = if sshd_jails.is_empty() {
                "the host runs no sshd jail: SSH, the only way into the host, is not protected by fail2ban"
            } else {
                "the host's sshd jail does not run (disabled, or skipped for a missing filter or action)"
            };
            out.push(
                Self::META
                    .diagnostic(file, range, message)
                    .with_label("no running sshd jail on the host")
                    .with_help("add `[sshd]` with `enabled = true` to the host's jail.local"),
            );
        }
    }
}

/// The fail2ban configurations of the machines with `role`.
pub(super) fn docs_of_role<'a>(
    ctx: &'a Context<'_>,
    role: &'a str,
) -> impl Iterator<Item = &'a Fail2banDoc> + 'a {
    ctx.deployment.fail2ban.iter().filter(move |doc| {
        doc.machine
            .and_then(|m| ctx.deployment.machines.get(m.0))
            .and_then(|m| m.role.as_deref())
            == Some(role)
    })
}

/// The filter's name without its `[args]` (`sshd[mode=aggressive]` → `sshd`).
pub(super) fn filter_name(filter: &str) -> &str {
    let filter = filter.trim();
    filter.split('[').next().unwrap_or(filter).trim()
}
