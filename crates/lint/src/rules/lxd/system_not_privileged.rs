use gblint_diagnostics::{Diagnostic, TextRange};

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports the `<tenant>-system` instance when its configuration in force (expanded, when
    /// the file has it) does not set `security.privileged` to a true value.
    ///
    /// An instance whose `backup.yaml` and export are both in the tree is checked in both: a
    /// finding both give is reported once, on the export (the file the fix goes into); one only
    /// a single file gives is reported on it, with a label on the other (docs/lxd.md).
    ///
    /// ## Why is this bad
    /// The operations guide: the system container *must* be privileged. The bot server mounts
    /// the tenant's host folders and runs services that need real root; unprivileged, its uid
    /// shift leaves the mounted files owned by `nobody` and the server fails at start.
    ///
    /// ## Example
    ///
    /// `host/etc/gblint/lxd/pragmatismo-system.yaml`:
    /// ```yaml
    /// config:
    ///   security.privileged: "false"
    /// ```
    ///
    /// ## Use instead
    ///
    /// `host/etc/gblint/lxd/pragmatismo-system.yaml`:
    /// ```yaml
    /// config:
    ///   security.privileged: "true"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: changing privilege needs a restart and a look at the file ownerships.
    pub struct SystemNotPrivileged {
        code: "LXD002",
        name: "system-not-privileged",
        severity: Error,
        category: Correctness,
        fix: None,
        kind: Some(FileKind::Lxd),
    }
}

impl Rule for SystemNotPrivileged {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut found = Vec::new();
        for (index, doc) in ctx.deployment.lxd.iter().enumerate() {
            if doc.role.as_deref() != Some("system") || !super::readable(doc) {
                continue;
            }
            let instance = &doc.instance;
            let (range, message) = match instance.config_value("security.privileged") {
                Some(entry) if gblint_lxd::is_true(&entry.value) => continue,
                Some(entry) => (
                    if entry.value_range.is_empty() {
                        entry.key_range
                    } else {
                        entry.value_range
                    },
                    format!(
                        "`security.privileged` is \"{}\" on {}: the system instance must be privileged",
                        entry.value, doc.name
                    ),
                ),
                None => (
                    instance
                        .effective_config()
                        .map_or(instance.anchor, |section| section.key_range),
                    format!(
                        "{} does not set `security.privileged`: the system instance must be privileged",
                        doc.name
                    ),
                ),
            };
            let range = if range.is_empty() {
                TextRange::empty(range.start())
            } else {
                range
            };
            found.push((
                index,
                Self::META
                    .diagnostic(doc.file, range, message)
                    .with_label("not privileged")
                    .with_help("set `security.privileged: \"true\"` (`lxc config set NAME security.privileged=true`)"),
            ));
        }
        super::report_once(ctx, found, out);
    }
}
