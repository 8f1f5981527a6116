use gblint_diagnostics::{Diagnostic, Edit, Fix};

use super::{origin, runs};
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// On a proxy machine, reports an enabled `sshd` jail when the machine runs no SSH server:
    /// no `ssh.service`/`sshd.service` unit and no `/etc/ssh/sshd_config` in its folder.
    ///
    /// ## Why is this bad
    /// Debian's fail2ban package enables `sshd` by default. In a container administered
    /// through `lxc exec`, the jail watches a log that does not exist; with the systemd
    /// backend fail2ban fails to start the jail and, depending on the version, refuses to
    /// start at all — taking the flood jail down with it.
    ///
    /// ## Example
    /// On a proxy machine with no `ssh.service`, `sshd.service` or `/etc/ssh/sshd_config`:
    ///
    /// `pragmatismo-proxy/etc/fail2ban/jail.local`:
    /// ```ini
    /// [sshd]
    /// enabled = true
    /// ```
    ///
    /// ## Use instead
    ///
    /// `pragmatismo-proxy/etc/fail2ban/jail.local`:
    /// ```ini
    /// [sshd]
    /// enabled = false
    /// ```
    ///
    /// ## Fix safety
    /// The fix sets `enabled = false` where the jail is enabled. It is safe: no SSH server
    /// runs, so nothing is left unprotected.
    pub struct SshdJailWithoutSshd {
        code: "F2B002",
        name: "sshd-jail-without-sshd",
        severity: Warning,
        category: Correctness,
        fix: Always,
        kind: Some(FileKind::Fail2ban),
    }
}

impl Rule for SshdJailWithoutSshd {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for doc in &ctx.deployment.fail2ban {
            let Some(machine) = doc.machine else { continue };
            if ctx
                .deployment
                .machines
                .get(machine.0)
                .and_then(|m| m.role.as_deref())
                != Some("proxy")
            {
                continue;
            }
            let has_ssh = ctx.deployment.units.iter().any(|u| {
                u.machine == Some(machine)
                    && matches!(
                        u.name.as_str(),
                        "ssh.service" | "sshd.service" | "ssh.socket"
                    )
            }) || ctx.deployment.machines[machine]
                .dir
                .join("etc/ssh/sshd_config")
                .is_file();
            if has_ssh {
                continue;
            }
            let Some(jail) = doc.config.jail("sshd") else {
                continue;
            };
            if !runs(doc, jail) {
                continue;
            }
            let Some(value) = jail.get("enabled") else {
                continue;
            };
            let Some((file, range)) = origin(doc, value) else {
                continue;
            };
            out.push(
                Self::META
                    .diagnostic(file, range, "the sshd jail is enabled, but this proxy runs no SSH server")
                    .with_label("enabled here")
                    .with_note("no ssh.service/sshd.service unit and no /etc/ssh/sshd_config in this machine's folder")
                    .with_help("set `enabled = false` for [sshd] in jail.local")
                    .with_fix(Fix::safe("disable the sshd jail", vec![Edit::replacement(range, "false")])),
            );
        }
    }
}
