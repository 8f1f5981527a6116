use gblint_diagnostics::Diagnostic;

use crate::context::Context;
use crate::declare_rule;
use crate::file_kind::FileKind;
use crate::rule::{Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports instance config keys LXD 5.0 does not know (`security.privilegd`), values it
    /// refuses (`security.privileged: maybe`, `limits.memory: 2GBB`,
    /// `limits.cpu.priority: "11"`), devices of an unknown type, and proxy or disk device
    /// options LXD refuses (an unknown option, `listen: tcp:0.0.0.0` without a port,
    /// `nat: maybe`, a disk without `source`). The message is LXD's own.
    ///
    /// `user.*`, `environment.*`, `image.*`, `linux.sysctl.*`, `limits.kernel.*` and
    /// `volatile.*` keys are accepted as LXD accepts them. Values whose check needs more than
    /// the value (CPU sets, schedules, cloud-init data, `raw.lxc`) are not checked.
    ///
    /// An instance whose `backup.yaml` and export are both in the tree is checked in both: a
    /// finding both give is reported once, on the export (the file the fix goes into); one only
    /// a single file gives is reported on it, with a label on the other (docs/lxd.md).
    ///
    /// ## Why is this bad
    /// `lxc config edit` refuses the whole edit with the first of these it meets, so none of
    /// the file's other changes are applied; a config written back some other way (a restored
    /// `backup.yaml`, an import) fails to load the instance.
    ///
    /// ## Example
    /// A boolean that is not one and a misspelt key, in the system container's export:
    ///
    /// `host/etc/gblint/lxd/pragmatismo-system.yaml`:
    /// ```yaml
    /// config:
    ///   security.privileged: maybe
    ///   limits.memroy: 2048MB
    /// ```
    ///
    /// ## Use instead
    ///
    /// `host/etc/gblint/lxd/pragmatismo-system.yaml`:
    /// ```yaml
    /// config:
    ///   security.privileged: "true"
    ///   limits.memory: 2048MB
    /// ```
    ///
    /// ## Fix safety
    /// No fix: gblint cannot know which value was meant.
    pub struct InvalidInstanceConfig {
        code: "LXD001",
        name: "invalid-instance-config",
        severity: Error,
        category: Load,
        fix: None,
        kind: Some(FileKind::Lxd),
    }
}

impl Rule for InvalidInstanceConfig {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut found = Vec::new();
        for (index, doc) in ctx.deployment.lxd.iter().enumerate() {
            for problem in doc.instance.validate() {
                found.push((
                    index,
                    Self::META
                        .diagnostic(doc.file, problem.range, problem.message)
                        .with_label("LXD refuses this")
                        .with_help("`lxc config edit` rejects the whole edit; see `lxc config` and LXD's instance options"),
                ));
            }
        }
        super::report_once(ctx, found, out);
    }
}
