use gblint_diagnostics::{Diagnostic, TextRange};

use super::system_address;
use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// On the CI runner (role `alm-ci`), checks each user's `~/.ssh/config` (the runner's
    /// `/root/.ssh/config`): it must have a `Host <tenant>-system` entry, its `HostName` (the
    /// first one ssh obtains for that name) must be set, and it must be the system container's
    /// address as the deployment knows it — the host of the proxy's `reverse_proxy` upstreams
    /// on the bot server's `PORT`, when those agree. The tenant is `[deployment] tenant`, else
    /// the machine folder's prefix.
    ///
    /// ## Why is this bad
    /// The operations guide deploys over SSH: `scp binary <tenant>-system:/opt/gbo/bin/…`. Without
    /// the entry the name does not resolve on the runner and every deploy fails; with a stale
    /// address (the bridge was renumbered, 10.16.164.x → 10.107.115.x) the runner copies the
    /// binary to whatever now answers there.
    ///
    /// ## Example
    /// The bot server runs on the system machine (on port 8080, as no `PORT=` says otherwise)
    /// and the proxy reaches it at 10.16.164.10:
    ///
    /// `pragmatismo-system/etc/systemd/system/system.service`:
    /// ```ini
    /// [Service]
    /// ExecStart=/opt/gbo/bin/botserver
    /// ```
    /// `pragmatismo-proxy/opt/gbo/conf/config`:
    /// ```caddyfile
    /// chat.example.com {
    /// 	reverse_proxy 10.16.164.10:8080
    /// }
    /// ```
    /// but the runner's ssh configuration still has the address before the bridge was
    /// renumbered:
    ///
    /// `pragmatismo-alm-ci/root/.ssh/config`:
    /// ```text
    /// Host pragmatismo-system
    ///     HostName 10.107.115.10
    ///     User gbuser
    /// ```
    ///
    /// ## Use instead
    ///
    /// `pragmatismo-system/etc/systemd/system/system.service`:
    /// ```ini
    /// [Service]
    /// ExecStart=/opt/gbo/bin/botserver
    /// ```
    /// `pragmatismo-proxy/opt/gbo/conf/config`:
    /// ```caddyfile
    /// chat.example.com {
    /// 	reverse_proxy 10.16.164.10:8080
    /// }
    /// ```
    /// `pragmatismo-alm-ci/root/.ssh/config`:
    /// ```text
    /// Host pragmatismo-system
    ///     HostName 10.16.164.10
    ///     User gbuser
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub struct SystemHostAliasMissing {
        code: "SSH001",
        name: "system-host-alias-missing",
        severity: Error,
        category: Policy,
        fix: None,
        kind: Some(FileKind::SshConfig),
    }
}

impl Rule for SystemHostAliasMissing {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let address = system_address(ctx);
        for doc in &ctx.deployment.ssh_configs {
            let Some(machine) = doc.machine.and_then(|m| ctx.deployment.machines.get(m.0)) else {
                continue;
            };
            if machine.role.as_deref() != Some("alm-ci") {
                continue;
            }
            let shown = ctx.deployment.shown_path(doc.input, ctx.sources);
            if !shown.ends_with("/.ssh/config") {
                continue;
            }
            let tenant = ctx
                .settings
                .tenant
                .clone()
                .or_else(|| machine.name.strip_suffix("-alm-ci").map(str::to_owned));
            let Some(tenant) = tenant else { continue };
            let alias = format!("{tenant}-system");
            let Some(block) = doc.config.host_blocks(&alias).next() else {
                out.push(
                    Self::META
                        .diagnostic(
                            doc.file,
                            TextRange::empty(0),
                            format!("no `Host {alias}` entry: the runner cannot reach the system container by name"),
                        )
                        .with_label("the runner's ssh configuration")
                        .with_help(format!(
                            "add `Host {alias}` with `HostName {}` and `User gbuser`",
                            address.as_ref().map_or("<system container address>", |(a, _, _)| a)
                        )),
                );
                continue;
            };
            let header = doc.config.blocks[block].range;
            let Some(line) = doc.config.lookup(&alias, "hostname") else {
                out.push(
                    Self::META
                        .diagnostic(
                            doc.file,
                            header,
                            format!("`Host {alias}` has no `HostName`"),
                        )
                        .with_label("ssh would look this name up in DNS")
                        .with_help("set `HostName` to the system container's address"),
                );
                continue;
            };
            let Some((expected, file, range)) = &address else {
                continue;
            };
            let (value, value_range) = &line.args[0];
            if value != expected {
                out.push(
                    Self::META
                        .diagnostic(
                            doc.file,
                            *value_range,
                            format!("`Host {alias}` points at {value}, but the system container is {expected}"),
                        )
                        .with_label("stale address")
                        .with_secondary(*file, *range, "the proxy reaches the bot server here")
                        .with_help(format!("HostName {expected}")),
                );
            }
        }
    }
}
