use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

/// Roles the operations guide keeps off the internet: reached only through the proxy's
/// Caddy or from other instances on the bridge.
pub const INTERNAL_ROLES: &[&str] = &[
    "system",
    "alm",
    "drive",
    "tables",
    "table-editor",
    "webmail",
];

declare_rule! {
    /// ## What it does
    /// Reports a proxy device of an internal-only instance (`system`, `alm`, `drive`,
    /// `tables`, `table-editor`, `webmail`) that listens on the host on every address
    /// (`0.0.0.0`, `[::]`) or on a public one. Listening on loopback, a private or link-local
    /// address, a unix socket, or inside the instance (`bind: instance`) is fine.
    ///
    /// An instance whose `backup.yaml` and export are both in the tree is checked in both: a
    /// finding both give is reported once, on the export (the file the fix goes into); one only
    /// a single file gives is reported on it, with a label on the other (docs/lxd.md).
    ///
    /// ## Why is this bad
    /// These services sit behind the proxy's Caddy (TLS, headers, rate limits, the flood
    /// jail) or are meant for other instances only. A proxy device on `0.0.0.0` publishes the
    /// bare port — the bot server's API, Forgejo, MinIO, PostgreSQL — to the internet,
    /// past all of that, and LXD proxy devices are not filtered by the host's firewall rules
    /// for forwarded traffic.
    ///
    /// ## Example
    /// Forgejo's port published on every address of the host:
    ///
    /// `host/etc/gblint/lxd/pragmatismo-alm.yaml`:
    /// ```yaml
    /// devices:
    ///   alm-proxy:
    ///     type: proxy
    ///     listen: tcp:0.0.0.0:4747
    ///     connect: tcp:127.0.0.1:4747
    /// ```
    ///
    /// ## Use instead
    /// Remove the device and route the site through the proxy's Caddyfile, or listen on the
    /// host's loopback or bridge address only:
    ///
    /// `host/etc/gblint/lxd/pragmatismo-alm.yaml`:
    /// ```yaml
    /// devices:
    ///   alm-proxy:
    ///     type: proxy
    ///     listen: tcp:127.0.0.1:4747
    ///     connect: tcp:127.0.0.1:4747
    /// ```
    ///
    /// ## Fix safety
    /// No fix.
    pub struct InternalRoleListensPublicly {
        code: "LXD006",
        name: "internal-role-listens-publicly",
        severity: Error,
        category: Security,
        fix: None,
        kind: Some(FileKind::Lxd),
    }
}

impl Rule for InternalRoleListensPublicly {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut found = Vec::new();
        for (index, doc) in ctx.deployment.lxd.iter().enumerate() {
            let Some(role) = doc.role.as_deref() else {
                continue;
            };
            if !INTERNAL_ROLES.contains(&role) || !super::readable(doc) {
                continue;
            }
            for device in super::devices_in_force(&doc.instance) {
                if super::public_listen(device).is_none() {
                    continue;
                }
                let Some(listen) = device.get("listen") else {
                    continue;
                };
                found.push((
                    index,
                    Self::META
                        .diagnostic(
                            doc.file,
                            listen.value_range,
                            format!(
                                "{} ({role}) is internal only, but proxy device \"{}\" listens on {}",
                                doc.name, device.name, listen.value
                            ),
                        )
                        .with_label("reachable from the internet")
                        .with_help("remove the device and serve the site through the proxy's Caddyfile, or listen on 127.0.0.1 or the bridge address"),
                ));
            }
        }
        super::report_once(ctx, found, out);
    }
}
